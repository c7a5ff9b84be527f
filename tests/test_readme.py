"""The README's settings table, fixture example and error example are true."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_logto.cli import main
from mock_logto.loader import load_tenant

from .readme import README, code_blocks, settings_rows


def test_settings_table_lists_every_setting_as_it_is() -> None:
    text = README.read_text()
    table = [line for line in text.splitlines() if line.startswith("| `")]
    settings_table = [line for line in table if "MOCK_LOGTO_" in line]
    assert settings_table == settings_rows()


def test_fixture_example_is_a_valid_fixture(tmp_path: Path) -> None:
    [example] = code_blocks("yaml")
    path = tmp_path / "example.yaml"
    path.write_text(example)
    tenant = load_tenant(path)
    assert tenant.applications["demo-m2m"].secrets[0].value == "demo-m2m-secret"
    assert [o.name for o in tenant.organizations.values()] == ["Acme"]


def test_error_example_is_what_check_fixtures_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [example] = [b for b in code_blocks("") if b.startswith("mock-logto: ")]
    path = tmp_path / "tenant.yaml"
    path.write_text("users:\n  - {username: alice, roles: [admin]}\n")
    assert main(["check-fixtures", str(path)]) == 2
    printed = capsys.readouterr().err
    assert printed == example.replace("fixtures/tenant.yaml", str(path))
