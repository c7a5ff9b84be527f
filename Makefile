# The same commands run locally and in CI (.ci/run). Each target installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install serve test test-fast lint check bench lock dist clean

# Serving needs only the package; tests, lint and bench also need the dev tools.
$(VENV)/.serve-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.serve-installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.dev-installed

## Serve the default fixtures on http://localhost:3001 (Ctrl-C stops it).
serve: $(VENV)/.serve-installed
	$(BIN)/mock-logto serve

## The test suite, under coverage. `coverage run` rather than pytest-cov: the package is also
## a pytest plugin, imported before pytest-cov could start measuring.
test: install
	$(BIN)/python -m coverage run -m pytest
	$(BIN)/python -m coverage report

## The in-process tests only (not marked e2e: no subprocesses), in parallel, without coverage:
## seconds, for the edit-and-test loop. CI runs `make test`.
test-fast: install
	$(BIN)/python -m pytest -m "not e2e and not generated" -n auto -q

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
	$(BIN)/python bench/custom_jwt.py
	$(BIN)/python bench/plugin_costs.py
	$(BIN)/python bench/users_at_scale.py

## Pin the runtime dependencies the Docker image installs (after changing them in pyproject.toml).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet .
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/python -m pip freeze --exclude mock-logto; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

## The wheel and sdist, checked as PyPI would (twine check).
dist: install
	rm -rf dist && $(BIN)/python -m build --outdir dist . >/dev/null
	$(BIN)/python -m twine check --strict dist/*

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build
