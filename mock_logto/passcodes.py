"""Verification codes, the capturing connector, and Logto's verification records.

Where Logto would send an email or SMS through the tenant's connector (it needs one of the
kind, as Logto does, or answers 501 `connector.not_found`), the mock records the message
(recipient, template type, code, link) instead: a test reads the code a user would have
received from :attr:`Passcodes.messages` (the control API's `GET /__mock/messages`, the pytest
handle's `mock_logto.messages` and `latest_code(address)`).

Codes follow Logto's passcode library (core/libraries/passcode.ts): 6 digits, valid 10 minutes,
10 tries; a new code of the same type for the same interaction (or address, for the generic
flow) replaces the old one. Verification records follow core/libraries/verification.ts: kept
10 minutes, bound to a user where the route binds them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import ManagementApiError
from .models import Tenant
from .ops import connectors
from .store import short_id_lower
from .types import Clock

#: core/libraries/passcode.ts.
PASSCODE_LENGTH = 6
PASSCODE_TTL = 10 * 60
PASSCODE_MAX_TRIES = 10
#: core/queries/verification-records.ts `expirationTime`.
VERIFICATION_RECORD_TTL = 10 * 60

Channel = Literal["email", "sms"]

_CODE_MESSAGES = {
    "not_found": "Verification code not found. Please send verification code first.",
    "phone_mismatch": "Phone mismatch. Please request a new verification code.",
    "email_mismatch": "Email mismatch. Please request a new verification code.",
    "code_mismatch": "Invalid verification code.",
    "expired": "Verification code has expired. Please request a new verification code.",
    "exceed_max_try": (
        "Verification code retries limitation exceeded. Please request a new verification code."
    ),
}


def code_error(reason: str) -> ManagementApiError:
    """Logto's 400 `verification_code.<reason>`."""
    return ManagementApiError(
        f"verification_code.{reason}", _CODE_MESSAGES[reason], status_code=400
    )


def require_connector(tenant: Tenant, kind: str) -> None:
    """Logto's `getMessageConnector`: an email (`kind` email) or SMS connector, else 501.

    Call it before :meth:`Passcodes.capture` for any message Logto sends through a connector
    (organization invitations, one-time token links).
    """
    connector_type = "Email" if kind == "email" else "Sms"
    if not any(t == connector_type for t, _ in connectors.kinds(tenant)):
        raise ManagementApiError(
            "connector.not_found",
            f"Cannot find any available connector for type: {connector_type}.",
            status_code=501,
        )


@dataclass(slots=True)
class Message:
    """One email or SMS the capturing connector received instead of sending it."""

    channel: Channel
    to: str
    #: Logto's template type: SignIn, Register, ForgotPassword, Generic, BindNewIdentifier, …
    type: str
    code: str | None
    link: str | None
    #: Milliseconds since the epoch, as deliveries and Logto's timestamps.
    created_at: int
    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The message as the control API lists it."""
        return {
            "channel": self.channel,
            "to": self.to,
            "type": self.type,
            "code": self.code,
            "link": self.link,
            "createdAt": self.created_at,
            "payload": dict(self.payload),
        }


@dataclass(slots=True)
class Passcode:
    """A code sent to an address (Logto's `passcodes` row)."""

    id: str
    #: The interaction or verification record it belongs to; None for the generic flow.
    jti: str | None
    type: str
    email: str | None
    phone: str | None
    code: str
    created_at: int
    try_count: int = 0
    consumed: bool = False


@dataclass(slots=True)
class VerificationRecord:
    """A verification of Logto's (`verification_records` row or an interaction's record).

    `type` is Logto's `VerificationType`: Password, EmailVerificationCode,
    PhoneVerificationCode, Totp, BackupCode, NewPasswordIdentity.
    """

    id: str
    type: str
    expires_at: int
    user_id: str | None = None
    #: `{"type": "email"|"phone"|"username"|"userId", "value": …}`.
    identifier: dict[str, str] | None = None
    template_type: str | None = None
    verified: bool = False
    #: A generated TOTP secret or backup codes waiting to be bound.
    secret: str | None = None
    codes: list[str] = field(default_factory=list)


class Passcodes:
    """Codes, captured messages and Account API verification records of one server."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.codes: dict[str, Passcode] = {}
        self.messages: list[Message] = []
        self.records: dict[str, VerificationRecord] = {}

    def clear(self) -> None:
        """Forget everything (a reset)."""
        self.codes.clear()
        self.messages.clear()
        self.records.clear()

    # ------------------------------------------------------------------ codes

    def _find(
        self, jti: str | None, template: str, email: str | None, phone: str | None
    ) -> list[Passcode]:
        found = []
        for passcode in self.codes.values():
            if passcode.consumed or passcode.type != template:
                continue
            if (
                jti is not None
                and passcode.jti == jti
                or (
                    jti is None
                    and passcode.jti is None
                    and (passcode.email, passcode.phone) == (email, phone)
                )
            ):
                found.append(passcode)
        return found

    def send(
        self,
        tenant: Tenant,
        jti: str | None,
        template: str,
        kind: str,
        address: str,
        payload: dict[str, Any] | None = None,
    ) -> Passcode:
        """A new code to `address` (`kind` email or phone), captured as a message.

        It replaces the unconsumed codes of the same template for the same `jti` (or, without
        one, the same address). As in Logto, the tenant needs a connector of the kind (an email
        or SMS connector, `/api/connectors`): without one, 501 `connector.not_found`.
        """
        require_connector(tenant, kind)
        email = address if kind == "email" else None
        phone = address if kind == "phone" else None
        for old in self._find(jti, template, email, phone):
            del self.codes[old.id]
        code = "".join(secrets.choice("1234567890") for _ in range(PASSCODE_LENGTH))
        passcode = Passcode(
            id=short_id_lower(),
            jti=jti,
            type=template,
            email=email,
            phone=phone,
            code=code,
            created_at=self.clock(),
        )
        self.codes[passcode.id] = passcode
        self.capture(
            "email" if email is not None else "sms",
            address,
            template,
            code=code,
            payload={"code": code, **(payload or {})},
        )
        return passcode

    def verify(self, jti: str | None, template: str, code: str, kind: str, address: str) -> None:
        """Logto's `verifyPasscode`: its checks in its order; consumes the code."""
        email = address if kind == "email" else None
        phone = address if kind == "phone" else None
        if jti is not None:
            found = self._find(jti, template, None, None)
        else:
            found = self._find(None, template, email, phone)
        if not found:
            raise code_error("not_found")
        passcode = found[-1]
        if phone is not None and passcode.phone != phone:
            raise code_error("phone_mismatch")
        if email is not None and passcode.email != email:
            raise code_error("email_mismatch")
        if passcode.created_at + PASSCODE_TTL < self.clock():
            raise code_error("expired")
        if passcode.try_count >= PASSCODE_MAX_TRIES:
            raise code_error("exceed_max_try")
        if not secrets.compare_digest(code.encode(), passcode.code.encode()):
            passcode.try_count += 1
            raise code_error("code_mismatch")
        passcode.consumed = True

    # ------------------------------------------------------------------ messages

    def capture(
        self,
        channel: Channel,
        to: str,
        template: str,
        *,
        code: str | None = None,
        link: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Message:
        """Record a message instead of sending it."""
        now_ms = self.clock() * 1000
        message = Message(channel, to, template, code, link, now_ms, dict(payload or {}))
        self.messages.append(message)
        return message

    def latest_code(self, address: str) -> str | None:
        """The code of the newest message sent to `address` (email case-insensitively)."""
        for message in reversed(self.messages):
            if message.code is not None and same_address(message.to, address):
                return message.code
        return None

    # ------------------------------------------------------------------ verification records

    def new_record(
        self, kind: str, user_id: str | None = None, **values: Any
    ) -> VerificationRecord:
        """A verification record kept 10 minutes."""
        record = VerificationRecord(
            id=short_id_lower(),
            type=kind,
            expires_at=self.clock() + VERIFICATION_RECORD_TTL,
            user_id=user_id,
            **values,
        )
        self.records[record.id] = record
        return record

    def active_record(self, record_id: str | None) -> VerificationRecord | None:
        """The record, if it has not expired."""
        record = self.records.get(record_id or "")
        if record is None or record.expires_at <= self.clock():
            return None
        return record


def same_address(stored: str, given: str) -> bool:
    """The same email (any case) or phone number (with or without `+`)."""
    if "@" in stored:
        return stored.lower() == given.lower()
    return stored.lstrip("+") == given.lstrip("+")
