"""golden/management-api/ replayed in order against the golden tenant.

The server's clock is the recording's, so the tokens' `iat`/`exp` (echoed in the wrong-audience
error) match; created entities' ids, secrets and timestamps are the mock's own (learned as
aliases). The roles list is compared without its order, which is the database's.
"""

from __future__ import annotations

import pytest

from .support.admin import management_token
from .support.apps import ClientFactory
from .support.paths import GOLDEN
from .support.replay import Replayer, load

RECORDINGS = sorted((GOLDEN / "management-api").glob("*.json"))
RECORDED_AT = 1_795_404_139
CREATED = frozenset({"id", "secret", "createdAt"})


def test_every_recording_is_replayed() -> None:
    assert len(RECORDINGS) == 25


def test_management_api_answers_as_logto(make_client: ClientFactory) -> None:
    replayer = Replayer(make_client(clock=lambda: RECORDED_AT), RECORDED_AT)
    for path in RECORDINGS:
        recording = load(path)
        if path.stem == "15-get-roles":
            response = replayer.send(recording)
            expected = recording["response"]["body_json"]
            assert sorted(response.json(), key=str) == sorted(expected, key=str)
            continue
        made_up = CREATED if recording["request"]["method"] == "POST" else frozenset()
        replayer.replay(recording, made_up=made_up)


@pytest.mark.parametrize(
    ("method", "path", "route"),
    [
        ("GET", "/api/domains", "/api/domains"),
        ("GET", "/api/sso-connectors", "/api/sso-connectors"),
        ("DELETE", "/api/domains/x", "/api/domains/{id}"),
    ],
)
def test_logto_routes_not_served_yet_answer_501(
    make_client: ClientFactory, method: str, path: str, route: str
) -> None:
    client = make_client()
    token = management_token(client, "qcsudt3wge344mjdnh7iu", "0bElyh1PcWHzPO80vQFBFQn251uzEoSb")
    response = client.request(method, path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 501
    assert response.json() == {
        "code": "mock.not_implemented",
        "data": {"method": method, "route": route},
        "message": f"mock-logto does not serve {method} {route} of Logto's Management API yet.",
    }
