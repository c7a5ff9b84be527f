"""The sign-in experience's email blocklist, where an email joins an account.

Logto v1.37 core/libraries/sign-in-experience/email-blocklist-policy.ts
(`validateEmailAgainstBlocklistPolicy`): subaddressing (`a+b@x`) when blocked, then the custom
list (an address, or `@domain`). Disposable-address checks are Logto Cloud's (an Azure
function) and are never made here, as in Logto OSS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import Refused


def validate(document: Mapping[str, Any], email: str) -> None:
    """Raise Logto's refusal when the policy of the sign-in experience `document` blocks `email`."""
    policy = document.get("emailBlocklistPolicy") or {}
    domain = email.split("@")[1] if "@" in email else ""
    if not domain:
        raise Refused(
            "session.email_blocklist.invalid_email",
            "Invalid email address.",
            status_code=400,
            field="email",
        )
    if policy.get("blockSubaddressing") and re.match(rf"^.*\+.*@{re.escape(domain)}$", email):
        raise Refused(
            "session.email_blocklist.email_subaddressing_not_allowed",
            "Email subaddressing is not allowed.",
            status_code=422,
            field="email",
        )
    for item in policy.get("customBlocklist") or []:
        if (item.startswith("@") and domain == item[1:]) or email == item:
            raise Refused(
                "session.email_blocklist.email_not_allowed",
                f'The email address "{email}" is restricted. Please choose a different one.',
                status_code=422,
                field="email",
            )
