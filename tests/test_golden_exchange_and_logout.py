"""golden/token-exchange/ (the exchanges) and golden/end-session/ replayed.

Token exchange replays in order: the Management API enables token exchange for the web app and
creates, lists and deletes alice's personal access token (whose value the mock makes up and the
replay learns), between the exchanges.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .support.apps import ClientFactory
from .support.paths import GOLDEN
from .support.replay import Replayer, load

EXCHANGES = sorted((GOLDEN / "token-exchange").glob("*.json"))
LOGOUTS = sorted((GOLDEN / "end-session").glob("*.json"))
#: What the server makes up when a personal access token is created.
PAT_FIELDS = frozenset({"value", "createdAt"})
XSRF = re.compile(r'name="xsrf" value="([0-9a-f]{48})"')


@pytest.fixture
def replayer(make_client: ClientFactory) -> Replayer:
    now = int(time.time())
    return Replayer(make_client(clock=lambda: now), now)


def test_the_recordings_are_all_there() -> None:
    assert len(EXCHANGES) == 15
    assert len(LOGOUTS) == 3


def test_token_exchange_in_order(replayer: Replayer) -> None:
    # 00 used the Management API token that 01 records: fetch it first.
    first, second, *rest = EXCHANGES
    for path in (second, first, *rest):
        recording = load(path)
        request = recording["request"]
        created = request["method"] == "POST" and "/api/" in request["url"]
        listed = path.stem.startswith("03")
        replayer.replay(recording, made_up=PAT_FIELDS if created or listed else frozenset())


@pytest.mark.parametrize("path", LOGOUTS, ids=lambda p: p.stem)
def test_end_session(replayer: Replayer, path: Path) -> None:
    recording = load(path)
    response = replayer.send(recording)
    theirs = XSRF.search(recording["response"].get("body_text") or "")
    mine = XSRF.search(response.text)
    assert (theirs is None) == (mine is None)
    if theirs and mine:
        replayer.aliases.learn(theirs.group(1), mine.group(1))
    replayer.check(recording, response)
