"""Reading fixture files: where they are, their YAML/JSON, and their shape.

A path is one file or a directory whose `*.yaml`, `*.yml` and `*.json` files are read in name
order. Every problem is one line naming the file, the entry and the field.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from ..errors import FixtureError
from .schema import SECTIONS, FixtureDocument

FIXTURE_SUFFIXES = (".yaml", ".yml", ".json")
#: libyaml's safe loader when PyYAML was built with it: ten times faster than the pure-Python one.
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_FIXTURE = "default.yaml"


def default_fixtures_dir() -> Path:
    """Where the bundled fixtures are: inside the wheel, else the repository's `fixtures/`."""
    bundled = Path(str(importlib_resources.files("mock_logto"))) / "_fixtures"
    if bundled.is_dir():
        return bundled
    return Path(__file__).resolve().parent.parent.parent / "fixtures"


def default_fixture_path() -> Path:
    """The demo tenant `serve` uses when given no fixtures."""
    return default_fixtures_dir() / DEFAULT_FIXTURE


@dataclass(frozen=True, slots=True)
class Where:
    """Where an entry came from, for problem lines."""

    file: str
    section: str
    index: int
    label: str

    def __str__(self) -> str:
        return f"{self.file}: {self.section}[{self.index}] ({self.label})"


@dataclass(frozen=True, slots=True)
class Located:
    """A validated entry and where it came from."""

    where: Where
    spec: Any


def label(entry: Any) -> str:
    """How a problem line names an entry: its name, username, email, indicator or id."""
    if isinstance(entry, dict):
        for key in ("name", "username", "primaryEmail", "indicator", "id", "user", "application"):
            value = entry.get(key)
            if isinstance(value, str) and value:
                return value
    return "?"


def _loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read(path: Path, display: str) -> dict[str, Any]:
    """A fixture file's top-level mapping (empty for an empty file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError([f"{display}: cannot read the file: {exc}"]) from exc
    return parse(text, display, json_format=path.suffix == ".json")


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors' aliases: a document from a request cannot expand exponentially."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases are not accepted here")
        return super().compose_node(parent, index)


def _json(text: str) -> Any:
    return json.loads(text) if text.strip() else {}


def _yaml(text: str, loader: type[yaml.SafeLoader]) -> Any:
    """The document, parsed by libyaml where PyYAML has it (files, not request bodies).

    A broken file is parsed again by PyYAML's own loader, whose message does not depend on how
    PyYAML was built.
    """
    if loader is yaml.SafeLoader:
        try:
            return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader


def parse(text: str, display: str, *, json_format: bool, trusted: bool = True) -> dict[str, Any]:
    """A fixture document's top-level mapping, from JSON or YAML text.

    `trusted=False` (a document from a request) refuses YAML aliases.
    """
    loader = yaml.SafeLoader if trusted else _NoAliasLoader
    try:
        data = _json(text) if json_format else _yaml(text, loader)
    except RecursionError as exc:
        raise FixtureError([f"{display}: nested too deeply"]) from exc
    except json.JSONDecodeError as exc:
        raise FixtureError([f"{display}: line {exc.lineno}: invalid JSON: {exc.msg}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FixtureError([f"{display}: {line}invalid YAML: {problem}"]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FixtureError(
            [f"{display}: the top level must be a mapping of sections, not {type(data).__name__}"]
        )
    return data


def suggestion(given: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for a near miss among `known`, else nothing."""

    def folded(name: str) -> str:
        return name.replace("_", "").replace("-", "").lower()

    candidates = {folded(name): name for name in known}
    close = difflib.get_close_matches(folded(given), list(candidates), n=1, cutoff=0.75)
    return f" (did you mean '{candidates[close[0]]}'?)" if close else ""


def _unknown_key(loc: list[int | str]) -> str:
    from .json_schema import allowed_keys  # the schema is built only when a key is wrong

    return "unknown key" + suggestion(str(loc[-1]), allowed_keys(loc[:-1]))


def validate(data: dict[str, Any], display: str) -> FixtureDocument:
    """The file's shape checked against the fixture format."""
    try:
        return FixtureDocument.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            message = (
                _unknown_key(loc)
                if err["type"] == "extra_forbidden"
                else err["msg"].removeprefix("Value error, ")
            )
            if len(loc) >= 2 and isinstance(loc[1], int):
                section, index = str(loc[0]), loc[1]
                raw = data.get(section)
                entry = raw[index] if isinstance(raw, list) and index < len(raw) else None
                where = Where(display, section, index, label(entry))
                problems.append(f"{where}: {_loc(loc[2:]) or '(entry)'}: {message}")
            else:
                problems.append(f"{display}: {_loc(loc) or '(top level)'}: {message}")
        raise FixtureError(problems) from exc


def fixture_files(path: Path) -> list[Path]:
    """The fixture files at `path`: the file itself, or a directory's files in name order."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix in FIXTURE_SUFFIXES and p.is_file() and not p.name.endswith(".schema.json")
        )
        if not files:
            raise FixtureError([f"{path}: no fixture files (*.yaml, *.yml, *.json) in directory"])
        return files
    if not path.exists():
        raise FixtureError([f"{path}: no such file or directory"])
    return [path]


def read_entries(files: Sequence[Path]) -> dict[str, list[Located]]:
    """Every file's entries, merged section by section, each with where it came from."""
    documents: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    for file in files:
        try:
            documents.append((str(file), read(file, str(file))))
        except FixtureError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FixtureError(problems)
    return document_entries(documents)


def document_entries(documents: Sequence[tuple[str, Any]]) -> dict[str, list[Located]]:
    """Validated entries of (name, top-level mapping) documents, merged section by section."""
    merged: dict[str, list[Located]] = {section: [] for section in SECTIONS}
    problems: list[str] = []
    for display, raw in documents:
        if not isinstance(raw, dict):
            problems.append(f"{display}: the top level must be a mapping of sections")
            continue
        try:
            document = validate(raw, display)
        except FixtureError as exc:
            problems.extend(exc.problems)
            continue
        for section in SECTIONS:
            alias = to_camel(section)
            raw_entries = raw.get(alias) or []
            specs = getattr(document, section)
            if not isinstance(specs, list):  # a section that is one mapping (customJwt)
                specs, raw_entries = ([] if specs is None else [specs]), [raw_entries]
            for index, spec in enumerate(specs):
                name = label(raw_entries[index]) if index < len(raw_entries) else "?"
                merged[section].append(Located(Where(display, alias, index, name), spec))
    if problems:
        raise FixtureError(problems)
    return merged
