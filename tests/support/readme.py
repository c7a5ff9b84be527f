"""Helpers that keep README.md honest: the settings table and the examples are checked."""

from __future__ import annotations

from mock_logto.settings import Settings

from .paths import README


def settings_rows() -> list[str]:
    rows = []
    for name, field in Settings.model_fields.items():
        value = field.default
        shown = str(value).lower() if isinstance(value, bool) else value
        default = "—" if value is None else f"`{shown}`"
        flag = f"`--{name.replace('_', '-')}`"
        rows.append(
            f"| `{name}` | `MOCK_LOGTO_{name.upper()}` | {flag} | {default} | {field.description} |"
        )
    return rows


def code_blocks(language: str) -> list[str]:
    """The README's fenced blocks whose info string is `language` ("" for none)."""
    blocks: list[str] = []
    current: list[str] | None = None
    info = ""
    for line in README.read_text().splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current, info = [], line[3:].strip()
            else:
                if info == language:
                    blocks.append("".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks
