"""The authorization request and what follows sign-in: validation, consent, the code.

Checks run in node-oidc-provider's order (lib/actions/authorization/index.js at the commit Logto
v1.37.0 pins), because a client sees which error wins. Whether an error is redirected to the
client or shown as JSON follows lib/shared/authorization_error_handler.js: only once the client
is known and the `redirect_uri` is one of its own.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import urlencode

from .claims import OIDC_SCOPES
from .errors import (
    InvalidClientError,
    InvalidRedirectUriError,
    InvalidRequestError,
    OAuthError,
    UnsupportedResponseModeError,
    UnsupportedResponseTypeError,
)
from .grants.base import Params, check_pkce_format, reject_dupes, require
from .grants.resources import resolve_indicator
from .models import ORGANIZATION_RESOURCE, Application, Tenant, User
from .permissions import organization_scope_names, user_resource_scopes
from .store import (
    AUTHORIZATION_CODE_TTL,
    AuthorizationCode,
    AuthorizationRequest,
    Grant,
    Store,
    opaque_token,
)

#: oidc-provider's PARAM_LIST, `resource`, and Logto's extra parameters (schemas consts/oidc.ts).
PARAMETERS = frozenset(
    {
        "acr_values",
        "claims_locales",
        "client_id",
        "code_challenge",
        "code_challenge_method",
        "display",
        "id_token_hint",
        "login_hint",
        "max_age",
        "nonce",
        "prompt",
        "redirect_uri",
        "registration",
        "request",
        "request_uri",
        "response_mode",
        "response_type",
        "scope",
        "state",
        "ui_locales",
        "resource",
        "interaction_mode",
        "first_screen",
        "direct_sign_in",
        "organization_id",
        "identifier",
        "one_time_token",
        "google_one_tap_credential",
    }
)
RESPONSE_TYPES = ("code id_token", "code", "id_token", "none")
RESPONSE_MODES = frozenset({"query", "fragment", "form_post"})
PROMPTS = frozenset({"login", "consent", "none"})


@dataclass(frozen=True, slots=True)
class ErrorRedirect:
    """Where an authorization error may be sent back to the client."""

    redirect_uri: str
    response_mode: str
    state: str | None


class AuthorizationError(Exception):
    """An error of `/oidc/auth`: redirected to the client when `redirect` is set, else JSON."""

    def __init__(self, error: OAuthError, redirect: ErrorRedirect | None, state: str | None):
        self.error = error
        self.redirect = redirect
        self.state = state
        super().__init__(error.error_description)


def response_mode_for(response_type: str | None) -> str:
    """oidc-provider's default mode: fragment when a token comes back, else query."""
    return "fragment" if response_type and "token" in response_type else "query"


def redirect_url(redirect_uri: str, mode: str, values: dict[str, str]) -> str:
    """`redirect_uri` with `values` in its query or fragment."""
    encoded = urlencode(values)
    if mode == "fragment":
        return f"{redirect_uri}#{encoded}"
    separator = "&" if "?" in redirect_uri else "?"
    return f"{redirect_uri}{separator}{encoded}"


def _single(params: Params, name: str) -> str | None:
    values = params.get(name)
    return values[0] if values else None


def parse_authorization_request(
    params: Params, tenant: Tenant
) -> tuple[Application, AuthorizationRequest]:
    """Validate a `/oidc/auth` request; raise :class:`AuthorizationError` on the first problem."""
    client = tenant.applications.get(_single(params, "client_id") or "")
    state = _single(params, "state")
    try:
        return client_request(params, tenant, client)
    except OAuthError as exc:
        raise AuthorizationError(exc, _error_redirect(params, client, exc), state) from exc


def _error_redirect(
    params: Params, client: Application | None, exc: OAuthError
) -> ErrorRedirect | None:
    redirect_uri = _single(params, "redirect_uri")
    if client is not None and redirect_uri is None and len(client.redirect_uris) == 1:
        redirect_uri = client.redirect_uris[0]
    if (
        client is None
        or redirect_uri is None
        or redirect_uri not in client.redirect_uris
        or isinstance(exc, InvalidClientError | InvalidRedirectUriError)
    ):
        return None
    mode = _single(params, "response_mode")
    if mode not in RESPONSE_MODES:
        mode = response_mode_for(_single(params, "response_type"))
    return ErrorRedirect(redirect_uri, mode, _single(params, "state"))


def client_request(
    params: Params, tenant: Tenant, client: Application | None
) -> tuple[Application, AuthorizationRequest]:
    """The checks themselves, in oidc-provider's order."""
    reject_dupes(params, [name for name in params if name != "resource"])
    if "request" in params or "request_uri" in params:
        raise InvalidRequestError("request objects are not supported")
    require(params, "client_id")
    if client is None:
        raise InvalidClientError(f"invalid client {params['client_id'][0]}", status_code=400)

    response_type = _single(params, "response_type")
    mode = _single(params, "response_mode")
    if mode is not None and mode not in RESPONSE_MODES:
        raise UnsupportedResponseModeError()
    if mode == "query" and response_mode_for(response_type) == "fragment":
        raise InvalidRequestError(
            "requested response_mode is not allowed for the requested response_type"
        )
    redirect_uri = _single(params, "redirect_uri")
    if redirect_uri is None and len(client.redirect_uris) == 1:
        redirect_uri = client.redirect_uris[0]
        params["redirect_uri"] = [redirect_uri]
    require(params, "response_type")
    assert response_type is not None  # noqa: S101 - required just above
    response_type = " ".join(sorted(set(response_type.split(" "))))
    if response_type not in RESPONSE_TYPES:
        raise UnsupportedResponseTypeError()
    if response_type != "code" or client.type == "MachineToMachine":
        raise InvalidRequestError("requested response_type is not allowed for this client")
    require(params, "redirect_uri")
    assert redirect_uri is not None  # noqa: S101 - required just above

    prompts = frozenset(p for p in (_single(params, "prompt") or "").split(" ") if p)
    if not prompts <= PROMPTS:
        raise InvalidRequestError("unsupported prompt value requested")
    if "none" in prompts and len(prompts) != 1:
        raise InvalidRequestError("prompt none must only be used alone")

    scopes = list(dict.fromkeys((_single(params, "scope") or "").split()))
    if "offline_access" in scopes and (
        "consent" not in prompts or "refresh_token" not in client.grant_types
    ):
        scopes.remove("offline_access")

    if redirect_uri not in client.redirect_uris:
        raise InvalidRedirectUriError()

    challenge = _single(params, "code_challenge")
    method = _single(params, "code_challenge_method")
    if method is None and challenge is not None:
        raise InvalidRequestError(
            "plain code_challenge_method fallback disabled, code_challenge_method must be provided"
        )
    if method is not None:
        if method != "S256":
            raise InvalidRequestError("not supported value of code_challenge_method")
        if challenge is None:
            raise InvalidRequestError("code_challenge must be provided with code_challenge_method")
    if challenge is None and not client.is_confidential:
        raise InvalidRequestError(
            "Authorization Server policy requires PKCE to be used for this request"
        )
    if challenge is not None:
        check_pkce_format(challenge, "code_challenge")

    resources = [r for value in params.get("resource", []) for r in value.split(",") if r]
    if not resources:
        default = tenant.default_resource()
        resources = [default.indicator] if default else []
    for indicator in resources:
        resolve_indicator(indicator, tenant)

    return client, AuthorizationRequest(
        client_id=client.id,
        redirect_uri=redirect_uri,
        response_mode=mode or "query",
        scopes=scopes,
        resources=list(dict.fromkeys(resources)),
        prompts=prompts,
        state=_single(params, "state"),
        nonce=_single(params, "nonce"),
        code_challenge=challenge,
        code_challenge_method=method,
        login_hint=_single(params, "login_hint"),
    )


def find_user(tenant: Tenant, identifier: str, kind: str | None = None) -> User | None:
    """The user a sign-in identifier names: username, email (any case) or phone."""
    folded = identifier.casefold()
    for user in tenant.users.values():
        if kind in (None, "username") and user.username == identifier:
            return user
        if (
            kind in (None, "email")
            and user.primary_email
            and user.primary_email.casefold() == folded
        ):
            return user
        if kind in (None, "phone") and user.primary_phone == identifier:
            return user
    return None


def password_matches(user: User, password: str) -> bool:
    """Constant-time password check; a user without a password never matches."""
    if user.password is None:
        hmac.compare_digest(password.encode(), password.encode())
        return False
    return hmac.compare_digest(user.password.encode(), password.encode())


def consent(store: Store, tenant: Tenant, user: User, request: AuthorizationRequest) -> Grant:
    """What a first-party app gets: Logto auto-consents (core/middleware/koa-auto-consent.ts).

    OIDC scopes as requested; for each resource, the requested scopes the user holds now
    (for `urn:logto:resource:organizations`: any organization scope of the tenant).
    """
    oidc_scopes = [s for s in request.scopes if s in OIDC_SCOPES]
    resource_scopes: dict[str, list[str]] = {}
    for indicator in request.resources:
        if indicator == ORGANIZATION_RESOURCE:
            held = set(organization_scope_names(tenant))
        else:
            resource = tenant.resource_by_indicator(indicator)
            held = user_resource_scopes(tenant, user, resource) if resource else set()
        resource_scopes[indicator] = [s for s in request.scopes if s in held]
    return store.new_grant(request.client_id, user.id, oidc_scopes, resource_scopes)


def issue_code(
    store: Store, grant: Grant, request: AuthorizationRequest, auth_time: int
) -> AuthorizationCode:
    """A fresh 60-second authorization code for a consented request."""
    return store.add_code(
        AuthorizationCode(
            value=opaque_token(),
            grant_id=grant.id,
            client_id=request.client_id,
            account_id=grant.account_id,
            redirect_uri=request.redirect_uri,
            scopes=grant.scope,
            resources=list(request.resources),
            expires_at=store.clock() + AUTHORIZATION_CODE_TTL,
            auth_time=auth_time,
            nonce=request.nonce,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
        )
    )


def code_redirect(request: AuthorizationRequest, code: str, issuer: str) -> str:
    """The callback URL carrying `code`, `state` and `iss` (RFC 9207)."""
    values = {"code": code}
    if request.state is not None:
        values["state"] = request.state
    values["iss"] = issuer
    return redirect_url(request.redirect_uri, request.response_mode, values)
