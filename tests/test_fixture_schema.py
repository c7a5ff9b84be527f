"""The JSON Schema of fixture files: current, accepting good fixtures, refusing shape errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from mock_logto.cli import main
from mock_logto.loader import load_tenant
from mock_logto.loader.json_schema import SCHEMA_FILE, fixture_json_schema, schema_text

from .support.broken_fixtures import BASE, BROKEN
from .support.paths import FIXTURES

#: Broken fixtures of tests/test_loader.py whose mistake is a reference between entries or a
#: duplicate: the loader finds those; a JSON Schema cannot express them.
BEYOND_A_SCHEMA = {
    "role-unknown-scope",
    "role-unknown-resource",
    "misspelt-role",
    "user-unknown-role",
    "user-given-m2m-role",
    "duplicate-app-id",
    "secret-named-twice",
    "duplicate-indicator",
    "management-scope-in-user-role",
    "duplicate-username",
    "duplicate-email-in-another-case",
    "org-unknown-member",
    "org-unknown-role",
    "org-user-role-given-to-app",
    "org-role-unknown-org-scope",
}


def validator() -> Any:
    return jsonschema_rs.validator_for(fixture_json_schema())


def test_the_schema_file_in_the_repository_is_current() -> None:
    assert (FIXTURES / SCHEMA_FILE).read_text() == schema_text()


def test_mock_logto_schema_prints_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == fixture_json_schema()
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "s.json").read_text() == schema_text()


@pytest.mark.parametrize("name", ["default.yaml", "logto-golden.yaml"])
def test_the_bundled_fixtures_are_valid_and_point_editors_at_the_schema(name: str) -> None:
    text = (FIXTURES / name).read_text()
    assert text.startswith(f"# yaml-language-server: $schema=./{SCHEMA_FILE}\n")
    assert list(validator().iter_errors(yaml.safe_load(text))) == []


def test_a_fixture_directory_skips_the_schema_file(tmp_path: Path) -> None:
    (tmp_path / "tenant.yaml").write_text(BASE)
    (tmp_path / SCHEMA_FILE).write_text(schema_text())
    tenant = load_tenant(tmp_path)  # the schema file is not read as a fixture
    assert tenant.summary() == load_tenant(tmp_path / "tenant.yaml").summary()


SHAPE_ERRORS = [case for case in BROKEN if case[0] not in BEYOND_A_SCHEMA]


@pytest.mark.parametrize(
    ("case", "text", "expected"), SHAPE_ERRORS, ids=[c[0] for c in SHAPE_ERRORS]
)
def test_the_schema_refuses_each_shape_error_the_loader_refuses(
    case: str, text: str, expected: str
) -> None:
    document: Any = yaml.safe_load(text)
    assert list(validator().iter_errors(document)) != []


def test_the_base_fixture_of_the_loader_tests_is_valid() -> None:
    assert list(validator().iter_errors(yaml.safe_load(BASE))) == []
