"""The part of zod Logto's guards use, answering as `koaGuard` does (core/middleware/koa-guard.ts).

A schema checks a decoded JSON value and appends zod's issues (same keys, same order, same
messages) to a list; `parse` raises Logto's 400 `guard.invalid_input` with `data: {issues, name}`
and the `details` lines of `formatZodError` (core/errors/RequestError). Only what the served
routes need is here: strings with lengths and refinements, numbers, booleans, native enums,
literals, arrays, objects (unknown keys stripped, or `strict`), JSON objects, unions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ManagementApiError

Issue = dict[str, Any]
Path = list[str | int]
#: A missing key (zod's `undefined`), distinct from JSON `null`.
MISSING: Any = object()


def _url(value: str) -> bool:
    """What `new URL(value)` accepts, near enough: a scheme, and a host for http(s)."""
    found = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", value, re.DOTALL)
    if found is None or any(c in value for c in " \t\n"):
        return False
    if found.group(1).lower() in ("http", "https", "ws", "wss", "ftp"):
        return bool(re.match(r"^//[^/?#]+", found.group(2)))
    return True


def received(value: Any) -> str:
    """Zod's `getParsedType` for a JSON value."""
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number" if not isinstance(value, float) or math.isfinite(value) else "nan"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def type_issue(expected: str, value: Any, path: Path) -> Issue:
    """`invalid_type`: "Required" for a missing value, else "Expected x, received y"."""
    got = received(value)
    message = "Required" if value is MISSING else f"Expected {expected}, received {got}"
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": got,
        "path": list(path),
        "message": message,
    }


class Schema:
    """A zod type: `check` appends issues and returns the parsed value."""

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:
        """The parsed value; what is wrong is appended to `issues`."""
        raise NotImplementedError

    def optional(self) -> Schema:
        """`.optional()`."""
        return Optional(self, nullable=False)

    def nullish(self) -> Schema:
        """`.nullish()`."""
        return Optional(self, nullable=True)


@dataclass
class Optional(Schema):
    """`.optional()` (missing passes) or `.nullish()` (null passes too)."""

    inner: Schema
    nullable: bool

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if value is MISSING or (self.nullable and value is None):
            return value
        return self.inner.check(value, path, issues)


def _size_issue(code: str, kind: str, bound: int | float, path: Path, *, message: str) -> Issue:
    key = "minimum" if code == "too_small" else "maximum"
    return {
        "code": code,
        key: bound,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "message": message,
        "path": list(path),
    }


@dataclass
class String(Schema):
    """`z.string()` with `.min`, `.max`, `.regex` and `.refine` (a custom issue)."""

    min: int | None = None
    max: int | None = None
    refine: Callable[[str], bool] | None = None
    regex: Callable[[str], bool] | None = None
    url: bool = False

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if not isinstance(value, str):
            issues.append(type_issue("string", value, path))
            return value
        if self.min is not None and len(value) < self.min:
            message = f"String must contain at least {self.min} character(s)"
            issues.append(_size_issue("too_small", "string", self.min, path, message=message))
        if self.max is not None and len(value) > self.max:
            message = f"String must contain at most {self.max} character(s)"
            issues.append(_size_issue("too_big", "string", self.max, path, message=message))
        if self.url and not _url(value):
            issues.append(
                {
                    "validation": "url",
                    "code": "invalid_string",
                    "message": "Invalid url",
                    "path": list(path),
                }
            )
        if self.regex is not None and not self.regex(value):
            issues.append(
                {
                    "validation": "regex",
                    "code": "invalid_string",
                    "message": "Invalid",
                    "path": list(path),
                }
            )
        if self.refine is not None and not self.refine(value):
            issues.append({"code": "custom", "message": "Invalid input", "path": list(path)})
        return value


@dataclass
class Number(Schema):
    """`z.number()` with `.int()`, `.min`, `.max`."""

    integer: bool = False
    min: int | None = None
    max: int | None = None

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if received(value) != "number":
            issues.append(type_issue("number", value, path))
            return value
        if self.integer and not float(value).is_integer():
            issues.append(
                {
                    "code": "invalid_type",
                    "expected": "integer",
                    "received": "float",
                    "message": "Expected integer, received float",
                    "path": list(path),
                }
            )
        if self.min is not None and value < self.min:
            message = f"Number must be greater than or equal to {self.min}"
            issues.append(_size_issue("too_small", "number", self.min, path, message=message))
        if self.max is not None and value > self.max:
            message = f"Number must be less than or equal to {self.max}"
            issues.append(_size_issue("too_big", "number", self.max, path, message=message))
        return value


class Boolean(Schema):
    """`z.boolean()`."""

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if not isinstance(value, bool):
            issues.append(type_issue("boolean", value, path))
        return value


@dataclass
class Enum(Schema):
    """`z.nativeEnum(...)`: a missing value names every option as the expected type."""

    options: Sequence[str]

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if value in self.options and isinstance(value, str):
            return value
        listed = " | ".join(f"'{o}'" for o in self.options)
        if value is MISSING:
            issues.append(
                {
                    "expected": listed,
                    "received": "undefined",
                    "code": "invalid_type",
                    "path": list(path),
                    "message": "Required",
                }
            )
            return value
        issues.append(
            {
                "received": value,
                "code": "invalid_enum_value",
                "options": list(self.options),
                "path": list(path),
                "message": f"Invalid enum value. Expected {listed}, received '{value}'",
            }
        )
        return value


@dataclass
class Array(Schema):
    """`item.array()`, with `.min(n)` / `.nonempty()`."""

    item: Schema
    min: int | None = None

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if not isinstance(value, list):
            issues.append(type_issue("array", value, path))
            return value
        if self.min is not None and len(value) < self.min:
            message = f"Array must contain at least {self.min} element(s)"
            issues.append(_size_issue("too_small", "array", self.min, path, message=message))
        return [self.item.check(v, [*path, i], issues) for i, v in enumerate(value)]


@dataclass
class Object(Schema):
    """`z.object(shape)`: unknown keys dropped (or refused with `strict`)."""

    shape: Mapping[str, Schema]
    strict: bool = False

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if not isinstance(value, dict):
            issues.append(type_issue("object", value, path))
            return value
        parsed: dict[str, Any] = {}
        for key, schema in self.shape.items():
            result = schema.check(value.get(key, MISSING), [*path, key], issues)
            if result is not MISSING:
                parsed[key] = result
        unknown = [k for k in value if k not in self.shape]
        if self.strict and unknown:
            listed = ", ".join(f"'{k}'" for k in unknown)
            issues.append(
                {
                    "code": "unrecognized_keys",
                    "keys": unknown,
                    "path": list(path),
                    "message": f"Unrecognized key(s) in object: {listed}",
                }
            )
        return parsed


class JsonObject(Schema):
    """Logto's `jsonObjectGuard`: any JSON object."""

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if not isinstance(value, dict):
            issues.append(type_issue("object", value, path))
        return value


@dataclass
class Union(Schema):
    """`a.or(b)`: the first that passes; else `invalid_union` with each option's issues."""

    options: Sequence[Schema]
    transforms: Sequence[Callable[[Any], Any] | None] = field(default_factory=tuple)

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        errors = []
        for index, option in enumerate(self.options):
            found: list[Issue] = []
            result = option.check(value, path, found)
            if not found:
                transform = self.transforms[index] if index < len(self.transforms) else None
                return transform(result) if transform else result
            errors.append({"issues": found, "name": "ZodError"})
        issues.append(
            {
                "code": "invalid_union",
                "unionErrors": errors,
                "path": list(path),
                "message": "Invalid input",
            }
        )
        return value


def details(issues: Sequence[Issue]) -> str:
    """`formatZodError`, one line per issue."""
    lines = []
    for issue in issues:
        keys = ".".join(str(p) for p in issue["path"])
        base = f'Error in key path "{keys}": ({issue["code"]}) '
        if issue["code"] == "invalid_type":
            lines.append(base + f"Expected {issue['expected']} but received {issue['received']}.")
        else:
            lines.append(base + issue["message"])
    return "\n".join(lines)


def failure(issues: Sequence[Issue], where: str = "body") -> ManagementApiError:
    """Logto's 400 `guard.invalid_input` for these issues (`where`: body, query, params)."""
    return ManagementApiError(
        "guard.invalid_input",
        f"The request {where} is invalid.",
        status_code=400,
        data={"issues": list(issues), "name": "ZodError"},
        details=details(issues),
    )


def parse(schema: Schema, value: Any, where: str = "body") -> Any:
    """The parsed value, or Logto's 400."""
    issues: list[Issue] = []
    parsed = schema.check(value, [], issues)
    if issues:
        raise failure(issues, where)
    return parsed


@dataclass
class Literal(Schema):
    """`z.literal(value)`."""

    value: str

    def check(self, value: Any, path: Path, issues: list[Issue]) -> Any:  # noqa: D102
        if value != self.value:
            issues.append(
                {
                    "received": None if value is MISSING else value,
                    "code": "invalid_literal",
                    "expected": self.value,
                    "path": list(path),
                    "message": f'Invalid literal value, expected "{self.value}"',
                }
            )
        return value


def query_of(items: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A query string as koa reads it: one value a string, a repeated key a list."""
    query: dict[str, Any] = {}
    for key, value in items:
        if key in query:
            previous = query[key]
            query[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            query[key] = value
    return query
