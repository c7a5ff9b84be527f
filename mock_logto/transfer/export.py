"""`mock-logto export`: a running mock-logto's live tenant, as a fixture file.

Reads `GET /__mock/fixtures` with the control token (as `mock-logto token` sends it) and turns
every way that can fail into one sentence: nothing answers, something that is not mock-logto
answers, mock-logto answers with its control API off, or refuses the token.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..errors import MockLogtoError
from ..http.access import TOKEN_HEADER
from ..loader.dump import Format
from .transport import HttpRequest, HttpResponse, Transport, Unreachable, urllib_transport

#: What `GET /api/swagger.json` of mock-logto calls itself (Logto's says "Logto API references").
MOCK_OPENAPI_TITLE = "mock-logto"
_MEDIA_TYPES = {"yaml": "application/yaml", "json": "application/json"}


def export_fixtures(
    base_url: str,
    *,
    format: Format = "yaml",
    control_token: str | None = None,
    transport: Transport | None = None,
) -> str:
    """The fixture file's text of the tenant served at `base_url`.

    Raises:
        MockLogtoError: one sentence saying why there is none.
    """
    send = transport or urllib_transport()
    base = base_url.rstrip("/")
    headers = {TOKEN_HEADER: control_token} if control_token else {}
    url = f"{base}/__mock/fixtures?{urlencode({'format': format})}"
    try:
        answer = send(HttpRequest("GET", url, headers))
    except Unreachable as exc:
        raise MockLogtoError(
            f"cannot reach {base} ({exc}); is `mock-logto serve` running there?"
        ) from exc
    if answer.status == 200 and answer.media_type == _MEDIA_TYPES[format]:
        return answer.body.decode("utf-8")
    raise MockLogtoError(_why(base, answer, send))


def _why(base: str, answer: HttpResponse, send: Transport) -> str:
    """Why `answer` is not an export, in one sentence."""
    body = answer.json()
    code = body.get("code") if isinstance(body, dict) else None
    if isinstance(code, str) and code.startswith("mock."):
        message = str(body.get("message", code))
        if answer.status == 401:
            message += " Pass --control-token or set MOCK_LOGTO_CONTROL_TOKEN."
        return f"{base}: {message}"
    if answer.status in (404, 405) and _is_mock_logto(base, send):
        if answer.status == 405:
            return f"{base} is a mock-logto too old to export (no GET /__mock/fixtures)"
        return f"{base} is mock-logto with its control API off (control_api=false)"
    return (
        f"{base} does not look like mock-logto: GET /__mock/fixtures answered "
        f"{answer.status} {answer.media_type or '(no content type)'}"
    )


def _is_mock_logto(base: str, send: Transport) -> bool:
    """Whether `base` serves mock-logto's own OpenAPI document."""
    try:
        document = send(HttpRequest("GET", f"{base}/api/swagger.json")).json()
    except Unreachable:
        return False
    info = document.get("info") if isinstance(document, dict) else None
    title = info.get("title") if isinstance(info, dict) else None
    return isinstance(title, str) and title.startswith(MOCK_OPENAPI_TITLE)
