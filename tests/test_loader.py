"""Fixture loading: the shipped fixtures load, and every mistake is one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mock_logto.cli import main
from mock_logto.errors import FixtureError
from mock_logto.loader import derive, load_tenant
from mock_logto.models import MANAGEMENT_API_ROLE_NAME

from .support.broken_fixtures import BASE, BROKEN
from .support.paths import FIXTURES, GOLDEN, GOLDEN_FIXTURE


def _write(tmp_path: Path, text: str, name: str = "tenant.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_base_fixture_is_valid(tmp_path: Path) -> None:
    tenant = load_tenant(_write(tmp_path, BASE))
    assert tenant.applications["m2m"].secrets[0].value == "s3cret"


@pytest.mark.parametrize(("case", "text", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_fixture_is_one_line_naming_file_entry_and_field(
    tmp_path: Path, case: str, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(FixtureError) as info:
        load_tenant(path)
    line = f"{path}: " + expected.replace("FILE", str(path))
    assert info.value.problems == [line]

    assert main(["check-fixtures", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"mock-logto: {line}\n"
    assert captured.out == ""


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = BASE.replace("roles: [reader]}", "roles: [admin, service]}") + "  - {username: 9x}\n"
    path = _write(tmp_path, text)
    with pytest.raises(FixtureError) as info:
        load_tenant(path)
    assert info.value.problems == [
        f"{path}: users[1] (9x): username: String should match pattern '^[A-Z_a-z]\\w*$'"
    ]
    path.write_text(BASE.replace("roles: [reader]}", "roles: [admin, service]}"))
    with pytest.raises(FixtureError) as info:
        load_tenant(path)
    assert info.value.problems == [
        f"{path}: users[0] (alice): roles[0]: unknown role 'admin'",
        f"{path}: users[0] (alice): roles[1]: role 'service' is a MachineToMachine role; "
        "users take User roles",
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "bad.yaml",
            "users: [\n",
            "line 2: invalid YAML: expected the node content, but found '<stream end>'",
        ),
        ("bad.json", '{"users": [}', "line 1: invalid JSON: Expecting value"),
        ("list.yaml", "- a\n- b\n", "the top level must be a mapping of sections, not list"),
        ("extra.yaml", "apps: []\n", "apps: unknown key"),
    ],
)
def test_unreadable_files_name_the_file_and_line(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = _write(tmp_path, text, name)
    with pytest.raises(FixtureError) as info:
        load_tenant(path)
    assert info.value.problems == [f"{path}: {expected}"]


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(FixtureError) as info:
        load_tenant(tmp_path / "nope.yaml")
    assert info.value.problems == [f"{tmp_path / 'nope.yaml'}: no such file or directory"]
    with pytest.raises(FixtureError) as info:
        load_tenant(tmp_path)
    assert info.value.problems == [
        f"{tmp_path}: no fixture files (*.yaml, *.yml, *.json) in directory"
    ]


def test_directory_merges_its_files_and_cross_references_between_them(tmp_path: Path) -> None:
    _write(tmp_path, BASE.split("applications:")[0], "1-resources.yaml")
    _write(tmp_path, "applications:" + BASE.split("applications:")[1], "2-apps.yml")
    (tmp_path / "notes.txt").write_text("ignored")
    tenant = load_tenant(tmp_path)
    assert set(tenant.applications) == {"m2m"}
    assert [u.username for u in tenant.users.values()] == ["alice"]


def test_problems_in_merged_files_name_the_file_of_the_entry(tmp_path: Path) -> None:
    _write(tmp_path, BASE.split("applications:")[0], "1-resources.yaml")
    bad = _write(tmp_path, "users:\n  - {username: carol, roles: [ghost]}\n", "2-users.yaml")
    with pytest.raises(FixtureError) as info:
        load_tenant(tmp_path)
    assert info.value.problems == [f"{bad}: users[0] (carol): roles[0]: unknown role 'ghost'"]


def test_ids_and_secrets_left_out_are_stable_across_loads(tmp_path: Path) -> None:
    text = BASE.replace(
        "users:", "  - {name: web, type: Traditional, redirectUris: ['http://x.test/cb']}\nusers:"
    )
    path = _write(tmp_path, text)
    first, second = load_tenant(path), load_tenant(path)
    web_id = derive("application", "web")
    assert web_id in first.applications and len(web_id) == 21
    assert (
        first.applications[web_id].secrets[0].value == second.applications[web_id].secrets[0].value
    )
    assert len(first.applications[web_id].secrets[0].value) == 32
    assert first.applications[web_id].internal_secret.startswith("#internal:")
    assert list(first.users) == list(second.users) == [derive("user", "alice", length=12)]
    assert [r.id for r in first.resources.values()] == [r.id for r in second.resources.values()]


def test_management_api_resource_and_role_are_built_in(tmp_path: Path) -> None:
    tenant = load_tenant(_write(tmp_path, "{}\n"))
    management = tenant.resource_by_indicator("https://default.logto.app/api")
    assert management is not None
    assert (management.id, management.name, [s.name for s in management.scopes]) == (
        "management-api",
        "Logto Management API",
        ["all"],
    )
    [role] = [r for r in tenant.roles.values() if r.name == MANAGEMENT_API_ROLE_NAME]
    assert (role.type, role.scope_ids) == ("MachineToMachine", ["management-api-all"])


def test_cloud_indicator_replaces_the_oss_one(tmp_path: Path) -> None:
    tenant = load_tenant(
        _write(tmp_path, "{}\n"), management_api_indicator="https://acme.logto.app/api"
    )
    assert tenant.resource_by_indicator("https://acme.logto.app/api") is not None
    assert tenant.resource_by_indicator("https://default.logto.app/api") is None


def test_golden_fixture_replicates_the_recorded_scenario() -> None:
    import json

    scenario = json.loads((GOLDEN / "scenario.json").read_text())
    tenant = load_tenant(GOLDEN_FIXTURE)
    for app in scenario["applications"]:
        mine = tenant.applications[app["id"]]
        assert (mine.name, mine.type, mine.secrets[0].value) == (
            app["name"],
            app["type"],
            app["secret"],
        )
        assert mine.internal_secret == app.get("internal_secret", mine.internal_secret)
        assert sorted(tenant.roles[r].name for r in mine.role_ids) == sorted(app.get("roles", []))
        assert mine.redirect_uris == app.get("redirectUris", [])
    for resource in scenario["resources"]:
        mine_resource = tenant.resources[resource["id"]]
        assert mine_resource.indicator == resource["indicator"]
        assert [(s.id, s.name) for s in mine_resource.scopes] == [
            (s["id"], s["name"]) for s in resource["scopes"]
        ]
    for role in scenario["roles"]:
        assert tenant.roles[role["id"]].name == role["name"]
    assert (
        tenant.roles[scenario["management_api"]["m2m_role"]["id"]].name == MANAGEMENT_API_ROLE_NAME
    )
    [user] = scenario["users"]
    assert tenant.users[user["id"]].password == user["password"]
    [org] = scenario["organizations"]
    assert tenant.organizations[org["id"]].user_roles == {"rpl03n16wy3x": ["oosvu6iomft2qnjn1ayp1"]}
    assert tenant.organizations[org["id"]].application_roles == {
        "y1wo0iqlzt30wfuyc4oep": ["q9uzxz3cy764m3pqfz7bv"]
    }


def test_every_shipped_fixture_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    for path in sorted(FIXTURES.glob("*.yaml")):
        assert main(["check-fixtures", str(path)]) == 0
    assert main(["check-fixtures"]) == 0
    out = capsys.readouterr().out
    assert out.count("ok: ") == len(list(FIXTURES.glob("*.yaml"))) + 1


@pytest.mark.e2e  # a subprocess
def test_cli_check_fixtures_prints_no_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, BASE.replace("roles: [reader]}", "roles: [ghost]}"))
    result = subprocess.run(
        [sys.executable, "-m", "mock_logto", "check-fixtures", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert (
        result.stderr == f"mock-logto: {path}: users[0] (alice): roles[0]: unknown role 'ghost'\n"
    )
