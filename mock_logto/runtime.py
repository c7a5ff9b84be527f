"""`Runtime`: everything a running server holds, typed, in one object.

Settings, the tenant, keys, the clock, the store of issued codes and tokens, the token issuer,
the cookie signer and the test controls. Routes reach it with :func:`runtime_of`; the control
API, the pytest handle and the CLI call its methods (reset, load fixtures, rotate keys, issue a
token), so each of those has one implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import Request

from .clock import MockClock
from .control import Control
from .errors import MockLogtoError
from .http.cookies import CookieSigner
from .http.responses import StaticJSON, json_bytes
from .keys import KeyStore
from .loader import default_fixture_path, load_tenant, load_tenant_document
from .models import ORGANIZATION_RESOURCE, Tenant, User
from .oidc.discovery import discovery_document
from .ops import applications, organizations, users
from .settings import Settings
from .store import Store
from .tokens import TokenIssuer, organization_audience
from .types import Clock
from .webhooks import Webhooks

JWKS_MEDIA_TYPE = "application/jwk-set+json; charset=utf-8"
#: Claims every access token gets from the issuer; a token made to order cannot set them.
STANDARD_CLAIMS = frozenset({"jti", "sub", "iat", "exp", "scope", "client_id", "iss", "aud"})
T = TypeVar("T")


def load_keys(settings: Settings) -> KeyStore:
    """The key store the settings ask for: the key file's keys, or a fresh key."""
    if settings.key_file is not None:
        return KeyStore.from_file(settings.key_file, settings.signing_alg)
    return KeyStore.generate(settings.signing_alg)


def load_settings_tenant(settings: Settings, clock: Clock, fixtures: Path | None = None) -> Tenant:
    """The tenant of `fixtures`, else of the settings' fixtures (the bundled demo tenant)."""
    return load_tenant(
        fixtures or settings.fixtures,
        tenant_id=settings.tenant_id,
        management_api_indicator=settings.management_api_indicator,
        clock=clock,
    )


def auto_sign_in_user(settings: Settings, tenant: Tenant) -> User | None:
    """The user named by the `auto_sign_in` setting; an unknown name stops start-up."""
    if settings.auto_sign_in is None:
        return None
    user = users.by_reference(tenant, settings.auto_sign_in)
    if user is None:
        raise MockLogtoError(
            f"auto_sign_in: no fixture user has the id, username or email '{settings.auto_sign_in}'"
        )
    return user


@dataclass(eq=False)
class Runtime:
    """The state of one server. The tenant is replaced on reset; everything else stays."""

    settings: Settings
    tenant: Tenant
    keys: KeyStore
    clock: MockClock
    #: The fixtures the server started with, which `reset()` restores.
    initial_fixtures: Path
    store: Store = field(init=False)
    issuer: TokenIssuer = field(init=False)
    cookies: CookieSigner = field(default_factory=CookieSigner)
    control: Control = field(default_factory=Control)
    auto_sign_in: User | None = field(init=False)
    discovery: StaticJSON = field(init=False)
    jwks: StaticJSON = field(init=False)
    #: Webhook deliveries and the hooks' logs (`mock_logto.webhooks`).
    webhooks: Webhooks = field(init=False)

    def __post_init__(self) -> None:
        self.store = Store(self.clock)
        self.webhooks = Webhooks(lambda: self.clock() * 1000)
        self.issuer = TokenIssuer(self.keys, self.settings.issuer, self.clock)
        self.auto_sign_in = auto_sign_in_user(self.settings, self.tenant)
        document = discovery_document(self.settings.issuer, self.keys)
        self.discovery = StaticJSON(json_bytes(document), "application/json; charset=utf-8")
        self.jwks = StaticJSON(self.keys.jwks_body, JWKS_MEDIA_TYPE)

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        tenant: Tenant | None = None,
        keys: KeyStore | None = None,
        clock: Clock | None = None,
    ) -> Runtime:
        """The runtime the settings describe; `tenant`, `keys` and `clock` replace theirs."""
        server_clock = MockClock(clock)
        return cls(
            settings=settings,
            tenant=tenant or load_settings_tenant(settings, server_clock),
            keys=keys or load_keys(settings),
            clock=server_clock,
            initial_fixtures=settings.fixtures or default_fixture_path(),
        )

    def load_fixtures(self, fixtures: Path) -> Tenant:
        """Serve the tenant `fixtures` define; everything issued so far is forgotten.

        The clock, the request log and the faults are left as they are. A broken file raises
        :class:`~mock_logto.errors.FixtureError` and changes nothing.
        """
        return self._serve(load_settings_tenant(self.settings, self.clock, fixtures))

    def load_document(self, document: object, display: str = "request body") -> Tenant:
        """Serve the tenant of one fixture document already parsed (as `load_fixtures`)."""
        tenant = load_tenant_document(
            document,
            display=display,
            tenant_id=self.settings.tenant_id,
            management_api_indicator=self.settings.management_api_indicator,
            clock=self.clock,
        )
        return self._serve(tenant)

    def _serve(self, tenant: Tenant) -> Tenant:
        auto = auto_sign_in_user(self.settings, tenant)
        self.tenant, self.auto_sign_in = tenant, auto
        self.store.clear()
        return tenant

    def reset(self, fixtures: Path | None = None) -> None:
        """A fresh start: the start-up fixtures (or `fixtures`), clock, log and faults."""
        self.load_fixtures(fixtures or self.initial_fixtures)
        self.clock.reset()
        self.control.clear()
        self.webhooks.clear()

    def rotate_keys(self) -> str:
        """Sign with a new key from now on; the old keys stay published. Returns the new `kid`."""
        key = self.keys.rotate(self.settings.signing_alg)
        self.keys_changed()
        return key.kid

    def keys_changed(self) -> None:
        """Publish the signing keys as they are now: `/oidc/jwks` and discovery's algorithms.

        Every request sees the change at once, as a Logto whose instances share a cache does
        (a single Logto process without Redis only picks it up on restart).
        """
        self.jwks = StaticJSON(self.keys.jwks_body, JWKS_MEDIA_TYPE)
        document = discovery_document(self.settings.issuer, self.keys)
        self.discovery = StaticJSON(json_bytes(document), "application/json; charset=utf-8")

    def issue_token(
        self,
        *,
        client: str,
        resource: str | None = None,
        scopes: Sequence[str] = (),
        user: str | None = None,
        organization: str | None = None,
        claims: dict[str, Any] | None = None,
        expires_in: int | None = None,
    ) -> str:
        """A JWT access token signed by this server, shaped as Logto shapes it.

        `client` is the app (id or name); `user` makes it a user token (else `sub` is the app);
        `resource` is the audience, or `organization` alone gives an organization token, both
        together an organization-level API token. `scopes` are taken as given (not checked
        against roles), so a test can make any token it needs. No custom JWT customizer runs:
        the token carries the `claims` asked for, nothing else (the customizer is a step of the
        token endpoint, which a test of it goes through).
        """
        standard = sorted(STANDARD_CLAIMS.intersection(claims or {}))
        if standard:
            raise MockLogtoError(
                f"claims cannot set {', '.join(standard)}: they come from the app, user, "
                "resource, organization, scopes and expiry given"
            )
        tenant = self.tenant
        application = _found(applications.by_reference(tenant, client), "application", client)
        subject = _found(users.by_reference(tenant, user), "user", user).id if user else None
        org = (
            _found(organizations.by_reference(tenant, organization), "organization", organization)
            if organization
            else None
        )
        extra: dict[str, Any] = {}
        if resource is not None:
            found = tenant.resource_by_indicator(resource)
            if found is None and resource != ORGANIZATION_RESOURCE:
                raise MockLogtoError(f"no API resource has the indicator '{resource}'")
            audience, ttl = resource, found.access_token_ttl if found else 3600
            if org is not None:
                extra["organization_id"] = org.id
        elif org is not None:
            audience, ttl = organization_audience(org.id), 3600
        else:
            raise MockLogtoError("give a resource, an organization or both")
        extra.update(claims or {})
        return self.issuer.access_token(
            sub=subject or application.id,
            client_id=application.id,
            audience=audience,
            scope=" ".join(scopes),
            ttl=expires_in if expires_in is not None else ttl,
            extra=extra or None,
        )


def _found(entity: T | None, kind: str, ref: str) -> T:
    if entity is None:
        names = "id, username or email" if kind == "user" else "id or name"
        raise MockLogtoError(f"no {kind} has the {names} '{ref}'")
    return entity


def runtime_of(request: Request) -> Runtime:
    """The runtime of the app serving `request`."""
    runtime: Runtime = request.app.state.runtime
    return runtime
