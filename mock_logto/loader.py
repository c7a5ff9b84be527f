"""Fixture files → :class:`~mock_logto.models.Tenant`.

Fixtures use Logto's own names and shapes (camelCase, as the Management API returns them).
A path may be one YAML/JSON file or a directory whose fixture files are merged. Every mistake is
reported as one line naming the file, the entry and the field; nothing is half-loaded.
Ids and secrets left out are derived from the entry (its name, indicator, username), so the same
fixture gives the same ids and secrets on every start.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic.alias_generators import to_camel

from .errors import FixtureError
from .models import (
    MANAGEMENT_API_ROLE_DESCRIPTION,
    MANAGEMENT_API_ROLE_NAME,
    MANAGEMENT_API_SCOPE,
    ApiResource,
    Application,
    ApplicationSecret,
    ApplicationType,
    Organization,
    OrganizationRole,
    OrganizationScope,
    PersonalAccessToken,
    Role,
    RoleType,
    Scope,
    Tenant,
    User,
)
from .types import Clock

FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_FIXTURE = "default.yaml"

# --------------------------------------------------------------------------- file format

NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=256)]
NoSpace = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^\S+$")]
EntityId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\s/]+$")]


class _Spec(BaseModel):
    """Fixture entries: camelCase keys only, unknown keys rejected."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=False, frozen=True
    )


class ScopeSpec(_Spec):
    """A permission of an API resource."""

    id: EntityId | None = None
    name: NoSpace
    description: str = ""


class ResourceSpec(_Spec):
    """An API resource with its scopes."""

    id: EntityId | None = None
    name: NonEmpty
    indicator: NonEmpty
    access_token_ttl: int = Field(3600, gt=0)
    is_default: bool = False
    scopes: list[ScopeSpec] = []


class RoleSpec(_Spec):
    """A role; `scopes` are `"<resource indicator> <scope name>"` strings."""

    id: EntityId | None = None
    name: NonEmpty
    description: str | None = None
    type: RoleType = "User"
    is_default: bool = False
    scopes: list[str] = []


class CustomClientMetadataSpec(_Spec):
    """The subset of Logto's `customClientMetadata` the mock acts on."""

    cors_allowed_origins: list[str] | None = None
    id_token_ttl: int | None = Field(None, gt=0)
    refresh_token_ttl_in_days: int | None = Field(None, gt=0)
    always_issue_refresh_token: bool | None = None
    rotate_refresh_token: bool | None = None
    allow_token_exchange: bool | None = None


class ApplicationSpec(_Spec):
    """An application (OIDC client)."""

    id: EntityId | None = None
    name: NonEmpty
    type: ApplicationType
    description: str | None = None
    secret: NonEmpty | None = None
    internal_secret: NonEmpty | None = None
    redirect_uris: list[str] = []
    post_logout_redirect_uris: list[str] = []
    roles: list[str] = []
    custom_client_metadata: CustomClientMetadataSpec = CustomClientMetadataSpec()
    custom_data: dict[str, Any] = {}
    is_third_party: bool = False
    created_at: int | None = Field(None, ge=0, description="Milliseconds since the epoch.")


class PersonalAccessTokenSpec(_Spec):
    """A personal access token of a user (Logto: `pat_` and 32 characters)."""

    name: NonEmpty
    value: Annotated[str, StringConstraints(pattern=r"^pat_\S+$")] | None = None
    expires_at: int | None = Field(None, ge=0, description="Milliseconds since the epoch.")


class UserSpec(_Spec):
    """An end user; at least one of username, primaryEmail, primaryPhone identifies them."""

    id: EntityId | None = None
    username: (
        Annotated[str, StringConstraints(pattern=r"^[A-Z_a-z]\w*$", max_length=128)] | None
    ) = None
    password: str | None = None
    primary_email: Annotated[str, StringConstraints(pattern=r"^\S+@\S+\.\S+$")] | None = None
    primary_phone: Annotated[str, StringConstraints(pattern=r"^\d+$")] | None = None
    name: str | None = None
    avatar: str | None = None
    custom_data: dict[str, Any] = {}
    profile: dict[str, Any] = {}
    is_suspended: bool = False
    roles: list[str] = []
    personal_access_tokens: list[PersonalAccessTokenSpec] = []
    created_at: int | None = Field(None, ge=0, description="Milliseconds since the epoch.")


class OrganizationScopeSpec(_Spec):
    """A scope of the organization template."""

    id: EntityId | None = None
    name: NoSpace
    description: str | None = None


class OrganizationRoleSpec(_Spec):
    """A role of the organization template."""

    id: EntityId | None = None
    name: NonEmpty
    description: str | None = None
    type: RoleType = "User"
    organization_scopes: list[str] = []
    resource_scopes: list[str] = []


class OrganizationUserSpec(_Spec):
    """A user member: `user` is an id, username or email."""

    user: NonEmpty
    roles: list[str] = []


class OrganizationApplicationSpec(_Spec):
    """An application member: `application` is an id or name."""

    application: NonEmpty
    roles: list[str] = []


class OrganizationSpec(_Spec):
    """An organization and its members."""

    id: EntityId | None = None
    name: NonEmpty
    description: str | None = None
    custom_data: dict[str, Any] = {}
    created_at: int | None = Field(None, ge=0, description="Milliseconds since the epoch.")
    users: list[OrganizationUserSpec] = []
    applications: list[OrganizationApplicationSpec] = []


class FixtureDocument(_Spec):
    """One fixture file."""

    resources: list[ResourceSpec] = []
    roles: list[RoleSpec] = []
    applications: list[ApplicationSpec] = []
    users: list[UserSpec] = []
    organization_scopes: list[OrganizationScopeSpec] = []
    organization_roles: list[OrganizationRoleSpec] = []
    organizations: list[OrganizationSpec] = []


# --------------------------------------------------------------------------- helpers

_LOWER = string.ascii_lowercase + string.digits
_MIXED = string.ascii_letters + string.digits


def derive(*parts: str, length: int = 21, alphabet: str = _LOWER) -> str:
    """A stable pseudo-random string from `parts` (ids and secrets left out of fixtures)."""
    number = int.from_bytes(hashlib.sha256("\x1f".join(("mock-logto", *parts)).encode()).digest())
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPECIAL_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


def absolute_uri_problem(value: str) -> str | None:
    """Why `value` is not an absolute URI without fragment (Logto's indicator rule), or None."""
    if not _SCHEME.match(value) or any(c.isspace() for c in value):
        return "must be an absolute URI"
    lowered = value.lower()
    if lowered.startswith(_SPECIAL_SCHEMES) and not lowered.split(":", 1)[1].lstrip("/"):
        return "must be an absolute URI"
    if "#" in value:
        return "must not contain a fragment component"
    return None


def default_fixtures_dir() -> Path:
    """Where the bundled fixtures are: inside the wheel, else the repository's `fixtures/`."""
    bundled = Path(str(importlib_resources.files("mock_logto"))) / "_fixtures"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parent.parent / "fixtures"


def default_fixture_path() -> Path:
    """The demo tenant `serve` uses when given no fixtures."""
    return default_fixtures_dir() / DEFAULT_FIXTURE


@dataclass(frozen=True, slots=True)
class _Where:
    """Where an entry came from, for error lines."""

    file: str
    section: str
    index: int
    label: str

    def __str__(self) -> str:
        return f"{self.file}: {self.section}[{self.index}] ({self.label})"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Located:
    where: _Where
    spec: Any


def _label(entry: Any) -> str:
    if isinstance(entry, dict):
        for key in ("name", "username", "primaryEmail", "indicator", "id", "user", "application"):
            value = entry.get(key)
            if isinstance(value, str) and value:
                return value
    return "?"


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read(path: Path, display: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError([f"{display}: cannot read the file: {exc}"]) from exc
    try:
        if path.suffix == ".json":
            data = json.loads(text) if text.strip() else {}
        else:
            data = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise FixtureError([f"{display}: line {exc.lineno}: invalid JSON: {exc.msg}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FixtureError([f"{display}: {line}invalid YAML: {problem}"]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FixtureError(
            [f"{display}: the top level must be a mapping of sections, not {type(data).__name__}"]
        )
    return data


def _validate(data: dict[str, Any], display: str) -> FixtureDocument:
    try:
        return FixtureDocument.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown key"
            if len(loc) >= 2 and isinstance(loc[1], int):
                section, index = str(loc[0]), loc[1]
                raw = data.get(section)
                entry = raw[index] if isinstance(raw, list) and index < len(raw) else None
                where = _Where(display, section, index, _label(entry))
                field = _loc(loc[2:]) or "(entry)"
                problems.append(f"{where}: {field}: {message}")
            else:
                problems.append(f"{display}: {_loc(loc) or '(top level)'}: {message}")
        raise FixtureError(problems) from exc


def fixture_files(path: Path) -> list[Path]:
    """The fixture files at `path`: the file itself, or a directory's files in name order."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in FIXTURE_SUFFIXES and p.is_file())
        if not files:
            raise FixtureError([f"{path}: no fixture files (*.yaml, *.yml, *.json) in directory"])
        return files
    if not path.exists():
        raise FixtureError([f"{path}: no such file or directory"])
    return [path]


# --------------------------------------------------------------------------- building


class _Builder:
    """Resolves merged fixture entries into a tenant, collecting every problem."""

    def __init__(self, tenant: Tenant, now_ms: int) -> None:
        self.tenant = tenant
        self.now_ms = now_ms
        self.problems: list[str] = []
        self.ids: dict[tuple[str, str], _Where | None] = {}
        self.pat_values: set[str] = set()

    def problem(self, where: _Where, field: str, message: str) -> None:
        self.problems.append(f"{where}: {field}: {message}")

    def claim_id(self, kind: str, entity_id: str, where: _Where, explicit: bool) -> bool:
        """Register an id; report a duplicate. Returns False when the id is taken."""
        key = (kind, entity_id)
        if key in self.ids:
            other = self.ids[key]
            source = f"{other.file}: {other.section}[{other.index}]" if other else "a built-in"
            hint = "" if explicit else " (derived from the name; give an explicit id)"
            self.problem(where, "id", f"duplicate id '{entity_id}', also used by {source}{hint}")
            return False
        self.ids[key] = where
        return True

    # -- references ------------------------------------------------------------------

    def resource_scope(self, ref: str, where: _Where, field: str) -> Scope | None:
        indicator, _, name = ref.strip().partition(" ")
        name = name.strip()
        if not indicator or not name:
            self.problem(where, field, f"'{ref}' must be '<resource indicator> <scope name>'")
            return None
        resource = self.tenant.resource_by_indicator(indicator)
        if resource is None:
            self.problem(where, field, f"unknown API resource '{indicator}'")
            return None
        for scope in resource.scopes:
            if scope.name == name:
                return scope
        self.problem(where, field, f"API resource '{indicator}' has no scope '{name}'")
        return None

    def find(
        self,
        kind: str,
        items: Iterable[T],
        ref: str,
        keys: Callable[[T], Iterable[str | None]],
        where: _Where,
        field: str,
    ) -> T | None:
        for item in items:
            if ref in keys(item):
                return item
        self.problem(where, field, f"unknown {kind} '{ref}'")
        return None

    # -- sections --------------------------------------------------------------------

    def resources(self, entries: list[_Located]) -> None:
        for located in entries:
            spec: ResourceSpec = located.spec
            where = located.where
            problem = absolute_uri_problem(spec.indicator)
            if problem:
                self.problem(where, "indicator", f"'{spec.indicator}' {problem}")
                continue
            if self.tenant.resource_by_indicator(spec.indicator) is not None:
                self.problem(where, "indicator", f"duplicate indicator '{spec.indicator}'")
                continue
            resource_id = spec.id or derive("resource", spec.indicator)
            if not self.claim_id("resource", resource_id, where, spec.id is not None):
                continue
            if spec.is_default and self.tenant.default_resource() is not None:
                self.problem(where, "isDefault", "only one API resource can be the default")
            resource = ApiResource(
                id=resource_id,
                name=spec.name,
                indicator=spec.indicator,
                access_token_ttl=spec.access_token_ttl,
                is_default=spec.is_default,
            )
            seen: set[str] = set()
            for index, scope_spec in enumerate(spec.scopes):
                if scope_spec.name in seen:
                    self.problem(where, f"scopes[{index}].name", f"duplicate '{scope_spec.name}'")
                    continue
                seen.add(scope_spec.name)
                scope_id = scope_spec.id or derive("scope", spec.indicator, scope_spec.name)
                if not self.claim_id("scope", scope_id, where, scope_spec.id is not None):
                    continue
                resource.scopes.append(
                    Scope(scope_id, resource_id, scope_spec.name, scope_spec.description, 0)
                )
            self.tenant.resources[resource_id] = resource

    def roles(self, entries: list[_Located]) -> None:
        names: set[str] = set()
        management_role_defined = False
        for located in entries:
            spec: RoleSpec = located.spec
            where = located.where
            if spec.name in names:
                self.problem(where, "name", f"duplicate role name '{spec.name}'")
                continue
            names.add(spec.name)
            role_id = spec.id or derive("role", spec.name)
            if not self.claim_id("role", role_id, where, spec.id is not None):
                continue
            if spec.is_default and spec.type != "User":
                self.problem(where, "isDefault", "only User roles can be default roles")
            role = Role(
                id=role_id,
                name=spec.name,
                description=spec.description if spec.description is not None else spec.name,
                type=spec.type,
                is_default=spec.is_default,
            )
            for index, ref in enumerate(spec.scopes):
                field = f"scopes[{index}]"
                scope = self.resource_scope(ref, where, field)
                if scope is None:
                    continue
                if spec.type == "User" and ref.split()[0] == self.tenant.management_api_indicator:
                    self.problem(
                        where, field, "Management API scopes cannot be given to a User role"
                    )
                    continue
                if scope.id not in role.scope_ids:
                    role.scope_ids.append(scope.id)
            if spec.name == MANAGEMENT_API_ROLE_NAME:
                management_role_defined = True
            self.tenant.roles[role_id] = role
        if not management_role_defined:
            role_id = derive("role", MANAGEMENT_API_ROLE_NAME)
            if ("role", role_id) not in self.ids:
                self.ids[("role", role_id)] = None
                self.tenant.roles[role_id] = Role(
                    id=role_id,
                    name=MANAGEMENT_API_ROLE_NAME,
                    description=MANAGEMENT_API_ROLE_DESCRIPTION,
                    type="MachineToMachine",
                    scope_ids=["management-api-all"],
                )

    def _typed_roles(
        self,
        kind: str,
        roles: Iterable[Role | OrganizationRole],
        refs: list[str],
        role_type: RoleType,
        takes: str,
        where: _Where,
        field: str,
    ) -> list[str]:
        """Resolve role references (id or name) that must all be of `role_type`."""
        ids: list[str] = []
        for index, ref in enumerate(refs):
            role = self.find(kind, roles, ref, lambda r: (r.id, r.name), where, f"{field}[{index}]")
            if role is None:
                continue
            if role.type != role_type:
                self.problem(
                    where,
                    f"{field}[{index}]",
                    f"{kind} '{ref}' is a {role.type} role; {takes} {role_type} roles",
                )
                continue
            if role.id not in ids:
                ids.append(role.id)
        return ids

    def _roles_of(
        self, refs: list[str], role_type: RoleType, takes: str, where: _Where, field: str
    ) -> list[str]:
        return self._typed_roles(
            "role", self.tenant.roles.values(), refs, role_type, takes, where, field
        )

    def applications(self, entries: list[_Located]) -> None:
        for located in entries:
            spec: ApplicationSpec = located.spec
            where = located.where
            app_id = spec.id or derive("application", spec.name)
            if not self.claim_id("application", app_id, where, spec.id is not None):
                continue
            confidential = spec.type in ("MachineToMachine", "Traditional")
            if spec.secret is not None and not confidential:
                self.problem(where, "secret", f"{spec.type} apps are public clients: no secret")
            for field in ("redirect_uris", "post_logout_redirect_uris"):
                for index, uri in enumerate(getattr(spec, field)):
                    if absolute_uri_problem(uri):
                        self.problem(where, f"{to_camel(field)}[{index}]", f"'{uri}' is not a URI")
            if spec.roles and spec.type != "MachineToMachine":
                self.problem(where, "roles", "only MachineToMachine apps can be given roles")
            role_ids = self._roles_of(
                spec.roles, "MachineToMachine", "applications take", where, "roles"
            )
            secrets: list[ApplicationSecret] = []
            if confidential:
                value = spec.secret or derive("secret", app_id, length=32, alphabet=_MIXED)
                secrets.append(ApplicationSecret("Default secret", value, self.now_ms))
            internal = spec.internal_secret or "#internal:" + derive(
                "internal-secret", app_id, length=32, alphabet=_MIXED
            )
            self.tenant.applications[app_id] = Application(
                id=app_id,
                name=spec.name,
                type=spec.type,
                internal_secret=internal,
                secrets=secrets,
                description=spec.description,
                redirect_uris=list(spec.redirect_uris),
                post_logout_redirect_uris=list(spec.post_logout_redirect_uris),
                custom_client_metadata=spec.custom_client_metadata.model_dump(
                    by_alias=True, exclude_none=True
                ),
                custom_data=dict(spec.custom_data),
                is_third_party=spec.is_third_party,
                role_ids=role_ids,
                created_at=spec.created_at if spec.created_at is not None else self.now_ms,
            )

    def users(self, entries: list[_Located]) -> None:
        unique: dict[tuple[str, str], _Where] = {}
        for located in entries:
            spec: UserSpec = located.spec
            where = located.where
            handle = spec.username or spec.primary_email or spec.primary_phone or spec.name
            if spec.id is None and handle is None:
                self.problem(where, "id", "give an id, username, primaryEmail or primaryPhone")
                continue
            user_id = spec.id or derive("user", str(handle), length=12)
            if not self.claim_id("user", user_id, where, spec.id is not None):
                continue
            for field, value in (
                ("username", spec.username),
                ("primaryEmail", spec.primary_email),
                ("primaryPhone", spec.primary_phone),
            ):
                if value is None:
                    continue
                key = (field, value.lower() if field != "primaryPhone" else value)
                if key in unique:
                    self.problem(where, field, f"'{value}' is already used by {unique[key]}")
                unique[key] = where
            tokens: list[PersonalAccessToken] = []
            for index, pat in enumerate(spec.personal_access_tokens):
                if any(t.name == pat.name for t in tokens):
                    self.problem(
                        where, f"personalAccessTokens[{index}]", f"name '{pat.name}' is used twice"
                    )
                value = pat.value or "pat_" + derive(
                    "pat", user_id, pat.name, length=32, alphabet=_MIXED
                )
                if value in self.pat_values:
                    self.problem(where, f"personalAccessTokens[{index}]", "value is used twice")
                self.pat_values.add(value)
                tokens.append(PersonalAccessToken(pat.name, value, self.now_ms, pat.expires_at))
            self.tenant.users[user_id] = User(
                id=user_id,
                username=spec.username,
                primary_email=spec.primary_email,
                primary_phone=spec.primary_phone,
                name=spec.name,
                avatar=spec.avatar,
                password=spec.password,
                custom_data=dict(spec.custom_data),
                profile=dict(spec.profile),
                is_suspended=spec.is_suspended,
                role_ids=self._roles_of(spec.roles, "User", "users take", where, "roles"),
                personal_access_tokens=tokens,
                created_at=spec.created_at if spec.created_at is not None else self.now_ms,
                updated_at=spec.created_at if spec.created_at is not None else self.now_ms,
            )

    def organization_scopes(self, entries: list[_Located]) -> None:
        names: set[str] = set()
        for located in entries:
            spec: OrganizationScopeSpec = located.spec
            if spec.name in names:
                self.problem(located.where, "name", f"duplicate organization scope '{spec.name}'")
                continue
            names.add(spec.name)
            scope_id = spec.id or derive("organization-scope", spec.name)
            if self.claim_id("organization-scope", scope_id, located.where, spec.id is not None):
                self.tenant.organization_scopes[scope_id] = OrganizationScope(
                    scope_id, spec.name, spec.description
                )

    def organization_roles(self, entries: list[_Located]) -> None:
        names: set[str] = set()
        for located in entries:
            spec: OrganizationRoleSpec = located.spec
            where = located.where
            if spec.name in names:
                self.problem(where, "name", f"duplicate organization role '{spec.name}'")
                continue
            names.add(spec.name)
            role_id = spec.id or derive("organization-role", spec.name)
            if not self.claim_id("organization-role", role_id, where, spec.id is not None):
                continue
            role = OrganizationRole(role_id, spec.name, spec.type, spec.description)
            for index, ref in enumerate(spec.organization_scopes):
                scope = self.find(
                    "organization scope",
                    self.tenant.organization_scopes.values(),
                    ref,
                    lambda s: (s.id, s.name),
                    where,
                    f"organizationScopes[{index}]",
                )
                if scope is not None and scope.id not in role.organization_scope_ids:
                    role.organization_scope_ids.append(scope.id)
            for index, ref in enumerate(spec.resource_scopes):
                resource_scope = self.resource_scope(ref, where, f"resourceScopes[{index}]")
                if resource_scope is not None and resource_scope.id not in role.resource_scope_ids:
                    role.resource_scope_ids.append(resource_scope.id)
            self.tenant.organization_roles[role_id] = role

    def _organization_roles_of(
        self, refs: list[str], role_type: RoleType, where: _Where, field: str
    ) -> list[str]:
        return self._typed_roles(
            "organization role",
            self.tenant.organization_roles.values(),
            refs,
            role_type,
            "this member takes",
            where,
            field,
        )

    def organizations(self, entries: list[_Located]) -> None:
        for located in entries:
            spec: OrganizationSpec = located.spec
            where = located.where
            org_id = spec.id or derive("organization", spec.name, length=12)
            if not self.claim_id("organization", org_id, where, spec.id is not None):
                continue
            organization = Organization(
                org_id,
                spec.name,
                spec.description,
                dict(spec.custom_data),
                created_at=spec.created_at if spec.created_at is not None else self.now_ms,
            )
            for index, member in enumerate(spec.users):
                field = f"users[{index}]"
                user = self.find(
                    "user",
                    self.tenant.users.values(),
                    member.user,
                    lambda u: (u.id, u.username, u.primary_email),
                    where,
                    f"{field}.user",
                )
                if user is None:
                    continue
                if user.id in organization.user_roles:
                    self.problem(where, f"{field}.user", f"'{member.user}' is listed twice")
                    continue
                organization.user_roles[user.id] = self._organization_roles_of(
                    member.roles, "User", where, f"{field}.roles"
                )
            for index, app_member in enumerate(spec.applications):
                field = f"applications[{index}]"
                app = self.find(
                    "application",
                    self.tenant.applications.values(),
                    app_member.application,
                    lambda a: (a.id, a.name),
                    where,
                    f"{field}.application",
                )
                if app is None:
                    continue
                if app.type != "MachineToMachine":
                    self.problem(
                        where,
                        f"{field}.application",
                        f"'{app_member.application}' is a {app.type} app; "
                        "only MachineToMachine apps can be organization members",
                    )
                    continue
                if app.id in organization.application_roles:
                    self.problem(
                        where, f"{field}.application", f"'{app_member.application}' listed twice"
                    )
                    continue
                organization.application_roles[app.id] = self._organization_roles_of(
                    app_member.roles, "MachineToMachine", where, f"{field}.roles"
                )
            self.tenant.organizations[org_id] = organization


_SECTIONS = (
    "resources",
    "roles",
    "applications",
    "users",
    "organization_scopes",
    "organization_roles",
    "organizations",
)


def _management_api(indicator: str) -> ApiResource:
    """Logto's built-in Management API resource (schemas/src/seeds/management-api.ts)."""
    return ApiResource(
        id="management-api",
        name="Logto Management API",
        indicator=indicator,
        access_token_ttl=3600,
        is_default=False,
        scopes=[
            Scope(
                "management-api-all",
                "management-api",
                MANAGEMENT_API_SCOPE,
                "Default scope for Management API, allows all permissions.",
                0,
            )
        ],
    )


def load_tenant(
    paths: Path | str | Sequence[Path | str] | None = None,
    *,
    tenant_id: str = "default",
    management_api_indicator: str = "https://default.logto.app/api",
    clock: Clock | None = None,
) -> Tenant:
    """Read fixture files (default: the bundled demo tenant) into a :class:`Tenant`.

    Raises:
        FixtureError: with one line per problem, each naming the file, entry and field.
    """
    now_ms = int((clock or time.time)() * 1000)
    if paths is None:
        paths = [default_fixture_path()]
    elif isinstance(paths, Path | str):
        paths = [paths]
    files = [f for p in paths for f in fixture_files(Path(p))]

    merged: dict[str, list[_Located]] = {section: [] for section in _SECTIONS}
    problems: list[str] = []
    for file in files:
        display = str(file)
        try:
            raw = _read(file, display)
            document = _validate(raw, display)
        except FixtureError as exc:
            problems.extend(exc.problems)
            continue
        for section in _SECTIONS:
            alias = to_camel(section)
            raw_entries = raw.get(alias) or []
            for index, spec in enumerate(getattr(document, section)):
                label = _label(raw_entries[index]) if index < len(raw_entries) else "?"
                merged[section].append(_Located(_Where(display, alias, index, label), spec))
    if problems:
        raise FixtureError(problems)

    tenant = Tenant(id=tenant_id, management_api_indicator=management_api_indicator)
    builder = _Builder(tenant, now_ms)
    management = _management_api(management_api_indicator)
    tenant.resources[management.id] = management
    builder.ids[("resource", management.id)] = None
    builder.ids[("scope", "management-api-all")] = None
    for resource in merged["resources"]:
        if resource.spec.indicator == management_api_indicator:
            builder.problem(
                resource.where, "indicator", "the Logto Management API resource is built in"
            )
    merged["resources"] = [
        r for r in merged["resources"] if r.spec.indicator != management_api_indicator
    ]
    builder.resources(merged["resources"])
    builder.roles(merged["roles"])
    builder.applications(merged["applications"])
    builder.users(merged["users"])
    builder.organization_scopes(merged["organization_scopes"])
    builder.organization_roles(merged["organization_roles"])
    builder.organizations(merged["organizations"])
    if builder.problems:
        raise FixtureError(builder.problems)
    for api_resource in tenant.resources.values():
        for scope in api_resource.scopes:
            scope.created_at = now_ms
    return tenant
