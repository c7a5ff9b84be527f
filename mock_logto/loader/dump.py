"""A tenant → a fixture document: the inverse of :mod:`.build`.

`mock-logto export` (the live tenant) and `mock-logto import` (a tenant read from Logto's
Management API) both write through here, so what one writes the other's reader loads. Every id
and timestamp is written, so the loaded tenant answers the Management API as the one dumped;
references use the name (or username, email) where it finds the same entity, else the id.
Values left at the format's defaults are left out.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import yaml

from ..customjwt.config import FIXTURE_KEYS
from ..models import (
    ApiResource,
    Application,
    Hook,
    Organization,
    OrganizationRole,
    OrganizationScope,
    Role,
    Tenant,
    User,
    default_account_center,
    default_sign_in_experience,
)
from ..ops import applications, organizations, roles, users

#: Sections: lists of entries, and `customJwt`, one mapping.
Document = dict[str, Any]
Format = Literal["yaml", "json"]
#: Comments for entries, by (section key, entry id): written above the entry in YAML.
Notes = Mapping[tuple[str, str], Sequence[str]]
FORMATS: tuple[Format, ...] = ("yaml", "json")


def _ref(
    entity: object, entity_id: str, names: Iterable[str | None], find: Callable[[str], object]
) -> str:
    """The first of `names` that the loader resolves to `entity`, else its id."""
    for name in names:
        if name and find(name) is entity:
            return name
    return entity_id


def _put(entry: dict[str, Any], key: str, value: Any, default: Any = None) -> None:
    """Set `key` unless `value` is the format's default (an empty list or mapping included)."""
    if value != default and value not in ([], {}):
        entry[key] = value


class _Dumper:
    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant

    def scope_ref(self, scope_id: str) -> str | None:
        scope = self.tenant.find_scope(scope_id)
        resource = self.tenant.resources.get(scope.resource_id) if scope else None
        return f"{resource.indicator} {scope.name}" if scope and resource else None

    def scope_refs(self, scope_ids: Iterable[str]) -> list[str]:
        return [ref for ref in map(self.scope_ref, scope_ids) if ref is not None]

    def role_refs(self, role_ids: Iterable[str]) -> list[str]:
        found = (self.tenant.roles[r] for r in role_ids if r in self.tenant.roles)
        return [
            _ref(role, role.id, [role.name], lambda r: roles.by_reference(self.tenant, r))
            for role in found
        ]

    def resource(self, resource: ApiResource) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": resource.id,
            "name": resource.name,
            "indicator": resource.indicator,
            "accessTokenTtl": resource.access_token_ttl,
        }
        _put(entry, "isDefault", resource.is_default, False)
        scopes = []
        for scope in resource.scopes:
            item: dict[str, Any] = {"id": scope.id, "name": scope.name}
            _put(item, "description", scope.description, "")
            item["createdAt"] = scope.created_at
            scopes.append(item)
        _put(entry, "scopes", scopes)
        return entry

    def role(self, role: Role) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": role.id,
            "name": role.name,
            "description": role.description,
            "type": role.type,
        }
        _put(entry, "isDefault", role.is_default, False)
        _put(entry, "scopes", self.scope_refs(role.scope_ids))
        return entry

    def application(self, app: Application) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": app.id, "name": app.name, "type": app.type}
        _put(entry, "description", app.description)
        _put(entry, "internalSecret", app.internal_secret or None)
        if app.is_confidential or app.secrets:
            entry["secrets"] = [
                {
                    "name": s.name,
                    "value": s.value,
                    "createdAt": s.created_at,
                    **({"expiresAt": s.expires_at} if s.expires_at is not None else {}),
                }
                for s in app.secrets
            ]
        _put(entry, "redirectUris", list(app.redirect_uris))
        _put(entry, "postLogoutRedirectUris", list(app.post_logout_redirect_uris))
        _put(entry, "customClientMetadata", dict(app.custom_client_metadata))
        _put(entry, "customData", dict(app.custom_data))
        _put(entry, "isThirdParty", app.is_third_party, False)
        _put(entry, "roles", self.role_refs(app.role_ids))
        entry["createdAt"] = app.created_at
        consent = {
            "organizationScopes": list(app.consent_organization_scopes),
            "resourceScopes": list(app.consent_resource_scopes),
            "organizationResourceScopes": list(app.consent_organization_resource_scopes),
            "userScopes": list(app.consent_user_scopes),
        }
        _put(entry, "userConsentScopes", {k: v for k, v in consent.items() if v})
        _put(
            entry,
            "consentOrganizations",
            {k: list(v) for k, v in app.consent_organizations.items() if v},
        )
        _put(entry, "signInExperience", app.sign_in_experience)
        return entry

    def user(self, user: User) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": user.id}
        for key, value in (
            ("username", user.username),
            ("primaryEmail", user.primary_email),
            ("primaryPhone", user.primary_phone),
            ("name", user.name),
            ("avatar", user.avatar),
            ("password", user.password),
        ):
            _put(entry, key, value)
        _put(entry, "customData", dict(user.custom_data))
        _put(entry, "profile", dict(user.profile))
        _put(entry, "isSuspended", user.is_suspended, False)
        _put(entry, "roles", self.role_refs(user.role_ids))
        tokens = [
            {
                "name": t.name,
                "value": t.value,
                "createdAt": t.created_at,
                **({"expiresAt": t.expires_at} if t.expires_at is not None else {}),
            }
            for t in user.personal_access_tokens
        ]
        _put(entry, "personalAccessTokens", tokens)
        entry["createdAt"] = user.created_at
        _put(entry, "updatedAt", user.updated_at, user.created_at)
        _put(entry, "lastSignInAt", user.last_sign_in_at)
        _put(entry, "passwordDigest", user.password_digest)
        _put(entry, "passwordAlgorithm", user.password_algorithm)
        _put(entry, "identities", dict(user.identities))
        _put(entry, "mfaVerifications", [dict(v) for v in user.mfa_verifications])
        _put(entry, "logtoConfig", dict(user.logto_config))
        _put(entry, "applicationId", user.application_id)
        return entry

    def organization_scope(self, scope: OrganizationScope) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": scope.id, "name": scope.name}
        _put(entry, "description", scope.description)
        return entry

    def organization_role(self, role: OrganizationRole) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": role.id, "name": role.name}
        _put(entry, "description", role.description)
        entry["type"] = role.type
        scopes = self.tenant.organization_scopes
        _put(
            entry,
            "organizationScopes",
            [
                _ref(
                    scopes[s],
                    s,
                    [scopes[s].name],
                    lambda r: organizations.scope_by_reference(self.tenant, r),
                )
                for s in role.organization_scope_ids
                if s in scopes
            ],
        )
        _put(entry, "resourceScopes", self.scope_refs(role.resource_scope_ids))
        return entry

    def organization_role_refs(self, role_ids: Iterable[str]) -> list[str]:
        found = self.tenant.organization_roles
        return [
            _ref(
                found[r],
                r,
                [found[r].name],
                lambda ref: organizations.role_by_reference(self.tenant, ref),
            )
            for r in role_ids
            if r in found
        ]

    def organization(self, org: Organization) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": org.id, "name": org.name}
        _put(entry, "description", org.description)
        _put(entry, "customData", dict(org.custom_data))
        _put(entry, "isMfaRequired", org.is_mfa_required, False)
        _put(entry, "color", dict(org.color))
        _put(entry, "branding", dict(org.branding))
        _put(entry, "customCss", org.custom_css)
        entry["createdAt"] = org.created_at
        members = []
        for user_id, role_ids in org.user_roles.items():
            user = self.tenant.users.get(user_id)
            if user is None:
                continue
            ref = _ref(
                user,
                user.id,
                [user.username, user.primary_email],
                lambda r: users.by_reference(self.tenant, r),
            )
            members.append(self.member("user", ref, role_ids))
        _put(entry, "users", members)
        apps = []
        for app_id, role_ids in org.application_roles.items():
            app = self.tenant.applications.get(app_id)
            if app is None:
                continue
            ref = _ref(app, app.id, [app.name], lambda r: applications.by_reference(self.tenant, r))
            apps.append(self.member("application", ref, role_ids))
        _put(entry, "applications", apps)
        _put(entry, "jitEmailDomains", list(org.jit_email_domains))
        _put(entry, "jitRoles", self.organization_role_refs(org.jit_role_ids))
        return entry

    def hook(self, hook: Hook) -> dict[str, Any]:
        # A legacy hook (one `event`, no `events`) is written with that event as its list.
        events = list(hook.events) or ([hook.event] if hook.event else [])
        entry: dict[str, Any] = {"id": hook.id, "name": hook.name, "events": events}
        config: dict[str, Any] = {"url": hook.url}
        if hook.headers is not None:
            config["headers"] = dict(hook.headers)
        if hook.retries is not None:
            config["retries"] = hook.retries
        entry["config"] = config
        entry["signingKey"] = hook.signing_key
        _put(entry, "enabled", hook.enabled, True)
        entry["createdAt"] = hook.created_at
        return entry

    def member(self, kind: str, ref: str, role_ids: list[str]) -> dict[str, Any]:
        entry: dict[str, Any] = {kind: ref}
        _put(entry, "roles", self.organization_role_refs(role_ids))
        return entry


def fixture_document(tenant: Tenant) -> Document:
    """The fixture document (camelCase sections) that loads into a tenant answering as `tenant`.

    The built-in Management API resource is left out (every tenant has it); its role is kept,
    with its id.
    """
    dumper = _Dumper(tenant)
    document: Document = {
        "resources": [
            dumper.resource(r)
            for r in tenant.resources.values()
            if r.indicator != tenant.management_api_indicator
        ],
        "roles": [dumper.role(r) for r in tenant.roles.values()],
        "applications": [dumper.application(a) for a in tenant.applications.values()],
        "users": [dumper.user(u) for u in tenant.users.values()],
        "organizationScopes": [
            dumper.organization_scope(s) for s in tenant.organization_scopes.values()
        ],
        "organizationRoles": [
            dumper.organization_role(r) for r in tenant.organization_roles.values()
        ],
        "organizations": [dumper.organization(o) for o in tenant.organizations.values()],
        "hooks": [dumper.hook(h) for h in tenant.hooks.values()],
        "customJwt": custom_jwt(tenant),
        "accountCenter": account_center(tenant),
        "connectors": [connector(row) for row in tenant.connectors.values()],
        "customProfileFields": [
            {k: v for k, v in row.items() if k != "tenantId" and v is not None}
            for row in tenant.custom_profile_fields.values()
        ],
        "signInExperience": sign_in_experience_changes(tenant),
    }
    return {section: entries for section, entries in document.items() if entries}


def sign_in_experience_changes(tenant: Tenant) -> dict[str, Any]:
    """The keys of the sign-in experience that differ from a new tenant's."""
    default = default_sign_in_experience()
    return {k: v for k, v in tenant.sign_in_experience.items() if default.get(k) != v}


def connector(row: dict[str, Any]) -> dict[str, Any]:
    """A connector as `POST /api/connectors` takes it (Logto's row, `createdAt` kept)."""
    entry: dict[str, Any] = {"id": row["id"], "connectorId": row["connectorId"]}
    for key in ("config", "metadata"):
        if row.get(key):
            entry[key] = row[key]
    for key in ("syncProfile", "enableTokenStorage"):
        if row.get(key):
            entry[key] = True
    entry["createdAt"] = row["createdAt"]
    return entry


def custom_jwt(tenant: Tenant) -> dict[str, Any]:
    """`customJwt`: each token kind's script as stored, and the ID token config if set.

    Python callables set by tests are not data, so they are not written.
    """
    config = tenant.custom_jwt
    section: dict[str, Any] = {
        key: dict(config.scripts[kind])
        for key, kind in FIXTURE_KEYS.items()
        if kind in config.scripts
    }
    if config.id_token is not None:
        section["idToken"] = dict(config.id_token)
    return section


def account_center(tenant: Tenant) -> dict[str, Any]:
    """`accountCenter`, when it differs from a new tenant's."""
    center = tenant.account_center
    if center == default_account_center():
        return {}
    return {
        "enabled": center.get("enabled", False),
        "fields": dict(center.get("fields", {})),
        "webauthnRelatedOrigins": list(center.get("webauthnRelatedOrigins", [])),
    }


class _IndentedDumper(yaml.SafeDumper):
    """Lists inside mappings indented, as the bundled fixtures are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def serve_hint(tenant: Tenant, default_indicator: str = "https://default.logto.app/api") -> str:
    """How to serve a file dumped from `tenant` (a Cloud tenant's Management API differs)."""
    if tenant.management_api_indicator == default_indicator:
        return "Serve it: mock-logto serve --fixtures FILE"
    return (
        f"Serve it: mock-logto serve --fixtures FILE --cloud --tenant-id {tenant.id} "
        f"(its Management API is {tenant.management_api_indicator})"
    )


def export_header(tenant: Tenant) -> list[str]:
    """The comment on top of an exported file."""
    return [
        "mock-logto export: the live tenant, its fixtures and every Management API change since.",
        "TEST-ONLY: it holds the tenant's secrets and passwords in clear.",
        serve_hint(tenant) + ", or in a test: mock_logto.reset(FILE).",
    ]


def _yaml(value: Any) -> str:
    return yaml.dump(value, Dumper=_IndentedDumper, sort_keys=False, allow_unicode=True, width=100)


def _comment(texts: Iterable[str], indent: str) -> list[str]:
    """Comment lines, each text wrapped to the format's 100 columns."""
    return [
        f"{indent}# {line}"
        for text in texts
        for line in textwrap.wrap(text, 98 - len(indent), break_on_hyphens=False) or [""]
    ]


def render_yaml(
    document: Document, *, header: Sequence[str] = (), notes: Notes | None = None
) -> str:
    """YAML text, with `header` comment lines on top and each entry's `notes` above it."""
    lines = _comment(header, "")
    for section, entries in document.items():
        if lines:
            lines.append("")
        if isinstance(entries, dict):
            lines.extend(_yaml({section: entries}).rstrip("\n").splitlines())
            continue
        lines.append(f"{section}:")
        for entry in entries:
            lines.extend(_comment((notes or {}).get((section, str(entry.get("id"))), ()), "  "))
            block = _yaml([entry]).rstrip("\n").splitlines()
            lines.extend(f"  {line}" for line in block)
    if not document:
        lines.append("{}")
    return "\n".join(lines) + "\n"


def render_json(document: Document) -> str:
    """JSON text (no comments: JSON has none)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def fixture_text(
    tenant: Tenant,
    format: Format = "yaml",
    *,
    header: Sequence[str] = (),
    notes: Notes | None = None,
) -> str:
    """`tenant` as a fixture file's text, YAML (with comments) or JSON."""
    document = fixture_document(tenant)
    if format == "json":
        return render_json(document)
    return render_yaml(document, header=header, notes=notes)
