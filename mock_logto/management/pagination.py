"""Logto's pagination (core/middleware/koa-pagination.ts).

`page`, `page_size` (≤ 100), `Total-Number` and RFC 8288 `Link` headers.
Logto builds the links from the path its router sees, which has no `/api` prefix: the quirk
is kept (`<http://localhost:3001/applications?page=2>; rel="next"`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError
from ..http.responses import JSONResponse

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _invalid() -> ManagementApiError:
    return ManagementApiError(
        "guard.invalid_pagination", "The request pagination value is invalid.", status_code=400
    )


def _positive(raw: str) -> float:
    """`Number(raw)` that zod's `number().positive()` accepts, and finite (else 400)."""
    try:
        value = float(raw) if len(raw) <= 32 else math.inf
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise _invalid()
    return value


def page_of(request: Request, optional: bool) -> tuple[int, int] | None:
    """(page, page_size) asked for; None when an optional pagination is not used."""
    raw_page = request.query_params.get("page")
    raw_size = request.query_params.get("page_size")
    if optional and not raw_page and not raw_size:
        return None
    page = _positive(raw_page) if raw_page else 1
    size = _positive(raw_size) if raw_size else DEFAULT_PAGE_SIZE
    # A fractional size below one row cannot be served (Logto's SQL `limit` refuses it too).
    if size > MAX_PAGE_SIZE or size < 1:
        raise _invalid()
    if not float(size).is_integer() or not float((page - 1) * size).is_integer():
        # A fractional SQL `limit`/`offset`: slonik's error, as Logto answers it.
        raise ManagementApiError(
            "entity.invalid_input", "Invalid input. Value list must not be empty.", status_code=422
        )
    return max(int(page), 1), int(size)


def _link(request: Request, page: int, relation: str) -> str:
    pairs = dict(parse_qsl(request.url.query, keep_blank_values=True))
    pairs["page"] = str(page)
    # Percent-encoded: a header is Latin-1, a path parameter may not be (`recent-logs` of any id).
    path = quote(request.url.path.removeprefix("/api"), safe="/:@!$&'()*+,;=-._~%")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    return f'<{origin}{path}?{urlencode(pairs)}>; rel="{relation}"'


def paginated(
    request: Request,
    items: Sequence[Any],
    *,
    optional: bool = False,
    shape: Callable[[Any], Any] | None = None,
    total: int | None = None,
) -> Response:
    """A JSON list response, one page of `items` with Logto's headers.

    With `shape`, only the page's entities are shaped (a large tenant's list costs its page).
    `total` is the `Total-Number` when Logto counts something else than `items`.
    """
    asked = page_of(request, optional)
    if asked is None:
        return JSONResponse([shape(i) for i in items] if shape else list(items))
    page, size = asked
    offset = (page - 1) * size
    window = items[offset : offset + size]
    response = JSONResponse([shape(i) for i in window] if shape else list(window))
    count = len(items) if total is None else total
    total_pages = math.ceil(count / size) or 1
    response.headers["Total-Number"] = str(count)
    links = [_link(request, 1, "first"), _link(request, total_pages, "last")]
    if page > 1:
        links.append(_link(request, page - 1, "prev"))
    if page < total_pages:
        links.append(_link(request, page + 1, "next"))
    for link in links:
        response.headers.append("Link", link)
    return response
