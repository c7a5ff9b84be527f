"""The Dockerfile, parsed: its instructions and the environment the image sets."""

from __future__ import annotations

from .paths import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    steps: list[tuple[str, str]] = []
    current = ""
    for line in DOCKERFILE.read_text().splitlines():
        if line.lstrip().startswith("#") or (not line.strip() and not current):
            continue
        current += line.rstrip("\\").strip() + " "
        if not line.endswith("\\"):
            keyword, _, rest = current.strip().partition(" ")
            steps.append((keyword.upper(), rest.strip()))
            current = ""
    return steps


def env_of(argument: str) -> dict[str, str]:
    """The variables of one `ENV key=value ...` instruction."""
    pairs = {}
    for item in argument.split():
        key, _, value = item.partition("=")
        pairs[key] = value
    return pairs


def image_env() -> dict[str, str]:
    """Every variable the image's ENV instructions set."""
    env: dict[str, str] = {}
    for keyword, argument in instructions():
        if keyword == "ENV":
            env.update(env_of(argument))
    return env
