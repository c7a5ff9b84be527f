"""The zod guards of `/api/applications`, and @logto/core-kit's `validateRedirectUrl`.

From @logto/schemas (`applicationCreateGuard`, `Applications.createGuard`) and core's
`routes/applications/types.ts`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .. import zod

#: `ApplicationType` in Logto's order (the enum of the database).
APPLICATION_TYPES = ("Native", "SPA", "Traditional", "MachineToMachine", "Protected", "SAML")
_MOBILE_SCHEME = re.compile(r"^(?!http(s)?:)[a-z][\d+_a-z-]*(\.[\d+_a-z-]+)*:$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _protocol(url: str) -> str | None:
    """What `new URL(url).protocol` gives, or None where WHATWG's parser throws (roughly)."""
    found = _SCHEME.match(url)
    if found is None or any(c in url for c in " \t\n<>\\^`{|}"):
        return None
    protocol = found.group(1).lower() + ":"
    if protocol in ("http:", "https:"):
        try:
            if not urlsplit(url).hostname:
                return None
        except ValueError:
            return None
    return protocol


def _dot_segments(url: str) -> bool:
    separator = url.find("://")
    if separator <= 0:
        return False
    rest = url[separator + 3 :]
    authority = re.split(r"[#/?]", rest, maxsplit=1)[0]
    path = re.split(r"[#?]", rest[len(authority) :], maxsplit=1)[0]
    return any(segment in (".", "..") for segment in path.split("/"))


def _wildcard_web(url: str) -> bool:
    separator = url.find("://")
    if separator <= 0 or "*" in url[:separator]:
        return False
    for mark in "?#":
        index = url.find(mark)
        if index >= 0 and "*" in url[index:]:
            return False
    if _dot_segments(url):
        return False
    return _protocol(url.replace("*", "wildcard")) in ("http:", "https:")


def redirect_url_valid(url: str) -> bool:
    """`validateRedirectUrl(url, 'web') || validateRedirectUrl(url, 'mobile')`."""
    if "*" in url:
        web = _wildcard_web(url)
    else:
        web = not _dot_segments(url) and _protocol(url) in ("http:", "https:")
    protocol = _protocol(url)
    return web or (protocol is not None and _MOBILE_SCHEME.match(protocol) is not None)


_URIS = zod.Arr(zod.Refine(zod.Str(), redirect_url_valid))

OIDC_CLIENT_METADATA = zod.Obj(
    {
        "redirectUris": _URIS,
        "postLogoutRedirectUris": _URIS,
        "backchannelLogoutUri": zod.Str(regex=lambda u: _protocol(u) is not None).optional(),
        "backchannelLogoutSessionRequired": zod.Bool().optional(),
        "logoUri": zod.Str().optional(),
    }
)

CUSTOM_CLIENT_METADATA = zod.Obj(
    {
        "corsAllowedOrigins": zod.Arr(zod.Str(min=1)).optional(),
        "idTokenTtl": zod.Num().optional(),
        "refreshTokenTtl": zod.Num().optional(),
        "refreshTokenTtlInDays": zod.Num(integer=True, min=1, max=180).optional(),
        "tenantId": zod.Str().optional(),
        "alwaysIssueRefreshToken": zod.Bool().optional(),
        "rotateRefreshToken": zod.Bool().optional(),
        "allowTokenExchange": zod.Bool().optional(),
    }
)


def _fields(*, create: bool) -> dict[str, zod.Schema]:
    """`Applications.createGuard` less id/secret/tenantId (required ones only when creating)."""

    def required(schema: zod.Schema) -> zod.Schema:
        return schema if create else schema.optional()

    return {
        "name": required(zod.Str(min=1, max=256)),
        "description": zod.Str().nullish(),
        "type": required(zod.Enum(APPLICATION_TYPES)),
        "oidcClientMetadata": OIDC_CLIENT_METADATA.optional(),
        "customClientMetadata": CUSTOM_CLIENT_METADATA.optional(),
        "customData": zod.JsonObject().optional(),
        "isThirdParty": zod.Bool().optional(),
    }


CREATE = zod.Obj(
    {
        **_fields(create=True),
        "protectedAppMetadata": zod.Obj({"subDomain": zod.Str(), "origin": zod.Str()}).optional(),
    }
)
#: `applicationPatchGuard`: the create guard made partial, without `type` and `isThirdParty`
#: (both are silently ignored: golden2/entity-errors/142, applications-more/89).
PATCH = zod.Obj(
    {
        **{k: v for k, v in _fields(create=False).items() if k not in ("type", "isThirdParty")},
        "protectedAppMetadata": zod.Obj(
            {
                "origin": zod.Str().optional(),
                "sessionDuration": zod.Num().optional(),
                "pageRules": zod.Arr(zod.Obj({"path": zod.Str()})).optional(),
            }
        ).nullish(),
        "isAdmin": zod.Bool().optional(),
    }
)

_TYPE = zod.Enum(APPLICATION_TYPES)
LIST_QUERY = zod.Obj(
    {
        "types": zod.Union(zod.Arr(_TYPE), zod.Transform(_TYPE, lambda one: [one])).optional(),
        "excludeRoleId": zod.Str().optional(),
        "excludeOrganizationId": zod.Str().optional(),
        "isThirdParty": zod.Union(zod.Literal("true"), zod.Literal("false")).optional(),
    }
)

USER_SCOPES = (
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
CONSENT_SCOPE_TYPES = (
    "organization-scopes",
    "resource-scopes",
    "organization-resource-scopes",
    "user-scopes",
)
CONSENT_SCOPES = zod.Obj(
    {
        "organizationScopes": zod.Arr(zod.Str()).optional(),
        "resourceScopes": zod.Arr(zod.Str()).optional(),
        "organizationResourceScopes": zod.Arr(zod.Str()).optional(),
        "userScopes": zod.Arr(zod.Enum(USER_SCOPES)).optional(),
    }
)
ROLE_IDS = zod.Obj({"roleIds": zod.Arr(zod.Str(min=1))})
SECRET_CREATE = zod.Obj({"name": zod.Str(min=1, max=256), "expiresAt": zod.Num().nullish()})
SECRET_PATCH = zod.Obj({"name": zod.Str(min=1, max=256)})
