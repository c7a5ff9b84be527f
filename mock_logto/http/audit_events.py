"""Audit log entries of sign-ins (Logto's interaction and Experience API logs).

Off the token path, so each builds its fields at once; `Runtime.audit` shapes them when read.
Logto: event-listeners/interaction.ts (`Interaction.Create`, `Interaction.End`) and
routes/experience (`Interaction.<event>.Verification.Password.Submit`,
`Interaction.<event>.Submit`, each with the app's id prepended).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ..runtime import Runtime
from ..store import Interaction


def _add(request: Request, rt: Runtime, kind: str, key: str, fields: dict[str, Any]) -> None:
    ip = request.client.host if request.client else ""
    rt.audit.add(rt.clock() * 1000, kind, (key, request.headers, ip, fields))


def interaction_started(
    request: Request,
    rt: Runtime,
    interaction: Interaction,
    params: dict[str, Any],
    user_id: str | None = None,
) -> None:
    """`Interaction.Create`: oidc-provider started an interaction (login, or consent)."""
    fields: dict[str, Any] = {}
    if user_id:
        fields["userId"] = user_id
    fields["applicationId"] = interaction.request.client_id
    if interaction.session_id:
        fields["sessionId"] = interaction.session_id
    fields["params"] = params
    if interaction.prompt == "consent":
        scopes = [
            s
            for s in interaction.request.scopes
            if s in ("openid", "offline_access", "profile", "email", "phone", "address")
        ]
        fields["prompt"] = {
            "name": "consent",
            "details": {"missingOIDCScope": scopes},
            "reasons": ["consent_prompt", "op_scopes_missing"],
        }
    else:
        fields["prompt"] = {"name": "login", "details": {}, "reasons": ["no_session"]}
    fields["interactionId"] = interaction.uid
    _add(request, rt, "interaction", "Interaction.Create", fields)


def interaction_ended(
    request: Request, rt: Runtime, interaction: Interaction, user_id: str
) -> None:
    """`Interaction.End`: the interaction's result was taken (the code follows)."""
    fields = {
        "userId": user_id,
        "applicationId": interaction.request.client_id,
        "interactionId": interaction.uid,
    }
    _add(request, rt, "interaction", "Interaction.End", fields)


def password_verified(
    request: Request,
    rt: Runtime,
    interaction: Interaction,
    identifier: dict[str, str],
    error: dict[str, Any] | None,
) -> None:
    """`Interaction.<event>.Verification.Password.Submit`, with Logto's error fields if any."""
    event = interaction.event or "SignIn"
    fields: dict[str, Any] = {"applicationId": interaction.request.client_id}
    if error is not None:
        fields["result"] = "Error"
        fields["error"] = error
    fields["payload"] = {"identifier": identifier, "password": "******"}
    _add(request, rt, "plain", f"Interaction.{event}.Verification.Password.Submit", fields)


def submitted(request: Request, rt: Runtime, interaction: Interaction, user_id: str) -> None:
    """`Interaction.<event>.Submit`: the interaction's state as Logto logs it."""
    event = interaction.event or "SignIn"
    records = [
        {
            "id": verification_id,
            "type": "Password",
            "verified": True,
            "identifier": {"type": kind, "value": value},
        }
        for verification_id, (kind, value) in interaction.verified_identifiers.items()
    ]
    fields = {
        "userId": user_id,
        "applicationId": interaction.request.client_id,
        "interaction": {
            "mfa": {},
            "userId": user_id,
            "captcha": {"skipped": False, "verified": False},
            "profile": {},
            "interactionEvent": event,
            "verificationRecords": records,
        },
    }
    _add(request, rt, "plain", f"Interaction.{event}.Submit", fields)
