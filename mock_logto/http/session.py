"""The browser's sign-in state in Logto's cookies: the interaction and the session.

`/oidc/auth` sets `_logto`, `_interaction` (signed JSON naming the interaction) and
`_interaction_resume` (signed, scoped to the resume path); a finished sign-in sets `_session`
(golden/user-flow/A01–A08). Routes read and write them only through these helpers.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from ..store import SESSION_TTL, Interaction, Session, Store
from .cookies import CookieSigner, clear_signed, set_cookie, set_signed
from .responses import json_bytes

INTERACTION_COOKIE = "_interaction"
RESUME_COOKIE = "_interaction_resume"
SESSION_COOKIE = "_session"


def resume_path(uid: str) -> str:
    """Where the browser resumes an interaction: `/oidc/auth/<uid>`."""
    return f"/oidc/auth/{uid}"


def interaction_uid(request: Request, signer: CookieSigner) -> str | None:
    """The uid in the signed `_interaction` cookie (a JSON map app id → uid)."""
    raw = signer.read(request.cookies, INTERACTION_COOKIE)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    uid = value.get("_legacy") if isinstance(value, dict) else None
    return uid if isinstance(uid, str) else None


def current_interaction(request: Request, store: Store, signer: CookieSigner) -> Interaction | None:
    """The live interaction the browser's cookies point at."""
    return store.interaction(interaction_uid(request, signer))


def resumed_uid(request: Request, signer: CookieSigner) -> str | None:
    """The uid of the signed `_interaction_resume` cookie."""
    return signer.read(request.cookies, RESUME_COOKIE)


def current_session(request: Request, store: Store, signer: CookieSigner) -> Session | None:
    """The live session of the signed `_session` cookie."""
    return store.session(signer.read(request.cookies, SESSION_COOKIE))


def set_interaction_cookies(
    response: Response, signer: CookieSigner, interaction: Interaction
) -> None:
    """`_logto`, `_interaction` and `_interaction_resume` for a new interaction."""
    client_id = interaction.request.client_id
    set_cookie(
        response, "_logto", json_bytes({"appId": client_id}).decode(), "path=/; samesite=lax"
    )
    value = json_bytes({client_id: interaction.uid, "_legacy": interaction.uid}).decode()
    set_signed(
        response, signer, INTERACTION_COOKIE, value, path="/", expires=interaction.expires_at
    )
    set_signed(
        response,
        signer,
        RESUME_COOKIE,
        interaction.uid,
        path=resume_path(interaction.uid),
        expires=interaction.expires_at,
    )


def clear_resume_cookie(response: Response, signer: CookieSigner, uid: str) -> None:
    """Expire `_interaction_resume` once the interaction is done."""
    clear_signed(response, signer, RESUME_COOKIE, path=resume_path(uid))


def set_session_cookie(response: Response, signer: CookieSigner, session_id: str, now: int) -> None:
    """`_session`, valid as long as oidc-provider's session."""
    set_signed(
        response,
        signer,
        SESSION_COOKIE,
        session_id,
        path="/",
        expires=now + SESSION_TTL,
        session_style=True,
    )
