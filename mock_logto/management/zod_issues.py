"""Zod's issues, as Logto's `koaGuard` answers them (`guard.invalid_input`).

Logto parses `query`, then `body`, then `params` with zod and answers every issue of the first
part that fails: `data: {issues, name: "ZodError"}`, `details` one line per issue
(core/errors/RequestError `formatZodError`), `message` naming the part. :class:`Fields` checks
the fields of one part in the guard's shape order and collects the issues as zod does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..errors import ManagementApiError

MISSING: Any = object()
_MESSAGES = {"body": "The request body is invalid.", "query": "The request query is invalid."}
#: zod 3's `.email()` pattern.
_ZOD_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}$",
    re.IGNORECASE,
)
#: @logto/core-kit `emailRegEx`.
LOGTO_EMAIL = re.compile(r"^\S+@\S+\.\S+$")


def zod_type(value: Any) -> str:
    """Zod's name of a JSON value's type (`received`)."""
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def _detail(issue: dict[str, Any]) -> str:
    keys = ".".join(str(p) for p in issue["path"])
    base = f'Error in key path "{keys}": ({issue["code"]}) '
    if issue["code"] == "invalid_type":
        return base + f"Expected {issue['expected']} but received {issue['received']}."
    return base + str(issue["message"])


def guard_error(issues: Sequence[dict[str, Any]], part: str = "body") -> ManagementApiError:
    """Logto's 400 for the zod issues of one request part."""
    return ManagementApiError(
        "guard.invalid_input",
        _MESSAGES.get(part, f"The request {part} is invalid."),
        status_code=400,
        data={"issues": list(issues), "name": "ZodError"},
        details="\n".join(_detail(i) for i in issues),
    )


def invalid_type(path: list[str | int], expected: str, value: Any) -> dict[str, Any]:
    """`invalid_type`: `Required` when missing."""
    received = zod_type(value)
    message = "Required" if value is MISSING else f"Expected {expected}, received {received}"
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": received,
        "path": path,
        "message": message,
    }


def _size(code: str, bound: int, kind: str, path: list[str | int]) -> dict[str, Any]:
    words = {
        ("too_small", "string"): f"String must contain at least {bound} character(s)",
        ("too_big", "string"): f"String must contain at most {bound} character(s)",
        ("too_small", "array"): f"Array must contain at least {bound} element(s)",
        ("too_small", "number"): f"Number must be greater than or equal to {bound}",
    }
    return {
        "code": code,
        ("minimum" if code == "too_small" else "maximum"): bound,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "message": words[(code, kind)],
        "path": path,
    }


def invalid_string(path: list[str | int], validation: str, message: str) -> dict[str, Any]:
    """`invalid_string` (`email`, `regex`, `url`)."""
    return {"validation": validation, "code": "invalid_string", "message": message, "path": path}


def invalid_enum(path: list[str | int], options: Sequence[str], value: Any) -> dict[str, Any]:
    """`invalid_enum_value`."""
    listed = " | ".join(f"'{o}'" for o in options)
    return {
        "received": value,
        "code": "invalid_enum_value",
        "options": list(options),
        "path": path,
        "message": f"Invalid enum value. Expected {listed}, received '{value}'",
    }


class Fields:
    """One request part checked field by field; `done()` raises the collected issues."""

    def __init__(self, data: dict[str, Any], part: str = "body") -> None:
        self.data = data
        self.part = part
        self.issues: list[dict[str, Any]] = []

    def _get(self, name: str, optional: bool, nullable: bool) -> tuple[bool, Any]:
        """(present and to be checked, value)."""
        value = self.data.get(name, MISSING)
        if value is MISSING and optional:
            return False, None
        if value is None and nullable:
            return False, None
        return True, value

    def string(
        self,
        name: str,
        *,
        optional: bool = False,
        nullable: bool = False,
        min_length: int | None = None,
        max_length: int | None = None,
        email: bool = False,
        regex: re.Pattern[str] | None = None,
    ) -> str | None:
        """A string field (zod: type, then every check)."""
        present, value = self._get(name, optional, nullable)
        if not present:
            return None
        if not isinstance(value, str):
            self.issues.append(invalid_type([name], "string", value))
            return None
        if min_length is not None and len(value) < min_length:
            self.issues.append(_size("too_small", min_length, "string", [name]))
        if max_length is not None and len(value) > max_length:
            self.issues.append(_size("too_big", max_length, "string", [name]))
        if email and not _ZOD_EMAIL.match(value):
            self.issues.append(invalid_string([name], "email", "Invalid email"))
        if regex is not None and not regex.search(value):
            self.issues.append(invalid_string([name], "regex", "Invalid"))
        return value

    def number(self, name: str, *, optional: bool = False, minimum: int | None = None) -> float:
        """A number field (0 when missing or wrong)."""
        present, value = self._get(name, optional, False)
        if not present:
            return 0
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.issues.append(invalid_type([name], "number", value))
            return 0
        if minimum is not None and value < minimum:
            self.issues.append(_size("too_small", minimum, "number", [name]))
        return value

    def strings(
        self,
        name: str,
        *,
        optional: bool = False,
        nonempty: bool = False,
        item_min: int | None = None,
    ) -> list[str]:
        """An array of strings (`[]` when missing)."""
        present, value = self._get(name, optional, False)
        if not present:
            return []
        if not isinstance(value, list):
            self.issues.append(invalid_type([name], "array", value))
            return []
        if nonempty and not value:
            self.issues.append(_size("too_small", 1, "array", [name]))
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.issues.append(invalid_type([name, index], "string", item))
            elif item_min is not None and len(item) < item_min:
                self.issues.append(_size("too_small", item_min, "string", [name, index]))
        return [item for item in value if isinstance(item, str)]

    def enum(self, name: str, options: Sequence[str], *, optional: bool = False) -> str | None:
        """A zod enum field."""
        present, value = self._get(name, optional, False)
        if not present:
            return None
        if not isinstance(value, str):
            self.issues.append(invalid_type([name], "string", value))
            return None
        if value not in options:
            self.issues.append(invalid_enum([name], options, value))
            return None
        return value

    def object(self, name: str, *, optional: bool = True) -> dict[str, Any] | None:
        """A JSON object field."""
        present, value = self._get(name, optional, False)
        if not present:
            return None
        if not isinstance(value, dict):
            self.issues.append(invalid_type([name], "object", value))
            return None
        return value

    def done(self) -> None:
        """Raise Logto's 400 when any check failed."""
        if self.issues:
            raise guard_error(self.issues, self.part)
