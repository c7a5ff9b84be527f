"""Starlette's router with a dict in front: exact paths found in one lookup.

Clients call the token, JWKS and userinfo endpoints again and again; Starlette finds their route
by trying every route's regular expression in order, through the `/oidc` mount and its router.
This router answers a request whose path and method name a route without path parameters from a
table built once, with the scope Starlette's own scan would give it (`route`, `endpoint`,
`path_params`, and the mount's `root_path`); every other request takes Starlette's scan, so
405s, 404s and redirects stay Starlette's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send


class _Entry:
    """A route reached without a scan, and the scope keys the scan would have set."""

    __slots__ = ("app", "child_scope")

    def __init__(self, app: ASGIApp, child_scope: dict[str, Any]) -> None:
        self.app = app
        self.child_scope = child_scope


class LookupRouter(Router):
    """A Router answering exact `(path, method)` pairs from a table, the rest by its scan."""

    def __init__(self, routes: Sequence[BaseRoute], **kwargs: Any) -> None:
        super().__init__(routes=list(routes), **kwargs)
        self._exact: dict[tuple[str, str], _Entry] = {}
        self._index(self.routes, "")

    def _index(self, routes: Sequence[BaseRoute], prefix: str) -> None:
        """Static routes of static mounts, in scan order: the first full match wins.

        Only the mount chain a scan reaches first is indexed: indexing stops at the first route
        that is neither a static Route nor a static Mount (it might match anything after it).
        """
        for route in routes:
            if isinstance(route, Route) and route.param_convertors == {} and route.methods:
                for method in route.methods:
                    entry = _Entry(
                        route.app,
                        {
                            "route": route,
                            "endpoint": route.endpoint,
                            "path_params": {},
                            "app_root_path": "",
                            "root_path": prefix,
                        },
                    )
                    self._exact.setdefault((prefix + route.path, method), entry)
            elif isinstance(route, Mount) and "{" not in route.path and not prefix:
                self._index(route.routes, route.path)
                return  # a mount matches every path under it: what follows is shadowed there
            else:
                return

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The table's route when the request names one, else Starlette's scan."""
        if scope["type"] == "http" and not scope.get("root_path"):
            entry = self._exact.get((scope["path"], scope["method"]))
            if entry is not None:
                if "router" not in scope:
                    scope["router"] = self
                scope.update(entry.child_scope)
                scope["path_params"] = {}
                await entry.app(scope, receive, send)
                return
        await super().app(scope, receive, send)
