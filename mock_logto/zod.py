"""A small zod (v3) in Python: Logto's request guards written as data, with zod's issues.

Logto's koa-guard parses each body with a zod schema and answers 400 `guard.invalid_input`
carrying zod's `ZodError` (`data.issues`, `data.name`) and one `details` line per issue. Routes
whose bodies are large documents (the sign-in experience, connectors, custom profile fields)
state their schema with these classes so that every issue, its key order and its message are
zod's. `parse` returns the parsed value (unknown keys stripped, defaults filled) or raises.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import ManagementApiError

#: A missing key (zod's `undefined`), distinct from JSON `null`.
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "undefined"})()

Issues = list[dict[str, Any]]
Path = list[str | int]


def received_type(value: Any) -> str:
    """The `parsedType` (zod) of a JSON value."""
    if value is MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "nan" if isinstance(value, float) and math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_issue(path: Path, expected: str, value: Any) -> dict[str, Any]:
    """The `invalid_type` issue of zod."""
    received = received_type(value)
    message = "Required" if value is MISSING else f"Expected {expected}, received {received}"
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": received,
        "path": list(path),
        "message": message,
    }


class Schema:
    """One zod type: `check` appends issues and returns the parsed value."""

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """The parsed value; problems go to `issues`."""
        raise NotImplementedError

    def optional(self) -> Optional:
        """`.optional()`."""
        return Optional(self)

    def nullable(self) -> Nullable:
        """`.nullable()`."""
        return Nullable(self)

    def nullish(self) -> Optional:
        """`.nullish()`: a missing key and `null` pass."""
        return Optional(Nullable(self))


class Unknown(Schema):
    """`z.unknown()`: anything, a missing key included."""

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        return value


class Optional(Schema):
    """`.optional()`: a missing key passes."""

    def __init__(self, inner: Schema) -> None:
        self.inner = inner

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        return value if value is MISSING else self.inner.check(value, path, issues)


class Nullable(Schema):
    """`.nullable()`: `null` passes."""

    def __init__(self, inner: Schema) -> None:
        self.inner = inner

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        return None if value is None else self.inner.check(value, path, issues)


class Default(Schema):
    """`.default(value)`: a missing key becomes `value`."""

    def __init__(self, inner: Schema, value: Callable[[], Any]) -> None:
        self.inner = inner
        self.value = value

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if value is MISSING:
            return self.value()
        return self.inner.check(value, path, issues)


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPECIAL = {"http", "https", "ws", "wss", "ftp", "file"}
#: zod v3's email pattern.
_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}$",
    re.IGNORECASE,
)


def is_url(value: str) -> bool:
    """`new URL(value)` succeeds (WHATWG): a scheme, and a host for the special schemes."""
    if not _URL.match(value) or any(c in value for c in " \t\n"):
        return False
    scheme, _, rest = value.partition(":")
    if scheme.lower() in _SPECIAL and scheme.lower() != "file":
        host = rest.lstrip("/\\").split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        return bool(host.rpartition("@")[2].split(":", 1)[0])
    return True


class Str(Schema):
    """`z.string()` with `min`, `max`, `url()`, `email()`, `regex()` checks, in that order."""

    def __init__(
        self,
        *,
        min: int | None = None,
        max: int | None = None,
        url: bool = False,
        email: bool = False,
        regex: re.Pattern[str] | Callable[[str], bool] | None = None,
    ) -> None:
        self.min, self.max, self.url, self.email, self.regex = min, max, url, email, regex

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if not isinstance(value, str):
            issues.append(type_issue(path, "string", value))
            return value
        if self.min is not None and len(value) < self.min:
            issues.append(size_issue("too_small", "string", self.min, path))
        if self.max is not None and len(value) > self.max:
            issues.append(size_issue("too_big", "string", self.max, path))
        if self.email and not _EMAIL.match(value):
            issues.append(_string_issue("email", "Invalid email", path))
        if self.url and not is_url(value):
            issues.append(_string_issue("url", "Invalid url", path))
        if self.regex is not None and not _matches(self.regex, value):
            issues.append(_string_issue("regex", "Invalid", path))
        return value


def _matches(regex: re.Pattern[str] | Callable[[str], bool], value: str) -> bool:
    """`.regex(pattern)` (a compiled pattern, searched) or a test standing for one."""
    return regex.search(value) is not None if isinstance(regex, re.Pattern) else regex(value)


def size_issue(code: str, kind: str, limit: float, path: Path) -> dict[str, Any]:
    """Zod's `too_small` / `too_big` of a string, number or array (inclusive bounds)."""
    small = code == "too_small"
    if kind == "number":
        message = f"Number must be {'greater' if small else 'less'} than or equal to {limit}"
    else:
        unit = "character(s)" if kind == "string" else "element(s)"
        message = f"{kind.title()} must contain {'at least' if small else 'at most'} {limit} {unit}"
    return {
        "code": code,
        "minimum" if small else "maximum": limit,
        "type": kind,
        "inclusive": True,
        "exact": False,
        "message": message,
        "path": list(path),
    }


def _string_issue(validation: str, message: str, path: Path) -> dict[str, Any]:
    return {"validation": validation, "code": "invalid_string", "message": message, "path": path}


class Num(Schema):
    """`z.number()` (optionally `.int()`, `.min()`, `.max()`, checked in that order, each one)."""

    def __init__(
        self, *, integer: bool = False, min: float | None = None, max: float | None = None
    ) -> None:
        self.integer, self.min, self.max = integer, min, max

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if received_type(value) != "number":
            issues.append(type_issue(path, "number", value))
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
            issues.append(size_issue("too_small", "number", self.min, path))
        if self.max is not None and value > self.max:
            issues.append(size_issue("too_big", "number", self.max, path))
        return value


class Bool(Schema):
    """`z.boolean()`."""

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if not isinstance(value, bool):
            issues.append(type_issue(path, "boolean", value))
        return value


class Enum(Schema):
    """`z.nativeEnum(...)` (default) or, not `native`, `z.enum([...])`, of strings.

    A value of the wrong type is zod's `invalid_type` naming every option (its keys in the
    order zod's enums write them: `expected`, `received`, `code`); a native enum takes numbers
    as candidates, so a number is an `invalid_enum_value`.
    """

    def __init__(self, options: Sequence[str], *, native: bool = True) -> None:
        self.options = list(options)
        self.native = native

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        listed = " | ".join(f"'{o}'" for o in self.options)
        kind = received_type(value)
        if kind != "string" and not (self.native and kind == "number"):
            issues.append(
                {
                    "expected": listed,
                    "received": kind,
                    "code": "invalid_type",
                    "path": list(path),
                    "message": "Required"
                    if value is MISSING
                    else f"Expected {listed}, received {kind}",
                }
            )
        elif value not in self.options or not isinstance(value, str):
            shown = value if isinstance(value, str) else json.dumps(value)
            issues.append(
                {
                    "received": value,
                    "code": "invalid_enum_value",
                    "options": self.options,
                    "path": list(path),
                    "message": f"Invalid enum value. Expected {listed}, received '{shown}'",
                }
            )
        return value


class Refine(Schema):
    """`inner.refine(test)`: zod's `custom` issue "Invalid input" when `test` fails.

    As in zod, the test runs on a "dirty" value too (after a failed `min`, `regex`, ...), not
    after a fatal issue (wrong type).
    """

    def __init__(self, inner: Schema, test: Callable[[Any], bool]) -> None:
        self.inner, self.test = inner, test

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        own: Issues = []
        result = self.inner.check(value, path, own)
        issues.extend(own)
        if not any(i["code"] in _FATAL for i in own) and not self.test(result):
            issues.append({"code": "custom", "message": "Invalid input", "path": list(path)})
        return result


class Literal(Schema):
    """`z.literal(value)`."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if value != self.value or type(value) is not type(self.value):
            shown = json.dumps(self.value, ensure_ascii=False)
            issues.append(
                {
                    "received": None if value is MISSING else value,
                    "code": "invalid_literal",
                    "expected": self.value,
                    "path": list(path),
                    "message": f"Invalid literal value, expected {shown}",
                }
            )
        return value


class Arr(Schema):
    """`z.array(item)` (optionally `.min(n)`, `.max(n)`)."""

    def __init__(self, item: Schema, *, min: int | None = None, max: int | None = None) -> None:
        self.item, self.min, self.max = item, min, max

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if not isinstance(value, list):
            issues.append(type_issue(path, "array", value))
            return value
        if self.min is not None and len(value) < self.min:
            issues.append(size_issue("too_small", "array", self.min, path))
        if self.max is not None and len(value) > self.max:
            issues.append(size_issue("too_big", "array", self.max, path))
        return [self.item.check(v, [*path, i], issues) for i, v in enumerate(value)]


class Record(Schema):
    """`z.record(value)`: an object whose values all match."""

    def __init__(self, value: Schema) -> None:
        self.value = value

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if not isinstance(value, dict):
            issues.append(type_issue(path, "object", value))
            return value
        return {k: self.value.check(v, [*path, k], issues) for k, v in value.items()}


class JsonObject(Record):
    """Logto's `jsonObjectGuard`: any JSON object."""

    def __init__(self) -> None:
        super().__init__(Unknown())


class Transform(Schema):
    """`inner.transform(fn)`: `fn` of the parsed value when `inner` found nothing wrong."""

    def __init__(self, inner: Schema, fn: Callable[[Any], Any]) -> None:
        self.inner, self.fn = inner, fn

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        own: Issues = []
        result = self.inner.check(value, path, own)
        issues.extend(own)
        return result if own else self.fn(result)


class Obj(Schema):
    """`z.object(shape)`: unknown keys stripped, or refused when `strict`."""

    def __init__(self, shape: Mapping[str, Schema], *, strict: bool = False) -> None:
        self.shape = dict(shape)
        self.strict = strict

    def omit(self, *keys: str) -> Obj:
        """`.omit({...})`."""
        return Obj({k: v for k, v in self.shape.items() if k not in keys}, strict=self.strict)

    def extend(self, shape: Mapping[str, Schema]) -> Obj:
        """`.extend({...})`: keys replaced in place, new ones appended."""
        return Obj({**self.shape, **shape}, strict=self.strict)

    def partial(self) -> Obj:
        """`.partial()`: every key optional (a default no longer fills a missing key)."""
        return Obj(
            {k: Optional(v) for k, v in self.shape.items()},
            strict=self.strict,
        )

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if not isinstance(value, dict):
            issues.append(type_issue(path, "object", value))
            return value
        parsed: dict[str, Any] = {}
        for key, schema in self.shape.items():
            result = schema.check(value.get(key, MISSING), [*path, key], issues)
            if result is not MISSING:
                parsed[key] = result
        extra = [k for k in value if k not in self.shape]
        if self.strict and extra:
            listed = ", ".join(f"'{k}'" for k in extra)
            issues.append(
                {
                    "code": "unrecognized_keys",
                    "keys": extra,
                    "path": list(path),
                    "message": f"Unrecognized key(s) in object: {listed}",
                }
            )
        return parsed


class Union(Schema):
    """`a.or(b)` / `z.union([...])`: the first option that passes, else `invalid_union`."""

    def __init__(self, *options: Schema) -> None:
        self.options = options

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        failures: list[Issues] = []
        dirty: tuple[Any, Issues] | None = None
        for option in self.options:
            own: Issues = []
            result = option.check(value, path, own)
            if not own:
                return result
            if dirty is None and not any(i["code"] in _FATAL for i in own):
                dirty = (result, own)
            failures.append(own)
        if dirty is not None:
            issues.extend(dirty[1])
            return dirty[0]
        issues.append(
            {
                "code": "invalid_union",
                "unionErrors": [{"issues": f, "name": "ZodError"} for f in failures],
                "path": list(path),
                "message": "Invalid input",
            }
        )
        return value


#: Issues that abort a parse in zod; the others (failed string checks, refinements, unknown
#: keys) leave it "dirty", and a union returns its first dirty option's issues.
_FATAL = frozenset(
    {
        "invalid_type",
        "invalid_enum_value",
        "invalid_literal",
        "invalid_union",
        "invalid_union_discriminator",
    }
)


class Discriminated(Schema):
    """`z.discriminatedUnion(key, options)`: the option its `key` names."""

    def __init__(self, key: str, options: Mapping[str, Obj]) -> None:
        self.key, self.options = key, dict(options)

    def check(self, value: Any, path: Path, issues: Issues) -> Any:
        """See `Schema.check`."""
        if not isinstance(value, dict):
            issues.append(type_issue(path, "object", value))
            return value
        tag = value.get(self.key)
        option = self.options.get(tag) if isinstance(tag, str) else None
        if option is None:
            listed = " | ".join(f"'{o}'" for o in self.options)
            issues.append(
                {
                    "code": "invalid_union_discriminator",
                    "options": list(self.options),
                    "path": [*path, self.key],
                    "message": f"Invalid discriminator value. Expected {listed}",
                }
            )
            return value
        return option.check(value, path, issues)


def details_line(issue: dict[str, Any]) -> str:
    """Logto's `formatZodError` line for one issue."""
    keys = ".".join(str(p) for p in issue["path"])
    base = f'Error in key path "{keys}": ({issue["code"]}) '
    if issue["code"] == "invalid_type":
        return base + f"Expected {issue['expected']} but received {issue['received']}."
    return base + str(issue["message"])


def guard_error(issues: Issues, where: str = "body") -> ManagementApiError:
    """Logto's 400 `guard.invalid_input` for zod's issues (`where`: body, query, params)."""
    return ManagementApiError(
        "guard.invalid_input",
        f"The request {where} is invalid.",
        status_code=400,
        data={"issues": issues, "name": "ZodError"},
        details="\n".join(details_line(i) for i in issues),
    )


def parse(schema: Schema, value: Any, where: str = "body") -> Any:
    """`schema.parse(value)` as koa-guard runs it: the parsed value, or Logto's 400."""
    issues: Issues = []
    parsed = schema.check(value, [], issues)
    if issues:
        raise guard_error(issues, where)
    return parsed


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
