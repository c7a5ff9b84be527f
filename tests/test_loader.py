"""Fixture loading: the shipped fixtures load, and every mistake is one clear line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mock_logto.cli import main
from mock_logto.errors import FixtureError
from mock_logto.loader import derive, load_tenant
from mock_logto.loader.build import MIXED
from mock_logto.models import MANAGEMENT_API_ROLE_NAME

from .support.paths import FIXTURES, GOLDEN, GOLDEN_FIXTURE

BASE = """
resources:
  - name: API
    indicator: https://api.test
    scopes: [{name: read}, {name: write}]
roles:
  - {name: reader, type: User, scopes: ["https://api.test read"]}
  - {name: service, type: MachineToMachine, scopes: ["https://api.test read"]}
applications:
  - {id: m2m, name: m2m, type: MachineToMachine, secret: s3cret, roles: [service]}
users:
  - {username: alice, roles: [reader]}
"""

# (name, fixture text, the one expected problem line after the file name)
BROKEN = [
    (
        "unknown-key",
        BASE + "  - {username: bob, colour: blue}\n",
        "users[1] (bob): colour: unknown key",
    ),
    (
        "snake-case-key",
        BASE.replace("roles: [service]}", "roles: [service], redirect_uris: []}"),
        "applications[0] (m2m): redirect_uris: unknown key",
    ),
    (
        "role-unknown-scope",
        BASE.replace(
            '"https://api.test read"]}\n  - {name: service',
            '"https://api.test delete"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: API resource 'https://api.test' has no scope 'delete'",
    ),
    (
        "role-unknown-resource",
        BASE.replace(
            'scopes: ["https://api.test read"]}\n  - {name: service',
            'scopes: ["https://nope.test read"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: unknown API resource 'https://nope.test'",
    ),
    (
        "scope-ref-format",
        BASE.replace(
            'scopes: ["https://api.test read"]}\n  - {name: service',
            'scopes: ["read"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: 'read' must be '<resource indicator> <scope name>'",
    ),
    (
        "user-unknown-role",
        BASE.replace("{username: alice, roles: [reader]}", "{username: alice, roles: [admin]}"),
        "users[0] (alice): roles[0]: unknown role 'admin'",
    ),
    (
        "user-given-m2m-role",
        BASE.replace("{username: alice, roles: [reader]}", "{username: alice, roles: [service]}"),
        "users[0] (alice): roles[0]: role 'service' is a MachineToMachine role; "
        "users take User roles",
    ),
    (
        "duplicate-app-id",
        BASE.replace("users:", "  - {id: m2m, name: other, type: MachineToMachine}\nusers:"),
        "applications[1] (other): id: duplicate id 'm2m', also used by FILE: applications[0]",
    ),
    (
        "duplicate-indicator",
        BASE.replace("roles:\n", "  - {name: API 2, indicator: https://api.test}\nroles:\n", 1),
        "resources[1] (API 2): indicator: duplicate indicator 'https://api.test'",
    ),
    (
        "relative-indicator",
        BASE.replace("roles:\n", "  - {name: Rel, indicator: /relative}\nroles:\n", 1),
        "resources[1] (Rel): indicator: '/relative' must be an absolute URI",
    ),
    (
        "indicator-with-fragment",
        BASE.replace("roles:\n", "  - {name: Frag, indicator: 'https://x.test/#a'}\nroles:\n", 1),
        "resources[1] (Frag): indicator: 'https://x.test/#a' must not contain a fragment component",
    ),
    (
        "wrong-type",
        BASE.replace("type: MachineToMachine, secret", "type: Robot, secret"),
        "applications[0] (m2m): type: Input should be 'MachineToMachine', 'Traditional', 'SPA' "
        "or 'Native'",
    ),
    (
        "ttl-not-positive",
        BASE.replace(
            "indicator: https://api.test\n", "indicator: https://api.test\n    accessTokenTtl: 0\n"
        ),
        "resources[0] (API): accessTokenTtl: Input should be greater than 0",
    ),
    (
        "secret-on-public-client",
        BASE.replace("users:", "  - {name: spa, type: SPA, secret: x}\nusers:"),
        "applications[1] (spa): secret: SPA apps are public clients: no secret",
    ),
    (
        "secrets-on-public-client",
        BASE.replace("users:", "  - {name: spa, type: SPA, secrets: [{name: a}]}\nusers:"),
        "applications[1] (spa): secrets[0]: SPA apps are public clients: no secret",
    ),
    (
        "secret-named-twice",
        BASE.replace("secret: s3cret,", "secret: s3cret, secrets: [{name: Default secret}],"),
        "applications[0] (m2m): secrets[0]: duplicate secret name 'Default secret'",
    ),
    (
        "negative-timestamp",
        BASE.replace("{username: alice,", "{username: alice, lastSignInAt: -1,"),
        "users[0] (alice): lastSignInAt: Input should be greater than or equal to 0",
    ),
    (
        "role-on-web-app",
        BASE.replace("users:", "  - {name: web, type: Traditional, roles: [service]}\nusers:"),
        "applications[1] (web): roles: only MachineToMachine apps can be given roles",
    ),
    (
        "bad-redirect-uri",
        BASE.replace(
            "users:", "  - {name: web, type: Traditional, redirectUris: [callback]}\nusers:"
        ),
        "applications[1] (web): redirectUris[0]: 'callback' is not a URI",
    ),
    (
        "management-scope-in-user-role",
        BASE.replace(
            '"https://api.test read"]}\n  - {name: service',
            '"https://default.logto.app/api all"]}\n  - {name: service',
        ),
        "roles[0] (reader): scopes[0]: Management API scopes cannot be given to a User role",
    ),
    (
        "duplicate-username",
        BASE + "  - {id: u2, username: alice}\n",
        "users[1] (alice): username: 'alice' is already used by FILE: users[0] (alice)",
    ),
    (
        "duplicate-email-in-another-case",
        BASE.replace("{username: alice,", "{username: alice, primaryEmail: alice@example.com,")
        + "  - {username: bob, primaryEmail: Alice@Example.com}\n",
        "users[1] (bob): primaryEmail: 'Alice@Example.com' is already used by "
        "FILE: users[0] (alice)",
    ),
    (
        "org-unknown-member",
        BASE + "organizations:\n  - {name: acme, users: [{user: carol}]}\n",
        "organizations[0] (acme): users[0].user: unknown user 'carol'",
    ),
    (
        "org-unknown-role",
        BASE + "organizations:\n  - {name: acme, users: [{user: alice, roles: [owner]}]}\n",
        "organizations[0] (acme): users[0].roles[0]: unknown organization role 'owner'",
    ),
    (
        "org-user-role-given-to-app",
        BASE + "organizationRoles:\n  - {name: member, type: User}\n"
        "organizations:\n  - {name: acme, applications: [{application: m2m, roles: [member]}]}\n",
        "organizations[0] (acme): applications[0].roles[0]: organization role 'member' is a User "
        "role; this member takes MachineToMachine roles",
    ),
    (
        "org-role-unknown-org-scope",
        BASE + "organizationRoles:\n  - {name: member, organizationScopes: [org:read]}\n",
        "organizationRoles[0] (member): organizationScopes[0]: unknown organization scope "
        "'org:read'",
    ),
    (
        "scope-name-with-space",
        BASE.replace("{name: write}", "{name: 'write all'}"),
        "resources[0] (API): scopes[1].name: String should match pattern '^\\S+$'",
    ),
    (
        "section-not-a-list",
        "applications: {name: x}\n",
        "applications: Input should be a valid list",
    ),
]


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


def test_named_secrets_and_timestamps_are_kept_as_written(tmp_path: Path) -> None:
    text = (
        BASE.replace("scopes: [{name: read}", "scopes: [{name: read, createdAt: 5}")
        .replace(
            "secret: s3cret,",
            "secrets: [{name: a, value: va, createdAt: 7, expiresAt: 9}, {name: b}],",
        )
        .replace("users:", "  - {id: gone, name: gone, type: Traditional, secrets: []}\nusers:")
        .replace(
            "{username: alice,",
            "{username: alice, createdAt: 10, updatedAt: 11, lastSignInAt: 12, "
            "personalAccessTokens: [{name: t, createdAt: 13}],",
        )
    )
    tenant = load_tenant(_write(tmp_path, text), clock=lambda: 100)
    [read, write] = next(r for r in tenant.resources.values() if r.name == "API").scopes
    assert (read.created_at, write.created_at) == (5, 100_000)
    [a, b] = tenant.applications["m2m"].secrets
    assert (a.name, a.value, a.created_at, a.expires_at) == ("a", "va", 7, 9)
    assert (b.name, b.value, b.created_at, b.expires_at) == (
        "b",
        derive("secret", "m2m", "b", length=32, alphabet=MIXED),
        100_000,
        None,
    )
    assert tenant.applications["gone"].secrets == []
    [alice] = tenant.users.values()
    assert (alice.created_at, alice.updated_at, alice.last_sign_in_at) == (10, 11, 12)
    assert alice.personal_access_tokens[0].created_at == 13


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
