"""Logto's zod guards of the user routes (routes/admin-user/*.ts), as issue lists.

Each checker appends zod's issues for one field to a list; `raise_issues` turns a non-empty
list into Logto's 400 `guard.invalid_input` with every issue (zod reports them all).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import ManagementApiError

Issue = dict[str, Any]
Path = list[str | int]

#: core-kit's regexes (packages/toolkit/core-kit/src/regex.ts).
EMAIL = re.compile(r"^\S+@\S+\.\S+$")
PHONE = re.compile(r"^\d+$")
USERNAME = re.compile(r"^[A-Z_a-z]\w*$", re.ASCII)
#: `userProfileGuard` keys in its order (responses are re-ordered by the response guard).
PROFILE_KEYS = (
    "familyName",
    "givenName",
    "middleName",
    "nickname",
    "preferredUsername",
    "profile",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "address",
)
ADDRESS_KEYS = ("formatted", "streetAddress", "locality", "region", "postalCode", "country")


def zod_type(value: Any) -> str:
    """Zod's name of a JSON value's type (`undefined` for a missing one)."""
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def type_issue(path: Path, expected: str, value: Any, *, null: bool = False) -> Issue:
    """Zod's `invalid_type` (a JSON null is `null`, a missing value `undefined`: Required)."""
    received = "null" if null else zod_type(value)
    message = "Required" if received == "undefined" else f"Expected {expected}, received {received}"
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": received,
        "path": path,
        "message": message,
    }


def regex_issue(path: Path) -> Issue:
    """Zod's failed `.regex()`."""
    return {"validation": "regex", "code": "invalid_string", "message": "Invalid", "path": path}


def too_small_issue(path: Path) -> Issue:
    """Zod's `string().min(1)` on an empty string."""
    return {
        "code": "too_small",
        "minimum": 1,
        "type": "string",
        "inclusive": True,
        "exact": False,
        "message": "String must contain at least 1 character(s)",
        "path": path,
    }


def _details(issue: Issue) -> str:
    base = f'Error in key path "{".".join(str(p) for p in issue["path"])}": ({issue["code"]}) '
    if issue["code"] == "invalid_type":
        return base + f"Expected {issue['expected']} but received {issue['received']}."
    return base + str(issue["message"])


def raise_issues(issues: list[Issue]) -> None:
    """Logto's 400 for a body its guard refuses (nothing when `issues` is empty)."""
    if issues:
        raise ManagementApiError(
            "guard.invalid_input",
            "The request body is invalid.",
            status_code=400,
            data={"issues": issues, "name": "ZodError"},
            details="\n".join(_details(i) for i in issues),
        )


def present(body: dict[str, Any], key: str) -> bool:
    """Whether the key was given (a JSON null counts: zod sees `null`, not `undefined`)."""
    return key in body


def string(issues: list[Issue], body: dict[str, Any], key: str, *, required: bool = False) -> None:
    """`string()` (optional unless `required`)."""
    if key not in body:
        if required:
            issues.append(type_issue([key], "string", None))
        return
    value = body[key]
    if not isinstance(value, str):
        issues.append(type_issue([key], "string", value, null=value is None))


def patterned(
    issues: list[Issue],
    body: dict[str, Any],
    key: str,
    pattern: re.Pattern[str],
    *,
    nullable: bool = False,
    empty: bool = False,
) -> None:
    """`string().regex(p)` (`.or(literal(''))` with `empty`, `.nullable()` with `nullable`)."""
    if key not in body:
        return
    value = body[key]
    if value is None and nullable:
        return
    if isinstance(value, str):
        if not pattern.search(value) and not (empty and value == ""):
            issues.append(regex_issue([key]))
        return
    if empty:
        issues.append(
            union_issue([key], value, [type_issue([key], "string", value, null=value is None)])
        )
    else:
        issues.append(type_issue([key], "string", value, null=value is None))


def _is_url(value: str) -> bool:
    """Zod's `.url()`: `new URL(value)` parses (a scheme and, for most, something after it)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", parts.scheme)) and bool(
        parts.netloc or parts.path
    )


def union_issue(path: Path, value: Any, first: list[Issue]) -> Issue:
    """Zod's `invalid_union` of `X.or(literal(''))` for a value of the wrong type."""
    literal = {
        "received": value,
        "code": "invalid_literal",
        "expected": "",
        "path": path,
        "message": 'Invalid literal value, expected ""',
    }
    return {
        "code": "invalid_union",
        "unionErrors": [
            {"issues": first, "name": "ZodError"},
            {"issues": [literal], "name": "ZodError"},
        ],
        "path": path,
        "message": "Invalid input",
    }


def avatar(issues: list[Issue], body: dict[str, Any]) -> None:
    """`string().url().or(literal('')).nullable()`."""
    if "avatar" not in body or body["avatar"] is None:
        return
    value = body["avatar"]
    if isinstance(value, str):
        if value and not _is_url(value):
            issues.append(
                {
                    "validation": "url",
                    "code": "invalid_string",
                    "message": "Invalid url",
                    "path": ["avatar"],
                }
            )
        return
    issues.append(union_issue(["avatar"], value, [type_issue(["avatar"], "string", value)]))


def json_object(
    issues: list[Issue], body: dict[str, Any], key: str, *, required: bool = False
) -> None:
    """`jsonObjectGuard`: an object."""
    if key not in body:
        if required:
            issues.append(type_issue([key], "object", None))
        return
    value = body[key]
    if not isinstance(value, dict):
        issues.append(type_issue([key], "object", value, null=value is None))


def boolean(issues: list[Issue], body: dict[str, Any], key: str, path: Path) -> None:
    """`boolean()`, required."""
    value = body.get(key)
    if not isinstance(value, bool):
        issues.append(type_issue(path, "boolean", value, null=key in body and value is None))


def required_object(issues: list[Issue], body: dict[str, Any], key: str) -> dict[str, Any]:
    """`object({...})`, required: the object, or {} with the issue noted."""
    value = body.get(key)
    if isinstance(value, dict):
        return value
    issues.append(type_issue([key], "object", value, null=key in body and value is None))
    return {}


def profile(
    issues: list[Issue], body: dict[str, Any], *, required: bool = False
) -> dict[str, Any] | None:
    """`userProfileGuard`: known keys kept in the guard's order, unknown ones dropped."""
    if "profile" not in body:
        if required:
            issues.append(type_issue(["profile"], "object", None))
        return None
    value = body["profile"]
    if not isinstance(value, dict):
        issues.append(type_issue(["profile"], "object", value, null=value is None))
        return None
    kept: dict[str, Any] = {}
    for key in PROFILE_KEYS:
        if key not in value:
            continue
        item = value[key]
        if key == "address":
            if not isinstance(item, dict):
                issues.append(type_issue(["profile", key], "object", item, null=item is None))
                continue
            address = {}
            for part in ADDRESS_KEYS:
                if part in item:
                    if isinstance(item[part], str):
                        address[part] = item[part]
                    else:
                        issues.append(
                            type_issue(
                                ["profile", key, part],
                                "string",
                                item[part],
                                null=item[part] is None,
                            )
                        )
            kept[key] = address
        elif isinstance(item, str):
            kept[key] = item
        else:
            issues.append(type_issue(["profile", key], "string", item, null=item is None))
    return kept


def ordered_profile(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored profile as the response guard returns it: Logto's keys in the guard's order.

    Other keys (only a fixture can store them) follow as they are.
    """
    out: dict[str, Any] = {}
    for key in PROFILE_KEYS:
        if key in stored:
            value = stored[key]
            if key == "address" and isinstance(value, dict):
                value = {part: value[part] for part in ADDRESS_KEYS if part in value}
            out[key] = value
    for key, value in stored.items():
        out.setdefault(key, value)
    return out
