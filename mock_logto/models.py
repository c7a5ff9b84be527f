"""The tenant in memory, in Logto's vocabulary.

These are the resolved entities a running server works with: references are ids, never names.
The fixture file format lives in :mod:`mock_logto.loader`, which builds a :class:`Tenant`.
Entities are mutable on purpose: the Management API changes them and the next token sees it.
"""

from __future__ import annotations

import copy
import hmac
import json
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as package_files
from typing import Any, Literal

from .customjwt.config import CustomJwt

ApplicationType = Literal["MachineToMachine", "Traditional", "SPA", "Native"]
RoleType = Literal["User", "MachineToMachine"]

#: Reserved resource of organization tokens (core-kit `ReservedResource.Organization`).
ORGANIZATION_RESOURCE = "urn:logto:resource:organizations"
MANAGEMENT_API_SCOPE = "all"
MANAGEMENT_API_ROLE_NAME = "Logto Management API access"
MANAGEMENT_API_ROLE_DESCRIPTION = "This default role grants access to the Logto management API."
#: The secret Logto gives a new confidential app.
DEFAULT_SECRET_NAME = "Default secret"  # noqa: S105 - a name, not a secret


@dataclass(slots=True)
class Scope:
    """A permission of an API resource."""

    id: str
    resource_id: str
    name: str
    description: str | None
    created_at: int


@dataclass(slots=True)
class ApiResource:
    """An API resource; its indicator is the `aud` of the tokens issued for it."""

    id: str
    name: str
    indicator: str
    access_token_ttl: int = 3600
    is_default: bool = False
    scopes: list[Scope] = field(default_factory=list)


@dataclass(slots=True)
class Role:
    """A global role holding API resource scopes, for users or for M2M apps."""

    id: str
    name: str
    description: str
    type: RoleType
    is_default: bool = False
    scope_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ApplicationSecret:
    """A named client secret (Logto's `application_secrets`)."""

    name: str
    value: str
    created_at: int
    expires_at: int | None = None


@dataclass(slots=True)
class Application:
    """An OIDC client."""

    id: str
    name: str
    type: ApplicationType
    internal_secret: str
    secrets: list[ApplicationSecret] = field(default_factory=list)
    description: str | None = None
    redirect_uris: list[str] = field(default_factory=list)
    post_logout_redirect_uris: list[str] = field(default_factory=list)
    custom_client_metadata: dict[str, Any] = field(default_factory=dict)
    custom_data: dict[str, Any] = field(default_factory=dict)
    is_third_party: bool = False
    role_ids: list[str] = field(default_factory=list)
    created_at: int = 0
    #: What a third-party app asks its users to consent to (`/user-consent-scopes`): ids of
    #: organization scopes, API resource scopes, organization-level resource scopes, and user
    #: scope names.
    consent_organization_scopes: list[str] = field(default_factory=list)
    consent_resource_scopes: list[str] = field(default_factory=list)
    consent_organization_resource_scopes: list[str] = field(default_factory=list)
    consent_user_scopes: list[str] = field(default_factory=list)
    #: The organizations each user let this (third-party) app see: user id → organization ids.
    consent_organizations: dict[str, list[str]] = field(default_factory=dict)
    #: Its own branding on the sign-in pages (`/sign-in-experience`), Logto's JSON shape without
    #: `tenantId` and `applicationId`; None until set.
    sign_in_experience: dict[str, Any] | None = None

    @property
    def is_confidential(self) -> bool:
        """Whether the app authenticates with a secret (Logto: M2M and Traditional)."""
        return self.type in ("MachineToMachine", "Traditional")

    @property
    def grant_types(self) -> frozenset[str]:
        """Grant types Logto registers for this kind of app (core/oidc/utils.ts)."""
        if self.type == "MachineToMachine":
            types = {"client_credentials"}
        else:
            types = {"authorization_code", "refresh_token"}
        if self.custom_client_metadata.get("allowTokenExchange"):
            types.add("urn:ietf:params:oauth:grant-type:token-exchange")
        return frozenset(types)


@dataclass(slots=True)
class PersonalAccessToken:
    """A user's personal access token (`pat_…`), exchanged for access tokens (RFC 8693)."""

    name: str
    value: str
    created_at: int
    expires_at: int | None = None


@dataclass(slots=True)
class User:
    """An end user."""

    id: str
    username: str | None = None
    primary_email: str | None = None
    primary_phone: str | None = None
    name: str | None = None
    avatar: str | None = None
    password: str | None = None
    custom_data: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)
    #: An imported password digest (`passwordDigest`) and its `passwordAlgorithm`.
    password_digest: str | None = None
    password_algorithm: str | None = None
    is_suspended: bool = False
    role_ids: list[str] = field(default_factory=list)
    personal_access_tokens: list[PersonalAccessToken] = field(default_factory=list)
    created_at: int = 0
    updated_at: int = 0
    last_sign_in_at: int | None = None
    #: Social identities by connector target, as Logto stores them (`{userId, details?}`).
    identities: dict[str, Any] = field(default_factory=dict)
    #: Logto's `logto_config` (MFA and passkey sign-in skip flags).
    logto_config: dict[str, Any] = field(default_factory=dict)
    #: MFA factors as Logto stores them (`mfa_verifications`): TOTP, backup codes.
    mfa_verifications: list[dict[str, Any]] = field(default_factory=list)
    #: The application the user last signed in to (Logto's `applicationId`).
    application_id: str | None = None


@dataclass(slots=True)
class UserIndex:
    """Lookups of users without a scan, kept in step by `ops.users` (pickled with the tenant).

    Identifiers map to user ids with Logto's case rules (usernames exact, emails lowercased,
    phones exact); `order` holds `(createdAt, sequence, id)` ascending, so the newest-first list
    Logto pages through is a reversed slice; `tokens` maps a personal access token to its user.
    """

    by_username: dict[str, str] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)
    by_phone: dict[str, str] = field(default_factory=dict)
    order: list[tuple[int, int, str]] = field(default_factory=list)
    position: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sequence: int = 0

    def add(self, user: User) -> None:
        """Index a new user (an identifier already taken keeps its first holder)."""
        self.sequence += 1
        key = (user.created_at, self.sequence, user.id)
        insort(self.order, key)
        self.position[user.id] = key
        self.add_identifiers(user)
        for token in user.personal_access_tokens:
            self.tokens.setdefault(token.value, user.id)

    def remove(self, user: User) -> None:
        """Forget a deleted user."""
        key = self.position.pop(user.id, None)
        if key is not None:
            at = bisect_left(self.order, key)
            if at < len(self.order) and self.order[at] == key:
                del self.order[at]
        self.remove_identifiers(user)
        for token in user.personal_access_tokens:
            if self.tokens.get(token.value) == user.id:
                del self.tokens[token.value]

    def add_identifiers(self, user: User) -> None:
        """Index the user's username, email and phone as they are now."""
        for table, value in self._identifiers(user):
            table.setdefault(value, user.id)

    def remove_identifiers(self, user: User) -> None:
        """Drop the user's username, email and phone (before they change)."""
        for table, value in self._identifiers(user):
            if table.get(value) == user.id:
                del table[value]

    def _identifiers(self, user: User) -> list[tuple[dict[str, str], str]]:
        pairs = []
        if user.username:
            pairs.append((self.by_username, user.username))
        if user.primary_email:
            pairs.append((self.by_email, user.primary_email.lower()))
        if user.primary_phone:
            pairs.append((self.by_phone, user.primary_phone))
        return pairs


@dataclass(slots=True)
class OrganizationScope:
    """A permission inside organizations (the organization template)."""

    id: str
    name: str
    description: str | None = None


@dataclass(slots=True)
class OrganizationRole:
    """A role inside organizations, holding organization scopes and API resource scopes."""

    id: str
    name: str
    type: RoleType
    description: str | None = None
    organization_scope_ids: list[str] = field(default_factory=list)
    resource_scope_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Organization:
    """An organization; members map a user or application id to organization role ids."""

    id: str
    name: str
    description: str | None = None
    custom_data: dict[str, Any] = field(default_factory=dict)
    user_roles: dict[str, list[str]] = field(default_factory=dict)
    application_roles: dict[str, list[str]] = field(default_factory=dict)
    created_at: int = 0
    #: Just-in-time provisioning: email domains whose new users join, the organization roles
    #: they get, and enterprise SSO connector ids (data only: the mock has no SSO).
    jit_email_domains: list[str] = field(default_factory=list)
    jit_role_ids: list[str] = field(default_factory=list)
    jit_sso_connector_ids: list[str] = field(default_factory=list)
    is_mfa_required: bool = False
    color: dict[str, Any] = field(default_factory=dict)
    branding: dict[str, Any] = field(default_factory=dict)
    custom_css: str | None = None


InvitationStatus = Literal["Pending", "Accepted", "Expired", "Revoked"]
OneTimeTokenStatus = Literal["active", "consumed", "revoked", "expired"]


@dataclass(slots=True)
class OrganizationInvitation:
    """An invitation of an email address into an organization (Logto's RFC 0003).

    `status` is what is stored: a Pending invitation past `expires_at` reads as Expired.
    """

    id: str
    invitee: str
    organization_id: str
    expires_at: int
    status: InvitationStatus = "Pending"
    inviter_id: str | None = None
    accepted_user_id: str | None = None
    organization_role_ids: list[str] = field(default_factory=list)
    created_at: int = 0
    updated_at: int = 0


@dataclass(slots=True)
class OneTimeToken:
    """A one-time token for an email (magic links); `context` may name JIT organizations.

    `status` is what is stored: an active token past `expires_at` reads as expired.
    """

    id: str
    email: str
    token: str
    expires_at: int
    context: dict[str, Any] = field(default_factory=dict)
    status: OneTimeTokenStatus = "active"
    created_at: int = 0


@dataclass(slots=True)
class Hook:
    """A webhook (Logto's `hooks` row): where to POST which events, signed with `signing_key`."""

    id: str
    name: str
    #: The events it receives; empty for a legacy hook that names one `event`.
    events: list[str]
    url: str
    signing_key: str
    event: str | None = None
    headers: dict[str, str] | None = None
    retries: int | None = None
    enabled: bool = True
    created_at: int = 0

    def receives(self, event: str) -> bool:
        """Logto's filter: enabled, and the event listed (or the legacy `event` equal)."""
        return self.enabled and (event in self.events if self.events else self.event == event)


@cache
def _default_sign_in_experience() -> str:
    return package_files.files(__package__).joinpath("sign_in_experience.json").read_text("utf-8")


def default_sign_in_experience() -> dict[str, Any]:
    """A new Logto tenant's sign-in experience (`GET /api/sign-in-exp`), a fresh copy."""
    document: dict[str, Any] = json.loads(_default_sign_in_experience())
    return document


#: Logto's `userProfileGuard` keys, in its order, and those of its `address`.
USER_PROFILE_KEYS = (
    "familyName",
    "givenName",
    "middleName",
    "nickname",
    "preferredUsername",
    "profile",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "address",
)
ADDRESS_KEYS = ("formatted", "streetAddress", "locality", "region", "postalCode", "country")


#: The account center's field controls, in Logto's order (`accountCenterFieldControlGuard`).
ACCOUNT_CENTER_FIELDS = (
    "name",
    "avatar",
    "profile",
    "email",
    "phone",
    "password",
    "username",
    "social",
    "customData",
    "mfa",
    "session",
)


def default_account_center() -> dict[str, Any]:
    """A new Logto tenant's account center (`GET /api/account-center`): off, no fields."""
    return copy.deepcopy({"enabled": False, "fields": {}, "webauthnRelatedOrigins": []})


@dataclass(slots=True)
class Tenant:
    """Everything one Logto tenant holds, indexed for the lookups the endpoints make."""

    id: str
    management_api_indicator: str
    resources: dict[str, ApiResource] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    organization_scopes: dict[str, OrganizationScope] = field(default_factory=dict)
    organization_roles: dict[str, OrganizationRole] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    hooks: dict[str, Hook] = field(default_factory=dict)
    organization_invitations: dict[str, OrganizationInvitation] = field(default_factory=dict)
    one_time_tokens: dict[str, OneTimeToken] = field(default_factory=dict)
    #: Custom JWT customizers and the ID token config (`/api/configs/jwt-customizer`, `id-token`).
    custom_jwt: CustomJwt = field(default_factory=CustomJwt)
    #: The sign-in experience in Logto's JSON shape (`GET /api/sign-in-exp` without `tenantId`
    #: and `id`, which are added when answering); sign-in, sign-up and policies read it.
    sign_in_experience: dict[str, Any] = field(default_factory=default_sign_in_experience)
    #: The account center in Logto's JSON shape (`GET /api/account-center` without `tenantId`
    #: and `id`); the Account API reads `enabled` and `fields` from it.
    account_center: dict[str, Any] = field(default_factory=default_account_center)
    #: Indexes over `users` (identifiers, creation order, personal access tokens).
    user_index: UserIndex = field(default_factory=UserIndex)
    #: Connectors (`/api/connectors`): Logto's `connectors` rows by id (`id`, `syncProfile`,
    #: `config`, `metadata` overrides, `connectorId` naming a factory, `createdAt`).
    connectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Custom profile fields (`/api/custom-profile-fields`): Logto's rows by `name`, in order.
    custom_profile_fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def resource_by_indicator(self, indicator: str) -> ApiResource | None:
        """The API resource with this indicator, if any."""
        for resource in self.resources.values():
            if resource.indicator == indicator:
                return resource
        return None

    def personal_access_token(self, value: str) -> tuple[User, PersonalAccessToken] | None:
        """The user owning the personal access token `value`, and the token."""
        given = value.encode(errors="surrogatepass")
        user = self.users.get(self.indexed_users().tokens.get(value, ""))
        if user is None:
            return None
        for token in user.personal_access_tokens:
            if hmac.compare_digest(token.value.encode(errors="surrogatepass"), given):
                return user, token
        return None

    def indexed_users(self) -> UserIndex:
        """The user index, rebuilt first if users were added or removed behind `ops.users`."""
        index = self.user_index
        if len(index.position) != len(self.users):
            index = self.user_index = UserIndex()
            for user in self.users.values():
                index.add(user)
        return index

    def find_scope(self, scope_id: str) -> Scope | None:
        """The API resource scope with this id, in whichever resource it is."""
        for resource in self.resources.values():
            for scope in resource.scopes:
                if scope.id == scope_id:
                    return scope
        return None

    def default_resource(self) -> ApiResource | None:
        """The resource marked `isDefault` (at most one), used when `resource` is omitted."""
        for resource in self.resources.values():
            if resource.is_default:
                return resource
        return None

    def summary(self) -> str:
        """One line counting what the tenant holds, for the start-up log."""
        return (
            f"{len(self.applications)} applications, {len(self.resources)} API resources, "
            f"{len(self.roles)} roles, {len(self.users)} users, "
            f"{len(self.organizations)} organizations"
        )
