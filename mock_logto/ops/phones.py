"""Phone numbers as Logto stores and compares them (@logto/shared `PhoneNumberParser`).

Logto parses a stored phone (digits, `+` prepended) with libphonenumber-js: a number that does
not parse is refused on insert and update (`user.invalid_phone`, 422, core utils/user.ts), a
number that parses is stored as country code + national significant number (the national
prefix dropped: `610412345678` → `61412345678`), and a duplicate is any user holding either that
form or the form with a `0` after the country code (queries/user.ts `hasUserWithNormalizedPhone`).
Google's libphonenumber port `phonenumbers` parses the same way; it is imported on first use.
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import TenantError


class InvalidPhone(TenantError):
    """Logto's `validatePhoneNumber`: the number does not parse."""

    def __init__(self, phone: str) -> None:
        super().__init__(
            "user.invalid_phone",
            "Invalid phone number.",
            status_code=422,
            field="primaryPhone",
            text=f"{phone!r} is not a phone number",
            # libphonenumber-js's ParseError as JSON (only its `name` is enumerable).
            data={"name": "ParseError"},
        )


@lru_cache(maxsize=1024)
def forms(phone: str) -> tuple[str, str] | None:
    """(international, international with a leading 0) of a parseable number, else None."""
    import phonenumbers  # ~80 ms of metadata: imported only when a phone is given

    try:
        parsed = phonenumbers.parse(phone if phone.startswith("+") else f"+{phone}")
    except phonenumbers.NumberParseException:
        return None
    national = phonenumbers.national_significant_number(parsed)
    if not parsed.country_code or not national:
        return None
    return f"{parsed.country_code}{national}", f"{parsed.country_code}0{national}"


def normalized(phone: str | None) -> str | None:
    """The stored form of a phone given on insert or update; unparseable numbers refused."""
    if not phone:
        return phone
    found = forms(phone)
    if found is None:
        raise InvalidPhone(phone)
    return found[0]


def candidates(phone: str) -> tuple[str, ...]:
    """The stored values that are this phone number: both forms, or itself if it does not parse."""
    return forms(phone) or (phone,)
