"""Runtime settings, read from ``MOCK_LOGTO_*`` environment variables, a ``.env`` file or flags.

Every field carries a ``description``: the README's settings table and ``--help`` are built from
them, and a test fails when one is missing.

The environment and ``.env`` are read by pydantic-settings, imported only then: the pytest
plugin's settings (:class:`~mock_logto.testing.IsolatedSettings`) never read them, and a test
session should not pay for importing it.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SigningAlg = Literal["ES384", "RS256"]
ENV_PREFIX = "MOCK_LOGTO_"


class Settings(BaseModel):
    """How one mock-logto server behaves.

    `Settings(**values)` reads `MOCK_LOGTO_*` variables and the `.env` file (`_env_file=None`:
    no file) as pydantic-settings does; values given win over them.
    """

    model_config = ConfigDict(extra="ignore", frozen=True, validate_default=True)

    def __init__(self, _env_file: str | os.PathLike[str] | None = ".env", **values: Any) -> None:
        super().__init__(**{**self._environment(_env_file), **values})

    @classmethod
    def _environment(cls, env_file: str | os.PathLike[str] | None) -> dict[str, Any]:
        """The settings the environment and `env_file` set (values still unparsed)."""
        found: dict[str, Any] = _environment_reader()(_env_file=env_file).model_dump(
            exclude_unset=True
        )
        return found

    host: str = Field(
        "127.0.0.1",
        description="Interface to bind. Keep 127.0.0.1 outside a container.",
    )
    port: int = Field(3001, ge=0, le=65535, description="TCP port to listen on (Logto's is 3001).")
    public_url: str | None = Field(
        None,
        description=(
            "Base URL clients use to reach the server; the issuer is `<public_url>/oidc`. "
            "Default: `http://localhost:<port>`."
        ),
    )
    fixtures: Path | None = Field(
        None,
        description=(
            "Fixture file or directory (YAML/JSON) defining the tenant. "
            "Default: the bundled `default.yaml` demo tenant."
        ),
    )
    watch: bool = Field(
        False,
        description=(
            "`serve` only: read the fixture files again when they change (polled each second), "
            "keeping the signing keys, sessions and tokens; broken files are reported and the "
            "previous tenant kept."
        ),
    )
    key_file: Path | None = Field(
        None,
        description=(
            "JWKS file with the private signing key(s); created on first start if missing, so "
            "JWTs issued before a restart still verify (nothing else survives one). "
            "Default: a fresh key per start."
        ),
    )
    signing_alg: SigningAlg = Field(
        "ES384",
        description="Algorithm of generated keys: ES384 (P-384, Logto's default) or RS256.",
    )
    tenant_id: str = Field(
        "default", min_length=1, description="Tenant id (`tenantId` of entities; Cloud indicator)."
    )
    cloud: bool = Field(
        False,
        description=(
            "Behave as Logto Cloud: the Management API indicator becomes "
            "`https://<tenant_id>.logto.app/api` instead of `https://default.logto.app/api`."
        ),
    )
    access_token_exchange: bool = Field(
        False,
        description=(
            "Accept access tokens this server issued as token exchange subject tokens "
            "(`urn:ietf:params:oauth:token-type:access_token` with a value not starting `sub_`), "
            "as Logto with `ACCESS_TOKEN_EXCHANGE_ENABLED` or dev features; a stock Logto OSS "
            "refuses them (`invalid_grant`)."
        ),
    )
    auto_sign_in: str | None = Field(
        None,
        description=(
            "Username, email or id of a fixture user signed in at once by every `/oidc/auth` "
            "request (no sign-in page). Default: show the page."
        ),
    )
    control_api: bool = Field(
        True,
        description=(
            "Serve the test control API under `/__mock/` (reset, fixtures, clock, request log, "
            "faults, keys, tokens) and the web console at `/`."
        ),
    )
    control_token: str | None = Field(
        None,
        min_length=16,
        description=(
            "Secret the control API requires (`Authorization: Bearer <token>` or "
            "`X-Mock-Logto-Token`). Default: none on loopback; when the server listens beyond "
            "loopback without one, `serve` makes one up and prints it."
        ),
    )
    allowed_hosts: str = Field(
        "",
        description=(
            "Comma-separated `Host` names the control API also answers without a token (besides "
            "localhost, 127.0.0.1, ::1 and the public URL's host): a guard against DNS rebinding."
        ),
    )
    max_header_bytes: int = Field(
        16384,
        ge=1024,
        description="Largest request line plus headers, in bytes; larger answers 431 (Node's cap).",
    )
    header_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a connection may take to send its request headers; then it is closed.",
    )
    keep_alive_timeout: int = Field(
        5, ge=1, description="Seconds an idle keep-alive connection stays open (Node's default)."
    )
    max_connections: int = Field(
        1000,
        ge=1,
        description="Connections served at once; beyond it, new ones are refused.",
    )
    max_json_depth: int = Field(
        64, ge=1, description="Deepest nesting of a JSON body; deeper is a malformed body."
    )
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        "info", description="Log level of the server and uvicorn."
    )
    quiet: bool = Field(
        False,
        description=(
            "Print no line per request. Otherwise `serve` prints each request's time, method, "
            "path, status and duration at log level info or debug (coloured on a terminal)."
        ),
    )

    @property
    def base_url(self) -> str:
        """The public base URL without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://localhost:{self.port}"

    @property
    def listens_beyond_loopback(self) -> bool:
        """Whether other machines can reach the server (a container, `--host 0.0.0.0`)."""
        return self.host not in ("127.0.0.1", "localhost", "::1") and not self.host.startswith(
            "127."
        )

    @property
    def issuer(self) -> str:
        """The OIDC issuer, `<base_url>/oidc`, as Logto builds it."""
        return f"{self.base_url}/oidc"

    @property
    def management_api_indicator(self) -> str:
        """Indicator (audience) of the built-in Logto Management API resource."""
        tenant = self.tenant_id if self.cloud else "default"
        return f"https://{tenant}.logto.app/api"


@cache
def _environment_reader() -> type[Any]:
    """A pydantic-settings class with the settings' names, taking the values as they are."""
    from pydantic import create_model
    from pydantic_settings import BaseSettings, SettingsConfigDict

    class _Environment(BaseSettings):
        model_config = SettingsConfigDict(
            env_prefix=ENV_PREFIX,
            env_nested_delimiter="__",
            env_file=".env",
            extra="ignore",
        )

    fields: dict[str, Any] = {name: (Any, None) for name in Settings.model_fields}
    reader: type[Any] = create_model("Settings", __base__=_Environment, **fields)
    return reader
