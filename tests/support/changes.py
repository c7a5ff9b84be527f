"""The rich tenant (rich-tenant.yaml) and a round of Management API changes made to it."""

from __future__ import annotations

import httpx2

from .paths import ROOT

RICH_FIXTURE = ROOT / "tests" / "support" / "rich-tenant.yaml"
#: The rich tenant's M2M app with Management API access.
IMPORTER = ("app-importer", "importer-secret")


def _ok(response: httpx2.Response) -> httpx2.Response:
    assert response.status_code < 300, (response.request.url, response.status_code, response.text)
    return response


def change_through_the_api(client: httpx2.Client) -> None:
    """Create, change and delete something of every kind, as a test building state would."""
    post, patch, delete = client.post, client.patch, client.delete
    app = _ok(post("/api/applications", json={"name": "Later", "type": "MachineToMachine"})).json()
    _ok(
        post(f"/api/applications/{app['id']}/secrets", json={"name": "ci", "expiresAt": 2 * 10**12})
    )
    _ok(post(f"/api/applications/{app['id']}/roles", json={"roleIds": ["role-worker"]}))
    _ok(
        patch("/api/applications/app-web", json={"description": "The shop", "customData": {"x": 1}})
    )
    _ok(delete("/api/applications/app-worker/secrets/rotated"))
    _ok(delete("/api/applications/app-native"))
    _ok(
        post(
            "/api/applications/app-spa/user-consent-scopes",
            json={"userScopes": ["profile", "email"]},
        )
    )

    resource = _ok(
        post("/api/resources", json={"name": "Later API", "indicator": "https://later.test"})
    ).json()
    scope = _ok(
        post(f"/api/resources/{resource['id']}/scopes", json={"name": "go", "description": "Go"})
    ).json()
    role = _ok(
        post("/api/roles", json={"name": "later", "description": "L", "scopeIds": [scope["id"]]})
    ).json()
    _ok(delete("/api/roles/" + _role_id(client, "empty-role")))

    user = _ok(
        post(
            "/api/users",
            json={"username": "eve", "password": "eve-pw", "profile": {"nickname": "E"}},
        )
    ).json()
    _ok(post(f"/api/users/{user['id']}/roles", json={"roleIds": [role["id"], "role-viewer"]}))
    _ok(post(f"/api/users/{user['id']}/personal-access-tokens", json={"name": "cli"}))
    _ok(patch(f"/api/users/{user['id']}/is-suspended", json={"isSuspended": True}))
    client.put(
        f"/api/users/{user['id']}/identities/github",
        json={"userId": "gh-1", "details": {"name": "Eve"}},
    ).raise_for_status()
    _ok(post(f"/api/users/{user['id']}/mfa-verifications", json={"type": "Totp"}))
    _ok(
        patch(
            f"/api/users/{user['id']}/logto-configs",
            json={
                "mfa": {"skipped": True, "skipMfaOnSignIn": False},
                "passkeySignIn": {"skipped": True},
            },
        )
    )
    _ok(
        post(
            "/api/users",
            json={
                "username": "digest",
                "passwordDigest": "5f4dcc3b5aa765d61d8327deb882cf99",
                "passwordAlgorithm": "MD5",
            },
        )
    )
    _ok(patch("/api/users/user-ann/password", json={"password": "changed"}))
    _ok(patch("/api/users/user-ben", json={"name": "Ben", "customData": {"k": [1]}}))
    _ok(delete("/api/users/dora"))

    org_scope = _ok(post("/api/organization-scopes", json={"name": "later:org"})).json()
    org_role = _ok(
        post(
            "/api/organization-roles",
            json={
                "name": "later-role",
                "organizationScopeIds": [org_scope["id"], "oscope-read"],
                "resourceScopeIds": [scope["id"]],
            },
        )
    ).json()
    org = _ok(
        post(
            "/api/organizations",
            json={
                "name": "Later org",
                "customData": {"a": 1},
                "isMfaRequired": True,
                "color": {"primaryColor": "#123456"},
                "branding": {"logoUrl": "https://later.example/logo.png"},
                "customCss": "body { color: red }",
            },
        )
    ).json()
    path = f"/api/organizations/{org['id']}"
    _ok(post(path + "/users", json={"userIds": [user["id"], "user-ann"]}))
    _ok(post(f"{path}/users/{user['id']}/roles", json={"organizationRoleIds": [org_role["id"]]}))
    _ok(post(path + "/applications", json={"applicationIds": [app["id"]]}))
    _ok(post(path + "/jit/email-domains", json={"emailDomain": "later.example"}))
    _ok(post(path + "/jit/roles", json={"organizationRoleIds": [org_role["id"]]}))
    _ok(delete("/api/organizations/org-empty"))
    _ok(delete("/api/organizations/org-one/users/user-social"))
    mail = {"apiKey": "k", "fromEmail": "a@b.c", "templates": []}
    _ok(post("/api/connectors", json={"connectorId": "mock-email-service", "config": mail}))
    social = _ok(post("/api/connectors", json={"connectorId": "mock-social-connector"})).json()
    _ok(patch(f"/api/connectors/{social['id']}", json={"syncProfile": True}))
    field = {"name": "team", "type": "Text", "required": False, "label": "Team"}
    _ok(post("/api/custom-profile-fields", json=field))
    _ok(
        patch(
            "/api/sign-in-exp", json={"signInMode": "SignIn", "sentinelPolicy": {"maxAttempts": 5}}
        )
    )
    # Last, so that no write above is delivered to it (its logs would differ).
    hook = _ok(
        post(
            "/api/hooks",
            json={
                "name": "Later hook",
                "events": ["Role.Created", "Role.Created", "User.Deleted"],
                "config": {"url": "mock://sink", "headers": {"A": "b"}},
            },
        )
    ).json()
    _ok(patch(f"/api/hooks/{hook['id']}/signing-key"))
    script = "const getCustomJwtClaims = async ({ context }) => ({ app: context.application.id });"
    _ok(client.put("/api/configs/jwt-customizer/client-credentials", json={"script": script}))
    center = {"enabled": True, "fields": {"profile": "ReadOnly", "name": "Edit"}}
    _ok(patch("/api/account-center", json=center))


def _role_id(client: httpx2.Client, name: str) -> str:
    roles = _ok(client.get("/api/roles", params={"search": name})).json()
    role_id: str = next(r["id"] for r in roles if r["name"] == name)
    return role_id
