"""Building a tenant from fixture entries through the tenant operations (:mod:`mock_logto.ops`).

The rules are the operations' own; this module resolves the file's references (names,
indicators, usernames) to ids, derives the ids and secrets a file leaves out, and turns each
refused operation into one problem line naming the file, the entry and the field.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic.alias_generators import to_camel, to_snake

from .. import zod
from ..customjwt import engine
from ..customjwt.config import EXTENDED_ID_TOKEN_CLAIMS, FIXTURE_KEYS
from ..errors import TenantError
from ..http.uris import absolute_uri_problem
from ..models import (
    ACCOUNT_CENTER_FIELDS,
    DEFAULT_SECRET_NAME,
    MANAGEMENT_API_ROLE_DESCRIPTION,
    MANAGEMENT_API_ROLE_NAME,
    MANAGEMENT_API_SCOPE,
    ApiResource,
    Application,
    ApplicationSecret,
    Hook,
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
from ..ops import (
    applications,
    connectors,
    custom_profile_fields,
    hooks,
    organizations,
    resources,
    roles,
    sign_in_experience,
    users,
)
from ..ops.organizations import MemberKind
from ..webhooks import HOOK_EVENTS
from .files import Located, Where, suggestion
from .schema import (
    AccountCenterSpec,
    ApplicationSpec,
    ConnectorSpec,
    CustomJwtSpec,
    HookSpec,
    OrganizationRoleSpec,
    OrganizationScopeSpec,
    OrganizationSpec,
    ResourceSpec,
    RoleSpec,
    UserSpec,
)

_LOWER = string.ascii_lowercase + string.digits
MIXED = string.ascii_letters + string.digits
T = TypeVar("T")


def derive(*parts: str, length: int = 21, alphabet: str = _LOWER) -> str:
    """A stable pseudo-random string from `parts` (ids and secrets left out of fixtures)."""
    number = int.from_bytes(hashlib.sha256("\x1f".join(("mock-logto", *parts)).encode()).digest())
    chars = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def management_api(indicator: str) -> ApiResource:
    """Logto's built-in Management API resource (schemas/src/seeds/management-api.ts)."""
    return ApiResource(
        id="management-api",
        name="Logto Management API",
        indicator=indicator,
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


class Builder:
    """Resolves merged fixture entries into a tenant, collecting every problem."""

    def __init__(self, tenant: Tenant, now_ms: int) -> None:
        self.tenant = tenant
        self.now_ms = now_ms
        self.problems: list[str] = []
        #: (kind, id) → the entry that claimed it (None: built in).
        self.ids: dict[tuple[str, str], Where | None] = {}

    def problem(self, where: Where, field: str, message: str) -> None:
        self.problems.append(f"{where}: {field}: {message}")

    @contextmanager
    def refused(self, where: Where, field: str | None = None) -> Iterator[None]:
        """Report a refused operation as a problem of `where` (at `field`, else the rule's)."""
        try:
            yield
        except TenantError as exc:
            message = exc.text
            other = self.ids.get((_KIND_OF_CONFLICT.get(exc.code, ""), exc.conflict_id or ""))
            if other is not None:
                message += f" by {other}"
            self.problem(where, field or exc.field, message)

    def allowed(self, where: Where, check: Callable[..., object], *args: Any) -> bool:
        """Run a rule's check; a refusal is reported and answers False."""
        with self.refused(where):
            check(*args)
            return True
        return False

    def claim_id(self, kind: str, entity_id: str, where: Where, explicit: bool) -> bool:
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

    def resolve(
        self,
        find: Callable[[str], T | None],
        ref: str,
        kind: str,
        where: Where,
        field: str,
        names: Iterable[str] = (),
    ) -> T | None:
        found = find(ref)
        if found is None:
            self.problem(where, field, f"unknown {kind} '{ref}'{suggestion(ref, names)}")
        return found

    # -- sections --------------------------------------------------------------------

    def resources(self, entries: list[Located]) -> None:
        for located in entries:
            spec: ResourceSpec = located.spec
            where = located.where
            if spec.indicator == self.tenant.management_api_indicator:
                self.problem(where, "indicator", "the Logto Management API resource is built in")
                continue
            problem = absolute_uri_problem(spec.indicator)
            if problem:
                self.problem(where, "indicator", f"'{spec.indicator}' {problem}")
                continue
            if not self.allowed(where, resources.indicator_free, self.tenant, spec.indicator):
                continue
            resource_id = spec.id or derive("resource", spec.indicator)
            if not self.claim_id("resource", resource_id, where, spec.id is not None):
                continue
            if spec.is_default and self.tenant.default_resource() is not None:
                self.problem(where, "isDefault", "only one API resource can be the default")
            resource = ApiResource(
                resource_id, spec.name, spec.indicator, spec.access_token_ttl, spec.is_default
            )
            with self.refused(where):
                resources.create(self.tenant, resource)
                self.scopes(resource, spec, where)

    def scopes(self, resource: ApiResource, spec: ResourceSpec, where: Where) -> None:
        for index, scope_spec in enumerate(spec.scopes):
            scope_id = scope_spec.id or derive("scope", spec.indicator, scope_spec.name)
            if not self.claim_id("scope", scope_id, where, scope_spec.id is not None):
                continue
            created = scope_spec.created_at if scope_spec.created_at is not None else self.now_ms
            scope = Scope(scope_id, resource.id, scope_spec.name, scope_spec.description, created)
            with self.refused(where, f"scopes[{index}].name"):
                resources.add_scope(resource, scope)

    def scope_ref(self, ref: str, where: Where, field: str) -> Scope | None:
        """A `"<resource indicator> <scope name>"` reference."""
        indicator, _, name = ref.strip().partition(" ")
        if not indicator or not name.strip():
            self.problem(where, field, f"'{ref}' must be '<resource indicator> <scope name>'")
            return None
        with self.refused(where, field):
            return resources.find_scope(self.tenant, indicator, name.strip())
        return None

    def roles(self, entries: list[Located]) -> None:
        for located in entries:
            spec: RoleSpec = located.spec
            where = located.where
            role_id = spec.id or derive("role", spec.name)
            role = Role(
                role_id,
                spec.name,
                spec.description if spec.description is not None else spec.name,
                spec.type,
                spec.is_default,
            )
            if not self.allowed(where, roles.name_free, self.tenant, spec.name):
                continue
            if not self.claim_id("role", role_id, where, spec.id is not None):
                continue
            roles.create(self.tenant, role)
            if spec.is_default and spec.type != "User":
                self.problem(where, "isDefault", "only User roles can be default roles")
            for index, ref in enumerate(spec.scopes):
                field = f"scopes[{index}]"
                scope = self.scope_ref(ref, where, field)
                if scope is not None:
                    with self.refused(where, field):
                        roles.add_scopes(self.tenant, role, [scope])
        self.management_role()

    def management_role(self) -> None:
        """Logto's built-in role for Management API access, unless the file defines it."""
        if roles.by_reference(self.tenant, MANAGEMENT_API_ROLE_NAME) is not None:
            return
        role_id = derive("role", MANAGEMENT_API_ROLE_NAME)
        if ("role", role_id) not in self.ids:
            self.ids[("role", role_id)] = None
            role = Role(
                role_id,
                MANAGEMENT_API_ROLE_NAME,
                MANAGEMENT_API_ROLE_DESCRIPTION,
                "MachineToMachine",
                scope_ids=["management-api-all"],
            )
            roles.create(self.tenant, role)

    def role_links(self, holder: User | Application, refs: list[str], where: Where) -> None:
        for index, ref in enumerate(refs):
            field = f"roles[{index}]"
            role = self.resolve(
                lambda r: roles.by_reference(self.tenant, r),
                ref,
                "role",
                where,
                field,
                (r.name for r in self.tenant.roles.values()),
            )
            if role is not None:
                with self.refused(where, field):
                    roles.check_type(holder, role)
                    roles.link(holder, role)

    def applications(self, entries: list[Located]) -> None:
        for located in entries:
            spec: ApplicationSpec = located.spec
            where = located.where
            app_id = spec.id or derive("application", spec.name)
            if not self.claim_id("application", app_id, where, spec.id is not None):
                continue
            for field in ("redirect_uris", "post_logout_redirect_uris"):
                for index, uri in enumerate(getattr(spec, field)):
                    if absolute_uri_problem(uri):
                        self.problem(where, f"{to_camel(field)}[{index}]", f"'{uri}' is not a URI")
            app = applications.create(self.tenant, self.application(app_id, spec))
            with self.refused(where):
                applications.check_token_exchange(app.is_third_party, app.custom_client_metadata)
            self.secrets(app, spec, where)
            if spec.roles:
                with self.refused(where):
                    roles.check_holder(app)
                    self.role_links(app, spec.roles, where)

    def secrets(self, app: Application, spec: ApplicationSpec, where: Where) -> None:
        """`secret` (the "Default secret"), then `secrets`; neither: a derived default one."""
        if spec.secret is not None or (spec.secrets is None and app.is_confidential):
            value = spec.secret or derive("secret", app.id, length=32, alphabet=MIXED)
            with self.refused(where):
                applications.add_secret(
                    app, ApplicationSecret(DEFAULT_SECRET_NAME, value, self.now_ms)
                )
        for index, secret in enumerate(spec.secrets or []):
            value = secret.value or derive("secret", app.id, secret.name, length=32, alphabet=MIXED)
            created = secret.created_at if secret.created_at is not None else self.now_ms
            with self.refused(where, f"secrets[{index}]"):
                applications.add_secret(
                    app, ApplicationSecret(secret.name, value, created, secret.expires_at)
                )

    def application(self, app_id: str, spec: ApplicationSpec) -> Application:
        internal = spec.internal_secret or "#internal:" + derive(
            "internal-secret", app_id, length=32, alphabet=MIXED
        )
        return Application(
            id=app_id,
            name=spec.name,
            type=spec.type,
            internal_secret=internal,
            description=spec.description,
            redirect_uris=list(spec.redirect_uris),
            post_logout_redirect_uris=list(spec.post_logout_redirect_uris),
            custom_client_metadata=spec.custom_client_metadata.model_dump(
                by_alias=True, exclude_none=True
            ),
            custom_data=dict(spec.custom_data),
            is_third_party=spec.is_third_party,
            created_at=spec.created_at if spec.created_at is not None else self.now_ms,
            consent_organization_scopes=list(spec.user_consent_scopes.organization_scopes),
            consent_resource_scopes=list(spec.user_consent_scopes.resource_scopes),
            consent_organization_resource_scopes=list(
                spec.user_consent_scopes.organization_resource_scopes
            ),
            consent_user_scopes=list(spec.user_consent_scopes.user_scopes),
            consent_organizations={k: list(v) for k, v in spec.consent_organizations.items()},
            sign_in_experience=(
                dict(spec.sign_in_experience) if spec.sign_in_experience is not None else None
            ),
        )

    def users(self, entries: list[Located]) -> None:
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
            user = self.user(user_id, spec)
            with self.refused(where):
                users.create(self.tenant, user, as_stored=True)
            # A refused user is kept, so that references to it do not add problems of their own.
            self.tenant.users.setdefault(user_id, user)
            for index, pat in enumerate(spec.personal_access_tokens):
                value = pat.value or "pat_" + derive(
                    "pat", user_id, pat.name, length=32, alphabet=MIXED
                )
                created = pat.created_at if pat.created_at is not None else self.now_ms
                token = PersonalAccessToken(pat.name, value, created, pat.expires_at)
                with self.refused(where, f"personalAccessTokens[{index}]"):
                    users.add_personal_access_token(self.tenant, user, token)
            self.role_links(user, spec.roles, where)

    def user(self, user_id: str, spec: UserSpec) -> User:
        created = spec.created_at if spec.created_at is not None else self.now_ms
        return User(
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
            created_at=created,
            updated_at=spec.updated_at if spec.updated_at is not None else created,
            last_sign_in_at=spec.last_sign_in_at,
            password_digest=spec.password_digest,
            password_algorithm=spec.password_algorithm,
            identities=dict(spec.identities),
            mfa_verifications=[dict(v) for v in spec.mfa_verifications],
            logto_config=dict(spec.logto_config),
            application_id=spec.application_id,
        )

    def organization_scopes(self, entries: list[Located]) -> None:
        for located in entries:
            spec: OrganizationScopeSpec = located.spec
            scope_id = spec.id or derive("organization-scope", spec.name)
            scope = OrganizationScope(scope_id, spec.name, spec.description)
            with self.refused(located.where):
                organizations.name_free(
                    self.tenant.organization_scopes.values(), spec.name, "organization scope"
                )
                if self.claim_id(
                    "organization-scope", scope_id, located.where, spec.id is not None
                ):
                    organizations.create_scope(self.tenant, scope)

    def organization_roles(self, entries: list[Located]) -> None:
        for located in entries:
            spec: OrganizationRoleSpec = located.spec
            where = located.where
            role_id = spec.id or derive("organization-role", spec.name)
            role = OrganizationRole(role_id, spec.name, spec.type, spec.description)
            with self.refused(where):
                organizations.name_free(
                    self.tenant.organization_roles.values(), spec.name, "organization role"
                )
                if not self.claim_id("organization-role", role_id, where, spec.id is not None):
                    continue
                for index, ref in enumerate(spec.organization_scopes):
                    scope = self.resolve(
                        lambda r: organizations.scope_by_reference(self.tenant, r),
                        ref,
                        "organization scope",
                        where,
                        f"organizationScopes[{index}]",
                        (s.name for s in self.tenant.organization_scopes.values()),
                    )
                    if scope is not None and scope.id not in role.organization_scope_ids:
                        role.organization_scope_ids.append(scope.id)
                for index, ref in enumerate(spec.resource_scopes):
                    resource_scope = self.scope_ref(ref, where, f"resourceScopes[{index}]")
                    if (
                        resource_scope is not None
                        and resource_scope.id not in role.resource_scope_ids
                    ):
                        role.resource_scope_ids.append(resource_scope.id)
                organizations.create_role(self.tenant, role)

    def organizations(self, entries: list[Located]) -> None:
        for located in entries:
            spec: OrganizationSpec = located.spec
            where = located.where
            org_id = spec.id or derive("organization", spec.name, length=12)
            if not self.claim_id("organization", org_id, where, spec.id is not None):
                continue
            created = spec.created_at if spec.created_at is not None else self.now_ms
            organization = organizations.create(
                self.tenant,
                Organization(
                    org_id,
                    spec.name,
                    spec.description,
                    dict(spec.custom_data),
                    created_at=created,
                    is_mfa_required=spec.is_mfa_required,
                    color=dict(spec.color),
                    branding=dict(spec.branding),
                    custom_css=spec.custom_css,
                ),
            )
            for index, member in enumerate(spec.users):
                user = self.resolve(
                    lambda r: users.by_reference(self.tenant, r),
                    member.user,
                    "user",
                    where,
                    f"users[{index}].user",
                    (u.username or "" for u in self.tenant.users.values()),
                )
                if user is not None:
                    self.member(
                        organization,
                        "user",
                        user.id,
                        member.user,
                        member.roles,
                        where,
                        f"users[{index}]",
                    )
            self.jit(organization, spec, where)
            for index, app_member in enumerate(spec.applications):
                app = self.resolve(
                    lambda r: applications.by_reference(self.tenant, r),
                    app_member.application,
                    "application",
                    where,
                    f"applications[{index}].application",
                )
                if app is not None:
                    self.member(
                        organization,
                        "application",
                        app.id,
                        app_member.application,
                        app_member.roles,
                        where,
                        f"applications[{index}]",
                    )

    def jit(self, organization: Organization, spec: OrganizationSpec, where: Where) -> None:
        """An organization's JIT email domains (each once) and JIT roles."""
        for index, domain in enumerate(spec.jit_email_domains):
            if domain in organization.jit_email_domains:
                self.problem(where, f"jitEmailDomains[{index}]", f"duplicate domain '{domain}'")
            else:
                organization.jit_email_domains.append(domain)
        for index, ref in enumerate(spec.jit_roles):
            role = self.resolve(
                lambda r: organizations.role_by_reference(self.tenant, r),
                ref,
                "organization role",
                where,
                f"jitRoles[{index}]",
                (r.name for r in self.tenant.organization_roles.values()),
            )
            if role is not None and role.id not in organization.jit_role_ids:
                organization.jit_role_ids.append(role.id)

    def member(
        self,
        organization: Organization,
        kind: MemberKind,
        member_id: str,
        ref: str,
        role_refs: list[str],
        where: Where,
        field: str,
    ) -> None:
        ref_field = f"{field}.{kind}"
        if member_id in organizations.members(organization, kind):
            self.problem(where, ref_field, f"'{ref}' is listed twice")
            return
        with self.refused(where, ref_field):
            organizations.add_members(self.tenant, organization, kind, [member_id])
            held = organizations.member_roles(organization, kind, member_id)
            for index, role_ref in enumerate(role_refs):
                role_field = f"{field}.roles[{index}]"
                role = self.resolve(
                    lambda r: organizations.role_by_reference(self.tenant, r),
                    role_ref,
                    "organization role",
                    where,
                    role_field,
                    (r.name for r in self.tenant.organization_roles.values()),
                )
                if role is not None:
                    with self.refused(where, role_field):
                        organizations.assign_member_roles(self.tenant, held, kind, [role.id])

    def hooks(self, entries: list[Located]) -> None:
        for located in entries:
            spec: HookSpec = located.spec
            hook_id = spec.id or derive("hook", spec.name)
            if not self.claim_id("hook", hook_id, located.where, spec.id is not None):
                continue
            for index, event in enumerate(spec.events):
                if event not in HookSpec.EVENTS:
                    hint = suggestion(event, HookSpec.EVENTS)
                    if event in HOOK_EVENTS:
                        hint = " (Logto accepts it only with its dev features on)"
                    self.problem(
                        located.where, f"events[{index}]", f"unknown event '{event}'{hint}"
                    )
            signing_key = spec.signing_key or derive(
                "signing-key", hook_id, length=32, alphabet=MIXED
            )
            hook = Hook(
                id=hook_id,
                name=spec.name,
                events=list(spec.events),
                url=spec.config.url,
                signing_key=signing_key,
                headers=dict(spec.config.headers) if spec.config.headers is not None else None,
                retries=spec.config.retries,
                enabled=spec.enabled,
                created_at=spec.created_at if spec.created_at is not None else self.now_ms,
            )
            with self.refused(located.where):
                hooks.add(self.tenant, hook)

    def custom_jwt(self, entries: list[Located]) -> None:
        """`customJwt`: each token type's script and the ID token config, set once."""
        config = self.tenant.custom_jwt
        for located in entries:
            spec: CustomJwtSpec = located.spec

            def problem(field: str, message: str, file: str = located.where.file) -> None:
                self.problems.append(f"{file}: customJwt.{field}: {message}")

            for key, kind in FIXTURE_KEYS.items():
                customizer = getattr(spec, to_snake(key))
                if customizer is None:
                    continue
                if kind in config.scripts:
                    problem(key, "set in another fixture file too")
                elif not engine.available():
                    problem(key, str(engine.EngineMissing()))
                else:
                    config.scripts[kind] = customizer.model_dump(by_alias=True, exclude_none=True)
            if spec.id_token is None:
                continue
            if config.id_token is not None:
                problem("idToken", "set in another fixture file too")
                continue
            claims = spec.id_token.enabled_extended_claims
            for index, claim in enumerate(claims or []):
                if claim not in EXTENDED_ID_TOKEN_CLAIMS:
                    hint = suggestion(claim, EXTENDED_ID_TOKEN_CLAIMS)
                    field = f"idToken.enabledExtendedClaims[{index}]"
                    problem(field, f"unknown claim '{claim}'{hint}")
            config.id_token = {} if claims is None else {"enabledExtendedClaims": list(claims)}

    def account_center(self, entries: list[Located]) -> None:
        """`accountCenter`: set once; field controls in Logto's order."""
        for index, located in enumerate(entries):
            if index:
                self.problems.append(
                    f"{located.where.file}: accountCenter: set in another fixture file too"
                )
                continue
            spec: AccountCenterSpec = located.spec
            self.tenant.account_center = {
                "enabled": spec.enabled,
                "fields": {k: spec.fields[k] for k in ACCOUNT_CENTER_FIELDS if k in spec.fields},
                "webauthnRelatedOrigins": list(dict.fromkeys(spec.webauthn_related_origins)),
            }

    def connectors(self, entries: list[Located]) -> None:
        """`connectors`: each created as `POST /api/connectors` creates it."""
        for located in entries:
            spec: ConnectorSpec = located.spec
            connector_id = spec.id or derive("connector", spec.connector_id, length=12)
            if not self.claim_id("connector", connector_id, located.where, spec.id is not None):
                continue
            body = spec.model_dump(by_alias=True, exclude_none=True)
            body["id"] = connector_id
            with self.refused(located.where, "connectorId"):
                row = connectors.create(
                    self.tenant, body, connector_id, self.now_ms, check_config=False
                )
                if spec.created_at is not None:
                    row["createdAt"] = spec.created_at

    def custom_profile_fields(self, entries: list[Located]) -> None:
        """`customProfileFields`: each created as `POST /api/custom-profile-fields` creates it."""
        for located in entries:
            raw: dict[str, Any] = located.spec
            issues: zod.Issues = []
            parsed = custom_profile_fields.CREATE.check(raw, [], issues)
            for issue in issues:
                field = ".".join(str(p) for p in issue["path"]) or "(entry)"
                self.problem(located.where, field, str(issue["message"]))
            if issues:
                continue
            field_id = str(raw.get("id") or derive("custom-profile-field", parsed["name"]))
            with self.refused(located.where):
                row = custom_profile_fields.create(self.tenant, parsed, field_id, self.now_ms)
                for key in ("createdAt", "sieOrder"):
                    if isinstance(raw.get(key), int):
                        row[key] = raw[key]

    def sign_in_experience(self, entries: list[Located]) -> None:
        """`signInExperience`: applied as `PATCH /api/sign-in-exp` applies it, file by file."""
        for located in entries:
            body: dict[str, Any] = located.spec
            issues: zod.Issues = []
            parsed = sign_in_experience.PATCH_BODY.check(body, [], issues)
            for issue in issues:
                field = ".".join(str(p) for p in issue["path"]) or "(section)"
                self.problems.append(
                    f"{located.where.file}: signInExperience.{field}: {issue['message']}"
                )
            if issues:
                continue
            parsed.pop("tenantId", None)
            try:
                sign_in_experience.update(self.tenant, parsed)
            except TenantError as exc:
                self.problems.append(f"{located.where.file}: signInExperience: {exc.message}")


#: Which `ids` kind the entity named by a conflict's `conflict_id` is.
_KIND_OF_CONFLICT = {
    "user.email_already_in_use": "user",
    "user.phone_already_in_use": "user",
    "user.username_already_in_use": "user",
}


def build(tenant: Tenant, entries: dict[str, list[Located]], now_ms: int) -> list[str]:
    """Fill `tenant` from the merged entries; returns the problems (empty: all good)."""
    builder = Builder(tenant, now_ms)
    management = management_api(tenant.management_api_indicator)
    tenant.resources[management.id] = management
    builder.ids[("resource", management.id)] = None
    builder.ids[("scope", "management-api-all")] = None
    builder.resources(entries["resources"])
    builder.roles(entries["roles"])
    builder.applications(entries["applications"])
    builder.users(entries["users"])
    builder.organization_scopes(entries["organization_scopes"])
    builder.organization_roles(entries["organization_roles"])
    builder.organizations(entries["organizations"])
    builder.hooks(entries["hooks"])
    builder.custom_jwt(entries["custom_jwt"])
    builder.account_center(entries["account_center"])
    builder.connectors(entries["connectors"])
    builder.custom_profile_fields(entries["custom_profile_fields"])
    builder.sign_in_experience(entries["sign_in_experience"])
    for scope in management.scopes:
        scope.created_at = now_ms
    return builder.problems


__all__ = ["MIXED", "RoleType", "build", "derive"]
