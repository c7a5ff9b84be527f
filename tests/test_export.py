"""Export: the live tenant as a fixture file that loads into the same Management API answers."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest
import yaml
from starlette.testclient import TestClient

from mock_logto.cli import main
from mock_logto.errors import MockLogtoError
from mock_logto.testing import MockLogto
from mock_logto.transfer.export import export_fixtures
from mock_logto.transfer.transport import HttpRequest, HttpResponse, Transport, Unreachable

from .support.admin import as_admin
from .support.answers import GET_ROUTES, management_answers
from .support.apps import ClientFactory
from .support.changes import IMPORTER, RICH_FIXTURE, change_through_the_api
from .support.tenants import BASE_URL, DEMO_ADMIN
from .support.transport import in_process


@pytest.fixture
def rich(make_client: ClientFactory) -> TestClient:
    """The rich tenant, changed through the Management API, as its importer app."""
    client = make_client(RICH_FIXTURE)
    as_admin(client, IMPORTER)
    change_through_the_api(client)
    return client


def served(make_client: ClientFactory, fixtures: Path) -> TestClient:
    client = make_client(fixtures)
    as_admin(client, IMPORTER)
    return client


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_an_export_loads_into_the_same_answers(
    rich: TestClient, make_client: ClientFactory, tmp_path: Path, kind: str
) -> None:
    exported = rich.get("/__mock/fixtures", params={"format": kind})
    assert exported.status_code == 200
    assert exported.headers["content-type"] == f"application/{kind}; charset=utf-8"
    path = tmp_path / f"exported.{kind}"
    path.write_text(exported.text)
    assert main(["check-fixtures", str(path)]) == 0

    before = management_answers(rich)
    after = management_answers(served(make_client, path))
    assert before.templates == GET_ROUTES
    assert after.answers == before.answers


def test_an_exported_file_names_what_it_can_and_ids_the_rest(rich: TestClient) -> None:
    text = rich.get("/__mock/fixtures").text
    assert text.startswith("# mock-logto export: the live tenant")
    assert "# TEST-ONLY: it holds the tenant's secrets and passwords in clear." in text
    document = yaml.safe_load(text)
    [one] = [o for o in document["organizations"] if o["id"] == "org-one"]
    [two] = [o for o in document["organizations"] if o["id"] == "org-two"]
    assert one["users"] == [
        {"user": "ann", "roles": ["guest", "owner"]},
        {"user": "ben", "roles": ["guest"]},
    ]
    # `cat` is user dora's username but user cat's id; `Order worker` names two apps.
    assert two["users"] == [{"user": "ann_cat"}]
    assert two["applications"] == [
        {"application": "importer"},
        {"application": "app-worker-2", "roles": ["bot"]},
    ]
    [ann] = [u for u in document["users"] if u["id"] == "user-ann"]
    assert ann["password"] == "changed"
    [worker] = [a for a in document["applications"] if a["id"] == "app-worker"]
    assert worker["secrets"] == [
        {"name": "Default secret", "value": "worker-secret-1", "createdAt": 1700000000110}
    ]
    # The Management API resource is built into every tenant; its role is kept with its id.
    assert [r["indicator"] for r in document["resources"]] == [
        "https://orders.example.com",
        "urn:example:billing",
        "https://later.test",
    ]


def test_the_export_route_checks_its_format_and_the_control_rules(
    demo: TestClient, make_client: ClientFactory
) -> None:
    wrong = demo.get("/__mock/fixtures", params={"format": "xml"})
    assert (wrong.status_code, wrong.json()) == (
        400,
        {"code": "mock.invalid_request", "message": "'format' is yaml or json"},
    )
    other_site = demo.get("/__mock/fixtures", headers={"Origin": "https://evil.test"})
    assert other_site.status_code == 403
    guarded = make_client(control_token="control-token-for-tests")
    assert guarded.get("/__mock/fixtures").status_code == 401
    answer = guarded.get(
        "/__mock/fixtures", headers={"X-Mock-Logto-Token": "control-token-for-tests"}
    )
    assert answer.status_code == 200
    off = make_client(control_api=False)
    assert off.get("/__mock/fixtures").status_code == 404


def test_the_pytest_handle_exports_and_reloads(mock_logto: MockLogto, tmp_path: Path) -> None:
    with httpx2.Client(base_url=mock_logto.base_url) as client:
        as_admin(client, DEMO_ADMIN)
        created = client.post("/api/organizations", json={"name": "Saved"}).json()
        client.post(f"/api/organizations/{created['id']}/users", json={"userIds": ["user-bob"]})
        before = management_answers(client).answers

        text = mock_logto.export(tmp_path / "state.yaml")
        assert (tmp_path / "state.yaml").read_text() == text
        as_json = json.loads(mock_logto.export(tmp_path / "state.json"))
        assert as_json == yaml.safe_load(text)
        assert mock_logto.export(format="json") == (tmp_path / "state.json").read_text()

        mock_logto.reset()
        assert "Saved" not in client.get("/api/organizations").text
        mock_logto.reset(tmp_path / "state.yaml")
        as_admin(client, DEMO_ADMIN)
        assert management_answers(client).answers == before


def test_the_export_client_says_why_there_is_no_export(make_client: ClientFactory) -> None:
    golden = make_client()
    assert export_fixtures(BASE_URL, transport=in_process(golden)).startswith("# mock-logto export")
    as_json = json.loads(export_fixtures(BASE_URL, format="json", transport=in_process(golden)))
    assert "web-app" in {a["name"] for a in as_json["applications"]}

    guarded = in_process(make_client(control_token="control-token-for-tests"))
    with pytest.raises(MockLogtoError) as info:
        export_fixtures(BASE_URL, transport=guarded)
    assert str(info.value) == (
        f"{BASE_URL}: The control API needs its token (X-Mock-Logto-Token). Pass "
        "--control-token or set MOCK_LOGTO_CONTROL_TOKEN."
    )
    assert export_fixtures(BASE_URL, control_token="control-token-for-tests", transport=guarded)

    with pytest.raises(MockLogtoError) as info:
        export_fixtures(BASE_URL, transport=in_process(make_client(control_api=False)))
    assert (
        str(info.value) == f"{BASE_URL} is mock-logto with its control API off (control_api=false)"
    )

    older = _answering(405, in_process(golden))
    with pytest.raises(MockLogtoError) as info:
        export_fixtures(BASE_URL, transport=older)
    assert (
        str(info.value) == f"{BASE_URL} is a mock-logto too old to export (no GET /__mock/fixtures)"
    )

    def unreachable(request: HttpRequest) -> HttpResponse:
        raise Unreachable("connection refused")

    with pytest.raises(MockLogtoError) as info:
        export_fixtures(BASE_URL, transport=_answering(404, unreachable))
    assert str(info.value) == (
        f"{BASE_URL} does not look like mock-logto: GET /__mock/fixtures answered 404 text/html"
    )


def _answering(status: int, otherwise: Transport) -> Transport:
    """`status` (an HTML page) for the export route; `otherwise` answers the rest."""

    def send(request: HttpRequest) -> HttpResponse:
        if "/__mock/fixtures" in request.url:
            return HttpResponse(status, {"content-type": "text/html"}, b"<p>no</p>")
        return otherwise(request)

    return send
