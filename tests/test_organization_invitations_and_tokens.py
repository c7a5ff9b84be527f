"""Organization invitations, one-time tokens, JIT data and organization routes beyond the
recordings: Logto's quirks (one test each, named after it), its integration tests' statements,
and the live effect of memberships and JIT grants on tokens.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.management.router import SERVED, logto_route

from .support.account import admin_headers, email_sign_up, open_interaction, send_and_verify_code
from .support.admin import as_admin
from .support.apps import ClientFactory, Clock
from .support.paths import DEMO_FIXTURE
from .support.sign_in import follow_to_callback, pkce_challenge, query_of
from .support.tenants import DEMO_CALLBACK as CALLBACK
from .support.tenants import DEMO_WEB
from .support.verify import verify_access_token

WEEK_MS = 7 * 24 * 3600 * 1000
NOT_FOUND = {"code": "entity.not_found", "message": "The resource does not exist."}
FOREIGN_KEY = {
    "code": "entity.relation_foreign_key_not_found",
    "message": "Cannot find one or more foreign keys. Please check the input and ensure that all "
    "referenced entities exist.",
}


@pytest.fixture
def demo(make_client: ClientFactory) -> TestClient:
    """The demo tenant as the Management API's client (demo-admin), redirects not followed."""
    now = int(time.time())
    client = make_client(DEMO_FIXTURE, clock=lambda: now)
    client.follow_redirects = False
    as_admin(client)
    return client


def _now_ms() -> int:
    return int(time.time()) * 1000


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _role(client: TestClient, name: str) -> str:
    roles = client.get("/api/organization-roles").json()
    found: str = next(r["id"] for r in roles if r["name"] == name)
    return found


def _organization(client: TestClient, name: str) -> str:
    created: str = _ok(client.post("/api/organizations", json={"name": name}), 201)["id"]
    return created


def _invite(client: TestClient, invitee: str, organization_id: str, **extra: Any) -> Any:
    body = {"invitee": invitee, "organizationId": organization_id, "expiresAt": _now_ms() + WEEK_MS}
    return client.post("/api/organization-invitations", json={**body, **extra})


def _token(client: TestClient, email: str, **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = _ok(
        client.post("/api/one-time-tokens", json={"email": email, **extra}), 201
    )
    return created


# --------------------------------------------------------------------------- quirks


def test_one_time_token_create_does_not_check_the_email_but_the_list_filter_does(
    demo: TestClient,
) -> None:
    assert _token(demo, "nope")["email"] == "nope"
    refused = demo.get("/api/one-time-tokens", params={"email": "nope"})
    assert refused.status_code == 400
    assert refused.json()["data"]["issues"] == [
        {"validation": "regex", "code": "invalid_string", "message": "Invalid", "path": ["email"]}
    ]
    assert refused.json()["message"] == "The request query is invalid."


def test_one_time_token_verify_compares_the_email_case_sensitively(demo: TestClient) -> None:
    token = _token(demo, "ott@example.com")["token"]
    upper = demo.post(
        "/api/one-time-tokens/verify", json={"token": token, "email": "OTT@EXAMPLE.COM"}
    )
    assert (upper.status_code, upper.json()) == (
        400,
        {"code": "one_time_token.email_mismatch", "message": "Email mismatch with given token."},
    )
    exact = demo.post(
        "/api/one-time-tokens/verify", json={"token": token, "email": "ott@example.com"}
    )
    assert _ok(exact)["status"] == "consumed"


def test_one_time_token_list_total_number_counts_every_token_whatever_the_filter(
    demo: TestClient,
) -> None:
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        _token(demo, email)
    page = demo.get(
        "/api/one-time-tokens", params={"email": "a@example.com", "page": 1, "page_size": 5}
    )
    assert len(page.json()) == 1
    assert page.headers["total-number"] == "3"


def test_one_time_token_list_status_filter_reads_the_stored_status(
    make_client: ClientFactory,
) -> None:
    now = [int(time.time())]
    client = make_client(DEMO_FIXTURE, clock=lambda: now[0])
    as_admin(client)
    token = _token(client, "late@example.com", expiresIn=1)
    now[0] += 5
    active = _ok(client.get("/api/one-time-tokens", params={"status": "active"}))
    assert [(t["id"], t["status"]) for t in active] == [(token["id"], "expired")]
    assert _ok(client.get("/api/one-time-tokens", params={"status": "expired"})) == []
    # Creating a token for the same email stores the expired one as expired.
    _token(client, "late@example.com")
    expired = _ok(client.get("/api/one-time-tokens", params={"status": "expired"}))
    assert [t["id"] for t in expired] == [token["id"]]


def test_one_time_token_cannot_be_reactivated_but_any_other_status_is_taken(
    demo: TestClient,
) -> None:
    token = _token(demo, "r@example.com")
    url = f"/api/one-time-tokens/{token['id']}/status"
    assert _ok(demo.put(url, json={"status": "active"}), 400)["code"] == (
        "one_time_token.cannot_reactivate_token"
    )
    assert _ok(demo.put(url, json={"status": "consumed"}))["status"] == "consumed"
    assert _ok(demo.put(url, json={"status": "revoked"}))["status"] == "revoked"


def test_one_time_token_context_keeps_only_jit_organization_ids(demo: TestClient) -> None:
    token = _token(demo, "ctx@example.com", context={"jitOrganizationIds": ["org-1"], "x": 1})
    assert token["context"] == {"jitOrganizationIds": ["org-1"]}
    assert len(token["token"]) == 32
    assert token["expiresAt"] - token["createdAt"] == 600_000
    assert _ok(demo.get(f"/api/one-time-tokens/{token['id']}")) == token


def test_invitation_accept_compares_emails_case_insensitively(demo: TestClient) -> None:
    carol = _ok(demo.post("/api/users", json={"username": "carol", "primaryEmail": "Carol@X.io"}))
    beta = _organization(demo, "beta")
    invitation = _ok(_invite(demo, "carol@x.io", beta), 201)
    accepted = demo.put(
        f"/api/organization-invitations/{invitation['id']}/status",
        json={"status": "Accepted", "acceptedUserId": carol["id"]},
    )
    assert _ok(accepted)["status"] == "Accepted"
    assert _ok(accepted)["acceptedUserId"] == carol["id"]


def test_invitation_already_a_member_check_is_case_sensitive(demo: TestClient) -> None:
    # bob@example.com is a member of org-acme: the exact address is refused, another case is not.
    refused = _invite(demo, "bob@example.com", "org-acme")
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "request.invalid_input",
            "message": "Input is invalid. The invitee is already a member of the organization.",
        },
    )
    assert _invite(demo, "BOB@example.com", "org-acme").status_code == 201


def test_invitation_one_pending_per_invitee_is_case_sensitive(demo: TestClient) -> None:
    assert _invite(demo, "dave@example.com", "org-acme").status_code == 201
    again = _invite(demo, "dave@example.com", "org-acme")
    assert (again.status_code, again.json()["code"]) == (422, "entity.unique_integrity_violation")
    assert _invite(demo, "DAVE@EXAMPLE.COM", "org-acme").status_code == 201
    # The list's `invitee` filter is case-insensitive.
    listed = _ok(demo.get("/api/organization-invitations", params={"invitee": "Dave@Example.com"}))
    assert [i["invitee"] for i in listed] == ["DAVE@EXAMPLE.COM", "dave@example.com"]


def test_invitation_accept_without_user_is_refused_before_the_invitation_is_read(
    demo: TestClient,
) -> None:
    url = "/api/organization-invitations/nosuch/status"
    without = demo.put(url, json={"status": "Accepted"})
    assert (without.status_code, without.json()["code"]) == (422, "request.invalid_input")
    assert (demo.put(url, json={"status": "Revoked"}).json()) == NOT_FOUND


def test_invitation_with_an_email_to_send_needs_an_email_connector(demo: TestClient) -> None:
    answer = _invite(demo, "erin@example.com", "org-acme", messagePayload={"link": "https://x"})
    assert (answer.status_code, answer.json()) == (
        501,
        {
            "code": "connector.not_found",
            "message": "Cannot find any available connector for type: Email.",
        },
    )
    # Logto's transaction is rolled back: nothing was stored.
    assert _ok(demo.get("/api/organization-invitations")) == []


def test_invitation_expired_reads_expired_and_a_new_one_can_replace_it(
    make_client: ClientFactory,
) -> None:
    now = [int(time.time())]
    client = make_client(DEMO_FIXTURE, clock=lambda: now[0])
    as_admin(client)
    body = {"invitee": "gina@example.com", "organizationId": "org-acme"}
    first = _ok(
        client.post(
            "/api/organization-invitations", json={**body, "expiresAt": now[0] * 1000 + 2000}
        ),
        201,
    )
    now[0] += 3
    assert _ok(client.get(f"/api/organization-invitations/{first['id']}"))["status"] == "Expired"
    second = client.post(
        "/api/organization-invitations", json={**body, "expiresAt": now[0] * 1000 + WEEK_MS}
    )
    assert _ok(second, 201)["status"] == "Pending"
    revoke = client.put(
        f"/api/organization-invitations/{first['id']}/status", json={"status": "Revoked"}
    )
    assert revoke.json()["message"] == (
        "Input is invalid. The status of the invitation cannot be changed anymore."
    )


def test_jit_email_domains_take_any_string_and_a_missing_organization_has_none(
    demo: TestClient,
) -> None:
    url = "/api/organizations/org-acme/jit/email-domains"
    for domain in ("not a domain", "@example.org"):
        assert _ok(demo.post(url, json={"emailDomain": domain}), 201) == {
            "tenantId": "default",
            "organizationId": "org-acme",
            "emailDomain": domain,
        }
    assert _ok(demo.get("/api/organizations/nosuch/jit/email-domains")) == []
    assert demo.get("/api/organizations/nosuch/jit/roles").status_code == 404
    duplicate = demo.put(url, json={"emailDomains": ["a.example", "a.example"]})
    assert duplicate.status_code == 422
    assert len(_ok(demo.get(url))) == 2  # the refused replacement changed nothing


def test_jit_roles_post_is_idempotent_and_takes_machine_to_machine_roles(demo: TestClient) -> None:
    url = "/api/organizations/org-acme/jit/roles"
    member, integration = _role(demo, "member"), _role(demo, "integration")
    for _ in range(2):
        assert demo.post(url, json={"organizationRoleIds": [member]}).status_code == 201
    assert demo.post(url, json={"organizationRoleIds": [integration]}).status_code == 201
    assert [r["name"] for r in _ok(demo.get(url))] == ["integration", "member"]
    assert _ok(demo.post(url, json={"organizationRoleIds": ["nosuch"]}), 422) == FOREIGN_KEY


def test_organization_role_is_created_even_when_its_scopes_are_unknown(demo: TestClient) -> None:
    refused = demo.post(
        "/api/organization-roles", json={"name": "half", "organizationScopeIds": ["nosuch"]}
    )
    assert _ok(refused, 422) == FOREIGN_KEY
    assert "half" in [r["name"] for r in _ok(demo.get("/api/organization-roles"))]


def test_organization_search_q_is_a_like_pattern(demo: TestClient) -> None:
    def names(q: str) -> list[str]:
        return [o["name"] for o in _ok(demo.get("/api/organizations", params={"q": q}))]

    assert names("ac_e") == ["Acme"]
    assert names("a%e") == ["Acme"]
    assert names("ACM") == ["Acme"]
    assert names("org-ac") == ["Acme"]  # the id too
    assert names("zzz") == []


def test_organizations_are_listed_in_creation_order(demo: TestClient) -> None:
    _organization(demo, "second")
    _organization(demo, "third")
    listed = [o["name"] for o in _ok(demo.get("/api/organizations"))]
    assert listed == ["Acme", "second", "third"]


def test_organization_members_of_a_missing_organization_are_an_empty_page(
    demo: TestClient,
) -> None:
    for part in ("users", "applications"):
        answer = demo.get(f"/api/organizations/nosuch/{part}")
        assert (answer.status_code, answer.json(), answer.headers["total-number"]) == (200, [], "0")
    added = demo.post("/api/organizations/nosuch/users", json={"userIds": ["user-bob"]})
    assert _ok(added, 422) == FOREIGN_KEY
    assert demo.delete("/api/organizations/nosuch/users/user-bob").json() == NOT_FOUND


def test_organization_user_scopes_need_no_membership(demo: TestClient) -> None:
    scopes = _ok(demo.get("/api/organizations/org-acme/users/user-alice/scopes"))
    assert sorted(s["name"] for s in scopes) == ["invite:members", "read:members"]
    assert _ok(demo.get("/api/organizations/org-acme/users/nosuch/scopes")) == []


def test_organization_application_roles_put_refuses_an_empty_list(demo: TestClient) -> None:
    url = "/api/organizations/org-acme/applications/demo-m2m/roles"
    refused = demo.put(url, json={"organizationRoleIds": []})
    assert refused.status_code == 400
    assert refused.json()["data"]["issues"][0]["code"] == "too_small"


def test_organization_roles_by_name_report_every_missing_name(demo: TestClient) -> None:
    url = "/api/organizations/org-acme/users/user-bob/roles"
    refused = demo.post(url, json={"organizationRoleNames": ["x", "y", "member", "z"]})
    assert _ok(refused, 422) == {
        "code": "organization.role_names_not_found",
        "message": "Invalid role names detected: x, y, and z. "
        "Please create these roles first before proceeding.",
    }
    assert demo.put(url, json={"organizationRoleNames": ["admin"]}).status_code == 204
    assert [r["name"] for r in _ok(demo.get(url))] == ["admin"]


def test_bulk_role_assignment_gives_every_role_to_every_member(demo: TestClient) -> None:
    admin, member = _role(demo, "admin"), _role(demo, "member")
    added = demo.post(
        "/api/organizations/org-acme/users/roles",
        json={"userIds": ["user-alice", "user-bob"], "organizationRoleIds": [admin, member]},
    )
    assert added.status_code == 201
    for user in ("user-alice", "user-bob"):
        roles = _ok(demo.get(f"/api/organizations/org-acme/users/{user}/roles"))
        assert [r["name"] for r in roles] == ["admin", "member"]
    outsider = demo.post(
        "/api/organizations/org-acme/users/roles",
        json={"userIds": ["user-nobody"], "organizationRoleIds": [admin]},
    )
    assert _ok(outsider, 422) == FOREIGN_KEY


def test_organization_updates_and_deletes_of_missing_entities(demo: TestClient) -> None:
    assert demo.patch("/api/organizations/nosuch", json={"name": "x"}).json() == {
        "code": "entity.not_exists",
        "message": "The organization does not exist.",
    }
    assert demo.patch("/api/organizations/org-acme", json={}).json() == {
        "code": "entity.invalid_input",
        "message": "Invalid input. Value list must not be empty.",
    }
    assert demo.delete("/api/organization-scopes/nosuch").json() == NOT_FOUND
    assert demo.delete("/api/organization-roles/nosuch").json() == NOT_FOUND
    assert demo.get("/api/organization-roles/nosuch").json() == NOT_FOUND


# --------------------------------------------------------------------------- live effect


def _sign_in_with(client: TestClient, verify: dict[str, Any], path: str) -> dict[str, Any]:
    """An authorization-code sign-in of demo-web verified by `path`; the token answer."""
    verifier = "v" * 43
    query = {
        "client_id": DEMO_WEB[0],
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid offline_access urn:logto:scope:organizations read:members",
        "resource": "urn:logto:resource:organizations",
        "prompt": "consent",
        "state": "s",
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
    }
    assert client.get("/oidc/auth", params=query, headers={"Authorization": ""}).status_code == 303
    assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verified = _ok(client.post(f"/api/experience/verification/{path}", json=verify))
    identified = client.post("/api/experience/identification", json=verified)
    assert identified.status_code == 204, identified.text
    redirect_to = _ok(client.post("/api/experience/submit"))["redirectTo"]
    code = query_of(follow_to_callback(client, redirect_to, CALLBACK))["code"]
    tokens: dict[str, Any] = _ok(
        client.post(
            "/oidc/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
            auth=DEMO_WEB,
        )
    )
    return tokens


def _organization_token(client: TestClient, refresh: str, organization_id: str) -> Any:
    return client.post(
        "/oidc/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "organization_id": organization_id,
        },
        auth=DEMO_WEB,
    )


def test_an_accepted_invitation_makes_organization_tokens(demo: TestClient) -> None:
    carol = _ok(
        demo.post(
            "/api/users",
            json={"username": "carol", "password": "carol-Passw0rd", "primaryEmail": "c@x.io"},
        )
    )
    beta = _organization(demo, "beta")
    invitation = _ok(
        _invite(demo, "c@x.io", beta, organizationRoleIds=[_role(demo, "member")]), 201
    )
    tokens = _sign_in_with(
        demo,
        {"identifier": {"type": "username", "value": "carol"}, "password": "carol-Passw0rd"},
        "password",
    )
    assert _organization_token(demo, tokens["refresh_token"], beta).status_code == 403
    accepted = demo.put(
        f"/api/organization-invitations/{invitation['id']}/status",
        json={"status": "Accepted", "acceptedUserId": carol["id"]},
    )
    assert _ok(accepted)["organizationRoles"] == [{"id": _role(demo, "member"), "name": "member"}]
    answer = _ok(_organization_token(demo, tokens["refresh_token"], beta))
    claims = verify_access_token(
        answer["access_token"],
        demo.get("/oidc/jwks").json(),
        issuer="http://localhost:3001/oidc",
        audience=f"urn:logto:organization:{beta}",
        now=int(time.time()),
    )
    assert (claims["sub"], claims["scope"]) == (carol["id"], "read:members")


def test_a_one_time_token_sign_in_joins_its_jit_organizations(demo: TestClient) -> None:
    gamma = _organization(demo, "gamma")
    member = _role(demo, "member")
    assert (
        demo.post(
            f"/api/organizations/{gamma}/jit/roles", json={"organizationRoleIds": [member]}
        ).status_code
        == 201
    )
    token = _token(demo, "bob@example.com", context={"jitOrganizationIds": [gamma]})
    tokens = _sign_in_with(
        demo,
        {"identifier": {"type": "email", "value": "bob@example.com"}, "token": token["token"]},
        "one-time-token/verify",
    )
    roles = _ok(demo.get(f"/api/organizations/{gamma}/users/user-bob/roles"))
    assert [r["name"] for r in roles] == ["member"]
    assert _ok(demo.get(f"/api/one-time-tokens/{token['id']}"))["status"] == "consumed"
    answer = _ok(_organization_token(demo, tokens["refresh_token"], gamma))
    claims = verify_access_token(
        answer["access_token"],
        demo.get("/oidc/jwks").json(),
        issuer="http://localhost:3001/oidc",
        audience=f"urn:logto:organization:{gamma}",
        now=int(time.time()),
    )
    assert (claims["sub"], claims["scope"]) == ("user-bob", "read:members")


def test_a_one_time_token_of_an_unknown_email_signs_nobody_in(demo: TestClient) -> None:
    token = _token(demo, "nobody@example.com")
    demo.get(
        "/oidc/auth",
        params={
            "client_id": DEMO_WEB[0],
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid",
            "state": "s",
            "code_challenge": pkce_challenge("v" * 43),
            "code_challenge_method": "S256",
        },
        headers={"Authorization": ""},
    )
    assert demo.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verified = _ok(
        demo.post(
            "/api/experience/verification/one-time-token/verify",
            json={
                "identifier": {"type": "email", "value": "nobody@example.com"},
                "token": token["token"],
            },
        )
    )
    refused = demo.post("/api/experience/identification", json=verified)
    assert (refused.status_code, refused.json()["code"]) == (404, "user.user_not_exist")
    again = demo.post(
        "/api/experience/verification/one-time-token/verify",
        json={
            "identifier": {"type": "email", "value": "nobody@example.com"},
            "token": token["token"],
        },
    )
    assert (again.status_code, again.json()["code"]) == (400, "one_time_token.token_consumed")


def test_invitations_go_with_their_organization_and_their_inviter(demo: TestClient) -> None:
    beta = _organization(demo, "beta")
    _ok(_invite(demo, "x@example.com", beta), 201)
    by_alice = _ok(_invite(demo, "y@example.com", "org-acme", inviterId="user-alice"), 201)
    kept = _ok(_invite(demo, "z@example.com", "org-acme"), 201)
    assert demo.delete(f"/api/organizations/{beta}").status_code == 204
    assert demo.delete("/api/users/user-alice").status_code == 204
    listed = _ok(demo.get("/api/organization-invitations"))
    assert [i["id"] for i in listed] == [kept["id"]]
    assert demo.get(f"/api/organization-invitations/{by_alice['id']}").json() == NOT_FOUND


def test_accepting_an_invitation_fires_organization_membership_updated(demo: TestClient) -> None:
    hook = demo.post(
        "/api/hooks",
        json={
            "name": "members",
            "events": ["Organization.Membership.Updated"],
            "config": {"url": "mock://sink"},
        },
    )
    assert hook.status_code == 201, hook.text
    carol = _ok(demo.post("/api/users", json={"username": "carol", "primaryEmail": "c@x.io"}))
    invitation = _ok(_invite(demo, "c@x.io", "org-acme"), 201)
    demo.put(
        f"/api/organization-invitations/{invitation['id']}/status",
        json={"status": "Accepted", "acceptedUserId": carol["id"]},
    )
    control = TestClient(demo.app, base_url=str(demo.base_url))
    [delivery] = control.get(
        "/__mock/deliveries", params={"event": "Organization.Membership.Updated"}
    ).json()
    payload = delivery["request"]["json"]
    assert (payload["event"], payload["organizationId"]) == (
        "Organization.Membership.Updated",
        "org-acme",
    )
    # Logto appends only `organizationId`: no management context (path, method, status, …).
    assert set(payload) == {"event", "createdAt", "userAgent", "ip", "organizationId", "hookId"}


def _payload_union(object_issue: dict[str, Any], received: Any) -> dict[str, Any]:
    """Zod's `invalid_union` of `sendMessagePayloadGuard.or(z.literal(false))`."""
    literal = {
        "received": received,
        "code": "invalid_literal",
        "expected": False,
        "path": ["messagePayload"],
        "message": "Invalid literal value, expected false",
    }
    return {
        "code": "invalid_union",
        "unionErrors": [
            {"issues": [object_issue], "name": "ZodError"},
            {"issues": [literal], "name": "ZodError"},
        ],
        "path": ["messagePayload"],
        "message": "Invalid input",
    }


def test_invitation_message_payload_neither_object_nor_false_is_a_zod_union_error(
    demo: TestClient,
) -> None:
    refused = _invite(demo, "erin@example.com", "org-acme", messagePayload="x")
    path = ["messagePayload"]
    assert refused.status_code == 400
    assert refused.json()["data"] == {
        "issues": [
            _payload_union(
                {
                    "code": "invalid_type",
                    "expected": "object",
                    "received": "string",
                    "path": path,
                    "message": "Expected object, received string",
                },
                "x",
            )
        ],
        "name": "ZodError",
    }
    assert refused.json()["details"] == (
        'Error in key path "messagePayload": (invalid_union) Invalid input'
    )
    nested = _invite(demo, "erin@example.com", "org-acme", messagePayload={"link": 5})
    # A wrong type inside the object aborts that option too (zod v3): still the union's issue.
    assert nested.status_code == 400
    assert nested.json()["data"]["issues"] == [
        _payload_union(
            {
                "code": "invalid_type",
                "expected": "string",
                "received": "number",
                "path": ["messagePayload", "link"],
                "message": "Expected string, received number",
            },
            {"link": 5},
        )
    ]
    assert _invite(demo, "erin@example.com", "org-acme", messagePayload=False).status_code == 201


def test_every_operation_of_these_groups_is_served() -> None:
    """Logto's `/organizations/**`, `/organization-*/**` and `/one-time-tokens/**` (66)."""
    served = {(method, "/api" + path) for method, path, _ in SERVED}
    logto = json.loads(
        (Path(__file__).parents[1] / "mock_logto/management/logto_routes.json").read_text()
    )["routes"]
    ours = [(m, p) for m, p in logto if p.startswith(("/api/organization", "/api/one-time"))]
    assert len(ours) == 66
    assert [route for route in ours if tuple(route) not in served] == []
    assert logto_route("GET", "/api/organizations/x/jit/roles") is not None


def test_organization_color_and_branding_are_checked_and_stripped_as_zod_does(
    demo: TestClient,
) -> None:
    changed = demo.patch(
        "/api/organizations/org-acme",
        json={
            "color": {"primaryColor": "#f00", "darkPrimaryColor": "#00ff00", "x": 1},
            "branding": {"logoUrl": "mock://fake-url-for-org/logo.png", "y": 2},
            "customCss": "test css",
        },
    )
    body = _ok(changed)
    assert (body["color"], body["branding"], body["customCss"]) == (
        {"primaryColor": "#f00", "darkPrimaryColor": "#00ff00"},
        {"logoUrl": "mock://fake-url-for-org/logo.png"},
        "test css",
    )
    refused = demo.patch(
        "/api/organizations/org-acme",
        json={"color": {"primaryColor": "red"}, "branding": {"favicon": "not a url"}},
    )
    assert refused.status_code == 400
    assert refused.json()["data"]["issues"] == [
        {
            "validation": "regex",
            "code": "invalid_string",
            "message": "Invalid",
            "path": ["color", "primaryColor"],
        },
        {
            "validation": "url",
            "code": "invalid_string",
            "message": "Invalid url",
            "path": ["branding", "favicon"],
        },
    ]


def test_a_fractional_page_size_is_value_list_must_not_be_empty(demo: TestClient) -> None:
    answer = demo.get("/api/organizations", params={"page_size": "2.5"})
    assert (answer.status_code, answer.json()) == (
        422,
        {"code": "entity.invalid_input", "message": "Invalid input. Value list must not be empty."},
    )
    # A fractional page with a whole offset is served, as Logto's SQL takes it.
    assert (
        demo.get("/api/organizations", params={"page": "1.5", "page_size": "2"}).status_code == 200
    )


def test_organization_names_need_not_be_unique_but_template_names_must(demo: TestClient) -> None:
    first, second = _organization(demo, "twin"), _organization(demo, "twin")
    assert first != second
    assert _ok(demo.post("/api/organization-scopes", json={"name": "org read"}), 201)["name"] == (
        "org read"
    )  # spaces allowed, unlike API resource scopes
    taken = demo.post("/api/organization-scopes", json={"name": "org read"})
    assert (taken.status_code, taken.json()["code"]) == (422, "entity.unique_integrity_violation")


def test_a_replacement_naming_an_id_twice_breaks_the_key_but_an_addition_does_not(
    demo: TestClient,
) -> None:
    member = _role(demo, "member")
    url = "/api/organizations/org-acme/jit/roles"
    assert demo.post(url, json={"organizationRoleIds": [member, member]}).status_code == 201
    twice = demo.put(url, json={"organizationRoleIds": [member, member]})
    assert (twice.status_code, twice.json()["code"]) == (422, "entity.unique_integrity_violation")
    users = demo.put("/api/organizations/org-acme/users", json={"userIds": ["user-bob"] * 2})
    assert users.status_code == 422
    # A member's roles are de-duplicated by Logto before replacing.
    roles = "/api/organizations/org-acme/users/user-bob/roles"
    assert demo.put(roles, json={"organizationRoleIds": [member, member]}).status_code == 204


def test_with_an_email_connector_an_invitation_with_a_message_is_created(demo: TestClient) -> None:
    connector = demo.post(
        "/api/connectors",
        json={
            "connectorId": "mock-email-service",
            "config": {"apiKey": "k", "fromEmail": "noreply@example.com", "templates": []},
        },
    )
    assert connector.status_code == 200, connector.text
    made = _invite(demo, "erin@example.com", "org-acme", messagePayload={"link": "https://x"})
    invitation = _ok(made, 201)
    again = demo.post(
        f"/api/organization-invitations/{invitation['id']}/message", json={"link": "https://y"}
    )
    assert again.status_code == 204


def test_a_sign_up_with_an_email_of_a_jit_domain_joins_its_organizations(
    make_client: ClientFactory,
) -> None:
    client = make_client(DEMO_FIXTURE, clock=Clock())  # the jar's cookies live by the wall clock
    email_sign_up(client)
    headers = admin_headers(client)
    member = next(
        r["id"]
        for r in client.get("/api/organization-roles", headers=headers).json()
        if r["name"] == "member"
    )
    url = "/api/organizations/org-acme/jit"
    assert (
        client.post(f"{url}/email-domains", json={"emailDomain": "example.com"}, headers=headers)
    ).status_code == 201
    assert (
        client.post(f"{url}/roles", json={"organizationRoleIds": [member]}, headers=headers)
    ).status_code == 201
    open_interaction(client)
    assert client.put("/api/experience", json={"interactionEvent": "Register"}).status_code == 204
    verification_id = send_and_verify_code(client, "new.user@example.com", "Register")
    password = {"type": "password", "value": "Correct-Horse-42"}
    assert client.post("/api/experience/profile", json=password).status_code == 204
    created = client.post(
        "/api/experience/identification", json={"verificationId": verification_id}
    )
    assert created.status_code == 201, created.text
    users = client.get("/api/organizations/org-acme/users", headers=headers).json()
    [joined] = [u for u in users if u["primaryEmail"] == "new.user@example.com"]
    assert joined["organizationRoles"] == [{"id": member, "name": "member"}]


def test_invitation_emails_reach_the_capturing_connector(make_client: ClientFactory) -> None:
    """Both sends record `OrganizationInvitation` with Logto's payload: context, then the keys."""
    now = int(time.time())
    client = make_client(DEMO_FIXTURE, clock=lambda: now)
    as_admin(client)
    _ok(client.post("/api/connectors", json={"connectorId": "mock-email-service"}), 200)
    inviter = _ok(client.get("/api/users"))[0]
    org = _ok(client.get("/api/organizations/org-acme"))
    created = _ok(
        _invite(
            client,
            "erin@example.com",
            "org-acme",
            inviterId=inviter["id"],
            messagePayload={"link": "https://app.example/invite?x=1", "extra": 1},
        ),
        201,
    )
    context = {
        "organization": {"id": "org-acme", "name": org["name"], "branding": org["branding"]},
        "inviter": {
            k: inviter[k]
            for k in ("id", "avatar", "name", "primaryEmail", "primaryPhone", "username", "profile")
        },
    }
    first = {
        "channel": "email",
        "to": "erin@example.com",
        "type": "OrganizationInvitation",
        "code": None,
        "link": "https://app.example/invite?x=1",
        "createdAt": now * 1000,
        "payload": {**context, "link": "https://app.example/invite?x=1", "extra": 1},
    }
    assert client.get("/__mock/messages").json() == [first]
    url = f"/api/organization-invitations/{created['id']}/message"
    _ok(client.post(url, json={"code": "123456", "locale": "de"}), 204)
    again = {
        **first,
        "code": "123456",
        "link": None,
        "payload": {**context, "code": "123456", "locale": "de"},
    }
    assert client.get("/__mock/messages?type=OrganizationInvitation").json() == [first, again]
    # An invitation without an email to send records nothing.
    _ok(_invite(client, "fay@example.com", "org-acme", messagePayload=False), 201)
    assert len(client.get("/__mock/messages").json()) == 2
