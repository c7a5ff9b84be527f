"""Logto's pagination (core/middleware/koa-pagination.ts).

`page`, `page_size` (≤ 100), `Total-Number` and RFC 8288 `Link` headers.
Logto builds the links from the path its router sees, which has no `/api` prefix: the quirk
is kept (`<http://localhost:3001/applications?page=2>; rel="next"`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus

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
    page = _positive(raw_page) if raw_page else 1.0
    size = _positive(raw_size) if raw_size else float(DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise _invalid()
    # zod lets a fraction through; the SQL `limit`/`offset` built from it is refused with a 422
    # (golden2/entity-errors/072, 080).
    if not size.is_integer() or not ((page - 1) * size).is_integer():
        raise _not_a_row_count()
    return int(page), int(size)


def _not_a_row_count() -> ManagementApiError:
    return ManagementApiError(
        "entity.invalid_input", "Invalid input. Value list must not be empty.", status_code=422
    )


def _form(text: str) -> str:
    """URLSearchParams' serializer: only `*-._` and alphanumerics stay, a space is `+`."""
    return quote_plus(text, safe="*").replace("~", "%7E")


def _link(request: Request, page: int, relation: str) -> str:
    # Koa's `request.query`: a repeated key is an array, which URLSearchParams joins with ",".
    grouped: dict[str, list[str]] = {}
    for key, value in parse_qsl(request.url.query, keep_blank_values=True):
        grouped.setdefault(key, []).append(value)
    pairs = {key: ",".join(values) for key, values in grouped.items()}
    pairs["page"] = str(page)
    # Percent-encoded: a header is Latin-1, a path parameter may not be (`recent-logs` of any id).
    path = quote(request.url.path.removeprefix("/api"), safe="/:@!$&'()*+,;=-._~%")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    query = "&".join(f"{_form(key)}={_form(value)}" for key, value in pairs.items())
    return f'<{origin}{path}?{query}>; rel="{relation}"'


def paginated(
    request: Request,
    items: Sequence[Any],
    *,
    optional: bool = False,
    shape: Callable[[Any], Any] | None = None,
    wrap: Callable[[list[Any]], Any] | None = None,
    total: int | None = None,
) -> Response:
    """A JSON list response, one page of `items` with Logto's headers.

    With `shape`, only the page's entities are shaped (a large tenant's list costs its page);
    with `wrap`, the page is put inside the body `wrap` makes (`{"organizations": [...]}`).
    `total` is the `Total-Number` when Logto counts other rows than it lists.
    """

    def body(window: Sequence[Any]) -> Any:
        listed = [shape(i) for i in window] if shape else list(window)
        return wrap(listed) if wrap else listed

    asked = page_of(request, optional)
    if asked is None:
        return JSONResponse(body(items))
    page, size = asked
    offset = (page - 1) * size
    window = items[offset : offset + size]
    response = JSONResponse(body(window))
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
