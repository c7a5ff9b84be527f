"""Postgres `ilike '%keyword%'`, the `q` search of Logto's lists (database/utils.ts).

The keyword is a LIKE pattern: `%` and `_` in it are wildcards, a backslash escapes (Logto does not
escape them: a quirk kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=64)
def _pattern(keyword: str) -> re.Pattern[str]:
    parts: list[str] = []
    escaped = False
    for char in keyword:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def ilike_contains(keyword: str, values: Iterable[str | None]) -> bool:
    """Whether any of `values` matches `ilike '%keyword%'` (a null never matches)."""
    pattern = _pattern(keyword)
    return any(value is not None and pattern.search(value) for value in values)
