"""Malformed and hostile input gets a clear 4xx, never a 500, and never breaks the tenant.

One test per finding of the security review (issue 11) that is answered in-process; the socket
limits are tests/e2e/test_limits.py, the control API's access rules tests/test_control_api.py.
"""

from __future__ import annotations

import asyncio
import base64
import json

import pytest
from starlette.testclient import TestClient
from starlette.types import Message, Scope

from mock_logto.app import create_app

from .support.apps import make_settings
from .support.paths import DEMO_FIXTURE

GUARD_PAGINATION = {
    "code": "guard.invalid_pagination",
    "message": "The request pagination value is invalid.",
}
JSON = {"Content-Type": "application/json"}


def scope_of(method: str, path: str, content_type: str) -> Scope:
    """An ASGI scope, for driving the app directly (TestClient buffers bodies first)."""
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"content-type", content_type.encode()), (b"host", b"localhost:3001")],
        "server": ("localhost", 3001),
        "client": ("127.0.0.1", 1),
        "scheme": "http",
        "root_path": "",
        "http_version": "1.1",
    }


def test_a_huge_body_is_refused_after_the_cap_not_after_reading_it() -> None:
    app = create_app(make_settings(fixtures=DEMO_FIXTURE))
    received = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": b"a" * 65536, "more_body": True}  # endless

    async def send(message: Message) -> None:
        sent.append(message)

    form = "application/x-www-form-urlencoded"
    asyncio.run(app(scope_of("POST", "/oidc/session/end", form), receive, send))
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"])["error_description"] == "failed to parse the request body"
    assert received == 1  # one 64 KiB chunk crosses the 56 KiB cap; nothing more is read


@pytest.mark.parametrize(
    "path",
    ["/oidc/token", "/api/applications", "/api/experience", "/__mock/faults"],
)
def test_deeply_nested_json_is_a_bad_body(admin: TestClient, path: str) -> None:
    body = "[" * 100_000 + "]" * 100_000
    method = "PUT" if path == "/api/experience" else "POST"
    response = admin.request(method, path, content=body, headers=JSON)
    assert 400 <= response.status_code < 500
    response.json()  # always a JSON answer


def test_malformed_json_answers_nodes_message_without_a_code(admin: TestClient) -> None:
    # golden-2/entity-errors/140: koa-body passes on JSON.parse's message.
    truncated = admin.post("/api/applications", content=b'{"name": ', headers=JSON)
    assert (truncated.status_code, truncated.json()) == (
        400,
        {"message": "Unexpected end of JSON input"},
    )
    nan = admin.post("/api/users", content=b'{"customData": {"a": NaN}}', headers=JSON)
    assert (nan.status_code, nan.json()) == (
        400,
        {"message": 'Unexpected token \'N\', "{"customData": {"a": NaN}}" is not valid JSON'},
    )


def test_values_that_cannot_be_served_back_are_never_stored(admin: TestClient) -> None:
    surrogate = admin.post("/api/users", content=b'{"username": "\\ud800"}', headers=JSON)
    assert (surrogate.status_code, surrogate.json()) == (
        400,
        {"message": "JSON with a lone surrogate"},
    )
    assert admin.get("/sign-in").status_code == 400  # the page still renders (no sign-in)
    users = admin.get("/api/users")
    assert users.status_code == 200
    assert all(json.dumps(u, allow_nan=False) for u in users.json())


@pytest.mark.parametrize(
    "query",
    ["page=Infinity", "page=NaN", "page=" + "9" * 5000, "page_size=1e400"],
)
def test_pagination_that_cannot_be_served_is_refused(admin: TestClient, query: str) -> None:
    response = admin.get(f"/api/users?{query}")
    assert (response.status_code, response.json()) == (400, GUARD_PAGINATION)


@pytest.mark.parametrize("query", ["page_size=0.5", "page_size=2.5", "page=1.5&page_size=3"])
def test_fractional_page_sizes_pass_the_guard_and_fail_in_sql(
    admin: TestClient, query: str
) -> None:
    """Logto's quirk: zod's `positive()` lets a fraction through, the SQL then refuses it."""
    response = admin.get(f"/api/applications?{query}")
    assert (response.status_code, response.json()) == (
        422,
        {"code": "entity.invalid_input", "message": "Invalid input. Value list must not be empty."},
    )


def test_a_lone_surrogate_in_a_secret_is_a_failed_authentication(demo: TestClient) -> None:
    response = demo.post(
        "/oidc/token",
        content=b'{"grant_type": "client_credentials", "client_id": "demo-m2m", '
        b'"client_secret": "\\ud800"}',
        headers=JSON,
    )
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


def test_an_id_token_hint_whose_header_is_not_an_object_is_invalid(demo: TestClient) -> None:
    header = base64.urlsafe_b64encode(b"[1]").rstrip(b"=").decode()
    response = demo.get(f"/oidc/session/end?id_token_hint={header}.e30.x")
    assert (response.status_code, response.json()["error_description"]) == (
        400,
        "could not validate id_token_hint",
    )


def test_an_id_ending_in_a_newline_is_an_unknown_id_not_an_unserved_route(
    admin: TestClient,
) -> None:
    response = admin.get("/api/applications/abc%0A")
    assert (response.status_code, response.json()) == (
        404,
        {
            "code": "entity.not_exists_with_id",
            "message": "The applications with ID `abc\n` does not exist.",
        },
    )
    # A user's 404 names no table (Logto's `findUserById` answers `entity.not_found`).
    response = admin.get("/api/users/abc%0A")
    assert (response.status_code, response.json()) == (
        404,
        {"code": "entity.not_found", "message": "The resource does not exist."},
    )


def test_options_and_other_methods_answer_as_koa_router(admin: TestClient) -> None:
    options = admin.options("/api/users/user-alice")
    assert (options.status_code, options.headers["allow"], options.content) == (
        200,
        "HEAD, GET, PATCH, DELETE",
        b"",
    )
    put = admin.put("/api/users/user-alice", json={})
    assert (put.status_code, put.headers["allow"], put.text) == (
        405,
        "HEAD, GET, PATCH, DELETE",
        "Method Not Allowed",
    )


def test_a_client_that_disconnects_mid_body_leaves_no_error() -> None:
    app = create_app(make_settings(fixtures=DEMO_FIXTURE))
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = scope_of("POST", "/oidc/token", "application/x-www-form-urlencoded")
    asyncio.run(app(scope, receive, send))  # raises if the disconnect escaped as an error
    assert sent[0]["status"] == 400


def test_the_management_guard_reads_a_list_audience_and_not_before(demo: TestClient) -> None:
    rt = demo.app.state.runtime  # type: ignore[attr-defined]
    indicator = "https://default.logto.app/api"
    key = rt.keys.current
    payload = {
        "sub": "demo-admin",
        "client_id": "demo-admin",
        "scope": "all",
        "iat": rt.clock(),
        "exp": rt.clock() + 60,
        "iss": rt.settings.issuer,
        "aud": [indicator],  # a list, as jose allows
    }
    listed = rt.keys.sign(
        {"alg": key.alg, "typ": "at+jwt", "kid": key.kid}, json.dumps(payload).encode()
    )
    assert demo.get("/api/users", headers={"Authorization": f"Bearer {listed}"}).status_code == 200
    future = rt.issue_token(
        client="demo-admin", resource=indicator, scopes=["all"], claims={"nbf": rt.clock() + 60}
    )
    early = demo.get("/api/users", headers={"Authorization": f"Bearer {future}"})
    assert early.status_code == 401
    assert early.json()["data"]["claim"] == "nbf"
