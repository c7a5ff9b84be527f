"""An organization with `isMfaRequired` refuses organization tokens to users without MFA.

Logto v1.37 oidc/grants/utils.ts `checkOrganizationAccess` (token exchange and refresh token
grants): after membership, 403 `access_denied` "organization requires MFA but user has no MFA
configured" unless the user has an MFA verification; Logto's token-exchange/index.test.ts and
organization-token.test.ts.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def _exchange(admin: TestClient, app: dict[str, Any], user_id: str, org_id: str) -> Any:
    subject = _ok(admin.post("/api/subject-tokens", json={"userId": user_id}))["subjectToken"]
    return admin.post(
        "/oidc/token",
        data={
            "grant_type": TOKEN_EXCHANGE,
            "subject_token": subject,
            "subject_token_type": ACCESS_TOKEN,
            "organization_id": org_id,
        },
        auth=(app["id"], app["secret"]),
        headers={"Authorization": ""},
    )


def test_an_organization_requiring_mfa_refuses_tokens_to_a_member_without_mfa(
    admin: TestClient,
) -> None:
    app = _ok(
        admin.post(
            "/api/applications",
            json={
                "name": "exchanger",
                "type": "Traditional",
                "oidcClientMetadata": {"redirectUris": [], "postLogoutRedirectUris": []},
                "customClientMetadata": {"allowTokenExchange": True},
            },
        )
    )
    app["secret"] = _ok(admin.get(f"/api/applications/{app['id']}/secrets"))[0]["value"]
    user = _ok(admin.post("/api/users", json={"username": "member"}))["id"]
    org = _ok(admin.post("/api/organizations", json={"name": "strict"}))["id"]
    assert admin.post(f"/api/organizations/{org}/users", json={"userIds": [user]}).is_success
    first = _exchange(admin, app, user, org)
    assert first.status_code == 200, first.text
    _ok(admin.patch(f"/api/organizations/{org}", json={"isMfaRequired": True}))
    refused = _exchange(admin, app, user, org)
    assert (refused.status_code, refused.json()) == (
        403,
        {
            "code": "oidc.access_denied",
            "message": "Access denied.",
            "error": "access_denied",
            "error_description": "organization requires MFA but user has no MFA configured",
        },
    )
    _ok(admin.post(f"/api/users/{user}/mfa-verifications", json={"type": "Totp"}))
    assert _exchange(admin, app, user, org).status_code == 200
