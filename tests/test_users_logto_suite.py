"""Logto's own integration tests of the users group, ported (admin-user*.test.ts, v1.37.0).

Each test names the `it(...)` it comes from and keeps its assertions; users are created through
the API as the suite's `createUserByAdmin` does. Left out: the tests that need Logto's mock
social connector (`postUserIdentity` through a connector, a social sign-up) and the phone number
normalization ones (they need libphonenumber: the mock compares phones exactly).
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

Params = list[tuple[str, str | int | float | bool | None]]


def _user(admin: TestClient, **body: Any) -> dict[str, Any]:
    response = admin.post("/api/users", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def _rejects(response: httpx2.Response, code: str, status: int) -> None:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text


# --------------------------------------------------------------------------- admin-user.test.ts


def test_should_create_and_get_user_successfully(admin: TestClient) -> None:
    user = _user(admin, username="created")
    details = admin.get(f"/api/users/{user['id']}").json()
    assert details["id"] == user["id"] and "ssoIdentities" not in details
    with_sso = admin.get(f"/api/users/{user['id']}", params={"includeSsoIdentities": "true"})
    assert with_sso.json()["ssoIdentities"] == []


def test_should_create_user_with_password_digest_successfully(admin: TestClient) -> None:
    user = _user(admin, passwordDigest="5f4dcc3b5aa765d61d8327deb882cf99", passwordAlgorithm="MD5")
    verified = admin.post(f"/api/users/{user['id']}/password/verify", json={"password": "password"})
    assert verified.status_code == 204


def test_should_create_user_with_password_digest_length_256_but_not_257(admin: TestClient) -> None:
    _user(admin, passwordDigest="a" * 256, passwordAlgorithm="MD5")
    too_long = admin.post(
        "/api/users", json={"passwordDigest": "a" * 257, "passwordAlgorithm": "MD5"}
    )
    _rejects(too_long, "guard.invalid_input", 400)


def test_should_create_user_with_legacy_password_digest(admin: TestClient) -> None:
    digest = hashlib.sha512(b"password").hexdigest()  # args ["@"]: the password alone
    user = _user(admin, passwordDigest=f'["sha512", ["@"], "{digest}"]', passwordAlgorithm="Legacy")
    verified = admin.post(f"/api/users/{user['id']}/password/verify", json={"password": "password"})
    assert verified.status_code == 204
    bad = admin.post("/api/users", json={"passwordDigest": "[1]", "passwordAlgorithm": "Legacy"})
    assert bad.json() == {
        "code": "password.invalid_legacy_password_format",
        "message": "Invalid legacy password format.",
    }


def test_should_create_user_with_custom_data_and_profile_successfully(admin: TestClient) -> None:
    user = _user(admin, customData={"foo": "bar"}, profile={"gender": "neutral"})
    got = admin.get(f"/api/users/{user['id']}").json()
    assert (got["customData"], got["profile"]) == ({"foo": "bar"}, {"gender": "neutral"})


def test_should_fail_when_create_user_with_conflict_identifiers(admin: TestClient) -> None:
    _user(admin, username="u1", password="p", primaryEmail="u1@x.io", primaryPhone="15550009999")
    _rejects(admin.post("/api/users", json={"username": "u1"}), "user.username_already_in_use", 422)
    email = admin.post("/api/users", json={"primaryEmail": "u1@x.io"})
    _rejects(email, "user.email_already_in_use", 422)
    phone = admin.post("/api/users", json={"primaryPhone": "15550009999"})
    _rejects(phone, "user.phone_already_in_use", 422)


def test_should_fail_when_get_user_by_invalid_id(admin: TestClient) -> None:
    _rejects(admin.get("/api/users/invalid-user-id"), "entity.not_found", 404)


def test_should_update_userinfo_successfully(admin: TestClient) -> None:
    user = _user(admin)
    new = {
        "name": "new name",
        "primaryEmail": "new@x.io",
        "primaryPhone": "15550001234",
        "username": "new_user",
        "avatar": "https://new.avatar.com/avatar.png",
        "customData": {"level": 1},
        "profile": {"familyName": "new family name", "address": {"formatted": "new address"}},
    }
    updated = admin.patch(f"/api/users/{user['id']}", json=new).json()
    assert {k: updated[k] for k in new} == new
    assert updated["updatedAt"] > user["updatedAt"]


def test_should_able_to_update_profile_partially(admin: TestClient) -> None:
    user = _user(admin)
    profile = {"familyName": "new family name", "address": {"formatted": "new formatted address"}}
    path = f"/api/users/{user['id']}/profile"
    assert admin.patch(path, json={"profile": profile}).json() == profile
    patch = {"familyName": "another name", "website": "https://logto.io/"}
    assert admin.patch(path, json={"profile": patch}).json() == {**profile, **patch}


def test_should_respond_422_when_no_update_data_provided(admin: TestClient) -> None:
    user = _user(admin)
    _rejects(admin.patch(f"/api/users/{user['id']}", json={}), "entity.invalid_input", 422)


def test_should_fail_when_update_userinfo_with_conflict_identifiers(admin: TestClient) -> None:
    _user(admin, username="taken", primaryEmail="taken@x.io", primaryPhone="15550004321")
    other = _user(admin)["id"]
    for body, code in (
        ({"username": "taken"}, "user.username_already_in_use"),
        ({"primaryEmail": "taken@x.io"}, "user.email_already_in_use"),
        ({"primaryPhone": "15550004321"}, "user.phone_already_in_use"),
    ):
        _rejects(admin.patch(f"/api/users/{other}", json=body), code, 422)


def test_should_delete_user_successfully(admin: TestClient) -> None:
    user = _user(admin, username="gone", password="password")
    assert admin.delete(f"/api/users/{user['id']}").status_code == 204
    assert admin.get(f"/api/users/{user['id']}").status_code == 404


def test_should_update_user_password_successfully(admin: TestClient) -> None:
    user = _user(admin)
    updated = admin.patch(f"/api/users/{user['id']}/password", json={"password": "new_password"})
    body = updated.json()
    assert body["hasPassword"] is True and body["updatedAt"] > user["updatedAt"]
    rest = {k: v for k, v in user.items() if k not in ("updatedAt", "hasPassword")}
    assert {k: body[k] for k in rest} == rest


def test_should_put_user_identities(admin: TestClient) -> None:
    """The `putUserIdentity` half of 'should link social identity successfully'."""
    user = _user(admin)["id"]
    first = {"userId": "another", "details": {"id": "another", "rawData": {"userId": "another"}}}
    updated = admin.put(f"/api/users/{user}/identities/mock-social", json=first).json()
    assert updated == {"mock-social": first}
    second = {"userId": "social_identity_user_id", "details": {"age": 21, "email": "foo@logto.io"}}
    both = admin.put(f"/api/users/{user}/identities/social_target", json=second).json()
    assert both == {"mock-social": first, "social_target": second}


def test_should_verify_passwords(admin: TestClient) -> None:
    """'should return 204 if password is correct', '… 422 if incorrect', '… 400 if empty'."""
    user = _user(admin, password="new_password")["id"]
    path = f"/api/users/{user}/password/verify"
    assert admin.post(path, json={"password": "new_password"}).status_code == 204
    _rejects(admin.post(path, json={"password": "wrong"}), "session.invalid_credentials", 422)
    _rejects(admin.post(path, json={"password": ""}), "guard.invalid_input", 400)


# --------------------------------------------------------------------------- admin-user.search


@pytest.fixture
def searchable(admin: TestClient) -> list[dict[str, Any]]:
    raw = [
        "tom scott",
        "tom scott 2",
        "tom scott 3",
        "tom scott 4",
        "tom scott 5",
        "jerry swift",
        "jerry swift 1",
        "jerry swift jr",
        "jerry swift jr 2",
        "jerry swift jr jr",
    ]
    suffixes = ["@gmail.com", "@foo.bar", "@geek.best"]
    made = []
    for index, name in enumerate(raw):
        username = "_".join(name.split())
        display = " ".join(s[0].upper() + s[1:] for s in name.split() if not s.isdigit())
        made.append(
            _user(
                admin,
                username="search_" + username,
                primaryEmail=username + suffixes[index % 3],
                primaryPhone="1310805" + str(index).zfill(4),
                name=display,
            )
        )
    return made


def _search(admin: TestClient, params: Params) -> tuple[str, list[dict[str, Any]]]:
    response = admin.get("/api/users", params=params)
    assert response.status_code == 200, response.text
    return response.headers["total-number"], response.json()


def test_should_search_username_and_phone_with_search_alone(
    admin: TestClient, searchable: list[dict[str, Any]]
) -> None:
    total, found = _search(admin, [("search", "%search_tom%")])
    assert total == "5" and all(u["name"] == "Tom Scott" for u in found)
    total, found = _search(admin, [("search", "%1310805000%")])
    assert total == "10" and all(u["username"].startswith("search_") for u in found)


def test_should_be_able_to_perform_exact_searches(
    admin: TestClient, searchable: list[dict[str, Any]]
) -> None:
    exact: Params = [("search.name", "jerry swift"), ("mode.name", "exact")]
    assert _search(admin, [*exact, ("isCaseSensitive", "true")])[0] == "0"
    total, found = _search(admin, exact)
    assert total == "2" and all(u["name"] == "Jerry Swift" for u in found)


def test_should_be_able_to_perform_hybrid_search(
    admin: TestClient, searchable: list[dict[str, Any]]
) -> None:
    total, found = _search(
        admin,
        [
            ("search.name", "^Jerry((?!Jr).)*Jr{1}((?!Jr).)*$"),
            ("mode.name", "posix"),
            ("search.username", "search_%"),
            ("search.primaryPhone", "%0{3,}%"),
            ("mode.primaryPhone", "similar_to"),
            ("joint", "and"),
            ("isCaseSensitive", "true"),
        ],
    )
    assert total == "2" and all(u["name"] == "Jerry Swift Jr" for u in found)
    total, found = _search(
        admin,
        [
            ("search.name", "^T.?m Scot+$"),
            ("mode.name", "posix"),
            ("search.username", "search_tom%"),
            ("mode.username", "similar_to"),
            ("isCaseSensitive", "true"),
        ],
    )
    assert total == "5" and all(u["username"].startswith("search_") for u in found)


def test_should_accept_multiple_value_for_exact_match(
    admin: TestClient, searchable: list[dict[str, Any]]
) -> None:
    total, found = _search(
        admin,
        [
            ("search.primaryEmail", "jerry_swiFt_jr@foo.bar"),
            ("search.primaryEmail", "jerry_swift_Jr_2@geek.best"),
            ("search.primaryEmail", "jerry_swift_jr_jR@gmail.com"),
            ("mode.primaryEmail", "exact"),
        ],
    )
    assert total == "3" and all(u["name"].startswith("Jerry Swift Jr") for u in found)
    ids = [u["id"] for u in searchable[:3]]
    params: Params = [("search.id", i) for i in [*ids, ids[2], "not_possible"]]
    total, _ = _search(admin, [*params, ("mode.id", "exact"), ("isCaseSensitive", "true")])
    assert total == "3"


@pytest.mark.parametrize(
    ("params", "included"),
    [
        ([("search.primaryEmail", "a"), ("search.primaryEmail", "b")], "`exact`"),
        ([("search.primaryEmail", ""), ("search", "tom")], "cannot be empty"),
        (
            [("search.primaryEmail", "%gmail%"), ("mode.primaryEmail", "similar_to")],
            "case-insensitive",
        ),
        ([("search.primaryEmail", "%gmail%"), ("mode.primaryEmail", "similar to")], "is not valid"),
        ([("search.email", "%gmail%")], "is not valid"),
        ([("search.primaryEmail", "%gmail%"), ("joint", "and1")], "is not valid"),
    ],
)
def test_should_throw_on_invalid_search(admin: TestClient, params: Params, included: str) -> None:
    response = admin.get("/api/users", params=params)
    _rejects(response, "request.invalid_input", 400)
    assert included in response.json()["message"]


def test_should_be_able_to_exclude_users_with_a_specific_role(admin: TestClient) -> None:
    made = [_user(admin, username=f"search_exclude_role_{i}")["id"] for i in (1, 2, 3)]
    roles = [
        admin.post("/api/roles", json={"name": f"role_{i}", "description": "r"}).json()["id"]
        for i in (1, 2, 3)
    ]
    for user, held in zip(made, ([0, 1], [1, 2], [2]), strict=True):
        assigned = admin.post(
            f"/api/users/{user}/roles", json={"roleIds": [roles[i] for i in held]}
        )
        assert assigned.status_code == 201
    search: Params = [("search.username", "search_exclude_role_%")]
    total, found = _search(admin, [*search, ("excludeRoleId", roles[0])])
    assert total == "2" and {u["id"] for u in found} == {made[1], made[2]}
    total, found = _search(admin, [*search, ("excludeRoleId", roles[1])])
    assert total == "1" and [u["id"] for u in found] == [made[2]]


def test_should_be_able_to_exclude_users_with_a_specific_organization(admin: TestClient) -> None:
    orgs = [
        admin.post("/api/organizations", json={"name": f"search_exclude_org_{i}"}).json()["id"]
        for i in (1, 2, 3)
    ]
    made = [_user(admin, username=f"search_exclude_organization_{i}")["id"] for i in (1, 2, 3)]
    for org, members in zip(orgs, ([0, 1], [1, 2], [2]), strict=True):
        added = admin.post(
            f"/api/organizations/{org}/users", json={"userIds": [made[i] for i in members]}
        )
        assert added.status_code == 201
    search: Params = [("search.username", "search_exclude_organization_%")]
    for org, expected in zip(orgs, ({made[2]}, {made[0]}, {made[0], made[1]}), strict=True):
        total, found = _search(admin, [*search, ("excludeOrganizationId", org)])
        assert (total, {u["id"] for u in found}) == (str(len(expected)), expected)


# --------------------------------------------------------------------------- roles, PATs, MFA


def test_user_roles_as_logto_tests_them(admin: TestClient) -> None:
    """admin-user.roles.test.ts: assign, keyword search, duplicates, replace, delete."""
    user = _user(admin)["id"]
    path = f"/api/users/{user}/roles"
    assert admin.get(path).json() == []
    role1, role2, role3 = (
        admin.post("/api/roles", json={"name": f"r{i}", "description": "d"}).json()["id"]
        for i in (1, 2, 3)
    )
    m2m = admin.post(
        "/api/roles", json={"name": "m", "description": "d", "type": "MachineToMachine"}
    ).json()["id"]
    _rejects(admin.post(path, json={"roleIds": [m2m]}), "user.invalid_role_type", 422)
    assert admin.post(path, json={"roleIds": [role1, role2]}).json() == {
        "roleIds": [role1, role2],
        "addedRoleIds": [role1, role2],
    }
    assert len(admin.get(path).json()) == 2
    assert [r["id"] for r in admin.get(path, params={"search": "%r1%"}).json()] == [role1]
    assert admin.post(path, json={"roleIds": [role1]}).json()["addedRoleIds"] == []
    assert admin.put(path, json={"roleIds": [role3]}).json() == {"roleIds": [role3]}
    assert [r["id"] for r in admin.get(path).json()] == [role3]
    assert admin.delete(f"{path}/{role3}").status_code == 204
    assert admin.delete(f"{path}/{role3}").status_code == 404


def test_user_roles_count_every_type_but_list_user_roles(admin: TestClient) -> None:
    """Logto's quirk: the count query of `GET /users/:id/roles` has no type condition."""
    user = _user(admin)["id"]
    m2m = admin.post(
        "/api/roles", json={"name": "m", "description": "d", "type": "MachineToMachine"}
    ).json()["id"]
    assert admin.put(f"/api/users/{user}/roles", json={"roleIds": [m2m]}).status_code == 200
    listed = admin.get(f"/api/users/{user}/roles")
    assert (listed.json(), listed.headers["total-number"]) == ([], "1")


def test_personal_access_tokens_as_logto_tests_them(admin: TestClient) -> None:
    """admin-user.personal-access-tokens.test.ts."""
    user = _user(admin)["id"]
    path = f"/api/users/{user}/personal-access-tokens"
    first = admin.post(path, json={"name": "pat"})
    assert first.status_code == 201
    _rejects(admin.post(path, json={"name": "pat"}), "user.personal_access_token_name_exists", 422)
    assert (
        admin.post("/api/users/nobody/personal-access-tokens", json={"name": "x"}).status_code
        == 404
    )
    assert admin.post(path, json={"name": ""}).status_code == 400
    assert admin.post(path, json={"name": "late", "expiresAt": 1}).status_code == 400
    second = admin.post(path, json={"name": "a/b?c d", "expiresAt": 2**45}).json()
    assert admin.get(path).json() == [first.json(), second]
    renamed = admin.patch(path, json={"currentName": "a/b?c d", "name": "renamed"}).json()
    assert (renamed["userId"], renamed["name"]) == (user, "renamed")
    assert admin.post(path + "/delete", json={"name": "renamed"}).status_code == 204
    legacy = admin.patch(f"{path}/pat", json={"name": "pat2"}).json()
    assert legacy["name"] == "pat2"
    assert admin.delete(f"{path}/pat2").status_code == 204
    assert admin.get(path).json() == []


def test_mfa_verifications_and_logto_configs_as_logto_tests_them(admin: TestClient) -> None:
    """admin-user.mfa-verifications.test.ts."""
    user = _user(admin)["id"]
    path = f"/api/users/{user}/mfa-verifications"
    assert admin.get(path).json() == []
    totp = admin.post(path, json={"type": "Totp"}).json()
    assert {"secret", "secretQrCode"} <= set(totp)
    assert "codes" in admin.post(path, json={"type": "BackupCode"}).json()
    listed = admin.get(path).json()
    assert [v["type"] for v in listed] == ["Totp", "BackupCode"]
    for verification in listed:
        assert admin.delete(f"{path}/{verification['id']}").status_code == 204
    assert admin.get(path).json() == []
    configs = f"/api/users/{user}/logto-configs"
    for mfa, passkey in ((True, False), (False, True)):
        body = {
            "mfa": {"skipped": mfa, "skipMfaOnSignIn": not mfa},
            "passkeySignIn": {"skipped": passkey},
        }
        assert admin.patch(configs, json=body).json() == body
        assert admin.get(configs).json() == body
