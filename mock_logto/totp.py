"""TOTP (RFC 6238) as Logto checks it with otplib: SHA-1, 6 digits, 30 s steps, window 1.

Secrets are base32 of 20 random bytes (core/routes/interaction/utils/totp-validation.ts);
:func:`code_at` lets a test compute the code an authenticator app would show.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct

STEP = 30
DIGITS = 6
WINDOW = 1
_BASE32 = re.compile(
    r"^(?:[2-7A-Z]{8})*(?:[2-7A-Z]{2}={6}|[2-7A-Z]{4}={4}|[2-7A-Z]{5}={3}|[2-7A-Z]{7}=)?$"
)


def generate_secret() -> str:
    """A new secret: base32 of 20 random bytes (32 characters)."""
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def valid_secret(secret: str) -> bool:
    """Logto's `validateTotpSecret`: 16–32 base32 characters."""
    return 16 <= len(secret) <= 32 and bool(_BASE32.match(secret))


def code_at(secret: str, now: int) -> str:
    """The code for the time step holding `now` (seconds)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", now // STEP), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def check(secret: str, token: str, now: int) -> bool:
    """Whether `token` is the code of this step or a neighbouring one."""
    try:
        return any(
            hmac.compare_digest(code_at(secret, now + delta * STEP), token)
            for delta in range(-WINDOW, WINDOW + 1)
        )
    except (ValueError, TypeError):
        return False
