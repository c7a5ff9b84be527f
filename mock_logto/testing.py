"""`MockLogto`: what a test holds of a running mock-logto (the pytest plugin's `mock_logto`).

URLs, tokens made to order, reset, the clock, the request log and fault injection, all acting
in-process on the server's app; and :func:`isolated_settings`, the settings of servers for
tests. No pytest imports: usable from unittest or a script too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from .clock import MockClock
from .control import Fault, LoggedRequest
from .customjwt.config import TOKEN_KEYS, ClaimsFunction
from .loader.dump import Format, export_header, fixture_text
from .runtime import Runtime
from .server import MockLogtoServer
from .settings import Settings


class IsolatedSettings(Settings):
    """Settings from the values given only: no `MOCK_LOGTO_*` variable, no `.env` file.

    Those configure `mock-logto serve`; a developer's shell must not change a test session.
    """

    @classmethod
    def _environment(cls, env_file: str | os.PathLike[str] | None) -> dict[str, Any]:
        """Nothing: the values passed only."""
        return {}


def isolated_settings(**values: Any) -> Settings:
    """Settings made of `values` and the defaults, whatever the environment holds."""
    return IsolatedSettings(**values)


class MockLogto:
    """A handle on a running :class:`MockLogtoServer`.

    `fixtures` are the ones this handle's test started with: :meth:`reset` goes back to them.
    """

    def __init__(self, server: MockLogtoServer, fixtures: Path | str | None = None) -> None:
        self.server = server
        self._app: Starlette = server._app  # not server.app: that marks the runtime as held
        self._runtime: Runtime = self._app.state.runtime
        self.fixtures = Path(fixtures) if fixtures is not None else None

    @property
    def app(self) -> Starlette:
        """The server's app. Changes made through it are undone by the next reset."""
        self._runtime.expose()
        return self._app

    @property
    def runtime(self) -> Runtime:
        """The server's state (tenant, store, keys). Changes are undone by the next reset."""
        self._runtime.expose()
        return self._runtime

    # ------------------------------------------------------------------ where it is

    @property
    def base_url(self) -> str:
        """E.g. `http://127.0.0.1:51234` (Logto's endpoint)."""
        return self.server.base_url

    @property
    def issuer(self) -> str:
        """`<base_url>/oidc`: the `iss` of every token."""
        return self.server.issuer

    @property
    def token_endpoint(self) -> str:
        """`<issuer>/token`."""
        return self.server.token_endpoint

    @property
    def jwks_uri(self) -> str:
        """`<issuer>/jwks`."""
        return self.server.jwks_uri

    @property
    def discovery_url(self) -> str:
        """`<issuer>/.well-known/openid-configuration`."""
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def management_api_indicator(self) -> str:
        """The audience of Management API tokens (`https://default.logto.app/api`)."""
        return self.server.settings.management_api_indicator

    # ------------------------------------------------------------------ state

    def reset(self, fixtures: Path | str | None = None) -> None:
        """Back to the tenant the test started with (or `fixtures`'), clock, log and faults."""
        self._runtime.reset(Path(fixtures) if fixtures is not None else self.fixtures)

    @property
    def clock(self) -> MockClock:
        """The server's clock: `time.time()` (so time-machine moves it) plus an offset."""
        return self._runtime.clock

    def advance_clock(self, seconds: int) -> int:
        """Move the server's time forward, only the server's; returns the new time.

        The code under test keeps the real time, so a token issued afterwards has an `iat` in its
        future. To move both, move `time.time()` (time-machine): the server's clock follows it.
        """
        return self.clock.advance(seconds)

    @property
    def requests(self) -> list[LoggedRequest]:
        """The requests the server received since the last reset, oldest first."""
        return list(self._runtime.control.requests)

    def requests_to(self, path: str, method: str | None = None) -> list[LoggedRequest]:
        """The logged requests to `path` (and `method`)."""
        return [r for r in self.requests if r.path == path and method in (None, r.method)]

    def deliveries(
        self, event: str | None = None, *, hook: str | None = None, wait: bool = True
    ) -> list[dict[str, Any]]:
        """The webhook deliveries made since the last reset, oldest first.

        `event` and `hook` filter. Each has its request (`headers`, raw `body`, parsed `json`)
        and the answer (`response.status`/`body`, or `error`). Waits for those in flight
        unless `wait=False`.
        """
        webhooks = self._runtime.webhooks
        if wait:
            webhooks.wait()
        return [
            d.to_dict()
            for d in webhooks.deliveries()
            if event in (None, d.event) and hook in (None, d.hook_id)
        ]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The emails and SMS the capturing connector received since the last reset.

        Each is `{channel, to, type, code, link, createdAt, payload}`, oldest first: what
        Logto would have sent through an email or SMS connector.
        """
        return [m.to_dict() for m in self._runtime.passcodes.messages]

    def latest_code(self, address: str) -> str | None:
        """The code of the newest message sent to `address` (an email or phone number)."""
        return self._runtime.passcodes.latest_code(address)

    def fail(
        self,
        path: str,
        *,
        status: int | None = 503,
        body: Any = None,
        method: str | None = None,
        count: int = 1,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """The next `count` requests to `path` answer `status` and `body` (after `delay`).

        `status=None` with a `delay` only slows the requests down.
        """
        return self._runtime.control.add_fault(
            Fault(
                path=path,
                method=method,
                count=count,
                status=status,
                body=body,
                headers=dict(headers or {}),
                delay=delay,
            )
        )

    def export(self, path: Path | str | None = None, *, format: Format | None = None) -> str:
        """The live tenant as a fixture file's text (YAML, or JSON), written to `path` if given.

        Fixtures plus every Management API change since: `reset(path)` in a later test or run,
        or `mock-logto serve --fixtures path`, gives the same Management API answers. The format
        is `format`, else `path`'s suffix (`.json`), else YAML.
        """
        kind: Format = format or ("json" if path and Path(path).suffix == ".json" else "yaml")
        tenant = self.runtime.tenant
        text = fixture_text(tenant, kind, header=export_header(tenant))
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def rotate_keys(self) -> str:
        """Sign with a new key from now on; returns its `kid`."""
        return self._runtime.rotate_keys()

    def issue_token(
        self,
        app: str,
        *,
        resource: str | None = None,
        scopes: Sequence[str] = (),
        user: str | None = None,
        organization: str | None = None,
        claims: dict[str, Any] | None = None,
        expires_in: int | None = None,
    ) -> str:
        """A JWT access token signed by the running server (see :meth:`Runtime.issue_token`)."""
        return self._runtime.issue_token(
            client=app,
            resource=resource,
            scopes=scopes,
            user=user,
            organization=organization,
            claims=claims,
            expires_in=expires_in,
        )

    def customize_claims(self, token_type: str, function: ClaimsFunction | None) -> None:
        """Add claims to access tokens with a Python function instead of a JavaScript script.

        `token_type` is `access-token` (user tokens) or `client-credentials`; `function` takes
        Logto's `{token, context, environmentVariables}` and returns the claims to add (raise
        :class:`~mock_logto.customjwt.config.DenyAccess` to refuse the token); None removes it.
        It wins over a script of the same kind and lasts until the next reset.
        """
        if token_type not in TOKEN_KEYS:
            raise ValueError(f"token_type must be one of {sorted(TOKEN_KEYS)}")
        self._runtime.changes += 1  # a change of the tenant: the next reset undoes it
        functions = self._runtime.tenant.custom_jwt.functions
        if function is None:
            functions.pop(token_type, None)
        else:
            functions[token_type] = function

    def check_errors(self) -> None:
        """Re-raise an exception a request raised inside the server."""
        self.server.check_errors()
