"""The password policy of the sign-in experience: Logto's `PasswordPolicyChecker` (core-kit).

Length, character types, repetition and sequence, user information and words are checked as
core-kit's `password-policy.ts` checks them, issue codes and order included. The `pwned` check
cannot reach api.pwnedpasswords.com (a mock runs offline; real Logto offline answers 500,
golden-2/account-api/31): it is decided against a built-in list instead — the two passwords
Logto's own integration-test mode treats as pwned (`123456aA`, `test_password`) plus the most
common breached passwords (:data:`PWNED_PASSWORDS`) — so a test can see `password_rejected.pwned`
and a realistic password is never refused for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Refused, invalid_input
from ..models import User

SYMBOLS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "
SEQUENCES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz",
    "2wsx",
    "3edc",
    "4rfv",
    "5tgb",
    "6yhn",
    "7ujm",
    "8ik",
    "9ol",
)
REPETITION_AND_SEQUENCE_THRESHOLD = 3
RESTRICTED_PHRASES_TOLERANCE = 3
#: Logto's integration-test list (core-kit `getPwnPasswordsForTest`) and the most common
#: breached passwords (compared exactly, as the range API compares hashes).
PWNED_PASSWORDS = frozenset(
    {
        "123456aA",
        "test_password",
        "123456",
        "123456789",
        "12345678",
        "12345",
        "1234567",
        "1234567890",
        "password",
        "Password",
        "password1",
        "Password1",
        "Password123",
        "password123",
        "P@ssw0rd",
        "Passw0rd",
        "qwerty",
        "qwerty123",
        "Qwerty123",
        "qwertyuiop",
        "abc123",
        "111111",
        "000000",
        "123123",
        "iloveyou",
        "admin",
        "admin123",
        "letmein",
        "welcome",
        "Welcome1",
        "monkey",
        "dragon",
        "sunshine",
        "football",
        "princess",
        "1q2w3e4r",
        "zaq12wsx",
        "Aa123456",
        "aa123456",
        "changeme",
    }
)


def policy_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The sign-in experience's `passwordPolicy` with core-kit's defaults filled in."""
    given = document.get("passwordPolicy") or {}
    length = given.get("length") or {}
    types = given.get("characterTypes") or {}
    rejects = given.get("rejects") or {}
    return {
        "length": {"min": length.get("min", 8), "max": length.get("max", 256)},
        "characterTypes": {"min": types.get("min", 1)},
        "rejects": {
            "pwned": rejects.get("pwned", True),
            "repetitionAndSequence": rejects.get("repetitionAndSequence", True),
            "userInfo": rejects.get("userInfo", True),
            "words": list(rejects.get("words", [])),
        },
    }


def user_info(user: User | None, profile: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Logto's `getUserInfo`: what the user-info rule compares (profile first, then user)."""
    profile = profile or {}
    pairs = {
        "name": profile.get("name") or (user.name if user else None),
        "username": profile.get("username") or (user.username if user else None),
        "email": profile.get("primaryEmail") or (user.primary_email if user else None),
        "phoneNumber": profile.get("primaryPhone") or (user.primary_phone if user else None),
    }
    return {k: v for k, v in pairs.items() if v}


def _character_types(password: str, minimum: int) -> bool | None:
    """Enough character types; None for an unsupported character."""
    kinds = set()
    for char in password:
        if "a" <= char <= "z":
            kinds.add("lower")
        elif "A" <= char <= "Z":
            kinds.add("upper")
        elif "0" <= char <= "9":
            kinds.add("digit")
        elif char in SYMBOLS:
            kinds.add("symbol")
        else:
            return None
    return len(kinds) >= minimum


def fast_check(password: str, policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Length and character types (core-kit `fastCheck`)."""
    issues: list[dict[str, Any]] = []
    low, high = policy["length"]["min"], policy["length"]["max"]
    if len(password) < low:
        issues.append({"code": "password_rejected.too_short", "interpolation": {"min": low}})
    elif len(password) > high:
        issues.append({"code": "password_rejected.too_long", "interpolation": {"max": high}})
    types = _character_types(password, policy["characterTypes"]["min"])
    if types is None:
        issues.append({"code": "password_rejected.unsupported_characters"})
    elif not types:
        minimum = policy["characterTypes"]["min"]
        issues.append(
            {"code": "password_rejected.character_types", "interpolation": {"min": minimum}}
        )
    return issues


def _repetition(text: str) -> int:
    if not text:
        return 0
    length = len(text) - len(text.lstrip(text[0]))
    return length if length >= REPETITION_AND_SEQUENCE_THRESHOLD else 0


def _sequential(value: str) -> bool:
    for sequence in SEQUENCES:
        backwards = sequence[::-1]
        variants = (sequence, backwards, sequence.upper(), backwards.upper())
        if any(value in variant for variant in variants):
            return True
    return False


def _sequence(text: str) -> int:
    value = ""
    for char in text:
        if not value or _sequential(value + char):
            value += char
        else:
            break
    return len(value) if len(value) >= REPETITION_AND_SEQUENCE_THRESHOLD else 0


def _words(text: str, words: list[str]) -> int:
    lowered = text.lower()
    return max((len(w) for w in words if lowered.startswith(w.lower())), default=0)


def _user_info(text: str, info: Mapping[str, str]) -> int:
    lowered = text.lower()
    length = 0
    name = info.get("name")
    if name:
        if lowered.startswith(name.lower()):
            length = max(length, len(name))
        else:
            joined = "".join(name.split())
            if lowered.startswith(joined.lower()):
                length = max(length, len(joined))
            for word in name.split(" "):
                if lowered.startswith(word.lower()):
                    length = max(length, len(word))
    username = info.get("username")
    if username and lowered.startswith(username.lower()):
        length = max(length, len(username))
    email = info.get("email")
    if email:
        prefix = email.split("@")[0]
        if prefix and lowered.startswith(prefix.lower()):
            length = max(length, len(prefix))
    phone = info.get("phoneNumber")
    if phone and lowered.startswith(phone):
        length = max(length, len(phone))
    return length


def check(
    password: str, policy: Mapping[str, Any], info: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every issue of `password` under `policy` (core-kit `PasswordPolicyChecker.check`)."""
    issues = fast_check(password, policy)
    rejects = policy["rejects"]
    if rejects["pwned"] and password in PWNED_PASSWORDS:
        issues.append({"code": "password_rejected.pwned"})
    marked = [0] * len(password)
    codes: list[str] = []

    def mark(start: int, length: int, code: str) -> None:
        if length <= 0:
            return
        for index in range(start, start + length):
            marked[index] = 1
        if code not in codes:
            codes.append(code)

    for start in range(len(password)):
        sliced = password[start:]
        if rejects["repetitionAndSequence"]:
            mark(start, _repetition(sliced), "restricted.repetition")
            mark(start, _sequence(sliced), "restricted.sequence")
        if rejects["words"]:
            mark(start, _words(sliced, rejects["words"]), "restricted.words")
        if rejects["userInfo"]:
            mark(start, _user_info(sliced, info or {}), "restricted.user_info")
    threshold = max(1, len(password) - RESTRICTED_PHRASES_TOLERANCE)
    if sum(marked) > threshold:
        issues.extend({"code": f"password_rejected.{code}"} for code in codes)
    return issues


def validate(
    document: Mapping[str, Any],
    password: str,
    user: User | None,
    profile: Mapping[str, str | None] | None = None,
) -> None:
    """Logto's `PasswordValidator.validatePassword`: 422 `password.rejected`, then same password.

    Raises:
        Refused: `password.rejected` listing the issues, or `user.same_password`.
    """
    policy = policy_of(document)
    info = user_info(user, profile) if policy["rejects"]["userInfo"] else {}
    issues = check(password, policy, info)
    if issues:
        raise Refused(
            "password.rejected",
            "Password rejected. Please check if your password meets the requirements.",
            status_code=422,
            field="password",
            data=issues,
        )
    if user is not None and user.password is not None and user.password == password:
        raise Refused(
            "user.same_password",
            "New password cannot be the same as your old password.",
            status_code=422,
            field="password",
        )


def password_body(data: Mapping[str, Any]) -> str:
    """`{password: z.string().min(1)}`… as the check-password route's guard reads it."""
    value = data.get("password")
    if not isinstance(value, str):
        raise invalid_input(["password"], expected="string", value=value)
    return value
