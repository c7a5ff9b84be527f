"""Fixture files → :class:`~mock_logto.models.Tenant`.

Fixtures use Logto's own names and shapes (camelCase, as the Management API returns them).
A path may be one YAML/JSON file or a directory whose fixture files are merged. Every mistake is
reported as one line naming the file, the entry and the field; nothing is half-loaded.
Ids and secrets left out are derived from the entry (its name, indicator, username), so the same
fixture gives the same ids and secrets on every start.

- :mod:`.files`: finding and reading files, and their shape;
- :mod:`.schema`: the format, one model per entry;
- :mod:`.build`: the tenant, built through the tenant operations of :mod:`mock_logto.ops`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from ..errors import FixtureError
from ..models import Tenant
from ..types import Clock
from .build import build, derive
from .files import (
    Located,
    default_fixture_path,
    default_fixtures_dir,
    document_entries,
    fixture_files,
    parse,
    read_entries,
)

__all__ = [
    "default_fixture_path",
    "default_fixtures_dir",
    "derive",
    "fixture_files",
    "load_tenant",
    "load_tenant_document",
    "parse",
]


def load_tenant(
    paths: Path | str | Sequence[Path | str] | None = None,
    *,
    tenant_id: str = "default",
    management_api_indicator: str = "https://default.logto.app/api",
    clock: Clock | None = None,
) -> Tenant:
    """Read fixture files (default: the bundled demo tenant) into a :class:`Tenant`.

    Raises:
        FixtureError: with one line per problem, each naming the file, entry and field.
    """
    now_ms = int((clock or time.time)() * 1000)
    if paths is None:
        paths = [default_fixture_path()]
    elif isinstance(paths, Path | str):
        paths = [paths]
    files = [f for p in paths for f in fixture_files(Path(p))]
    return _built(read_entries(files), tenant_id, management_api_indicator, now_ms)


def load_tenant_document(
    document: object,
    *,
    display: str = "request body",
    tenant_id: str = "default",
    management_api_indicator: str = "https://default.logto.app/api",
    clock: Clock | None = None,
) -> Tenant:
    """A :class:`Tenant` from one fixture document already parsed (a mapping of sections)."""
    now_ms = int((clock or time.time)() * 1000)
    entries = document_entries([(display, document)])
    return _built(entries, tenant_id, management_api_indicator, now_ms)


def _built(
    entries: dict[str, list[Located]], tenant_id: str, indicator: str, now_ms: int
) -> Tenant:
    tenant = Tenant(id=tenant_id, management_api_indicator=indicator)
    problems = build(tenant, entries, now_ms)
    if problems:
        raise FixtureError(problems)
    return tenant
