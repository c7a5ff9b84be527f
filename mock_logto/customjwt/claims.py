"""Custom claims of an access token being issued (core/oidc/extra-token-claims.ts, Logto v1.37).

Every access token goes through :func:`custom_claims` before it is signed (or, opaque, stored):
user tokens (`authorization_code`, `refresh_token`, token exchange, organization tokens, opaque
ones) through the `access-token` customizer, client credentials tokens through the
`client-credentials` one. The customizer gets `{token, context, environmentVariables}`:

- `token`: the fields of oidc-provider's token that go in its payload (`IN_PAYLOAD`), before
  `iat`/`exp` are set: `jti, kind, clientId, accountId, aud, grantId, gty, scope` as present;
- `context`: for user tokens `user` (profile, `hasPassword`, roles with their scopes and
  resources, organizations, organization roles), `interaction` (the Experience API submission
  of the session the grant started in, as Logto saved it at consent), `application`; for
  client credentials `application` only.

Logto's rules: a failing script leaves the token without custom claims; `api.denyAccess()` (or
:class:`~.config.DenyAccess` from a Python function) makes the token endpoint answer 400
`access_denied` with the script's message. Claims whose names the token sets anyway keep the
server's values (:meth:`~mock_logto.tokens.TokenIssuer.access_token` sets them after).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from ..errors import AccessDeniedError
from ..management import shapes
from ..models import Application, Tenant, User
from . import engine
from .config import ACCESS_TOKEN, CLIENT_CREDENTIALS, DenyAccess

log = logging.getLogger("mock_logto.custom_jwt")

#: The customizer runs of the token request being answered, for its audit log: (kind, the
#: payload the script saw, its claims or the failure's message). The token endpoint resets it.
runs: ContextVar[list[tuple[str, dict[str, Any], dict[str, Any] | str]] | None] = ContextVar(
    "mock_logto_customizer_runs", default=None
)
#: The `grant_type` of the token request being answered (set by the token endpoint).
grant_type: ContextVar[str | None] = ContextVar("mock_logto_grant_type", default=None)

#: The `context` of the impersonation subject token a token exchange is redeeming, if any.
subject_token_context: ContextVar[dict[str, Any] | None] = ContextVar(
    "mock_logto_subject_token_context", default=None
)
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a URN

#: The `lastSubmission` Logto saved for the session the token's grant started in (set by the
#: authorization code and refresh token grants), read as `context.interaction`.
session_submission: ContextVar[dict[str, Any] | None] = ContextVar(
    "mock_logto_session_submission", default=None
)

#: Verification record type → (required, optional) fields of its guard, in the guard's order
#: (`jwtCustomizerUserInteractionVerificationRecordGuard`, secrets omitted).
_RECORD_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Password": (("id", "type", "identifier", "verified"), ()),
    "EmailVerificationCode": (("id", "templateType", "verified", "type", "identifier"), ()),
    "PhoneVerificationCode": (("id", "templateType", "verified", "type", "identifier"), ()),
    "Totp": (("id", "type", "userId", "verified"), ()),
    "BackupCode": (("id", "type", "userId"), ("code",)),
}
_EVENTS = ("SignIn", "Register", "ForgotPassword")


def token_payload(
    *,
    jti: str,
    client_id: str,
    account_id: str | None = None,
    audience: str | None = None,
    grant_id: str | None = None,
    scope: str | None = None,
) -> dict[str, Any]:
    """The `token` a customizer sees (oidc-provider's `IN_PAYLOAD` fields that are set)."""
    kind = "AccessToken" if account_id is not None else "ClientCredentials"
    fields: dict[str, Any] = {"jti": jti, "kind": kind, "clientId": client_id}
    if account_id is not None:
        fields["accountId"] = account_id
    if audience is not None:
        fields["aud"] = audience
    if account_id is not None:
        fields["grantId"] = grant_id
        fields["gty"] = grant_type.get()
    if scope is not None:
        fields["scope"] = scope
    return {k: v for k, v in fields.items() if v is not None}


def application_context(tenant: Tenant, app: Application) -> dict[str, Any]:
    """The application row without its secret (`getApplicationContext`)."""
    shown = shapes.application(app, tenant.id)
    del shown["secret"]
    return shown


def _role_scopes(tenant: Tenant, scope_ids: list[str]) -> list[dict[str, Any]]:
    scopes = []
    for scope_id in scope_ids:
        scope = tenant.find_scope(scope_id)
        resource = tenant.resources.get(scope.resource_id) if scope else None
        if scope is None or resource is None:
            continue
        scopes.append(
            {
                "id": scope.id,
                "name": scope.name,
                "description": scope.description,
                "resourceId": resource.id,
                "resource": {
                    "tenantId": tenant.id,
                    "id": resource.id,
                    "name": resource.name,
                    "indicator": resource.indicator,
                    "isDefault": resource.is_default,
                    "accessTokenTtl": resource.access_token_ttl,
                },
            }
        )
    return scopes


def user_context(tenant: Tenant, user: User) -> dict[str, Any]:
    """`getUserContext`: the user's profile, roles with scopes, organizations and their roles."""
    roles = [tenant.roles[r] for r in user.role_ids if r in tenant.roles]
    organizations = [o for o in tenant.organizations.values() if user.id in o.user_roles]
    return {
        "id": user.id,
        "username": user.username,
        "primaryEmail": user.primary_email,
        "primaryPhone": user.primary_phone,
        "name": user.name,
        "avatar": user.avatar,
        "customData": dict(user.custom_data),
        "identities": dict(user.identities),
        "lastSignInAt": user.last_sign_in_at,
        "createdAt": user.created_at,
        "updatedAt": user.updated_at,
        "profile": dict(user.profile),
        "applicationId": user.application_id,
        "isSuspended": user.is_suspended,
        "hasPassword": user.password is not None or user.password_digest is not None,
        "ssoIdentities": [],
        "mfaVerificationFactors": list(
            dict.fromkeys(v.get("type") for v in user.mfa_verifications if v.get("type"))
        ),
        "roles": [
            {
                "id": role.id,
                "name": role.name,
                "description": role.description,
                "scopes": _role_scopes(tenant, role.scope_ids),
            }
            for role in roles
        ],
        "organizations": [
            {"id": o.id, "name": o.name, "description": o.description} for o in organizations
        ],
        "organizationRoles": [
            {
                "organizationId": o.id,
                "roleId": role_id,
                "roleName": tenant.organization_roles[role_id].name,
            }
            for o in organizations
            for role_id in o.user_roles[user.id]
            if role_id in tenant.organization_roles
        ],
    }


def _record(record: Any) -> dict[str, Any] | None:
    """One verification record through its guard (unknown keys stripped), else None."""
    fields = _RECORD_FIELDS.get(str(record.get("type"))) if isinstance(record, dict) else None
    if fields is None:
        return None
    required, optional = fields
    if any(record.get(key) is None for key in required):
        return None
    return {key: record[key] for key in (*required, *optional) if record.get(key) is not None}


def interaction_context(submission: dict[str, Any] | None) -> dict[str, Any] | None:
    """`jwtCustomizerUserInteractionContextGuard.safeParse(lastSubmission)`, else None.

    The Experience API's event, user and verification records; a legacy sign-in's result fails.
    """
    if submission is None:
        return None
    event, user_id = submission.get("interactionEvent"), submission.get("userId")
    raw = submission.get("verificationRecords")
    if event not in _EVENTS or not isinstance(user_id, str) or not isinstance(raw, list):
        return None
    records = [_record(r) for r in raw]
    if any(r is None for r in records):
        return None
    context = {"interactionEvent": event, "userId": user_id, "verificationRecords": records}
    sign_in_context = submission.get("signInContext")
    if isinstance(sign_in_context, dict):
        context["signInContext"] = sign_in_context
    return context


def user_token_context(tenant: Tenant, client: Application, user: User) -> dict[str, Any]:
    """The `context` of a user access token: user, [grant], [interaction], application.

    `grant` only for a token exchange redeeming an impersonation subject token (Logto's
    `getAssociatedSubjectToken`), with the context `POST /api/subject-tokens` was given.
    """
    context: dict[str, Any] = {"user": user_context(tenant, user)}
    impersonated = subject_token_context.get()
    if grant_type.get() == TOKEN_EXCHANGE and impersonated is not None:
        context["grant"] = {"type": TOKEN_EXCHANGE, "subjectTokenContext": impersonated}
    interaction = interaction_context(session_submission.get())
    if interaction is not None:
        context["interaction"] = interaction
    context["application"] = application_context(tenant, client)
    return context


def run_customizer(tenant: Tenant, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The claims the tenant's customizer of `kind` adds; raises only to deny the token."""
    config = tenant.custom_jwt
    ran = runs.get()
    try:
        function = config.functions.get(kind)
        if function is not None:
            result = dict(function(payload))
        else:
            stored = config.scripts[kind]
            env = stored.get("environmentVariables")
            script_payload = payload if env is None else {**payload, "environmentVariables": env}
            result = engine.run_script(stored["script"], script_payload)
        if ran is not None:
            ran.append((kind, payload, result))
        return result
    except DenyAccess as denied:
        if ran is not None:
            ran.append((kind, payload, denied.message))
        raise AccessDeniedError(denied.message, status_code=400) from denied
    except engine.ScriptError as error:
        if error.denied:
            raise AccessDeniedError(str(error.body["message"]), status_code=400) from error
        log.info(
            "custom JWT %s script failed (token issued without custom claims): %s", kind, error
        )
    except Exception:  # a throwing customizer leaves the token as it is, as in Logto
        log.warning("custom JWT %s customizer failed; token issued without it", kind, exc_info=True)
    return {}


def user_claims(
    tenant: Tenant, client: Application, user: User, token: dict[str, Any]
) -> dict[str, Any]:
    """Custom claims of a user access token (empty when no customizer is set)."""
    if not tenant.custom_jwt.active(ACCESS_TOKEN):
        return {}
    payload = {"token": token, "context": user_token_context(tenant, client, user)}
    return run_customizer(tenant, ACCESS_TOKEN, payload)


def client_claims(tenant: Tenant, client: Application, token: dict[str, Any]) -> dict[str, Any]:
    """Custom claims of a client credentials token (empty when no customizer is set)."""
    if not tenant.custom_jwt.active(CLIENT_CREDENTIALS):
        return {}
    context = {"application": application_context(tenant, client)}
    return run_customizer(tenant, CLIENT_CREDENTIALS, {"token": token, "context": context})
