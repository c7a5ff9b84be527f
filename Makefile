# The same commands run locally and in CI (.ci/run). Each target installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install serve test test-fast lint check bench clean

$(BIN)/mock-logto: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/mock-logto

## Serve the default fixtures on http://localhost:3001 (Ctrl-C stops it).
serve: install
	$(BIN)/mock-logto serve

## The test suite, under coverage. `coverage run` rather than pytest-cov: the package is also
## a pytest plugin, imported before pytest-cov could start measuring.
test: install
	$(BIN)/python -m coverage run -m pytest
	$(BIN)/python -m coverage report

## The in-process tests only (not marked e2e: no subprocesses), in parallel, without coverage:
## seconds, for the edit-and-test loop. CI runs `make test`.
test-fast: install
	$(BIN)/python -m pytest -m "not e2e" -n auto -q

## Lint, format check, strict typing, fixtures and the Dockerfile (hadolint).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mock-logto check-fixtures fixtures/default.yaml fixtures/logto-golden.yaml
	$(BIN)/hadolint Dockerfile

check: lint test

bench: install
	$(BIN)/python bench/startup_and_tokens.py
	$(BIN)/python bench/sign_ins_and_memory.py
	$(BIN)/python bench/plugin_costs.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build
