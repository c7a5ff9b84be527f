"""golden/token-exchange/ (the exchanges) and golden/end-session/ replayed.

Token exchange 00–04 and 20–21 create, list and delete the personal access token through the
Management API; until that API is served (issue 5) the fixture holds the token they created
(`fixtures/logto-golden.yaml`), and the exchanges 10–17 replay against it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from .conftest import GOLDEN
from .flow_replay import FlowReplayer
from .golden_replay import load

EXCHANGES = sorted((GOLDEN / "token-exchange").glob("1*.json"))
LOGOUTS = sorted((GOLDEN / "end-session").glob("*.json"))
XSRF = re.compile(r'name="xsrf" value="([0-9a-f]{48})"')


@pytest.fixture
def replayer(make_client: Callable[..., TestClient]) -> FlowReplayer:
    now = int(time.time())
    return FlowReplayer(make_client(clock=lambda: now), now)


def test_the_exchanges_are_all_there() -> None:
    assert [p.stem[:2] for p in EXCHANGES] == ["10", "11", "12", "13", "14", "15", "16", "17"]
    assert len(LOGOUTS) == 3


@pytest.mark.parametrize("path", EXCHANGES, ids=lambda p: p.stem)
def test_token_exchange(replayer: FlowReplayer, path: Path) -> None:
    replayer.replay(load(path))


@pytest.mark.parametrize("path", LOGOUTS, ids=lambda p: p.stem)
def test_end_session(replayer: FlowReplayer, path: Path) -> None:
    recording = load(path)
    response = replayer.send(recording)
    theirs = XSRF.search(recording["response"].get("body_text") or "")
    mine = XSRF.search(response.text)
    assert (theirs is None) == (mine is None)
    if theirs and mine:
        replayer.aliases.learn(theirs.group(1), mine.group(1))
    replayer.check(recording, response)
