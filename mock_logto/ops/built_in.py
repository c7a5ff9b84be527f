"""Logto's built-in OIDC clients: `demo-app` (Live Preview) and `account-center`.

They have no row in the database: Logto's oidc-provider adapter builds their client metadata
at request time (core/oidc/adapter.ts `buildDemoAppClientMetadata`), with redirect and
post-logout URIs under the tenant's endpoint, so they follow the mock's public URL and port.
They are SPA clients (no secret, PKCE), first-party (auto-consent), and are never listed by
`GET /api/applications`, exported or counted: only the OIDC endpoints find them.
"""

from __future__ import annotations

from ..models import Application, Tenant

DEMO_APP_ID = "demo-app"
ACCOUNT_CENTER_ID = "account-center"

#: id → (client_name, path under the endpoint, extra client metadata), as the adapter builds them.
_BUILT_IN: dict[str, tuple[str, str, dict[str, object]]] = {
    DEMO_APP_ID: ("Live Preview", "/demo-app", {}),
    ACCOUNT_CENTER_ID: ("Account Center", "/account", {"alwaysIssueRefreshToken": True}),
}


def built_in_client(client_id: str, issuer: str) -> Application | None:
    """The built-in client with this id, its URIs under the issuer's endpoint; else None."""
    found = _BUILT_IN.get(client_id)
    if found is None:
        return None
    name, path, metadata = found
    uri = issuer.removesuffix("/oidc") + path
    return Application(
        id=client_id,
        name=name,
        type="SPA",
        internal_secret="N/A",  # noqa: S106 - Logto's placeholder for built-in apps
        redirect_uris=[uri],
        post_logout_redirect_uris=[uri],
        custom_client_metadata=dict(metadata),
    )


def find_client(tenant: Tenant, client_id: str, issuer: str) -> Application | None:
    """The client oidc-provider's adapter finds: a built-in one first (Logto checks it first)."""
    return built_in_client(client_id, issuer) or tenant.applications.get(client_id)
