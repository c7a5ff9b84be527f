"""The fixture file format: one pydantic model per section entry, camelCase keys only.

Unknown keys are refused (`extra="forbid"`), so a misspelt key is a problem, not a silence.
Entries keep references as written (names, indicators, usernames); :mod:`.build` resolves them.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from ..customjwt.config import EXTENDED_ID_TOKEN_CLAIMS
from ..models import ApplicationType, RoleType
from ..webhooks import HOOK_EVENTS

NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=256)]
NoSpace = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^\S+$")]
EntityId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\s/]+$")]
Timestamp = Annotated[int, Field(ge=0, description="Milliseconds since the epoch.")]


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
    created_at: Timestamp | None = None


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
    """Logto's `customClientMetadata` (every key its Management API returns)."""

    cors_allowed_origins: list[str] | None = None
    id_token_ttl: int | None = Field(None, gt=0)
    refresh_token_ttl: int | None = Field(None, gt=0)
    refresh_token_ttl_in_days: int | None = Field(None, gt=0)
    tenant_id: str | None = None
    always_issue_refresh_token: bool | None = None
    rotate_refresh_token: bool | None = None
    allow_token_exchange: bool | None = None


class ApplicationSecretSpec(_Spec):
    """A named client secret; a missing value is derived from the app's id and the name."""

    name: NonEmpty
    value: NonEmpty | None = None
    created_at: Timestamp | None = None
    expires_at: Timestamp | None = None


class UserConsentScopesSpec(_Spec):
    """What a third-party app asks its users to consent to (ids; user scopes by name)."""

    organization_scopes: list[NonEmpty] = []
    resource_scopes: list[NonEmpty] = []
    organization_resource_scopes: list[NonEmpty] = []
    user_scopes: list[NonEmpty] = []


class ApplicationSpec(_Spec):
    """An application (OIDC client).

    `secret` is the secret named "Default secret"; `secrets` lists named ones. With neither, a
    confidential app gets a derived "Default secret"; `secrets: []` gives it none.
    """

    id: EntityId | None = None
    name: NonEmpty
    type: ApplicationType
    description: str | None = None
    secret: NonEmpty | None = None
    secrets: list[ApplicationSecretSpec] | None = None
    internal_secret: NonEmpty | None = None
    redirect_uris: list[str] = []
    post_logout_redirect_uris: list[str] = []
    roles: list[str] = []
    custom_client_metadata: CustomClientMetadataSpec = CustomClientMetadataSpec()
    custom_data: dict[str, Any] = {}
    is_third_party: bool = False
    created_at: Timestamp | None = None
    #: A third-party app's user-consent scopes, and the organizations each user let it see
    #: (user id → organization ids).
    user_consent_scopes: UserConsentScopesSpec = UserConsentScopesSpec()
    consent_organizations: dict[NonEmpty, list[NonEmpty]] = {}
    #: Its own sign-in experience, in Logto's JSON shape (`GET …/sign-in-experience` less
    #: `tenantId` and `applicationId`).
    sign_in_experience: dict[str, Any] | None = None


class PersonalAccessTokenSpec(_Spec):
    """A personal access token of a user (Logto: `pat_` and 32 characters)."""

    name: NonEmpty
    value: Annotated[str, StringConstraints(pattern=r"^pat_\S+$")] | None = None
    created_at: Timestamp | None = None
    expires_at: Timestamp | None = None


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
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    last_sign_in_at: Timestamp | None = None
    #: An imported digest instead of `password` (Logto's `passwordDigest`/`passwordAlgorithm`).
    password_digest: str | None = None
    password_algorithm: (
        Literal["Argon2i", "Argon2id", "Argon2d", "SHA1", "SHA256", "MD5", "Bcrypt", "Legacy"]
        | None
    ) = None
    #: Social identities by connector target (`{userId, details?}`), MFA factors and
    #: `logtoConfig` as Logto stores them; `applicationId` as Logto shows it.
    identities: dict[str, Any] = {}
    mfa_verifications: list[dict[str, Any]] = []
    logto_config: dict[str, Any] = {}
    application_id: str | None = None


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
    created_at: Timestamp | None = None
    users: list[OrganizationUserSpec] = []
    applications: list[OrganizationApplicationSpec] = []
    is_mfa_required: bool = False
    color: dict[str, Any] = Field({}, description="Branding colors, as Logto's `color`.")
    branding: dict[str, Any] = Field({}, description="Logo and favicon URLs (`branding`).")
    custom_css: str | None = None
    jit_email_domains: list[NonEmpty] = Field(
        [], description="Just-in-time provisioning: email domains whose users join."
    )
    jit_roles: list[str] = Field(
        [], description="Organization roles (ids or names) given to users who join just in time."
    )


class HookConfigSpec(_Spec):
    """Where a hook's deliveries go, as `POST /api/hooks` takes its `config`."""

    url: str = Field(description="The endpoint; `mock://sink` is answered by the mock itself.")
    headers: dict[str, str] | None = None
    retries: int | None = Field(None, ge=0, le=3)


class HookSpec(_Spec):
    """A webhook, as `POST /api/hooks` takes it; `signingKey` is derived when left out."""

    #: Logto refuses `PostSignInAdaptiveMfaTriggered` unless its dev features are on.
    EVENTS: ClassVar[tuple[str, ...]] = tuple(
        e for e in HOOK_EVENTS if e != "PostSignInAdaptiveMfaTriggered"
    )

    id: EntityId | None = None
    name: NonEmpty
    events: list[str] = Field(
        min_length=1, json_schema_extra={"items": {"type": "string", "enum": list(EVENTS)}}
    )
    config: HookConfigSpec
    enabled: bool = True
    signing_key: NonEmpty | None = None
    created_at: int | None = Field(None, ge=0, description="Milliseconds since the epoch.")


class JwtCustomizerSpec(_Spec):
    """A custom JWT script, as `PUT /api/configs/jwt-customizer/{tokenType}` takes it."""

    script: str = Field(description="Defines `getCustomJwtClaims`; runs in V8 (the `jwt` extra).")
    environment_variables: dict[str, str] | None = None
    context_sample: dict[str, Any] | None = None
    token_sample: dict[str, Any] | None = None


class IdTokenConfigSpec(_Spec):
    """The ID token config, as `PUT /api/configs/id-token` takes it."""

    enabled_extended_claims: list[str] | None = Field(
        None,
        json_schema_extra={"items": {"type": "string", "enum": list(EXTENDED_ID_TOKEN_CLAIMS)}},
    )


class CustomJwtSpec(_Spec):
    """Custom JWT claims: the customizer of each token type, and the ID token's claims."""

    access_token: JwtCustomizerSpec | None = None
    client_credentials: JwtCustomizerSpec | None = None
    id_token: IdTokenConfigSpec | None = None


AccountCenterControl = Literal["Off", "ReadOnly", "Edit"]
AccountCenterField = Literal[
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
]


class AccountCenterSpec(_Spec):
    """The account center, as `PATCH /api/account-center` takes it (`fields` replaces)."""

    enabled: bool = False
    fields: dict[AccountCenterField, AccountCenterControl] = Field(
        default_factory=dict, description="Each field's control; a missing one is Off."
    )
    webauthn_related_origins: list[str] = []


class ConnectorSpec(_Spec):
    """A connector, as `POST /api/connectors` takes it.

    `connectorId` names a built-in factory (Logto's mock connectors: `mock-email-service`,
    `mock-email-service-alternative`, `mock-short-message-service`, `mock-social-connector`).
    """

    id: EntityId | None = None
    connector_id: NonEmpty
    config: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    sync_profile: bool | None = None
    enable_token_storage: bool | None = None
    created_at: int | None = Field(None, ge=0, description="Milliseconds since the epoch.")


class FixtureDocument(_Spec):
    """One fixture file."""

    resources: list[ResourceSpec] = []
    roles: list[RoleSpec] = []
    applications: list[ApplicationSpec] = []
    users: list[UserSpec] = []
    organization_scopes: list[OrganizationScopeSpec] = []
    organization_roles: list[OrganizationRoleSpec] = []
    organizations: list[OrganizationSpec] = []
    hooks: list[HookSpec] = []
    custom_jwt: CustomJwtSpec | None = None
    account_center: AccountCenterSpec | None = None
    connectors: list[ConnectorSpec] = []
    custom_profile_fields: list[dict[str, Any]] = Field(
        [],
        description="Custom profile fields, each as `POST /api/custom-profile-fields` takes it "
        "(plus `id`, `createdAt`, `sieOrder` if kept).",
    )
    sign_in_experience: dict[str, Any] | None = Field(
        None,
        description="Changes to a new tenant's sign-in experience, as `PATCH /api/sign-in-exp` "
        "takes them (sign-in methods, sign-up, password policy, `sentinelPolicy`, ...).",
    )


#: The sections of a fixture file, in the order they are built (later ones refer to earlier).
SECTIONS = (
    "resources",
    "roles",
    "applications",
    "users",
    "organization_scopes",
    "organization_roles",
    "organizations",
    "hooks",
    "custom_jwt",
    "account_center",
    "connectors",
    "custom_profile_fields",
    "sign_in_experience",
)
