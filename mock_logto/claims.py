"""User claims per scope, for ID tokens and `/oidc/me`, as Logto v1.37 names and fills them.

toolkit/core-kit/src/openid.ts (which claims each scope brings) and core/oidc/scope.ts
`getUserClaimsData` (their values): `name`, `picture` and `username` are `null` when unset,
claims kept in `user.profile` are left out when unset, timestamps are milliseconds. The ID token
carries only the extended claims the tenant enables (`idToken.enabledExtendedClaims`, set by
`PUT /api/configs/id-token` or fixtures; a new tenant's: roles, organizations,
organization_roles); `/oidc/me` always carries them all (core/oidc/init.ts `findAccount` reads
the config for `use === 'id_token'` only).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from .models import Tenant, User

#: The scopes Logto knows besides resource scopes, in discovery's `scopes_supported` order.
SUPPORTED_SCOPES = (
    "openid",
    "offline_access",
    "profile",
    "email",
    "phone",
    "address",
    "custom_data",
    "identities",
    "roles",
    "urn:logto:scope:organizations",
    "urn:logto:scope:organization_roles",
    "urn:logto:scope:sessions",
)
OIDC_SCOPES = frozenset(SUPPORTED_SCOPES)
#: core-kit `idTokenClaims`.
_BASE_CLAIMS: dict[str, tuple[str, ...]] = {
    "profile": (
        "name",
        "family_name",
        "given_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "updated_at",
        "username",
        "created_at",
    ),
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "address": ("address",),
}
#: core-kit `extendedIdTokenClaimsByScope`.
_EXTENDED_CLAIMS: dict[str, tuple[str, ...]] = {
    "custom_data": ("custom_data",),
    "identities": ("identities", "sso_identities"),
    "roles": ("roles",),
    "urn:logto:scope:organizations": ("organizations", "organization_data"),
    "urn:logto:scope:organization_roles": ("organization_roles",),
}
#: schemas/src/seeds/logto-config.ts: `idToken.enabledExtendedClaims` of a new tenant.
ENABLED_EXTENDED_ID_TOKEN_CLAIMS = frozenset({"roles", "organizations", "organization_roles"})

#: Profile claims read from `user.profile` (camelCase there), omitted when unset.
_PROFILE_KEYS = {
    "family_name": "familyName",
    "given_name": "givenName",
    "middle_name": "middleName",
    "nickname": "nickname",
    "preferred_username": "preferredUsername",
    "profile": "profile",
    "website": "website",
    "gender": "gender",
    "birthdate": "birthdate",
    "zoneinfo": "zoneinfo",
    "locale": "locale",
    "address": "address",
}

_MISSING = object()

Use = Literal["id_token", "userinfo"]


def enabled_extended_claims(tenant: Tenant) -> frozenset[str]:
    """The extended claims the tenant's ID tokens carry (`idToken.enabledExtendedClaims`).

    A config without the list enables none, as in Logto (`enabledExtendedIdTokenClaims?.includes`
    is never true); a tenant that never set one has a new Logto tenant's seeded config.
    """
    config = tenant.custom_jwt.id_token
    if config is None:
        return ENABLED_EXTENDED_ID_TOKEN_CLAIMS
    return frozenset(config.get("enabledExtendedClaims") or ())


def accepted_claims(
    scopes: Iterable[str],
    use: Use,
    enabled: frozenset[str] = ENABLED_EXTENDED_ID_TOKEN_CLAIMS,
) -> list[str]:
    """The claim names `scopes` bring, in scope order (core/oidc/scope.ts).

    `enabled`: the extended claims an ID token may carry (all of them for userinfo).
    """
    names: list[str] = []
    for scope in scopes:
        names.extend(_BASE_CLAIMS.get(scope, ()))
        for claim in _EXTENDED_CLAIMS.get(scope, ()):
            if use == "userinfo" or claim in enabled:
                names.append(claim)
    return list(dict.fromkeys(names))


def _value(tenant: Tenant, user: User, claim: str) -> Any:
    if claim in _PROFILE_KEYS:
        return user.profile.get(_PROFILE_KEYS[claim], _MISSING)
    organizations = [o for o in tenant.organizations.values() if user.id in o.user_roles]
    match claim:
        case "name":
            return user.name
        case "picture":
            return user.avatar
        case "username":
            return user.username
        case "email":
            return user.primary_email
        case "email_verified":
            return user.primary_email is not None
        case "phone_number":
            return user.primary_phone
        case "phone_number_verified":
            return user.primary_phone is not None
        case "custom_data":
            return user.custom_data
        case "identities":
            return {}
        case "sso_identities":
            return []
        case "created_at":
            return user.created_at
        case "updated_at":
            return user.updated_at
        case "roles":
            return [tenant.roles[r].name for r in user.role_ids if r in tenant.roles]
        case "organizations":
            return [o.id for o in organizations]
        case "organization_roles":
            return [
                f"{o.id}:{tenant.organization_roles[r].name}"
                for o in organizations
                for r in o.user_roles[user.id]
                if r in tenant.organization_roles
            ]
        case "organization_data":
            return [
                {"id": o.id, "name": o.name, "description": o.description} for o in organizations
            ]
    return _MISSING


def user_claims(tenant: Tenant, user: User, scopes: Iterable[str], use: Use) -> dict[str, Any]:
    """`sub` and the claims of `scopes`, in Logto's order."""
    claims: dict[str, Any] = {"sub": user.id}
    enabled = enabled_extended_claims(tenant) if use == "id_token" else frozenset()
    for name in accepted_claims(scopes, use, enabled):
        value = _value(tenant, user, name)
        if value is not _MISSING:
            claims[name] = value
    return claims


def oauth_scopes(scopes: Iterable[str]) -> list[str]:
    """The OIDC scopes among `scopes`, in order."""
    return [s for s in scopes if s in OIDC_SCOPES]
