"""The Account API, verification codes, the Experience API's Register and ForgotPassword.

Beyond golden-2/account-api: sign-up with an emailed code read from the capturing connector,
an email change seen in the next ID token (verified against the JWKS only), a password reset,
TOTP as a second factor, record expiry, the offline pwned check, webhooks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_logto import totp
from mock_logto.errors import FixtureError
from mock_logto.keys import KeyStore
from mock_logto.loader import load_tenant
from mock_logto.management.router import _logto_routes, logto_route
from mock_logto.ops import password_policy

from .support.account import (
    admin_headers,
    bearer,
    email_sign_up,
    enable_account_center,
    finish,
    latest_code,
    open_interaction,
    send_and_verify_code,
)
from .support.apps import ClientFactory, Clock, new_client, tenant_of
from .support.paths import DEMO_FIXTURE
from .support.tenants import DEMO_WEB, ISSUER, MANAGEMENT_API
from .support.verify import verify_access_token

NEW_USER = "new.user@example.com"
NEW_PASSWORD = "Correct-Horse-42"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def demo(make_client: ClientFactory, clock: Clock) -> TestClient:
    return make_client(DEMO_FIXTURE, clock=clock)


def _sign_up(client: TestClient) -> dict[str, object]:
    verifier = open_interaction(client)
    assert client.put("/api/experience", json={"interactionEvent": "Register"}).status_code == 204
    verification_id = send_and_verify_code(client, NEW_USER, "Register")
    identify = {"verificationId": verification_id}
    missing = client.post("/api/experience/identification", json=identify)
    assert (missing.status_code, missing.json()) == (
        422,
        {
            "code": "user.missing_profile",
            "data": {"missingProfile": ["password"]},
            "message": "You need to provide additional info before signing-in.",
        },
    )
    weak = client.post("/api/experience/profile", json={"type": "password", "value": "123"})
    assert weak.status_code == 422 and weak.json()["code"] == "password.rejected"
    password = {"type": "password", "value": NEW_PASSWORD}
    assert client.post("/api/experience/profile", json=password).status_code == 204
    assert client.post("/api/experience/identification", json={}).status_code == 201
    submitted = client.post("/api/experience/submit")
    assert submitted.status_code == 200, submitted.text
    return finish(client, submitted.json()["redirectTo"], verifier)


def _sign_in(client: TestClient, email: str, password: str) -> dict[str, object]:
    verifier = open_interaction(client)
    assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verified = client.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": "email", "value": email}, "password": password},
    )
    assert verified.status_code == 200, verified.text
    identify = {"verificationId": verified.json()["verificationId"]}
    assert client.post("/api/experience/identification", json=identify).status_code == 204
    submitted = client.post("/api/experience/submit")
    assert submitted.status_code == 200, submitted.text
    return finish(client, submitted.json()["redirectTo"], verifier)


def _id_claims(client: TestClient, tokens: dict[str, object], now: int) -> dict[str, object]:
    jwks = client.get("/oidc/jwks").json()
    return verify_access_token(
        str(tokens["id_token"]), jwks, issuer=ISSUER, audience=DEMO_WEB[0], now=now
    )


def test_sign_up_with_an_emailed_code_then_change_the_email(demo: TestClient, clock: Clock) -> None:
    email_sign_up(demo)
    enable_account_center(demo)
    signed_up = _sign_up(demo)
    assert _id_claims(demo, signed_up, clock.now)["email"] == NEW_USER
    [message] = demo.get("/__mock/messages").json()
    assert {k: message[k] for k in ("channel", "to", "type", "link")} == {
        "channel": "email",
        "to": NEW_USER,
        "type": "Register",
        "link": None,
    }
    assert len(message["code"]) == 6 and message["code"].isdigit()

    tokens = _sign_in(demo, NEW_USER, NEW_PASSWORD)
    token = str(tokens["access_token"])
    # Identity first (the password), then the new address (a code sent to it).
    identity = demo.post(
        "/api/verifications/password", json={"password": NEW_PASSWORD}, headers=bearer(token)
    )
    assert identity.status_code == 201, identity.text
    record = identity.json()["verificationRecordId"]
    sent = demo.post(
        "/api/verifications/verification-code",
        json={"identifier": {"type": "email", "value": "changed@example.com"}},
        headers=bearer(token),
    )
    assert sent.status_code == 201, sent.text
    assert demo.get("/__mock/messages").json()[-1]["type"] == "BindNewIdentifier"
    new_record = sent.json()["verificationRecordId"]
    change = {"email": "changed@example.com", "newIdentifierVerificationRecordId": new_record}
    unverified = demo.post("/api/my-account/primary-email", json=change, headers=bearer(token))
    assert unverified.status_code == 401  # no verified identity yet
    not_yet = demo.post("/api/my-account/primary-email", json=change, headers=bearer(token, record))
    assert (not_yet.status_code, not_yet.json()) == (
        400,
        {"code": "verification_record.not_found", "message": "Verification record not found."},
    )
    verified = demo.post(
        "/api/verifications/verification-code/verify",
        json={
            "identifier": {"type": "email", "value": "changed@example.com"},
            "verificationId": new_record,
            "code": latest_code(demo, "changed@example.com"),
        },
        headers=bearer(token),
    )
    assert verified.json() == {"verificationRecordId": new_record}
    changed = demo.post("/api/my-account/primary-email", json=change, headers=bearer(token, record))
    assert changed.status_code == 204, changed.text

    me = demo.get("/api/my-account", headers=bearer(token)).json()
    assert me["primaryEmail"] == "changed@example.com"
    refreshed = demo.post(
        "/oidc/token",
        data={"grant_type": "refresh_token", "refresh_token": str(tokens["refresh_token"])},
        auth=DEMO_WEB,
    ).json()
    assert _id_claims(demo, refreshed, clock.now)["email"] == "changed@example.com"
    again = _sign_in(demo, "changed@example.com", NEW_PASSWORD)
    assert _id_claims(demo, again, clock.now)["email"] == "changed@example.com"


def test_reset_a_forgotten_password_with_an_emailed_code(demo: TestClient) -> None:
    email_sign_up(demo)
    open_interaction(demo)
    start = {"interactionEvent": "ForgotPassword"}
    assert demo.put("/api/experience", json=start).status_code == 204
    verification_id = send_and_verify_code(demo, "alice@example.com", "ForgotPassword")
    identify = {"verificationId": verification_id}
    assert demo.post("/api/experience/identification", json=identify).status_code == 204
    early = demo.post("/api/experience/submit")
    assert (early.status_code, early.json()["code"]) == (
        422,
        "user.new_password_required_in_profile",
    )
    same = demo.put("/api/experience/profile/password", json={"password": "alice-password"})
    assert same.json()["code"] == "user.same_password"
    reset = demo.put("/api/experience/profile/password", json={"password": NEW_PASSWORD})
    assert reset.status_code == 204, reset.text
    done = demo.post("/api/experience/submit")
    assert (done.status_code, done.text) == (200, "OK")
    assert tenant_of(demo).users["user-alice"].password == NEW_PASSWORD
    assert _sign_in(demo, "alice@example.com", NEW_PASSWORD)["token_type"] == "Bearer"


def _connector(client: TestClient, factory: str) -> None:
    body = {"connectorId": factory}
    assert client.post("/api/connectors", json=body, headers=admin_headers(client)).is_success


def test_a_code_needs_a_connector_of_its_kind(demo: TestClient) -> None:
    headers = admin_headers(demo)
    refused = demo.post("/api/verification-codes", json={"email": "x@example.com"}, headers=headers)
    assert (refused.status_code, refused.json()) == (
        501,
        {
            "code": "connector.not_found",
            "message": "Cannot find any available connector for type: Email.",
        },
    )
    _connector(demo, "mock-email-service")
    sms = demo.post("/api/verification-codes", json={"phone": "15550001"}, headers=headers)
    assert sms.json()["message"] == "Cannot find any available connector for type: Sms."
    assert demo.get("/__mock/messages").json() == []


def test_a_wrong_code_counts_tries_and_codes_expire(demo: TestClient, clock: Clock) -> None:
    headers = admin_headers(demo)
    _connector(demo, "mock-email-service")
    assert demo.post("/api/verification-codes", json={"email": "x@example.com"}, headers=headers)
    wrong = demo.post(
        "/api/verification-codes/verify",
        json={"email": "x@example.com", "verificationCode": "000000"},
        headers=headers,
    )
    if latest_code(demo, "x@example.com") != "000000":
        assert (wrong.status_code, wrong.json()) == (
            400,
            {"code": "verification_code.code_mismatch", "message": "Invalid verification code."},
        )
    clock.now += 601
    late = demo.post(
        "/api/verification-codes/verify",
        json={"email": "x@example.com", "verificationCode": latest_code(demo, "x@example.com")},
        headers=headers,
    )
    assert late.json()["code"] == "verification_code.expired"
    demo.post("/api/verification-codes", json={"email": "x@example.com"}, headers=headers)
    good = demo.post(
        "/api/verification-codes/verify",
        json={"email": "x@example.com", "verificationCode": latest_code(demo, "X@example.com")},
        headers=headers,
    )
    assert good.status_code == 204


def test_a_verification_record_expires_after_ten_minutes(demo: TestClient, clock: Clock) -> None:
    enable_account_center(demo)
    token = str(_sign_in_alice(demo)["access_token"])
    record = demo.post(
        "/api/verifications/password", json={"password": "alice-password"}, headers=bearer(token)
    ).json()["verificationRecordId"]
    clock.now += 600
    late = demo.post(
        "/api/my-account/password",
        json={"password": NEW_PASSWORD},
        headers=bearer(token, record),
    )
    assert (late.status_code, late.json()["code"]) == (401, "verification_record.permission_denied")


def _sign_in_alice(client: TestClient) -> dict[str, object]:
    verifier = open_interaction(client)
    assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verified = client.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": "username", "value": "alice"}, "password": "alice-password"},
    )
    identify = {"verificationId": verified.json()["verificationId"]}
    assert client.post("/api/experience/identification", json=identify).status_code == 204
    submitted = client.post("/api/experience/submit")
    if submitted.status_code != 200:
        return {"mfa": submitted.json()}
    return finish(client, submitted.json()["redirectTo"], verifier)


def test_totp_bound_through_the_account_api_is_asked_at_the_next_sign_in(
    demo: TestClient, clock: Clock
) -> None:
    headers = admin_headers(demo)
    factors = {"mfa": {"factors": ["Totp"], "policy": "UserControlled"}}
    assert demo.patch("/api/sign-in-exp", json=factors, headers=headers).status_code == 200
    enable_account_center(demo)
    # Without a factor, the sign-in asks to bind one (skippable: the policy is UserControlled).
    assert _sign_in_alice(demo)["mfa"] == {
        "code": "user.missing_mfa",
        "data": {"availableFactors": ["Totp"], "skippable": True},
        "message": "You need to bind additional MFA before signing-in.",
    }
    assert demo.post("/api/experience/profile/mfa/mfa-skipped").status_code == 204
    submitted = demo.post("/api/experience/submit")
    assert submitted.status_code == 200
    assert tenant_of(demo).users["user-alice"].logto_config == {"mfa": {"skipped": True}}
    token = str(_sign_in_alice(demo)["access_token"])  # skipped once and for all
    record = demo.post(
        "/api/verifications/password", json={"password": "alice-password"}, headers=bearer(token)
    ).json()["verificationRecordId"]
    secret = demo.post(
        "/api/my-account/mfa-verifications/totp-secret/generate", headers=bearer(token)
    ).json()["secret"]
    assert totp.valid_secret(secret)
    bind = {"type": "Totp", "secret": secret, "code": totp.code_at(secret, clock.now)}
    bound = demo.post("/api/my-account/mfa-verifications", json=bind, headers=bearer(token, record))
    assert bound.status_code == 204, bound.text
    [listed] = demo.get("/api/my-account/mfa-verifications", headers=bearer(token)).json()
    assert list(listed) == ["id", "createdAt", "type"] and listed["type"] == "Totp"

    asked = _sign_in_alice(demo)["mfa"]
    assert asked == {
        "code": "session.mfa.require_mfa_verification",
        "data": {"availableFactors": ["Totp"], "maskedIdentifiers": {}},
        "message": "Mfa verification is required to sign in.",
    }
    wrong = demo.post("/api/experience/verification/totp/verify", json={"code": "000000"})
    if totp.code_at(secret, clock.now) != "000000":
        assert wrong.json()["code"] == "session.mfa.invalid_totp_code"
    code = {"code": totp.code_at(secret, clock.now)}
    assert demo.post("/api/experience/verification/totp/verify", json=code).status_code == 200
    assert demo.post("/api/experience/submit").status_code == 200


def test_account_api_changes_fire_user_data_updated(demo: TestClient) -> None:
    headers = admin_headers(demo)
    hook = {
        "name": "h",
        "events": ["User.Data.Updated", "PostRegister"],
        "config": {"url": "http://127.0.0.1:9/hook"},
    }
    assert demo.post("/api/hooks", json=hook, headers=headers).status_code == 201
    enable_account_center(demo)
    token = str(_sign_in_alice(demo)["access_token"])
    patched = demo.patch("/api/my-account", json={"name": "Alice B."}, headers=bearer(token))
    assert patched.status_code == 200
    [delivery] = demo.get("/__mock/deliveries", params={"event": "User.Data.Updated"}).json()
    payload = json.loads(delivery["request"]["body"])
    assert {k: payload[k] for k in ("event", "path", "method", "status", "matchedRoute")} == {
        "event": "User.Data.Updated",
        "path": "/my-account",
        "method": "PATCH",
        "status": 200,
        "matchedRoute": "/my-account",
    }
    assert payload["data"]["name"] == "Alice B."


def test_the_pwned_check_is_an_offline_list() -> None:
    policy = password_policy.policy_of({})
    assert password_policy.check("123456aA", policy, {}) == [
        {"code": "password_rejected.pwned"},
        {"code": "password_rejected.restricted.sequence"},
    ]
    assert password_policy.check("test_password", policy, {}) == [
        {"code": "password_rejected.pwned"}
    ]
    # account-api/31: the password real Logto could not check offline is not pwned here.
    assert password_policy.check("Alice-Changed-Passw0rd!2026", policy, {"username": "alice"}) == []


def test_password_policy_issues_in_core_kits_order() -> None:
    policy = password_policy.policy_of(
        {"passwordPolicy": {"characterTypes": {"min": 3}, "rejects": {"words": ["secret"]}}}
    )
    assert password_policy.check("aaaa", policy, {}) == [
        {"code": "password_rejected.too_short", "interpolation": {"min": 8}},
        {"code": "password_rejected.character_types", "interpolation": {"min": 3}},
        {"code": "password_rejected.restricted.repetition"},
    ]
    assert password_policy.check("MySecret1!", policy, {}) == []  # 6 of 10: tolerated
    assert password_policy.check("Secret1!", policy, {}) == [
        {"code": "password_rejected.restricted.words"}
    ]
    # Codes in the order the scan meets them (core-kit's Set): user info at 0, sequence at 5.
    assert password_policy.check("alice123", policy, {"username": "alice"})[-2:] == [
        {"code": "password_rejected.restricted.user_info"},
        {"code": "password_rejected.restricted.sequence"},
    ]
    assert password_policy.check("pass\u00e9word1", policy, {})[0] == {
        "code": "password_rejected.unsupported_characters"
    }


def test_check_password_route(demo: TestClient) -> None:
    headers = admin_headers(demo)
    url = "/api/sign-in-exp/default/check-password"
    weak = demo.post(url, json={"password": "123", "userId": "user-alice"}, headers=headers)
    assert (weak.status_code, weak.json()) == (
        400,
        {
            "result": False,
            "issues": [
                {"code": "password_rejected.too_short", "interpolation": {"min": 8}},
                {"code": "password_rejected.restricted.sequence"},
            ],
        },
    )
    good = demo.post(url, json={"password": NEW_PASSWORD, "userId": "user-alice"}, headers=headers)
    assert (good.status_code, good.json()) == (200, {"result": True})
    anonymous = demo.post(url, json={"password": NEW_PASSWORD}, headers=headers)
    assert (anonymous.status_code, anonymous.json()) == (
        400,
        {
            "code": "request.invalid_input",
            "data": {"message": "User information data is required to check user information."},
            "message": "Input is invalid. {{details}}",
        },
    )


#: Logto's Account API operations (`/api/my-account`, `/api/verifications`,
#: `/api/verification-codes`) the mock leaves at 501: they need a browser's authenticator
#: (WebAuthn) or a social connector's round trip.
UNSERVED = {
    ("POST", "/api/verifications/social"),
    ("POST", "/api/verifications/social/verify"),
    ("POST", "/api/verifications/web-authn/registration"),
    ("POST", "/api/verifications/web-authn/registration/verify"),
}


def test_served_account_operations(demo: TestClient) -> None:
    """29 of Logto's 33: every operation but the four above answers something else than 501."""
    operations = [
        (method, template)
        for method, _, template in _logto_routes()
        if template.startswith(("/api/my-account", "/api/verifications", "/api/verification-codes"))
    ]
    assert len(operations) == 33
    enable_account_center(demo)
    token = str(_sign_in_alice(demo)["access_token"])
    admin = admin_headers(demo)
    for method, template in operations:
        path = template.replace("{target}", "x").replace("{connectorId}", "x")
        path = path.replace("{verificationId}", "x")
        headers = admin if template.startswith("/api/verification-codes") else bearer(token)
        status = demo.request(method, path, headers=headers, json={}).status_code
        assert (status == 501) == ((method, template) in UNSERVED), (method, template, status)
        assert logto_route(method, path) == template


def test_a_fixture_sets_the_account_center(make_client: ClientFactory, tmp_path: Path) -> None:
    path = tmp_path / "tenant.yaml"
    path.write_text(
        "applications:\n"
        "  - {id: admin, name: admin, type: MachineToMachine, secret: s,\n"
        "     roles: [Logto Management API access]}\n"
        "accountCenter:\n"
        "  enabled: true\n"
        "  fields: {password: Edit, name: ReadOnly}\n"
    )
    client = make_client(path)
    token = client.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": MANAGEMENT_API, "scope": "all"},
        auth=("admin", "s"),
    ).json()["access_token"]
    center = client.get("/api/account-center", headers={"Authorization": f"Bearer {token}"})
    assert center.json() == {
        "tenantId": "default",
        "id": "default",
        "enabled": True,
        "fields": {"name": "ReadOnly", "password": "Edit"},
        "webauthnRelatedOrigins": [],
    }
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("accountCenter: {fields: {name: Write}}\n")
    with pytest.raises(FixtureError) as info:
        load_tenant(wrong)
    assert "accountCenter.fields.name" in str(info.value)


def test_sign_up_and_reset_fire_logtos_hooks(demo: TestClient) -> None:
    email_sign_up(demo)
    events = ["PostRegister", "User.Created", "PostResetPassword", "User.Data.Updated"]
    hook = {"name": "h", "events": events, "config": {"url": "mock://sink"}}
    assert demo.post("/api/hooks", json=hook, headers=admin_headers(demo)).status_code == 201
    _sign_up(demo)
    open_interaction(demo)
    assert demo.put("/api/experience", json={"interactionEvent": "ForgotPassword"}).status_code
    verification_id = send_and_verify_code(demo, NEW_USER, "ForgotPassword")
    demo.post("/api/experience/identification", json={"verificationId": verification_id})
    demo.put("/api/experience/profile/password", json={"password": "Another-Horse-43"})
    assert demo.post("/api/experience/submit").status_code == 200
    payloads = [json.loads(d["request"]["body"]) for d in demo.get("/__mock/deliveries").json()]
    assert [p["event"] for p in payloads] == [
        "User.Created",
        "PostRegister",
        "PostResetPassword",
        "User.Data.Updated",
    ]
    created, registered, reset, updated = payloads
    assert list(created) == [
        "event",
        "createdAt",
        "interactionEvent",
        "userAgent",
        "applicationId",
        "sessionId",
        "ip",
        "application",
        "data",
        "hookId",
    ]
    assert created["data"]["primaryEmail"] == NEW_USER
    assert (registered["interactionEvent"], registered["user"]["primaryEmail"]) == (
        "Register",
        NEW_USER,
    )
    assert (reset["interactionEvent"], updated["interactionEvent"]) == (
        "ForgotPassword",
        "ForgotPassword",
    )


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.sampled_from(["email", "phone", "Totp", "BackupCode", "password", "\x00", "9" * 40]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
_KEYS = st.sampled_from(
    [
        "password",
        "identifier",
        "verificationId",
        "code",
        "email",
        "phone",
        "name",
        "avatar",
        "username",
        "customData",
        "type",
        "secret",
        "codes",
        "mfa",
        "skipMfaOnSignIn",
        "newIdentifierVerificationRecordId",
        "interactionEvent",
        "value",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    operation=st.sampled_from(
        [(m, t) for m, _, t in _logto_routes() if t.startswith(("/api/my-account", "/api/verif"))]
        + [
            ("POST", "/api/experience/verification/verification-code"),
            ("POST", "/api/experience/verification/verification-code/verify"),
            ("POST", "/api/experience/verification/totp/verify"),
            ("POST", "/api/experience/profile"),
            ("PUT", "/api/experience/profile/password"),
            ("POST", "/api/experience/identification"),
            ("PUT", "/api/experience"),
        ]
    ),
    body=st.dictionaries(_KEYS, _JSON, max_size=4),
)
def test_no_body_makes_a_server_error(
    signed_in: tuple[TestClient, str], operation: tuple[str, str], body: dict[str, object]
) -> None:
    client, token = signed_in
    method, template = operation
    path = template.replace("{target}", "x").replace("{connectorId}", "x")
    path = path.replace("{verificationId}", "x")
    headers = bearer(token, "x")
    if template.startswith("/api/verification-codes"):
        headers = admin_headers(client)
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code < 500 or response.status_code == 501, response.text


@pytest.fixture(scope="module")
def signed_in(golden_keys: KeyStore) -> Iterator[tuple[TestClient, str]]:
    """One signed-in alice, account center on, for the generated requests."""
    client = new_client(golden_keys, DEMO_FIXTURE, clock=Clock())
    with client:
        email_sign_up(client)
        enable_account_center(client)
        token = str(_sign_in_alice(client)["access_token"])
        open_interaction(client)
        yield client, token


def test_sign_in_with_an_emailed_code_where_the_method_allows_it(demo: TestClient) -> None:
    email_sign_up(demo)
    verifier = open_interaction(demo)
    assert demo.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verification_id = send_and_verify_code(demo, "bob@example.com", "SignIn")
    identify = {"verificationId": verification_id}
    assert demo.post("/api/experience/identification", json=identify).status_code == 204
    submitted = demo.post("/api/experience/submit").json()
    assert finish(demo, submitted["redirectTo"], verifier)["token_type"] == "Bearer"
    assert demo.get("/__mock/messages", params={"type": "SignIn"}).json()[0]["to"] == (
        "bob@example.com"
    )

    no_codes = {
        "signIn": {
            "methods": [
                {
                    "identifier": "email",
                    "password": True,
                    "verificationCode": False,
                    "isPasswordPrimary": True,
                }
            ]
        }
    }
    assert demo.patch("/api/sign-in-exp", json=no_codes, headers=admin_headers(demo))
    open_interaction(demo)
    assert demo.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verification_id = send_and_verify_code(demo, "bob@example.com", "SignIn")
    refused = demo.post("/api/experience/identification", json={"verificationId": verification_id})
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "user.sign_in_method_not_enabled",
            "message": "This sign-in method is not enabled.",
        },
    )


def test_register_is_refused_at_identification_when_sign_up_is_off(demo: TestClient) -> None:
    email_sign_up(demo, signInMode="SignIn")
    open_interaction(demo)
    assert demo.put("/api/experience", json={"interactionEvent": "Register"}).status_code == 204
    verification_id = send_and_verify_code(demo, NEW_USER, "Register")
    refused = demo.post("/api/experience/identification", json={"verificationId": verification_id})
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.forbidden")
    taken = send_and_verify_code(demo, "alice@example.com", "Register")
    conflict = demo.post("/api/experience/identification", json={"verificationId": taken})
    assert (conflict.status_code, conflict.json()["code"]) == (422, "user.email_already_in_use")


def test_messages_are_listed_filtered_cleared_and_reset(demo: TestClient) -> None:
    headers = admin_headers(demo)
    _connector(demo, "mock-email-service")
    _connector(demo, "mock-short-message-service")
    demo.post("/api/verification-codes", json={"email": "a@example.com"}, headers=headers)
    demo.post("/api/verification-codes", json={"phone": "15550001"}, headers=headers)
    listed = demo.get("/__mock/messages").json()
    assert [(m["channel"], m["to"], m["type"]) for m in listed] == [
        ("email", "a@example.com", "Generic"),
        ("sms", "15550001", "Generic"),
    ]
    assert listed[1]["payload"] == {"code": listed[1]["code"]}
    assert [m["to"] for m in demo.get("/__mock/messages", params={"to": "+15550001"}).json()] == [
        "15550001"
    ]
    assert demo.delete("/__mock/messages").status_code == 204
    assert demo.get("/__mock/messages").json() == []
    demo.post("/api/verification-codes", json={"email": "a@example.com"}, headers=headers)
    assert demo.post("/__mock/reset").status_code == 204
    assert demo.get("/__mock/messages").json() == []


def test_failed_password_verifications_lock_out_as_logtos_sentinel(demo: TestClient) -> None:
    policy = {"sentinelPolicy": {"maxAttempts": 2, "lockoutDuration": 1}}
    assert demo.patch("/api/sign-in-exp", json=policy, headers=admin_headers(demo)).is_success
    enable_account_center(demo)
    token = str(_sign_in_alice(demo)["access_token"])
    wrong = {"password": "wrong-password"}
    first = demo.post("/api/verifications/password", json=wrong, headers=bearer(token))
    assert (first.status_code, first.json()["code"]) == (422, "session.invalid_credentials")
    second = demo.post("/api/verifications/password", json=wrong, headers=bearer(token))
    assert (second.status_code, second.json()["code"]) == (
        400,
        "session.verification_blocked_too_many_attempts",
    )


def test_the_console_lists_the_captured_messages(demo: TestClient) -> None:
    page = demo.get("/")
    assert page.status_code == 200
    assert '<tbody id="messages-rows">' in page.text
    assert '<a href="#messages">Emails and SMS</a>' in page.text
    script = demo.get("/__mock/console/console.js").text
    assert 'url: "/__mock/messages"' in script


def test_register_with_a_username_step_by_step(demo: TestClient) -> None:
    """Logto's register-interaction/username-password test, step by step."""
    verifier = open_interaction(demo)
    assert demo.put("/api/experience", json={"interactionEvent": "Register"}).status_code == 204
    taken = demo.post("/api/experience/profile", json={"type": "username", "value": "alice"})
    assert (taken.status_code, taken.json()["code"]) == (422, "user.username_already_in_use")
    assert demo.post("/api/experience/profile", json={"type": "username", "value": "dana"})
    missing = demo.post("/api/experience/identification", json={})
    assert missing.json()["data"] == {"missingProfile": ["password"]}
    password = {"type": "password", "value": NEW_PASSWORD}
    assert demo.post("/api/experience/profile", json=password).status_code == 204
    assert demo.post("/api/experience/identification", json={}).status_code == 201
    submitted = demo.post("/api/experience/submit").json()
    assert finish(demo, submitted["redirectTo"], verifier)["token_type"] == "Bearer"


def test_mandatory_mfa_cannot_be_skipped_and_backup_codes_are_required(demo: TestClient) -> None:
    policy = {"mfa": {"factors": ["Totp", "BackupCode"], "policy": "Mandatory"}}
    assert demo.patch("/api/sign-in-exp", json=policy, headers=admin_headers(demo)).is_success
    asked: Any = _sign_in_alice(demo)["mfa"]
    assert asked["data"] == {"availableFactors": ["Totp"]}
    skip = demo.post("/api/experience/profile/mfa/mfa-skipped")
    assert (skip.status_code, skip.json()["code"]) == (
        422,
        "session.mfa.mfa_policy_not_user_controlled",
    )
    alice = tenant_of(demo).users["user-alice"]
    alice.mfa_verifications = [
        {"id": "t", "createdAt": "2026-01-01T00:00:00.000Z", "type": "Totp", "key": "A" * 32}
    ]
    code = {"code": totp.code_at("A" * 32, Clock().now)}
    assert demo.post("/api/experience/verification/totp/verify", json=code).status_code == 200
    missing = demo.post("/api/experience/submit")
    assert (missing.status_code, missing.json()) == (
        422,
        {"code": "session.mfa.backup_code_required", "message": "Backup code is required."},
    )


def test_the_email_blocklist_guards_sign_up_and_email_changes(demo: TestClient) -> None:
    email_sign_up(
        demo, emailBlocklistPolicy={"blockSubaddressing": True, "customBlocklist": ["@blocked.io"]}
    )
    enable_account_center(demo)
    open_interaction(demo)
    assert demo.put("/api/experience", json={"interactionEvent": "Register"}).status_code == 204
    sub = demo.post(
        "/api/experience/verification/verification-code",
        json={
            "identifier": {"type": "email", "value": "a+b@example.com"},
            "interactionEvent": "Register",
        },
    )
    assert (sub.status_code, sub.json()) == (
        422,
        {
            "code": "session.email_blocklist.email_subaddressing_not_allowed",
            "message": "Email subaddressing is not allowed.",
        },
    )
    token = str(_sign_in_alice(demo)["access_token"])
    record = demo.post(
        "/api/verifications/password", json={"password": "alice-password"}, headers=bearer(token)
    ).json()["verificationRecordId"]
    change = {"email": "me@blocked.io", "newIdentifierVerificationRecordId": "none"}
    refused = demo.post("/api/my-account/primary-email", json=change, headers=bearer(token, record))
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "session.email_blocklist.email_not_allowed",
            "message": 'The email address "me@blocked.io" is restricted. Please choose a '
            "different one.",
        },
    )
