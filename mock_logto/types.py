"""Shared type aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

#: Returns the current time in whole seconds since the epoch. Injected so expiry is testable.
Clock: TypeAlias = Callable[[], int]

#: A JSON object as decoded by :mod:`json`.
JSONDict: TypeAlias = dict[str, Any]
