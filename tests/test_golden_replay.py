"""Every recording of discovery/, client-credentials/ and m2m-organization/ replayed.

Compared: status, headers (all but transport and request-id ones), the whole JSON body, and for
JWTs the header, the claim names in order and every claim value but `jti`/`iat`/`exp`, with
`exp - iat` equal and the signature checked by PyJWT against the served JWKS.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from .support.apps import NOW
from .support.paths import GOLDEN
from .support.replay import Replayer, load

SECTIONS = ("discovery", "client-credentials", "m2m-organization")
RECORDINGS = sorted(p for section in SECTIONS for p in (GOLDEN / section).glob("*.json"))


def test_every_recording_of_the_sections_is_replayed() -> None:
    assert len(RECORDINGS) == 7 + 30 + 6


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_replay_matches_logto(path: Path, client: TestClient) -> None:
    Replayer(client, NOW).replay(load(path))
