"""What a running server remembers between requests: interactions, sessions, grants, tokens.

All of it lives in memory and is dropped by :meth:`Store.clear` (a reset to the fixtures).
Lifetimes follow Logto v1.37 (core/oidc/init.ts and oidc-provider's defaults); time comes from
the injected clock, so expiry is testable without sleeping. Expired entries are dropped lazily,
when they are looked up.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from .types import Clock

#: oidc-provider's TTLs (seconds) as Logto configures them.
INTERACTION_TTL = 3600
SESSION_TTL = 14 * 24 * 3600
AUTHORIZATION_CODE_TTL = 60
GRANT_TTL = 180 * 24 * 3600
ACCESS_TOKEN_TTL = 3600
DEFAULT_REFRESH_TOKEN_TTL = 14 * 24 * 3600
#: Lifetime of an impersonation subject token (core/constants: `subjectTokenExpiresIn`).
SUBJECT_TOKEN_TTL = 600
#: A consumed refresh token may be replayed this long (core/queries/oidc-model-instance.ts).
REFRESH_TOKEN_REUSE_INTERVAL = 3
#: Expired entries are swept out after this many new ones, so a long-running server's memory
#: stays bounded by what is alive.
SWEEP_EVERY = 1000
_LOWER_ALNUM = string.ascii_lowercase + string.digits


def opaque_token() -> str:
    """43 URL-safe characters, like oidc-provider's nanoid-based opaque values."""
    return secrets.token_urlsafe(32)[:43]


def short_id(length: int = 21) -> str:
    """A nanoid-like id (interaction uids, session ids, verification ids)."""
    return secrets.token_urlsafe(length)[:length]


def short_id_lower(length: int = 21) -> str:
    """Logto's `generateStandardId`: lowercase letters and digits."""
    return "".join(secrets.choice(_LOWER_ALNUM) for _ in range(length))


@dataclass(slots=True)
class AuthorizationRequest:
    """A validated `/oidc/auth` request: what the code, and the tokens after it, will carry."""

    client_id: str
    redirect_uri: str
    response_mode: str
    scopes: list[str]
    resources: list[str]
    prompts: frozenset[str]
    state: str | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    login_hint: str | None = None


@dataclass(slots=True)
class Interaction:
    """A sign-in in progress (oidc-provider's Interaction plus Logto's Experience API state)."""

    uid: str
    request: AuthorizationRequest
    expires_at: int
    #: `login` until a user is signed in, then `consent` (auto-consented, as Logto does).
    prompt: str = "login"
    session_id: str | None = None
    event: str | None = None
    #: verificationId → user id, for passwords verified in this interaction.
    verifications: dict[str, str] = field(default_factory=dict)
    #: verificationId → the identifier (type, value) it was verified with.
    verified_identifiers: dict[str, tuple[str, str]] = field(default_factory=dict)
    identified_user_id: str | None = None
    #: verificationId → (email, JIT organization ids), for one-time tokens verified here.
    one_time_tokens: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    #: Organizations the identified user joins at submit (a one-time token's context).
    jit_organization_ids: list[str] = field(default_factory=list)
    #: Verification-code, TOTP and backup-code records of this interaction (by id), kept as
    #: `mock_logto.passcodes.VerificationRecord`s.
    records: dict[str, Any] = field(default_factory=dict)
    #: The profile a Register or ForgotPassword interaction collects (password, identifiers).
    profile: dict[str, Any] = field(default_factory=dict)
    #: The result `submit` hands to oidc-provider: the signed-in account.
    account_id: str | None = None
    consented: bool = False
    #: The legacy Interaction API's stored result (`/api/interaction`): event, identifiers, profile.
    legacy: dict[str, Any] | None = None
    #: oidc-provider's `lastSubmission`: the result the sign-in handed over at submit (Experience
    #: API: event, user, verification records ...), kept to the session at consent.
    last_submission: dict[str, Any] | None = None


@dataclass(slots=True)
class Session:
    """A signed-in browser session (`_session` cookie)."""

    id: str
    #: Empty for a session that only holds a logout in progress.
    account_id: str
    login_ts: int
    expires_at: int
    #: The pending RP-initiated logout (secret, client, state, post-logout URI).
    logout: dict[str, str | None] | None = None
    #: oidc-provider's session `uid`: kept when the id (the cookie) is regenerated.
    uid: str = ""


@dataclass(slots=True)
class SessionExtension:
    """Logto's `oidc_session_extensions` row of a session uid, saved at consent."""

    account_id: str
    #: The sign-in's `lastSubmission` (JSON), read by custom JWT scripts as `context.interaction`.
    last_submission: dict[str, Any]
    expires_at: int


@dataclass(slots=True)
class Grant:
    """What a user consented to for one client at one sign-in; tokens die with it."""

    id: str
    client_id: str
    account_id: str
    #: OIDC scopes granted (openid, profile, ...), in request order.
    oidc_scopes: list[str]
    #: Resource indicator → granted scope names, in request order.
    resource_scopes: dict[str, list[str]]
    expires_at: int
    revoked: bool = False

    @property
    def scope(self) -> list[str]:
        """Every granted scope name: OIDC scopes, then each resource's, without repeats."""
        names = list(self.oidc_scopes)
        for scopes in self.resource_scopes.values():
            names.extend(scopes)
        return list(dict.fromkeys(names))


@dataclass(slots=True)
class AuthorizationCode:
    """A single-use code, redeemable for 60 s at the token endpoint."""

    value: str
    grant_id: str
    client_id: str
    account_id: str
    redirect_uri: str
    scopes: list[str]
    resources: list[str]
    expires_at: int
    auth_time: int
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    consumed: bool = False
    #: The uid of the session the code was issued in (oidc-provider's `sessionUid`).
    session_uid: str | None = None


@dataclass(slots=True)
class RefreshToken:
    """An opaque refresh token bound to a grant."""

    value: str
    grant_id: str
    client_id: str
    account_id: str
    scopes: list[str]
    resources: list[str]
    issued_at: int
    expires_at: int
    #: When the first token of this chain was issued (rotation stops after a year).
    chain_issued_at: int
    nonce: str | None = None
    rotations: int = 0
    consumed_at: int | None = None
    #: The uid of the session the chain started in (oidc-provider's `sessionUid`).
    session_uid: str | None = None


@dataclass(slots=True)
class OpaqueAccessToken:
    """An access token without an audience: good for `/oidc/me` (and introspection)."""

    value: str
    client_id: str
    account_id: str
    scopes: list[str]
    issued_at: int
    expires_at: int
    grant_id: str | None = None


@dataclass(slots=True)
class SubjectToken:
    """An impersonation subject token (`POST /api/subject-tokens`; Logto's `subject_tokens` row).

    Good for one token exchange before `expires_at` (seconds); `consumed_at` is set by it.
    """

    id: str
    user_id: str
    context: dict[str, Any]
    creator_id: str
    created_at: int
    expires_at: int
    consumed_at: int | None = None


class Store:
    """The server's memory, keyed by the opaque values clients hold."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.interactions: dict[str, Interaction] = {}
        self.sessions: dict[str, Session] = {}
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.access_tokens: dict[str, OpaqueAccessToken] = {}
        self.subject_tokens: dict[str, SubjectToken] = {}
        #: session uid → its Logto session extension.
        self.session_extensions: dict[str, SessionExtension] = {}
        self._added = 0

    def clear(self) -> None:
        """Forget everything (a reset to the fixtures)."""
        for table in (
            self.interactions,
            self.sessions,
            self.grants,
            self.codes,
            self.refresh_tokens,
            self.access_tokens,
            self.subject_tokens,
            self.session_extensions,
        ):
            table.clear()

    def _count(self) -> None:
        self._added += 1
        if self._added % SWEEP_EVERY == 0:
            self.sweep()

    def sweep(self) -> None:
        """Drop every expired entry (grants too, and what was issued under revoked grants)."""
        now = self.clock()
        tables: tuple[dict[str, Any], ...] = (
            self.interactions,
            self.sessions,
            self.codes,
            self.refresh_tokens,
            self.access_tokens,
            self.subject_tokens,
            self.session_extensions,
        )
        for table in tables:
            for key in [k for k, v in table.items() if v.expires_at <= now]:
                del table[key]
        for key in [k for k, g in self.grants.items() if g.revoked or g.expires_at <= now]:
            del self.grants[key]

    # ------------------------------------------------------------------ interactions, sessions

    def new_interaction(self, request: AuthorizationRequest, session_id: str | None) -> Interaction:
        """Start an interaction for `request`."""
        interaction = Interaction(
            uid=short_id(),
            request=request,
            expires_at=self.clock() + INTERACTION_TTL,
            session_id=session_id,
        )
        self.interactions[interaction.uid] = interaction
        self._count()
        return interaction

    def interaction(self, uid: str | None) -> Interaction | None:
        """The live interaction with this uid, if any."""
        found = self.interactions.get(uid) if uid else None
        if found is not None and found.expires_at <= self.clock():
            del self.interactions[found.uid]
            return None
        return found

    def new_session(self, account_id: str, uid: str | None = None) -> Session:
        """A session for a user who just signed in (`uid`: the one it regenerates)."""
        now = self.clock()
        session = Session(short_id(), account_id, now, now + SESSION_TTL)
        session.uid = uid or session.id
        self.sessions[session.id] = session
        self._count()
        return session

    def session(self, session_id: str | None) -> Session | None:
        """The live session with this id, if any."""
        found = self.sessions.get(session_id) if session_id else None
        if found is not None and found.expires_at <= self.clock():
            del self.sessions[found.id]
            return None
        return found

    def save_last_submission(self, session: Session, submission: dict[str, Any]) -> None:
        """Logto's `saveInteractionLastSubmissionToSession` (at consent): upsert by session uid."""
        self.session_extensions[session.uid] = SessionExtension(
            session.account_id, submission, session.expires_at
        )

    def last_submission(self, session_uid: str | None, account_id: str) -> dict[str, Any] | None:
        """The session's saved last submission, if saved for this account."""
        found = self.session_extensions.get(session_uid) if session_uid else None
        if found is None or found.account_id != account_id:
            return None
        return found.last_submission

    def end_session(self, session_id: str) -> None:
        """Sign the browser out."""
        self.sessions.pop(session_id, None)

    # ------------------------------------------------------------------ grants and tokens

    def new_grant(
        self,
        client_id: str,
        account_id: str,
        oidc_scopes: list[str],
        resource_scopes: dict[str, list[str]],
    ) -> Grant:
        """Record a consent."""
        grant = Grant(
            id=short_id(),
            client_id=client_id,
            account_id=account_id,
            oidc_scopes=oidc_scopes,
            resource_scopes=resource_scopes,
            expires_at=self.clock() + GRANT_TTL,
        )
        self.grants[grant.id] = grant
        self._count()
        return grant

    def grant(self, grant_id: str | None) -> Grant | None:
        """The grant, unless revoked or expired."""
        found = self.grants.get(grant_id) if grant_id else None
        if found is None or found.revoked or found.expires_at <= self.clock():
            return None
        return found

    def revoke_grant(self, grant_id: str) -> None:
        """Revoke a grant and so every token issued under it (code reuse, token reuse)."""
        grant = self.grants.get(grant_id)
        if grant is not None:
            grant.revoked = True
        for table in (self.refresh_tokens, self.access_tokens):
            for value in [v for v, t in table.items() if t.grant_id == grant_id]:
                del table[value]

    def sign_out_user(self, account_id: str) -> None:
        """Logto's `signOutUser`: the user's access tokens, refresh tokens and sessions go.

        Called on a suspension or deletion; lifting the suspension brings none back.
        """
        for table in (self.access_tokens, self.refresh_tokens, self.sessions):
            for value in [v for v, t in table.items() if t.account_id == account_id]:
                del table[value]

    def add_code(self, code: AuthorizationCode) -> AuthorizationCode:
        """Remember an issued authorization code."""
        self.codes[code.value] = code
        self._count()
        return code

    def add_refresh_token(self, token: RefreshToken) -> RefreshToken:
        """Remember an issued refresh token."""
        self.refresh_tokens[token.value] = token
        self._count()
        return token

    def add_access_token(self, token: OpaqueAccessToken) -> OpaqueAccessToken:
        """Remember an issued opaque access token."""
        self.access_tokens[token.value] = token
        self._count()
        return token

    def access_token(self, value: str) -> OpaqueAccessToken | None:
        """A live opaque access token whose grant (if any) still stands."""
        token = self.access_tokens.get(value)
        if token is None or token.expires_at <= self.clock():
            return None
        if token.grant_id is not None and self.grant(token.grant_id) is None:
            return None
        return token

    def refresh_token(self, value: str) -> RefreshToken | None:
        """A stored refresh token (expired and consumed ones included: the grant decides)."""
        return self.refresh_tokens.get(value)

    # ------------------------------------------------------------------ impersonation

    def new_subject_token(
        self, user_id: str, context: dict[str, Any], creator_id: str
    ) -> SubjectToken:
        """A subject token for `user_id`, live for :data:`SUBJECT_TOKEN_TTL` seconds."""
        now = self.clock()
        token = SubjectToken(
            id="sub_" + short_id_lower(),
            user_id=user_id,
            context=context,
            creator_id=creator_id,
            created_at=now,
            expires_at=now + SUBJECT_TOKEN_TTL,
        )
        self.subject_tokens[token.id] = token
        self._count()
        return token

    def subject_token(self, value: str) -> SubjectToken | None:
        """A stored subject token (expired and consumed ones included: the grant decides)."""
        return self.subject_tokens.get(value)
