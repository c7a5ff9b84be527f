"""The authorization request and what follows sign-in: validation, consent, the code.

Checks run in node-oidc-provider's order (lib/actions/authorization/index.js at the commit Logto
v1.37.0 pins), because a client sees which error wins. Whether an error is redirected to the
client or shown as JSON follows lib/shared/authorization_error_handler.js: only once the client
is known and the `redirect_uri` is one of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..claims import OIDC_SCOPES
from ..errors import (
    InvalidClientError,
    InvalidRedirectUriError,
    InvalidRequestError,
    InvalidScopeError,
    OAuthError,
    UnsupportedResponseModeError,
    UnsupportedResponseTypeError,
)
from ..http.uris import redirect_url
from ..models import ORGANIZATION_RESOURCE, Application, Tenant, User
from ..ops import applications, users
from ..ops.built_in import find_client
from ..permissions import organization_scope_names, user_resource_scopes
from ..store import (
    AUTHORIZATION_CODE_TTL,
    AuthorizationCode,
    AuthorizationRequest,
    Grant,
    Interaction,
    Store,
    opaque_token,
)
from .params import Params, check_pkce_format, reject_dupes, require, single
from .resources import resolve_indicator

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


def parse_authorization_request(
    params: Params, tenant: Tenant, issuer: str = ""
) -> tuple[Application, AuthorizationRequest]:
    """Validate a `/oidc/auth` request; raise :class:`AuthorizationError` on the first problem.

    `issuer` places the built-in clients' redirect URIs (`demo-app`: `<endpoint>/demo-app`).
    """
    client = find_client(tenant, single(params, "client_id") or "", issuer)
    try:
        draft = Draft(params, tenant, client)
        for check in CHECKS:
            check(draft)
        return draft.validated()
    except OAuthError as exc:
        raise AuthorizationError(
            exc, _error_redirect(params, client, exc), single(params, "state")
        ) from exc


def _error_redirect(
    params: Params, client: Application | None, exc: OAuthError
) -> ErrorRedirect | None:
    redirect_uri = single(params, "redirect_uri")
    if client is not None and redirect_uri is None and len(client.redirect_uris) == 1:
        redirect_uri = client.redirect_uris[0]
    if (
        client is None
        or redirect_uri is None
        or redirect_uri not in client.redirect_uris
        or isinstance(exc, InvalidClientError | InvalidRedirectUriError)
    ):
        return None
    mode = single(params, "response_mode")
    if mode not in RESPONSE_MODES:
        mode = response_mode_for(single(params, "response_type"))
    return ErrorRedirect(redirect_uri, mode, single(params, "state"))


@dataclass(slots=True)
class Draft:
    """An authorization request while its checks run; each check reads and fills it."""

    params: Params
    tenant: Tenant
    found_client: Application | None
    response_type: str = ""
    redirect_uri: str = ""
    prompts: frozenset[str] = frozenset()
    scopes: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)

    @property
    def client(self) -> Application:
        """The client (checked by `check_client`, the third step)."""
        assert self.found_client is not None  # noqa: S101 - check_client ran before
        return self.found_client

    def get(self, name: str) -> str | None:
        """A parameter's value."""
        return single(self.params, name)

    def validated(self) -> tuple[Application, AuthorizationRequest]:
        """The request the interaction and the code will carry."""
        return self.client, AuthorizationRequest(
            client_id=self.client.id,
            redirect_uri=self.redirect_uri,
            response_mode=self.get("response_mode") or "query",
            scopes=self.scopes,
            resources=list(dict.fromkeys(self.resources)),
            prompts=self.prompts,
            state=self.get("state"),
            nonce=self.get("nonce"),
            code_challenge=self.get("code_challenge"),
            code_challenge_method=self.get("code_challenge_method"),
            login_hint=self.get("login_hint"),
        )


def check_parameters(draft: Draft) -> None:
    """No parameter twice (but `resource`), no request objects."""
    reject_dupes(draft.params, [name for name in draft.params if name != "resource"])
    if "request" in draft.params or "request_uri" in draft.params:
        raise InvalidRequestError("request objects are not supported")


def check_client(draft: Draft) -> None:
    """`client_id` names an application."""
    require(draft.params, "client_id")
    if draft.found_client is None:
        raise InvalidClientError(f"invalid client {draft.params['client_id'][0]}", status_code=400)


def check_response_mode(draft: Draft) -> None:
    """A known `response_mode`, and no `query` for a response carrying tokens."""
    mode = draft.get("response_mode")
    if mode is not None and mode not in RESPONSE_MODES:
        raise UnsupportedResponseModeError()
    if mode == "query" and response_mode_for(draft.get("response_type")) == "fragment":
        raise InvalidRequestError(
            "requested response_mode is not allowed for the requested response_type"
        )


def check_response_type(draft: Draft) -> None:
    """`response_type=code` for a non-M2M client (`redirect_uri` defaults to the only one)."""
    client = draft.client
    if draft.get("redirect_uri") is None and len(client.redirect_uris) == 1:
        draft.params["redirect_uri"] = [client.redirect_uris[0]]
    require(draft.params, "response_type")
    response_type = " ".join(sorted(set((draft.get("response_type") or "").split(" "))))
    if response_type not in RESPONSE_TYPES:
        raise UnsupportedResponseTypeError()
    if response_type != "code" or client.type == "MachineToMachine":
        raise InvalidRequestError("requested response_type is not allowed for this client")
    draft.response_type = response_type
    require(draft.params, "redirect_uri")
    draft.redirect_uri = draft.get("redirect_uri") or ""


def check_prompt(draft: Draft) -> None:
    """Known prompts; `none` alone."""
    prompts = frozenset(p for p in (draft.get("prompt") or "").split(" ") if p)
    if not prompts <= PROMPTS:
        raise InvalidRequestError("unsupported prompt value requested")
    if "none" in prompts and len(prompts) != 1:
        raise InvalidRequestError("prompt none must only be used alone")
    draft.prompts = prompts


def check_scopes(draft: Draft) -> None:
    """`offline_access` only with `prompt=consent` and a client that refreshes (else dropped).

    A third-party client may only ask for its user-consent scopes (the client's `scope`
    whitelist): others are `invalid_scope`, naming them (golden2/applications-more/76).
    """
    scopes = list(dict.fromkeys((draft.get("scope") or "").split()))
    if draft.client.is_third_party:
        allowed = applications.third_party_scopes(draft.tenant, draft.client)
        refused = [s for s in scopes if s not in allowed]
        if refused:
            raise InvalidScopeError(scope=" ".join(refused))
    if "offline_access" in scopes and (
        "consent" not in draft.prompts or "refresh_token" not in draft.client.grant_types
    ):
        scopes.remove("offline_access")
    draft.scopes = scopes


def check_redirect_uri(draft: Draft) -> None:
    """The `redirect_uri` is one of the client's (never redirected to otherwise)."""
    if draft.redirect_uri not in draft.client.redirect_uris:
        raise InvalidRedirectUriError()


def check_pkce(draft: Draft) -> None:
    """S256 PKCE; required for public clients."""
    challenge = draft.get("code_challenge")
    method = draft.get("code_challenge_method")
    if method is None and challenge is not None:
        raise InvalidRequestError(
            "plain code_challenge_method fallback disabled, code_challenge_method must be provided"
        )
    if method is not None:
        if method != "S256":
            raise InvalidRequestError("not supported value of code_challenge_method")
        if challenge is None:
            raise InvalidRequestError("code_challenge must be provided with code_challenge_method")
    if challenge is None and not draft.client.is_confidential:
        raise InvalidRequestError(
            "Authorization Server policy requires PKCE to be used for this request"
        )
    if challenge is not None:
        check_pkce_format(challenge, "code_challenge")


def check_resources(draft: Draft) -> None:
    """Every `resource` (default: the default resource) is a known absolute URI."""
    resources = [r for value in draft.params.get("resource", []) for r in value.split(",") if r]
    if not resources:
        default = draft.tenant.default_resource()
        resources = [default.indicator] if default else []
    for indicator in resources:
        resolve_indicator(indicator, draft.tenant)
    draft.resources = resources


#: oidc-provider's authorization checks (lib/actions/authorization/index.js), in its order.
CHECKS: tuple[Callable[[Draft], None], ...] = (
    check_parameters,
    check_client,
    check_response_mode,
    check_response_type,
    check_prompt,
    check_scopes,
    check_redirect_uri,
    check_pkce,
    check_resources,
)


def password_matches(user: User, password: str) -> bool:
    """Constant-time password check (an imported digest too); no password never matches."""
    return users.verify_password(user, password)


def sign_in(interaction: Interaction, user: User, now: int) -> None:
    """The interaction's result: this user signed in now (Logto bumps `updatedAt`)."""
    interaction.account_id = user.id
    user.updated_at = user.last_sign_in_at = now * 1000
    if user.application_id is None:  # Logto keeps the first app the user consented to
        user.application_id = interaction.request.client_id


def consent(store: Store, tenant: Tenant, user: User, request: AuthorizationRequest) -> Grant:
    """What a first-party app gets: Logto auto-consents (core/middleware/koa-auto-consent.ts).

    OIDC scopes as requested; for each resource, the requested scopes the user holds now
    (for `urn:logto:resource:organizations`: any organization scope of the tenant). The
    user's `applicationId` becomes the first app they consented to.
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
    client = tenant.applications.get(request.client_id)
    if client is not None and client.is_third_party:  # only what the user was asked about
        allowed = applications.third_party_scopes(tenant, client)
        resource_scopes = {k: [s for s in v if s in allowed] for k, v in resource_scopes.items()}
    if user.application_id is None:  # Logto's `saveUserFirstConsentedAppId`
        user.application_id = request.client_id
    return store.new_grant(request.client_id, user.id, oidc_scopes, resource_scopes)


def issue_code(
    store: Store,
    grant: Grant,
    request: AuthorizationRequest,
    auth_time: int,
    *,
    session_uid: str | None = None,
) -> AuthorizationCode:
    """A fresh 60-second authorization code for a consented request (in session `session_uid`)."""
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
            session_uid=session_uid,
        )
    )


def code_redirect(request: AuthorizationRequest, code: str, issuer: str) -> str:
    """The callback URL carrying `code`, `state` and `iss` (RFC 9207)."""
    values = {"code": code}
    if request.state is not None:
        values["state"] = request.state
    values["iss"] = issuer
    return redirect_url(request.redirect_uri, request.response_mode, values)
