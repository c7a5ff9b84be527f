"""The CLI's HTTP client pointed at an in-process app (no socket)."""

from __future__ import annotations

import httpx2

from mock_logto.transfer.transport import HttpRequest, HttpResponse, Transport


def in_process(client: httpx2.Client, log: list[HttpRequest] | None = None) -> Transport:
    """A transport sending through `client` (a TestClient), recording requests in `log`."""

    def send(request: HttpRequest) -> HttpResponse:
        if log is not None:
            log.append(request)
        answer = client.request(
            request.method, request.url, headers=dict(request.headers), content=request.body
        )
        headers = {name.lower(): value for name, value in answer.headers.items()}
        return HttpResponse(answer.status_code, headers, answer.content)

    return send
