"""`authorization_code` (RFC 6749 §4.1.3) with PKCE (RFC 7636).

Checks in oidc-provider's order (lib/actions/grants/authorization_code.js): the code must exist,
belong to the client and be fresh, PKCE must verify, `redirect_uri` must match, and a code
already used revokes everything issued from it. Every failure is the same `invalid_grant`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from ..claims import oauth_scopes
from ..errors import InvalidGrantError
from .base import BEARER, GrantContext, TokenRequest, check_pkce_format, require
from .user import (
    find_account,
    id_token,
    issues_refresh_token,
    new_refresh_token,
    opaque_access_token,
    resource_access_token,
    token_resource,
)

GRANT_TYPE = "authorization_code"
PARAMETERS = frozenset({"code", "redirect_uri", "code_verifier", "resource"})
DUPLICABLE = frozenset({"resource"})


def verify_pkce(verifier: str | None, challenge: str | None) -> None:
    """S256 only; a verifier without a challenge, or the reverse, fails too."""
    if verifier is not None:
        check_pkce_format(verifier, "code_verifier")
    if verifier is None and challenge is None:
        return
    if verifier is None or challenge is None:
        raise InvalidGrantError(detail="PKCE verification failed")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if not hmac.compare_digest(expected, challenge):
        raise InvalidGrantError(detail="PKCE verification failed")


def handle(request: TokenRequest, ctx: GrantContext) -> dict[str, Any]:
    """Redeem a code for an access token, an ID token and maybe a refresh token."""
    client, store = request.client, ctx.store
    if request.get("redirect_uri") is None and len(client.redirect_uris) == 1:
        request.params["redirect_uri"] = [client.redirect_uris[0]]
    require(request.params, "code", "redirect_uri")
    code = store.codes.get(request.get("code") or "")
    if code is None:
        raise InvalidGrantError(detail="authorization code not found")
    if code.client_id != client.id:
        raise InvalidGrantError(detail="client mismatch")
    if code.expires_at <= ctx.clock():
        raise InvalidGrantError(detail="authorization code is expired")
    grant = store.grant(code.grant_id)
    if grant is None:
        raise InvalidGrantError(detail="grant not found")
    verify_pkce(request.get("code_verifier"), code.code_challenge)
    if code.redirect_uri != request.get("redirect_uri"):
        raise InvalidGrantError(detail="authorization code redirect_uri mismatch")
    if code.consumed:
        store.revoke_grant(code.grant_id)
        raise InvalidGrantError(detail="authorization code already consumed")
    code.consumed = True
    user = find_account(ctx, code.account_id)

    resource = token_resource(request.all("resource"), code.resources, code.scopes)
    if resource is not None:
        access_token, expires_in, scope = resource_access_token(
            ctx,
            client,
            user,
            resource,
            code.scopes,
            consented=grant.resource_scopes.get(resource, ()),
        )
    else:
        oidc = [s for s in grant.oidc_scopes if s in code.scopes]
        access_token, expires_in, scope = opaque_access_token(ctx, client, user, oidc, grant.id)

    body: dict[str, Any] = {"access_token": access_token, "expires_in": expires_in}
    if "openid" in code.scopes:
        body["id_token"] = id_token(
            ctx,
            client,
            user,
            oauth_scopes(code.scopes),
            nonce=code.nonce,
            access_token=access_token,
        )
    if issues_refresh_token(client, code.scopes):
        body["refresh_token"] = new_refresh_token(
            ctx,
            client,
            grant_id=grant.id,
            account_id=user.id,
            scopes=code.scopes,
            resources=code.resources,
            nonce=code.nonce,
        ).value
    body["scope"] = scope
    body["token_type"] = BEARER
    return body
