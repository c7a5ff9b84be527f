"""The Management API under `/api`. So far only Logto's health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route


async def status(request: Request) -> Response:
    """`GET /api/status`: 204, no authentication (Logto's health check)."""
    return Response(status_code=204)


def routes() -> list[BaseRoute]:
    """The routes to mount at `/api`."""
    return [Route("/status", status, methods=["GET"], name="status")]
