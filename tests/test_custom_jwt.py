"""Custom JWT set from Python (pytest handle) and from the control API; verified with PyJWT."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from mock_logto.customjwt.config import DenyAccess
from mock_logto.testing import MockLogto

from .support.admin import management_token
from .support.apps import NOW, ClientFactory, Clock, tenant_of
from .support.paths import DEMO_FIXTURE
from .support.sign_in import auth_params, code_for, exchange, follow_to_callback, query_of, refresh
from .support.tenants import DEMO_ADMIN, DEMO_CALLBACK, ISSUER
from .support.verify import decode_unverified, verify_access_token


def _m2m_token(logto: MockLogto) -> Any:
    import httpx

    app = next(iter(logto.runtime.tenant.applications.values()))
    for candidate in logto.runtime.tenant.applications.values():
        if candidate.type == "MachineToMachine" and candidate.role_ids:
            app = candidate
            break
    return httpx.post(
        logto.token_endpoint,
        data={
            "grant_type": "client_credentials",
            "resource": logto.management_api_indicator,
            "scope": "all",
        },
        auth=(app.id, app.internal_secret),
    )


def test_python_function_adds_claims_and_denies(mock_logto: MockLogto) -> None:
    seen: list[dict[str, Any]] = []

    def customize(payload: dict[str, Any]) -> dict[str, Any]:
        seen.append(payload)
        return {"tier": "gold", "sub": "not-overridden"}

    mock_logto.customize_claims("client-credentials", customize)
    response = _m2m_token(mock_logto)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    jwks = httpx_get_json(mock_logto.jwks_uri)
    claims = verify_access_token(
        token,
        jwks,
        issuer=mock_logto.issuer,
        audience=mock_logto.management_api_indicator,
        now=mock_logto.clock(),
    )
    assert list(claims)[0] == "tier" and claims["tier"] == "gold"
    assert claims["sub"] == claims["client_id"]
    assert seen[0]["token"]["kind"] == "ClientCredentials"
    assert seen[0]["context"]["application"]["id"] == claims["client_id"]

    def deny(payload: dict[str, Any]) -> dict[str, Any]:
        raise DenyAccess("no tokens today")

    mock_logto.customize_claims("client-credentials", deny)
    denied = _m2m_token(mock_logto)
    assert (denied.status_code, denied.json()) == (
        400,
        {
            "code": "oidc.access_denied",
            "message": "Access denied.",
            "error": "access_denied",
            "error_description": "no tokens today",
        },
    )
    mock_logto.customize_claims("client-credentials", None)
    assert "tier" not in jwt.decode(
        _m2m_token(mock_logto).json()["access_token"], options={"verify_signature": False}
    )


def httpx_get_json(url: str) -> dict[str, Any]:
    import httpx

    body: dict[str, Any] = httpx.get(url).json()
    return body


def test_unknown_token_type_is_refused(mock_logto: MockLogto) -> None:
    with pytest.raises(ValueError, match="token_type"):
        mock_logto.customize_claims("id-token", lambda payload: {})


# ------------------------------------------------------------------ PUT /__mock/claims over HTTP

CC_BODY = {"grant_type": "client_credentials", "resource": "https://api.example.com"}
M2M = ("demo-m2m", "demo-m2m-secret")


def test_control_claims_add_static_claims_then_go(demo: TestClient) -> None:
    put = demo.put(
        "/__mock/claims",
        json={"tokenType": "client-credentials", "claims": {"plan": "pro", "iss": "nope"}},
    )
    assert (put.status_code, put.json()) == (
        200,
        {"tokenType": "client-credentials", "claims": {"plan": "pro", "iss": "nope"}},
    )
    token = demo.post("/oidc/token", data=CC_BODY, auth=M2M).json()["access_token"]
    claims = verify_access_token(
        token,
        demo.get("/oidc/jwks").json(),
        issuer=ISSUER,
        audience="https://api.example.com",
        now=NOW,
    )
    assert (claims["plan"], claims["iss"], claims["sub"]) == ("pro", ISSUER, "demo-m2m")
    # Only the token type named: a user token made to order or issued stays as it was.
    assert tenant_of(demo).custom_jwt.functions.keys() == {"client-credentials"}
    removed = demo.put("/__mock/claims", json={"tokenType": "client-credentials", "claims": None})
    assert (removed.status_code, removed.json()) == (
        200,
        {"tokenType": "client-credentials", "claims": None},
    )
    token = demo.post("/oidc/token", data=CC_BODY, auth=M2M).json()["access_token"]
    assert "plan" not in decode_unverified(token)[1]
    # Until the next reset.
    demo.put("/__mock/claims", json={"tokenType": "access-token", "claims": {"a": 1}})
    assert demo.post("/__mock/reset").status_code == 204
    assert tenant_of(demo).custom_jwt.functions == {}


def test_control_claims_refuse_bad_bodies(demo: TestClient) -> None:
    def refused(body: Any) -> tuple[int, Any]:
        response = demo.put("/__mock/claims", json=body)
        return response.status_code, response.json()

    bad_type = {
        "code": "mock.invalid_request",
        "message": "'tokenType' must be one of access-token, client-credentials",
    }
    assert refused({"tokenType": "id-token", "claims": {}}) == (400, bad_type)
    assert refused({"claims": {"a": 1}}) == (400, bad_type)
    assert refused({"tokenType": 1}) == (
        400,
        {"code": "mock.invalid_request", "message": "'tokenType' has the wrong type"},
    )
    assert refused({"tokenType": "access-token", "claims": ["a"]}) == (
        400,
        {"code": "mock.invalid_request", "message": "'claims' has the wrong type"},
    )
    assert refused(["access-token"]) == (
        400,
        {"code": "mock.invalid_request", "message": "the body must be a JSON object"},
    )
    assert tenant_of(demo).custom_jwt.functions == {}


def test_control_claims_follow_the_control_api_access_rules(make_client: ClientFactory) -> None:
    body = {"tokenType": "client-credentials", "claims": {"plan": "pro"}}
    demo = make_client(DEMO_FIXTURE)
    cross_site = demo.put("/__mock/claims", json=body, headers={"Origin": "http://evil.test"})
    assert (cross_site.status_code, cross_site.json()) == (
        403,
        {"code": "mock.forbidden", "message": "Cross-site requests cannot use the control API."},
    )
    simple = demo.put(
        "/__mock/claims", content=json.dumps(body), headers={"Content-Type": "text/plain"}
    )
    assert (simple.status_code, simple.json()["code"]) == (415, "mock.unsupported_media_type")
    assert tenant_of(demo).custom_jwt.functions == {}
    token = "t" * 24
    guarded = make_client(DEMO_FIXTURE, control_token=token)
    missing = guarded.put("/__mock/claims", json=body)
    assert (missing.status_code, missing.json()) == (
        401,
        {
            "code": "mock.unauthorized",
            "message": "The control API needs its token (X-Mock-Logto-Token).",
        },
    )
    assert tenant_of(guarded).custom_jwt.functions == {}
    ok = guarded.put("/__mock/claims", json=body, headers={"X-Mock-Logto-Token": token})
    assert ok.status_code == 200
    off = make_client(DEMO_FIXTURE, control_api=False)
    assert off.put("/__mock/claims", json=body).status_code == 404


# ------------------------------------------------------------------ token exchange


EXCHANGE_SCRIPT = """
const getCustomJwtClaims = async ({ token, context, environmentVariables }) => ({
  tenant_id: context.user.customData.tenantId,
  kind: token.kind,
  gty: token.gty,
  app: context.application.id,
  signed_in: context.interaction !== undefined,
  env: environmentVariables.STAGE,
});
"""


def test_a_token_exchange_token_runs_the_access_token_customizer(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    fixture = tmp_path / "exchange.yaml"
    fixture.write_text(
        DEMO_FIXTURE.read_text()
        .replace(
            '    postLogoutRedirectUris: ["http://localhost:3000/"]',
            '    postLogoutRedirectUris: ["http://localhost:3000/"]\n'
            "    customClientMetadata: { allowTokenExchange: true }",
        )
        .replace(
            "    roles: [items-reader]",
            "    roles: [items-reader]\n    customData: { tenantId: t-42 }\n"
            "    personalAccessTokens: [{ name: ci, value: pat_bob }]",
        )
    )
    client = make_client(fixture)
    admin = {"Authorization": f"Bearer {management_token(client, *DEMO_ADMIN)}"}
    customizer = {"script": EXCHANGE_SCRIPT, "environmentVariables": {"STAGE": "test"}}
    put = client.put("/api/configs/jwt-customizer/access-token", json=customizer, headers=admin)
    assert put.status_code == 201, put.text
    data = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": "pat_bob",
        "subject_token_type": "urn:logto:token-type:personal_access_token",
        "resource": "https://api.example.com",
        "scope": "read:items",
    }
    response = client.post("/oidc/token", data=data, auth=("demo-web", "demo-web-secret"))
    assert response.status_code == 200, response.text
    claims = verify_access_token(
        response.json()["access_token"],
        client.get("/oidc/jwks").json(),
        issuer=ISSUER,
        audience="https://api.example.com",
        now=NOW,
    )
    assert {k: claims[k] for k in ("tenant_id", "kind", "gty", "app", "signed_in", "env")} == {
        "tenant_id": "t-42",
        "kind": "AccessToken",
        "gty": "urn:ietf:params:oauth:grant-type:token-exchange",
        "app": "demo-web",
        "signed_in": False,
        "env": "test",
    }
    assert (claims["sub"], claims["client_id"], claims["scope"]) == (
        "user-bob",
        "demo-web",
        "read:items",
    )
    # The client-credentials customizer is another one: M2M tokens stay without the claims.
    m2m = client.post("/oidc/token", data=CC_BODY, auth=M2M).json()["access_token"]
    assert "tenant_id" not in decode_unverified(m2m)[1]


# ------------------------------------------------------------------ tokens made to order


def test_tokens_made_to_order_do_not_run_the_customizer(mock_logto: MockLogto) -> None:
    """A token made to order carries what the test asked for, nothing a customizer adds.

    The customizer is a step of Logto's token endpoint; `issue_token` (and `POST
    /__mock/tokens`, `mock-logto token`) stands for a token your code got from Logto, so a test
    that wants a custom claim in it says so with `claims=`, and a test of the customizer goes
    through the token endpoint.
    """
    calls: list[dict[str, Any]] = []

    def customize(payload: dict[str, Any]) -> dict[str, Any]:
        calls.append(payload)
        return {"plan": "pro"}

    mock_logto.customize_claims("access-token", customize)
    mock_logto.customize_claims("client-credentials", customize)
    user = mock_logto.issue_token("demo-web", user="bob", resource="https://api.example.com")
    machine = mock_logto.issue_token(
        "demo-m2m", resource="https://api.example.com", claims={"plan": "free"}
    )
    assert "plan" not in decode_unverified(user)[1]
    assert decode_unverified(machine)[1]["plan"] == "free"
    assert calls == []


# ------------------------------------------------------------------ fixtures

FIXTURE_SCRIPTS = """
customJwt:
  clientCredentials:
    script: |
      const getCustomJwtClaims = async ({ context, environmentVariables }) =>
        ({ plan: environmentVariables.PLAN, app_name: context.application.name });
    environmentVariables: { PLAN: pro }
  idToken: { enabledExtendedClaims: [custom_data] }
"""


def test_a_fixture_script_applies_to_the_next_token(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    (tmp_path / "a-tenant.yaml").write_text(DEMO_FIXTURE.read_text())
    (tmp_path / "b-claims.yaml").write_text(FIXTURE_SCRIPTS)
    client = make_client(tmp_path)
    token = client.post("/oidc/token", data=CC_BODY, auth=M2M).json()["access_token"]
    claims = verify_access_token(
        token,
        client.get("/oidc/jwks").json(),
        issuer=ISSUER,
        audience="https://api.example.com",
        now=NOW,
    )
    assert (claims["plan"], claims["app_name"], claims["sub"]) == (
        "pro",
        "Demo backend",
        "demo-m2m",
    )
    admin = {"Authorization": f"Bearer {management_token(client, *DEMO_ADMIN)}"}
    stored = client.get("/api/configs/jwt-customizer/client-credentials", headers=admin)
    assert stored.json() == {
        "script": "const getCustomJwtClaims = async ({ context, environmentVariables }) =>\n"
        "  ({ plan: environmentVariables.PLAN, app_name: context.application.name });\n",
        "environmentVariables": {"PLAN": "pro"},
    }
    assert client.get("/api/configs/id-token", headers=admin).json() == {
        "enabledExtendedClaims": ["custom_data"]
    }
    assert client.get("/api/configs/jwt-customizer/access-token", headers=admin).status_code == 404
    # A reset brings the fixture's script back after the Management API removed it.
    client.delete("/api/configs/jwt-customizer/client-credentials", headers=admin)
    token = client.post("/oidc/token", data=CC_BODY, auth=M2M).json()["access_token"]
    assert "plan" not in decode_unverified(token)[1]
    client.post("/__mock/reset")
    token = client.post("/oidc/token", data=CC_BODY, auth=M2M).json()["access_token"]
    assert decode_unverified(token)[1]["plan"] == "pro"


def test_custom_jwt_fixture_problems(tmp_path: Path) -> None:
    from mock_logto.errors import FixtureError
    from mock_logto.loader import load_tenant

    (tmp_path / "a.yaml").write_text(FIXTURE_SCRIPTS)
    (tmp_path / "b.yaml").write_text(
        "customJwt:\n  clientCredentials: { script: x }\n"
        "  idToken: { enabledExtendedClaims: [roles] }\n"
    )
    (tmp_path / "c.yaml").write_text("customJwt:\n  accessToken: { scrpt: x }\n  idTokens: {}\n")
    with pytest.raises(FixtureError) as raised:
        load_tenant(tmp_path)
    a, b, c = (str(tmp_path / name) for name in ("a.yaml", "b.yaml", "c.yaml"))
    assert raised.value.problems == [
        f"{c}: customJwt.accessToken.script: Field required",
        f"{c}: customJwt.accessToken.scrpt: unknown key (did you mean 'script'?)",
        f"{c}: customJwt.idTokens: unknown key (did you mean 'idToken'?)",
    ]
    (tmp_path / "c.yaml").unlink()
    with pytest.raises(FixtureError) as raised:
        load_tenant(tmp_path)
    assert raised.value.problems == [
        f"{b}: customJwt.clientCredentials: set in another fixture file too",
        f"{b}: customJwt.idToken: set in another fixture file too",
    ]
    (tmp_path / "b.yaml").write_text("customJwt:\n  accessToken: { script: x }\n")
    (tmp_path / "a.yaml").write_text("customJwt:\n  idToken: { enabledExtendedClaims: [role] }\n")
    with pytest.raises(FixtureError) as raised:
        load_tenant(tmp_path)
    assert raised.value.problems == [
        f"{a}: customJwt.idToken.enabledExtendedClaims[0]: unknown claim 'role' "
        "(did you mean 'roles'?)"
    ]


# ------------------------------------------------------------------ ID token config

EXTENDED_SCOPES = (
    "openid offline_access custom_data roles identities "
    "urn:logto:scope:organizations urn:logto:scope:organization_roles"
)
EXTENDED = (
    "custom_data",
    "identities",
    "sso_identities",
    "roles",
    "organizations",
    "organization_data",
    "organization_roles",
)


def test_the_id_token_config_chooses_the_extended_claims(demo: TestClient) -> None:
    def sign_in() -> tuple[set[str], set[str]]:
        """The extended claims of alice's ID token, and of `/oidc/me`."""
        body = exchange(demo, code_for(demo, scope=EXTENDED_SCOPES)).json()
        id_token = verify_access_token(
            body["id_token"],
            demo.get("/oidc/jwks").json(),
            issuer=ISSUER,
            audience="demo-web",
            now=NOW,
        )
        bearer = {"Authorization": f"Bearer {body['access_token']}"}
        userinfo = demo.get("/oidc/me", headers=bearer).json()
        return set(EXTENDED).intersection(id_token), set(EXTENDED).intersection(userinfo)

    demo.follow_redirects = False
    everything = set(EXTENDED)
    assert sign_in() == ({"roles", "organizations", "organization_roles"}, everything)
    admin = {"Authorization": f"Bearer {management_token(demo, *DEMO_ADMIN)}"}
    chosen = {"enabledExtendedClaims": ["custom_data", "organization_data", "sso_identities"]}
    put = demo.put("/api/configs/id-token", json=chosen, headers=admin)
    assert (put.status_code, put.json()) == (200, chosen)
    assert sign_in() == ({"custom_data", "organization_data", "sso_identities"}, everything)
    assert demo.put("/api/configs/id-token", json={}, headers=admin).json() == {}
    assert sign_in() == (set(), everything)
    demo.post("/__mock/reset")
    assert sign_in() == ({"roles", "organizations", "organization_roles"}, everything)


def test_an_impersonation_exchange_shows_the_script_its_subject_token_context(
    make_client: ClientFactory,
) -> None:
    """Logto's `context.grant` (extra-token-claims.ts getAssociatedSubjectToken)."""
    client = make_client(DEMO_FIXTURE)
    admin = {"Authorization": f"Bearer {management_token(client, *DEMO_ADMIN)}"}
    patched = client.patch(
        "/api/applications/demo-web",
        json={"customClientMetadata": {"allowTokenExchange": True}},
        headers=admin,
    )
    assert patched.status_code == 200
    seen: list[dict[str, Any]] = []

    def customizer(payload: dict[str, Any]) -> dict[str, Any]:
        seen.append(payload["context"])
        grant = payload["context"].get("grant", {})
        return {"impersonated_by": grant.get("subjectTokenContext", {}).get("agent")}

    tenant_of(client).custom_jwt.functions["access-token"] = customizer
    subject = client.post(
        "/api/subject-tokens",
        json={"userId": "user-alice", "context": {"agent": "support-bob"}},
        headers=admin,
    ).json()["subjectToken"]
    answer = client.post(
        "/oidc/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": subject,
            "subject_token_type": "urn:logto:token-type:impersonation_token",
            "resource": "https://api.example.com",
        },
        auth=("demo-web", "demo-web-secret"),
    )
    assert answer.status_code == 200, answer.text
    claims = verify_access_token(
        answer.json()["access_token"],
        client.get("/oidc/jwks").json(),
        issuer=ISSUER,
        audience="https://api.example.com",
        now=NOW,
    )
    assert (claims["sub"], claims["impersonated_by"]) == ("user-alice", "support-bob")
    assert seen[-1]["grant"] == {
        "type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subjectTokenContext": {"agent": "support-bob"},
    }


# ------------------------------------------------------------------ context.interaction

INTERACTION_SCRIPT = """
const getCustomJwtClaims = async ({ context }) => ({
  interaction: context.interaction ?? null,
  verificationType: context.interaction?.verificationRecords?.[0]?.type,
});
"""
API = "https://api.example.com"


def _interaction_claims(client: TestClient, callback: str) -> tuple[dict[str, Any], str]:
    """The access token's claims (for the API) of the code in `callback`, and the refresh token."""
    response = exchange(client, query_of(callback)["code"], resource=API)
    assert response.status_code == 200, response.text
    jwks = client.get("/oidc/jwks").json()
    claims = verify_access_token(response.json()["access_token"], jwks, issuer=ISSUER, audience=API)
    return claims, response.json()["refresh_token"]


def _scripted_client(make_client: ClientFactory) -> TestClient:
    client = make_client(DEMO_FIXTURE, clock=Clock())
    client.follow_redirects = False
    admin = {"Authorization": f"Bearer {management_token(client, *DEMO_ADMIN)}"}
    customizer = {"script": INTERACTION_SCRIPT}
    put = client.put("/api/configs/jwt-customizer/access-token", json=customizer, headers=admin)
    assert put.status_code == 201, put.text
    return client


def test_context_interaction_is_the_sessions_experience_submission(
    make_client: ClientFactory,
) -> None:
    """Logto's `lastSubmission`, saved to the session at consent, read by the code's and the
    refresh token's access tokens (the suite's get-access-token "guest user" case)."""
    client = _scripted_client(make_client)
    started = client.get(
        "/oidc/auth", params=auth_params(resource=API, scope="openid offline_access read:items")
    )
    assert started.status_code == 303
    assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verified = client.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": "username", "value": "alice"}, "password": "alice-password"},
    )
    verification_id = verified.json()["verificationId"]
    identified = client.post(
        "/api/experience/identification", json={"verificationId": verification_id}
    )
    assert identified.status_code == 204
    redirect_to = client.post("/api/experience/submit").json()["redirectTo"]
    claims, refresh_token = _interaction_claims(
        client, follow_to_callback(client, redirect_to, DEMO_CALLBACK)
    )
    interaction = {
        "interactionEvent": "SignIn",
        "userId": "user-alice",
        "verificationRecords": [
            {
                "id": verification_id,
                "type": "Password",
                "identifier": {"type": "username", "value": "alice"},
                "verified": True,
            }
        ],
    }
    assert (claims["interaction"], claims["verificationType"]) == (interaction, "Password")
    refreshed = refresh(client, refresh_token, resource=API)
    assert refreshed.status_code == 200, refreshed.text
    again = verify_access_token(
        refreshed.json()["access_token"],
        client.get("/oidc/jwks").json(),
        issuer=ISSUER,
        audience=API,
    )
    assert again["interaction"] == interaction


def test_no_context_interaction_after_a_legacy_or_shortcut_sign_in(
    make_client: ClientFactory,
) -> None:
    """A legacy Interaction API result fails Logto's guard; `login_hint` saves nothing."""
    client = _scripted_client(make_client)
    scope = "openid offline_access read:items"
    client.get("/oidc/auth", params=auth_params(resource=API, scope=scope))
    identifier = {"username": "alice", "password": "alice-password"}
    put = client.put("/api/interaction", json={"event": "SignIn", "identifier": identifier})
    assert put.status_code == 204
    redirect_to = client.post("/api/interaction/submit").json()["redirectTo"]
    claims, _ = _interaction_claims(client, follow_to_callback(client, redirect_to, DEMO_CALLBACK))
    assert claims["interaction"] is None
    assert "verificationType" not in claims
    code = code_for(client, "bob", resource=API, scope=scope)
    response = exchange(client, code, resource=API)
    jwks = client.get("/oidc/jwks").json()
    shortcut = verify_access_token(
        response.json()["access_token"], jwks, issuer=ISSUER, audience=API
    )
    assert shortcut["interaction"] is None
