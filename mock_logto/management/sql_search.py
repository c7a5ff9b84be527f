"""Logto's list search (core/utils/search.ts) evaluated in memory as its SQL would match.

`search` / `search.<field>` give values, `mode` / `mode.<field>` the match mode (`like` by
default, `exact`, `similar_to`, `posix`), `joint` (or legacy `jointMode`) `or`/`and` joins the
conditions, `isCaseSensitive` picks `~~`/`~~*` (LIKE/ILIKE), `~`/`~*` and whether `exact`
compares `lower(field)`. Quirks kept: `like` adds no wildcards (`ali` matches only `ali`), `_`
is a wildcard, `similar_to` refuses case-insensitive matching, any key starting with `search`
or `mode` counts (`searchFoo` is a general search). A malformed input raises `SearchError`
carrying Logto's sentence. :func:`ilike_contains` is the other form, the `q` of the organization
lists (database/utils.ts): `ilike '%q%'`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from starlette.datastructures import QueryParams

from ..errors import ManagementApiError

JOINT_MODES = ("or", "and")
MATCH_MODES = ("exact", "like", "similar_to", "posix")
_YES = frozenset({"1", "true", "y", "yes"})


class SearchError(ManagementApiError):
    """Logto's `TypeError` of a search turned into 400 `request.invalid_input`."""

    def __init__(self, sentence: str) -> None:
        super().__init__(
            "request.invalid_input", f"Input is invalid. {sentence}", status_code=400, data={}
        )


@dataclass(frozen=True, slots=True)
class Match:
    """One condition: a field (None or "": every search field), its mode and values."""

    mode: str
    field: str | None
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Search:
    """A parsed search; `matches` empty means no condition."""

    matches: tuple[Match, ...]
    joint: str
    case_sensitive: bool


def _field_of(key: str, allowed: Sequence[str] | None) -> str | None:
    path = key.split(".")
    if len(path) > 2:
        nested = ".".join(path[1:])
        raise SearchError(
            f"Unsupported nested search field path `{nested}` detected. "
            "Only the first level field is supported."
        )
    field = path[1] if len(path) > 1 else None
    if allowed is not None and field and field not in allowed:
        raise SearchError(
            f"Search field `{field}` is not allowed. Expect one of {', '.join(allowed)}."
        )
    return field


def parse(items: Iterable[tuple[str, str]], allowed: Sequence[str] | None = None) -> Search:
    """`parseSearchParamsForSearch`: the query's pairs, in order, checked as Logto checks them."""
    pairs = list(items)
    first: dict[str, str] = {}
    for key, value in pairs:
        first.setdefault(key, value)
    joint = first.get("joint", first.get("jointMode")) or "or"
    if joint not in JOINT_MODES:
        raise SearchError(
            f"Search joint mode `{joint}` is not valid, expect one of {', '.join(JOINT_MODES)}."
        )
    case_sensitive = first.get("isCaseSensitive", "false").lower() in _YES
    modes: dict[str | None, str] = {}
    values: dict[str | None, list[str]] = {}
    for key, value in pairs:
        if key.startswith("mode"):
            field = _field_of(key, allowed)
            if value not in MATCH_MODES:
                where = f" for field `{field}`" if field else ""
                raise SearchError(
                    f"Search match mode `{value}`{where} is not valid, expect one of "
                    f"{', '.join(MATCH_MODES)}."
                )
            modes[field] = value
        elif key.startswith("search"):
            values.setdefault(_field_of(key, allowed), []).append(value)
    matches = []
    for field, given in values.items():
        mode = modes.get(field) or modes.get(None) or "like"
        if mode == "exact":
            if not all(given):
                raise SearchError("Search value cannot be empty.")
        else:
            if len(given) != 1:
                raise SearchError(
                    "Only one search value is allowed when search mode is not `exact`."
                )
            if not given[0]:
                raise SearchError("Search value cannot be empty.")
        matches.append(Match(mode, field, tuple(given)))
    return Search(tuple(matches), joint, case_sensitive)


def snake_case(text: str) -> str:
    """The `snake-case` package: split at case changes and non-alphanumerics, lowercase."""
    text = re.sub(r"([a-z0-9])([A-Z])", "\\1\0\\2", text)
    text = re.sub(r"([A-Z])([A-Z][a-z])", "\\1\0\\2", text)
    text = re.sub(r"[^A-Za-z0-9]+", "\0", text).strip("\0")
    return "_".join(part.lower() for part in text.split("\0"))


@lru_cache(maxsize=256)
def _like(pattern: str, case_sensitive: bool) -> re.Pattern[str] | None:
    """LIKE (`~~`) / ILIKE (`~~*`): `%`, `_`, backslash escapes; the whole value must match."""
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    if escaped:  # PostgreSQL: "LIKE pattern must not end with escape character"
        return None
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.compile("".join(out), flags)


def ilike_contains(keyword: str, values: Iterable[str | None]) -> bool:
    """Whether any of `values` matches `ilike '%keyword%'` (a null never matches).

    The keyword is a LIKE pattern: `%` and `_` in it are wildcards, a backslash escapes (Logto
    does not escape them: a quirk kept).
    """
    pattern = _like(f"%{keyword}%", False)
    return pattern is not None and any(
        value is not None and pattern.fullmatch(value) is not None for value in values
    )


@lru_cache(maxsize=256)
def _similar(pattern: str) -> re.Pattern[str] | None:
    """SIMILAR TO: SQL wildcards plus regex alternation, repetition, groups and brackets."""
    out, escaped, bracket = [], False, False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif bracket:
            out.append(char)
            bracket = char != "]"
        elif char == "[":
            out.append(char)
            bracket = True
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        elif char in "|*+?{}(),0123456789":
            out.append(char)
        else:
            out.append(re.escape(char))
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error:
        return None


@lru_cache(maxsize=256)
def _posix(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    try:
        return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
    except re.error as error:
        raise SearchError(f"Invalid regular expression: {error}.") from None


def _predicate(match: Match, case_sensitive: bool) -> Callable[[str], bool]:
    """Whether a non-null column value satisfies the condition (NULL never does)."""
    if match.mode == "exact":
        if case_sensitive:
            wanted = frozenset(match.values)
            return lambda value: value in wanted
        lowered = frozenset(v.lower() for v in match.values)
        return lambda value: value.lower() in lowered
    pattern = match.values[0]
    if match.mode == "like":
        like = _like(pattern, case_sensitive)
        return (lambda value: like.fullmatch(value) is not None) if like else (lambda _: False)
    if match.mode == "similar_to":
        if not case_sensitive:
            raise SearchError("Cannot use case-insensitive match for `similar to`.")
        similar = _similar(pattern)
        return (
            (lambda value: similar.fullmatch(value) is not None) if similar else (lambda _: False)
        )
    posix = _posix(pattern, case_sensitive)
    return lambda value: posix.search(value) is not None


Row = Mapping[str, str | None]


def compile_search(search: Search, columns: Sequence[str]) -> Callable[[Row], bool] | None:
    """`buildConditionsFromSearch`: a row filter over `columns` (snake_case), None if no search.

    Conditions are checked (fields, modes) in Logto's order before anything is matched.
    """
    if not search.matches:
        return None
    conditions: list[tuple[list[str], Callable[[str], bool]]] = []
    for match in search.matches:
        field = snake_case(match.field) if match.field else None
        if field is not None and field not in columns:
            raise SearchError(
                f"Search field `{field}` is not valid, expect one of {', '.join(columns)}."
            )
        conditions.append(
            ([field] if field else list(columns), _predicate(match, search.case_sensitive))
        )

    def one(row: Row, fields: list[str], test: Callable[[str], bool]) -> bool:
        return any((value := row.get(f)) is not None and test(value) for f in fields)

    if search.joint == "and":
        return lambda row: all(one(row, fields, test) for fields, test in conditions)
    return lambda row: any(one(row, fields, test) for fields, test in conditions)


#: The columns `search` looks in for applications, roles and scopes (core/queries/*.ts).
APPLICATION_FIELDS = ("id", "name", "description")
ROLE_FIELDS = ("id", "name", "description")
SCOPE_FIELDS = ("id", "name", "description")


def _every_row(row: Row) -> bool:
    return True


def row_filter(query: QueryParams, columns: Sequence[str]) -> Callable[[Row], bool]:
    """The query's search as a row filter over `columns`; every row passes without a search."""
    return compile_search(parse(query.multi_items()), columns) or _every_row
