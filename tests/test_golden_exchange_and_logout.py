"""golden/token-exchange/ (the exchanges) and golden/end-session/ replayed.

Token exchange 00–04 and 20–21 enable token exchange for the web app and create, list and delete
the personal access token through the Management API routes not served yet; until they are, the
test makes the same two changes to the tenant directly, and the exchanges 10–17 replay.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_logto.models import PersonalAccessToken

from .conftest import GOLDEN
from .flow_replay import FlowReplayer
from .golden_replay import load

EXCHANGES = sorted((GOLDEN / "token-exchange").glob("1*.json"))
LOGOUTS = sorted((GOLDEN / "end-session").glob("*.json"))
WEB_APP = "2ihwrbehzzcfmvvf6va91"
ALICE = "rpl03n16wy3x"
XSRF = re.compile(r'name="xsrf" value="([0-9a-f]{48})"')


@pytest.fixture
def replayer(make_client: Callable[..., TestClient]) -> FlowReplayer:
    now = int(time.time())
    client = make_client(clock=lambda: now)
    tenant = client.app.state.tenant  # type: ignore[attr-defined]
    # What golden/token-exchange/00 and 02 did through the Management API:
    tenant.applications[WEB_APP].custom_client_metadata["allowTokenExchange"] = True
    tenant.users[ALICE].personal_access_tokens.append(
        PersonalAccessToken("ci-token", "pat_8tpwO30SgKMu4WkrGuKCxecuUCmjCbBV", now * 1000)
    )
    return FlowReplayer(client, now)


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
