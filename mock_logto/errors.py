"""The two error families, each rendered in one place (see :mod:`mock_logto.app`).

::

    Exception
    ├── MockLogtoError                     configuration problems (fixtures, key files)
    │   └── FixtureError                   one line per problem, naming file, entry and field
    ├── OAuthError                         RFC 6749 §5.2 errors under /oidc, in Logto's wrapping
    │   ├── InvalidRequestError            invalid_request
    │   ├── InvalidClientError             invalid_client (401, or 400 for an unknown client)
    │   ├── InvalidGrantError              invalid_grant (description always generic)
    │   ├── InvalidRedirectUriError        invalid_redirect_uri (never redirected)
    │   ├── UnsupportedGrantTypeError      unsupported_grant_type
    │   ├── UnsupportedResponseTypeError   unsupported_response_type
    │   ├── UnsupportedResponseModeError   unsupported_response_mode
    │   ├── InvalidScopeError              invalid_scope (+ `scope`)
    │   ├── InvalidTargetError             invalid_target (RFC 8707)
    │   ├── AccessDeniedError              access_denied
    │   ├── InvalidTokenError              invalid_token (401, RFC 6750)
    │   ├── InsufficientScopeError         insufficient_scope (403, + `scope`)
    │   └── ServerError                    server_error (500)
    └── ManagementApiError                 Logto's RequestError body under /api
        ├── MalformedBodyError             koa-body's 400 for JSON that does not parse
        └── TenantError                    a tenant rule refused a change (raised by ops/)
            ├── EntityNotFound             404 entity.not_exists_with_id
            ├── Conflict                   422: a name, identifier or link already taken
            ├── WrongType                  an entity of the wrong type for the operation
            ├── MembershipRequired         422 organization.require_membership
            ├── UnknownReference           422 entity.relation_foreign_key_not_found
            └── Refused                    any other rule (protected entity, bad name)

Tenant errors carry Logto's answer (code, message, status) for the Management API, and the
input `field` plus plain `text` for the fixture loader's one-line messages: one rule, two
renderings.

Client-facing text is short and general; `detail` is logged, never sent (node-oidc-provider's
`error_detail`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

#: `message` texts of Logto's error handler: phrases/src/locales/en/errors/oidc.ts (v1.37.0).
#: Placeholders are deliberately left un-interpolated, as Logto sends them.
OIDC_MESSAGES: Mapping[str, str] = {
    "invalid_scope": "Invalid scope: {{error_description}}.",
    "invalid_token": "Invalid token provided.",
    "insufficient_scope": "Token missing scope `{{scope}}`.",
    "invalid_request": "Request is invalid.",
    "invalid_grant": "Grant request is invalid.",
    "invalid_redirect_uri": (
        "`redirect_uri` did not match any of the client's registered `redirect_uris`."
    ),
    "access_denied": "Access denied.",
    "invalid_target": "Invalid resource indicator.",
    "unsupported_grant_type": "Unsupported `grant_type` requested.",
    "unsupported_response_mode": "Unsupported `response_mode` requested.",
    "unsupported_response_type": "Unsupported `response_type` requested.",
    "server_error": "An unknown OIDC error occurred. Please try again later.",
}

#: core/middleware/koa-oidc-error-handler.ts `errorUris`.
ERROR_URIS: Mapping[str, str] = {"invalid_grant": "https://openid.sh/debug/invalid_grant"}


class MockLogtoError(Exception):
    """A problem with how mock-logto was set up (not with a request)."""


class FixtureError(MockLogtoError):
    """Fixture files that cannot be loaded; `problems` holds one line per mistake."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class OAuthError(Exception):
    """Base of the OAuth/OIDC errors; subclasses set `error` and a default description."""

    error: ClassVar[str] = "server_error"
    status_code: ClassVar[int] = 400
    description: ClassVar[str] = "oops! something went wrong"

    def __init__(
        self,
        description: str | None = None,
        *,
        detail: str | None = None,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
        scope: str | None = None,
    ) -> None:
        self.error_description = description if description is not None else self.description
        self.detail = detail
        self.status = status_code if status_code is not None else self.status_code
        self.headers = dict(headers or {})
        self.scope = scope
        #: Set for a browser origin the client does not allow: the answer carries no CORS grant.
        self.cors_refused = False
        #: Set for a refusal of Logto's own middleware in front of oidc-provider (an expired
        #: client secret): the answer has none of oidc-provider's CORS or caching headers.
        self.before_provider = False
        super().__init__(self.error_description)

    def to_dict(self, *, wrapped: bool = True) -> dict[str, Any]:
        """The body Logto sends: `code`, `message`, [`error_uri`], `error`, `error_description`.

        `wrapped=False` gives the raw oidc-provider body (Logto's `?parse_error=false`).
        """
        body: dict[str, Any] = {}
        if wrapped:
            code = f"oidc.{self.error}"
            body["code"] = code
            body["message"] = OIDC_MESSAGES.get(self.error, f"An OIDC error occurred: {code}.")
            if self.error in ERROR_URIS:
                body["error_uri"] = ERROR_URIS[self.error]
        body["error"] = self.error
        body["error_description"] = self.error_description
        if self.scope is not None:
            body["scope"] = self.scope
        return body


class InvalidRequestError(OAuthError):
    """RFC 6749 §5.2 `invalid_request`."""

    error = "invalid_request"
    description = "request is invalid"


class InvalidClientError(OAuthError):
    """RFC 6749 §5.2 `invalid_client`: failed client authentication is a 401."""

    error = "invalid_client"
    status_code = 401
    description = "client authentication failed"


class InvalidGrantError(OAuthError):
    """RFC 6749 §5.2 `invalid_grant`. Logto never says why; the reason goes to `detail`."""

    error = "invalid_grant"
    description = "grant request is invalid"


class InvalidRedirectUriError(OAuthError):
    """`invalid_redirect_uri`: shown to the user, never sent to an unregistered URI."""

    error = "invalid_redirect_uri"
    description = "redirect_uri did not match any of the client's registered redirect_uris"


class UnsupportedResponseTypeError(OAuthError):
    """RFC 6749 §4.1.2.1 `unsupported_response_type`."""

    error = "unsupported_response_type"
    description = "unsupported response_type requested"


class UnsupportedResponseModeError(OAuthError):
    """OAuth 2.0 Multiple Response Types `unsupported_response_mode`."""

    error = "unsupported_response_mode"
    description = "unsupported response_mode requested"


class UnsupportedGrantTypeError(OAuthError):
    """RFC 6749 §5.2 `unsupported_grant_type`."""

    error = "unsupported_grant_type"
    description = "unsupported grant_type requested"


class InvalidScopeError(OAuthError):
    """RFC 6749 §5.2 `invalid_scope`; the body names the offending `scope`."""

    error = "invalid_scope"
    description = "requested scope is not allowed"


class InvalidTargetError(OAuthError):
    """RFC 8707 §2 `invalid_target`: a resource indicator that cannot be served."""

    error = "invalid_target"
    description = "resource indicator is missing, or unknown"


class AccessDeniedError(OAuthError):
    """RFC 6749 §4.1.2.1 `access_denied`; Logto answers it with 403 at the token endpoint."""

    error = "access_denied"
    status_code = 403
    description = "access denied"


class InvalidTokenError(OAuthError):
    """RFC 6750 §3.1 `invalid_token`."""

    error = "invalid_token"
    status_code = 401
    description = "invalid token provided"


class InsufficientScopeError(OAuthError):
    """RFC 6750 §3.1 `insufficient_scope`."""

    error = "insufficient_scope"
    status_code = 403
    description = "insufficient scope"


class ServerError(OAuthError):
    """RFC 6749 §5.2 `server_error`."""

    error = "server_error"
    status_code = 500


class ManagementApiError(Exception):
    """An error of the Management API: Logto's `RequestError` body `{code, data?, message}`."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status_code: int = 400,
        data: Any = None,
        details: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.status_code = status_code
        self.data = data
        self.details = details
        self.extra = dict(extra or {})
        super().__init__(message)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body, keys in Logto's order; `data`/`details` only when set."""
        body: dict[str, Any] = {"code": self.code}
        if self.data is not None:
            body["data"] = self.data
        if self.details is not None:
            body["details"] = self.details
        body["message"] = self.message
        body.update(self.extra)
        return body


class MalformedBodyError(ManagementApiError):
    """A JSON body that does not parse: koa-body's 400 `{"message"}`, with no `code`."""

    def __init__(self, message: str) -> None:
        super().__init__("", message, status_code=400)

    def to_dict(self) -> dict[str, Any]:
        """Only the parser's message (golden-2/entity-errors/140)."""
        return {"message": self.message}


def _zod_type(value: Any) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def invalid_input(
    path: list[str | int],
    *,
    value: Any,
    expected: str | None = None,
    options: Sequence[str] = (),
) -> ManagementApiError:
    """Logto's 400 `guard.invalid_input` with zod's issue for one field.

    Either a wrong type (`expected`) or a value outside `options` (a native enum).
    """
    keys = ".".join(str(p) for p in path)
    issue: dict[str, Any]
    if options:
        listed = " | ".join(f"'{o}'" for o in options)
        message = f"Invalid enum value. Expected {listed}, received '{value}'"
        issue = {
            "received": value,
            "code": "invalid_enum_value",
            "options": list(options),
            "path": path,
            "message": message,
        }
        details = f'Error in key path "{keys}": (invalid_enum_value) {message}'
    else:
        received = _zod_type(value)
        message = "Required" if value is None else f"Expected {expected}, received {received}"
        issue = {
            "code": "invalid_type",
            "expected": expected,
            "received": received,
            "path": path,
            "message": message,
        }
        details = (
            f'Error in key path "{keys}": (invalid_type) Expected {expected} but received '
            f"{received}."
        )
    return ManagementApiError(
        "guard.invalid_input",
        "The request body is invalid.",
        status_code=400,
        data={"issues": [issue], "name": "ZodError"},
        details=details,
    )


class TenantError(ManagementApiError):
    """A rule of the tenant refused a change; Logto's answer plus the fixture loader's words.

    `field` names the input (camelCase, as in fixtures and API bodies) the rule is about;
    `text` says what is wrong in plain words; `conflict_id` is the id of the entity already
    holding a name or identifier, for the loader to point at its entry.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status_code: int,
        field: str = "(entry)",
        text: str | None = None,
        conflict_id: str | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(code, message, status_code=status_code, data=data)
        self.field = field
        self.text = text or message
        self.conflict_id = conflict_id


class EntityNotFound(TenantError):
    """No entity with this id (Logto's 404 names the database table)."""

    def __init__(
        self,
        table: str,
        entity_id: str,
        *,
        field: str = "id",
        kind: str = "",
        text: str | None = None,
    ) -> None:
        super().__init__(
            "entity.not_exists_with_id",
            f"The {table} with ID `{entity_id}` does not exist.",
            status_code=404,
            field=field,
            text=text or f"unknown {kind or table} '{entity_id}'",
        )
        self.table = table
        self.entity_id = entity_id


class Conflict(TenantError):
    """A name, identifier or link that is already taken (422)."""

    def __init__(self, code: str, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("status_code", 422)
        super().__init__(code, message, **kwargs)


class WrongType(TenantError):
    """An entity of the wrong type for the operation (a role for the wrong holder, ...)."""


class MembershipRequired(TenantError):
    """The user or application is not a member of the organization."""

    def __init__(self) -> None:
        super().__init__(
            "organization.require_membership",
            "The user must be a member of the organization to proceed.",
            status_code=422,
            text="not a member of the organization",
        )


class UnknownReference(TenantError):
    """A referenced entity does not exist (Logto's foreign-key error)."""

    def __init__(self, field: str = "(entry)", text: str | None = None) -> None:
        super().__init__(
            "entity.relation_foreign_key_not_found",
            "Cannot find one or more foreign keys. Please check the input and ensure that all "
            "referenced entities exist.",
            status_code=422,
            field=field,
            text=text,
        )


class Refused(TenantError):
    """Any other rule of the tenant (a protected entity, a malformed name)."""
