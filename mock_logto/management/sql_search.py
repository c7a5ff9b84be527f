"""Logto's `search` query parameters and the SQL they become (core/utils/search.ts).

`search` (or `search.<field>`) with `mode` / `mode.<field>` (`like` by default, `exact`,
`similar_to`, `posix`), `joint` (or the legacy `jointMode`: `or` by default) and
`isCaseSensitive`. `like` adds no wildcards: `?search=cart` matches only a value equal to
`cart` (case-insensitively), `%cart%` any value containing it. A NULL column matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from starlette.datastructures import QueryParams

from ..errors import ManagementApiError

MATCH_MODES = ("exact", "like", "similar_to", "posix")
#: The columns `search` looks in, by table (core/queries/application.ts, roles.ts, scope.ts).
APPLICATION_FIELDS = ("id", "name", "description")
ROLE_FIELDS = ("id", "name", "description")
SCOPE_FIELDS = ("id", "name", "description")
JOINT_MODES = ("and", "or")


@dataclass
class Match:
    """One `search` / `search.<field>` with its mode and values."""

    mode: str
    field: str | None
    values: list[str]


@dataclass
class Search:
    """What the query asks for."""

    matches: list[Match] = field(default_factory=list)
    joint: str = "or"
    case_sensitive: bool = False


def invalid(reason: str) -> ManagementApiError:
    """Logto's answer to a search it refuses (`TypeError` → 400 `request.invalid_input`)."""
    return ManagementApiError(
        "request.invalid_input", f"Input is invalid. {reason}", status_code=400
    )


def _field(key: str) -> str | None:
    path = key.split(".")
    if len(path) > 2:
        nested = ".".join(path[1:])
        raise invalid(
            f"Unsupported nested search field path `{nested}` detected. "
            "Only the first level field is supported."
        )
    return path[1] if len(path) == 2 else None


def parse(query: QueryParams) -> Search:
    """`parseSearchParamsForSearch`: the search a query string asks for."""
    joint = query.get("joint") or query.get("jointMode") or "or"
    if joint not in JOINT_MODES:
        raise invalid(f"Search joint mode `{joint}` is not valid, expect one of and, or.")
    sensitive = (query.get("isCaseSensitive") or "false").lower() in ("true", "1", "yes", "y")
    modes: dict[str | None, str] = {}
    values: dict[str | None, list[str]] = {}
    for key, value in query.multi_items():
        if key.startswith("mode"):
            name = _field(key)
            if value not in MATCH_MODES:
                where = f" for field `{name}`" if name else ""
                raise invalid(
                    f"Search match mode `{value}`{where} is not valid, "
                    "expect one of exact, like, similar_to, posix."
                )
            modes[name] = value
        elif key.startswith("search"):
            values.setdefault(_field(key), []).append(value)
    search = Search(joint=joint, case_sensitive=sensitive)
    for name, listed in values.items():
        mode = modes.get(name) or modes.get(None) or "like"
        if mode == "exact":
            if not all(listed):
                raise invalid("Search value cannot be empty.")
        elif len(listed) != 1:
            raise invalid("Only one search value is allowed when search mode is not `exact`.")
        elif not listed[0]:
            raise invalid("Search value cannot be empty.")
        search.matches.append(Match(mode, name, listed))
    return search


def like_pattern(pattern: str) -> str:
    """A SQL LIKE pattern as a regular expression (`%`, `_`, backslash escapes)."""
    out = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _similar_pattern(pattern: str) -> str:
    return "".join(".*" if c == "%" else "." if c == "_" else c for c in pattern)


def _one(mode: str, value: str | None, wanted: Sequence[str], sensitive: bool) -> bool:
    if value is None:
        return False
    flags = re.DOTALL | (0 if sensitive else re.IGNORECASE)
    try:
        if mode == "exact":
            return (value if sensitive else value.lower()) in [
                w if sensitive else w.lower() for w in wanted
            ]
        if mode == "like":
            return re.fullmatch(like_pattern(wanted[0]), value, flags) is not None
        if mode == "similar_to":
            return re.fullmatch(_similar_pattern(wanted[0]), value, flags) is not None
        return re.search(wanted[0], value, flags) is not None
    except re.error as exc:
        raise invalid("Invalid regular expression.") from exc


def check_fields(search: Search, fields: Sequence[str]) -> None:
    """`buildConditionsFromSearch`: a named field must be one of the searchable columns."""
    for match in search.matches:
        name = _snake(match.field) if match.field else None
        if name is not None and name not in fields:
            listed = ", ".join(fields)
            raise invalid(f"Search field `{name}` is not valid, expect one of {listed}.")
        if match.mode == "similar_to" and not search.case_sensitive:
            raise invalid("Cannot use case-insensitive match for `similar to`.")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def matches(search: Search, columns: Mapping[str, str | None]) -> bool:
    """Whether a row (`columns`: column name → value) matches; no match asked: every row."""
    if not search.matches:
        return True
    results = []
    for match in search.matches:
        names = [_snake(match.field)] if match.field else list(columns)
        results.append(
            any(
                _one(match.mode, columns.get(n), match.values, search.case_sensitive) for n in names
            )
        )
    return all(results) if search.joint == "and" else any(results)
