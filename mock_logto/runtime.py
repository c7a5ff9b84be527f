"""`Runtime`: everything a running server holds, typed, in one object.

Settings, the tenant, keys, the clock, the store of issued codes and tokens, the token issuer,
the cookie signer and the test controls. Routes reach it with :func:`runtime_of`; the control
API, the pytest handle and the CLI call its methods (reset, load fixtures, rotate keys, issue a
token), so each of those has one implementation.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import Request

from .audit import AuditLog
from .clock import MockClock
from .control import Control
from .errors import MockLogtoError
from .http.cookies import CookieKey, CookieSigner
from .http.responses import StaticJSON, json_bytes
from .keys import KeyStore
from .loader import default_fixture_path, fixture_files, load_tenant, load_tenant_document
from .models import ORGANIZATION_RESOURCE, Tenant, User
from .oidc.discovery import discovery_document
from .ops import applications, organizations, users
from .ops.sentinel import Sentinel
from .passcodes import Passcodes
from .settings import Settings
from .store import Store
from .tokens import TokenIssuer, organization_audience
from .types import Clock
from .webhooks import Webhooks

JWKS_MEDIA_TYPE = "application/jwk-set+json; charset=utf-8"
#: Claims every access token gets from the issuer; a token made to order cannot set them.
STANDARD_CLAIMS = frozenset({"jti", "sub", "iat", "exp", "scope", "client_id", "iss", "aud"})
#: Fixture paths other than the start-up ones whose tenants a runtime keeps (markers, reset(path)).
SNAPSHOTS_KEPT = 8
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


@dataclass(frozen=True, slots=True)
class TenantSnapshot:
    """A tenant as it was loaded, pickled once: a fresh copy takes tens of microseconds.

    `fixtures` is the resolved path it was read from (None: a tenant handed to the runtime), and
    `signature` the files' paths, modification times and sizes when it was read.
    """

    fixtures: Path | None
    signature: tuple[tuple[str, int, int], ...]
    data: bytes

    @classmethod
    def take(
        cls,
        tenant: Tenant,
        fixtures: Path | None = None,
        signature: tuple[tuple[str, int, int], ...] = (),
    ) -> TenantSnapshot:
        """Snapshot `tenant` as it is now."""
        return cls(fixtures, signature, pickle.dumps(tenant, pickle.HIGHEST_PROTOCOL))

    def tenant(self) -> Tenant:
        """A new copy of the tenant, sharing nothing with the others."""
        tenant: Tenant = pickle.loads(self.data)  # noqa: S301 - bytes this process pickled
        return tenant


def fixtures_signature(fixtures: Path) -> tuple[tuple[str, int, int], ...]:
    """The fixture files at `fixtures` with their modification times and sizes."""
    return tuple(
        (str(path), stat.st_mtime_ns, stat.st_size)
        for path in fixture_files(fixtures)
        for stat in [path.stat()]
    )


@dataclass(eq=False)
class Runtime:
    """The state of one server. The tenant is replaced on reset; everything else stays.

    Resets are cheap: the tenant is restored from a snapshot (taken at start and when fixtures
    are loaded), and only when it may have changed: `changes` counts every request that reached
    the state (:func:`runtime_of`) and every fixture load, and once code outside the server has
    held the runtime or the tenant (:meth:`expose`) every reset restores. The store, the clock,
    the request log and the faults are cleared on every reset (a few dict clears).
    """

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
    _discovery: StaticJSON | None = field(default=None, init=False, repr=False)
    _jwks: StaticJSON | None = field(default=None, init=False, repr=False)
    #: Webhook deliveries and the hooks' logs (`mock_logto.webhooks`).
    webhooks: Webhooks = field(init=False)
    #: Verification codes, captured messages and verification records (`mock_logto.passcodes`).
    passcodes: Passcodes = field(init=False)
    #: Failed verification attempts per identifier (Logto's sentinel, `ops.sentinel`).
    sentinel: Sentinel = field(default_factory=Sentinel, init=False)
    #: Audit logs (`/api/logs`): events recorded as tuples, shaped when read (`audit`).
    audit: AuditLog = field(default_factory=AuditLog, init=False)
    #: Counts what may have changed the tenant (requests reaching the state, fixture loads).
    changes: int = field(default=0, init=False)
    #: Whether the start-up tenant came from files (`initial_fixtures`) or from the caller.
    tenant_from_fixtures: bool = field(default=True, repr=False)
    _initial: TenantSnapshot = field(init=False, repr=False)
    _initial_key: Path = field(init=False, repr=False)
    _live: TenantSnapshot = field(init=False, repr=False)
    _restored_at: int = field(default=0, init=False, repr=False)
    _exposed: bool = field(default=False, init=False, repr=False)
    _snapshots: dict[Path, TenantSnapshot] = field(default_factory=dict, init=False, repr=False)
    #: The cookie keys the server started with, which `reset()` restores (as the signing keys).
    _initial_cookie_keys: list[CookieKey] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._initial_cookie_keys = list(self.cookies.keys)
        self.store = Store(self.clock)
        self.webhooks = Webhooks(lambda: self.clock() * 1000)
        self.passcodes = Passcodes(self.clock)
        self.issuer = TokenIssuer(self.keys, self.settings.issuer, self.clock)
        self.auto_sign_in = auto_sign_in_user(self.settings, self.tenant)
        self._initial_key = self.initial_fixtures.resolve()
        origin = self._initial_key if self.tenant_from_fixtures else None
        self._initial = self._live = TenantSnapshot.take(self.tenant, origin)
        if not self.tenant_from_fixtures:
            self.expose()  # the caller holds the live tenant and may change it

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
            tenant_from_fixtures=tenant is None,
        )

    def expose(self) -> None:
        """Code outside the server holds the runtime: from now on every reset restores."""
        self._exposed = True

    def snapshot(self, fixtures: Path | None = None) -> TenantSnapshot:
        """The snapshot of the start-up tenant, or of `fixtures` (read again when they changed).

        Raises:
            FixtureError: the files are missing or broken (nothing changes).
        """
        if fixtures is None:
            return self._initial
        key = fixtures.resolve()
        if key == self._initial_key and self._initial.fixtures is not None:
            return self._initial
        signature = fixtures_signature(key)
        kept = self._snapshots.get(key)
        if kept is not None and kept.signature == signature:
            return kept
        tenant = load_settings_tenant(self.settings, self.clock, key)
        auto_sign_in_user(self.settings, tenant)  # an unknown user refuses the files
        kept = self._snapshots[key] = TenantSnapshot.take(tenant, key, signature)
        while len(self._snapshots) > SNAPSHOTS_KEPT:
            del self._snapshots[next(iter(self._snapshots))]
        return kept

    def _restore(self, snapshot: TenantSnapshot) -> None:
        tenant = snapshot.tenant()
        self.auto_sign_in = auto_sign_in_user(self.settings, tenant)
        self.tenant = tenant
        self._live = snapshot
        self._restored_at = self.changes

    def load_fixtures(self, fixtures: Path) -> Tenant:
        """Serve the tenant `fixtures` define; everything issued so far is forgotten.

        The clock, the request log and the faults are left as they are. A broken file raises
        :class:`~mock_logto.errors.FixtureError` and changes nothing.
        """
        self._restore(self.snapshot(fixtures))
        self.store.clear()
        self.passcodes.clear()
        return self.tenant

    def load_document(self, document: object, display: str = "request body") -> Tenant:
        """Serve the tenant of one fixture document already parsed (as `load_fixtures`)."""
        tenant = load_tenant_document(
            document,
            display=display,
            tenant_id=self.settings.tenant_id,
            management_api_indicator=self.settings.management_api_indicator,
            clock=self.clock,
        )
        auto_sign_in_user(self.settings, tenant)  # an unknown user refuses the document
        self._restore(TenantSnapshot.take(tenant))
        self.store.clear()
        self.passcodes.clear()
        return self.tenant

    def replace_start_up_tenant(self, tenant: Tenant) -> None:
        """Take `tenant` as the start-up one (`serve --watch` read the changed files again).

        Resets restore it from now on. It is served at once unless other fixtures were loaded
        since the last reset (then the next reset brings it). Keys, clock, the request log and
        what was issued stay: a signed-in session or a refresh token goes on working.

        Raises:
            MockLogtoError: the `auto_sign_in` user is not in `tenant` (nothing changes).
        """
        auto_sign_in_user(self.settings, tenant)
        serving_start_up = self._live is self._initial
        origin = self._initial_key if self.tenant_from_fixtures else None
        self._initial = TenantSnapshot.take(tenant, origin)
        if serving_start_up:
            self._restore(self._initial)

    def reset(self, fixtures: Path | None = None) -> None:
        """A fresh start: the start-up tenant (or `fixtures`') and keys, clock, log, faults.

        The tenant is restored from its snapshot only when it may have changed (see the class);
        otherwise a reset is a few dict clears. A broken `fixtures` raises
        :class:`~mock_logto.errors.FixtureError` and changes nothing.
        """
        snapshot = self.snapshot(fixtures)
        if snapshot is not self._live or self.changes != self._restored_at or self._exposed:
            self._restore(snapshot)
        self.store.clear()
        self.clock.reset()
        self.control.clear()
        self.webhooks.clear()
        self.passcodes.clear()
        self.sentinel.clear()
        self.audit.clear()
        if self.keys.restore():
            self.keys_changed()
            if self.settings.key_file is not None:  # rotation wrote it (management/oidc_keys)
                self.keys.write(self.settings.key_file)
        if self.cookies.keys != self._initial_cookie_keys:
            self.cookies.keys = list(self._initial_cookie_keys)

    @property
    def discovery(self) -> StaticJSON:
        """The discovery document served (made when first asked for: it names the key's alg)."""
        if self._discovery is None:
            document = discovery_document(self.settings.issuer, self.keys)
            self._discovery = StaticJSON(json_bytes(document), "application/json; charset=utf-8")
        return self._discovery

    @property
    def jwks(self) -> StaticJSON:
        """The public JWKS served (made when first asked for: the key is made then)."""
        if self._jwks is None:
            self._jwks = StaticJSON(self.keys.jwks_body, JWKS_MEDIA_TYPE)
        return self._jwks

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
        self._jwks = self._discovery = None  # made again when next asked for

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
    """The runtime of the app serving `request`, counted as a possible change of its tenant."""
    runtime: Runtime = request.app.state.runtime
    runtime.changes += 1
    return runtime


def reading_runtime_of(request: Request) -> Runtime:
    """The runtime, for routes that only read what never changes (discovery, JWKS)."""
    runtime: Runtime = request.app.state.runtime
    return runtime
