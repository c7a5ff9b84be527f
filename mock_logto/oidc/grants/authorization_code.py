"""`authorization_code` (RFC 6749 §4.1.3) with PKCE (RFC 7636).

Checks in oidc-provider's order (lib/actions/grants/authorization_code.js):

1. :func:`find_code`: `code` and `redirect_uri` given, the code exists, is this client's and
   is fresh;
2. :func:`live_grant`: its grant still stands;
3. :func:`verify_pkce`: the verifier matches the challenge (S256);
4. :func:`check_redirect_uri`: the same `redirect_uri` as the authorization request;
5. :func:`consume`: a code already used revokes everything issued from it;
6. issue: the access token, an ID token for `openid`, maybe a refresh token.

Every failure is the same `invalid_grant`; the reason goes to the log.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from ...claims import oauth_scopes
from ...customjwt import claims as custom_jwt
from ...errors import InvalidGrantError
from ...runtime import Runtime
from ...store import AuthorizationCode, Grant
from ..params import check_pkce_format, require
from .base import BEARER, TokenRequest
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


def handle(request: TokenRequest, rt: Runtime) -> dict[str, Any]:
    """Redeem a code for an access token, an ID token and maybe a refresh token."""
    code = find_code(request, rt)
    grant = live_grant(code, rt)
    verify_pkce(request.get("code_verifier"), code.code_challenge)
    check_redirect_uri(request, code)
    consume(code, rt)
    # The token's `sessionUid` names the session whose saved submission scripts read.
    marked = custom_jwt.session_submission.set(
        rt.store.last_submission(code.session_uid, code.account_id)
    )
    try:
        return issue(request, rt, code, grant)
    finally:
        custom_jwt.session_submission.reset(marked)


def find_code(request: TokenRequest, rt: Runtime) -> AuthorizationCode:
    """The client's fresh code (`redirect_uri` defaults to the client's only one)."""
    client = request.client
    if request.get("redirect_uri") is None and len(client.redirect_uris) == 1:
        request.params["redirect_uri"] = [client.redirect_uris[0]]
    require(request.params, "code", "redirect_uri")
    code = rt.store.codes.get(request.get("code") or "")
    if code is None:
        raise InvalidGrantError(detail="authorization code not found")
    if code.client_id != client.id:
        raise InvalidGrantError(detail="client mismatch")
    if code.expires_at <= rt.clock():
        raise InvalidGrantError(detail="authorization code is expired")
    return code


def live_grant(code: AuthorizationCode, rt: Runtime) -> Grant:
    """The grant the code was issued under, unless revoked or expired."""
    grant = rt.store.grant(code.grant_id)
    if grant is None:
        raise InvalidGrantError(detail="grant not found")
    return grant


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


def check_redirect_uri(request: TokenRequest, code: AuthorizationCode) -> None:
    """The `redirect_uri` of the authorization request, exactly."""
    if code.redirect_uri != request.get("redirect_uri"):
        raise InvalidGrantError(detail="authorization code redirect_uri mismatch")


def consume(code: AuthorizationCode, rt: Runtime) -> None:
    """Codes are single-use: a replay revokes the grant and every token of it."""
    if code.consumed:
        rt.store.revoke_grant(code.grant_id)
        raise InvalidGrantError(detail="authorization code already consumed")
    code.consumed = True


def issue(
    request: TokenRequest, rt: Runtime, code: AuthorizationCode, grant: Grant
) -> dict[str, Any]:
    """The token response: a JWT for a resource or an opaque token for userinfo, and the rest."""
    client = request.client
    user = find_account(rt, code.account_id)
    resource = token_resource(request.all("resource"), code.resources, code.scopes)
    if resource is not None:
        consented = grant.resource_scopes.get(resource, ())
        access_token, expires_in, scope = resource_access_token(
            rt, client, user, resource, code.scopes, consented=consented
        )
    else:
        oidc = [s for s in grant.oidc_scopes if s in code.scopes]
        access_token, expires_in, scope = opaque_access_token(rt, client, user, oidc, grant.id)
    body: dict[str, Any] = {"access_token": access_token, "expires_in": expires_in}
    if "openid" in code.scopes:
        body["id_token"] = id_token(
            rt, client, user, oauth_scopes(code.scopes), nonce=code.nonce, access_token=access_token
        )
    if issues_refresh_token(client, code.scopes):
        body["refresh_token"] = new_refresh_token(
            rt,
            client,
            grant_id=grant.id,
            account_id=user.id,
            scopes=code.scopes,
            resources=code.resources,
            nonce=code.nonce,
            session_uid=code.session_uid,
        ).value
    body["scope"] = scope
    body["token_type"] = BEARER
    return body
