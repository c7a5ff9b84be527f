"""`mock-logto`: serve the mock, check fixture files, make tokens and keys.

Every setting is a flag of `serve` (built from :class:`Settings`, so the two never drift);
flags win over `MOCK_LOGTO_*` variables, which win over `.env`. Problems are printed as one
line each on stderr, with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import ValidationError

from . import __version__
from .app import create_app
from .clock import system_clock
from .errors import FixtureError, MockLogtoError
from .http.console import ConsoleLog
from .keys import KeyStore
from .loader import default_fixture_path, load_tenant
from .models import Tenant
from .runtime import load_keys, load_settings_tenant
from .settings import Settings

if TYPE_CHECKING:
    import urllib.error

logger = logging.getLogger("mock_logto")

EXIT_PROBLEM = 2


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _add_settings_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per setting, with the setting's description as help."""
    for name, field in Settings.model_fields.items():
        help_text = field.description or ""
        if field.annotation is bool:
            parser.add_argument(
                _flag(name), dest=name, action=argparse.BooleanOptionalAction, help=help_text
            )
            continue
        choices = None
        args = get_args(field.annotation)
        if args and all(isinstance(a, str) for a in args):
            choices = list(args)
        parser.add_argument(_flag(name), dest=name, choices=choices, help=help_text)


def build_parser() -> argparse.ArgumentParser:
    """The `mock-logto` argument parser."""
    parser = argparse.ArgumentParser(
        prog="mock-logto",
        description="A local stand-in for the Logto authorization server, for tests.",
    )
    parser.add_argument("--version", action="version", version=f"mock-logto {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the OIDC endpoints and Management API",
        description="Serve mock Logto. Every flag can also be set as MOCK_LOGTO_<NAME>.",
    )
    _add_settings_flags(serve)

    check = commands.add_parser(
        "check-fixtures",
        help="validate fixture files and report every problem",
        description="Load fixture files as `serve` would; exit 2 if any entry is wrong.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="fixture files or directories, each checked on its own (default: default.yaml)",
    )

    token = commands.add_parser(
        "token",
        help="print an access token from a running server",
        description=(
            "Ask a running mock-logto (its /__mock/tokens) for a JWT access token; it verifies "
            "against that server's JWKS. Scopes are taken as given."
        ),
    )
    token.add_argument("--app", required=True, help="application id or name (client_id)")
    token.add_argument("--resource", help="API resource indicator (the audience)")
    token.add_argument(
        "--scope", action="append", default=[], metavar="SCOPE", help="a scope (repeatable)"
    )
    token.add_argument("--user", help="user id, username or email (default: the app itself)")
    token.add_argument("--organization", help="organization id or name")
    token.add_argument(
        "--claim",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="an extra claim; the value is JSON if it parses, else a string (repeatable)",
    )
    token.add_argument("--expires-in", type=int, help="lifetime in seconds")
    token.add_argument("--decode", action="store_true", help="print header and claims as JSON")
    token.add_argument(
        "--control-token",
        default=None,
        help="the server's control API token (default: $MOCK_LOGTO_CONTROL_TOKEN)",
    )
    token.add_argument(
        "--url",
        default=None,
        help="base URL of the running server (default: $MOCK_LOGTO_URL or http://localhost:3001)",
    )

    sign_in = commands.add_parser(
        "sign-in",
        help="sign a user in to an app through a running server and print the tokens",
        description=(
            "The real flow, as an app runs it: /oidc/auth (PKCE, login_hint), the code, the "
            "token endpoint. Prints the token response as JSON."
        ),
    )
    sign_in.add_argument("--app", required=True, help="application id (client_id)")
    sign_in.add_argument("--user", required=True, help="username or email of the user")
    sign_in.add_argument("--secret", help="the app's secret (confidential apps)")
    sign_in.add_argument("--redirect-uri", help="needed when the app has several")
    sign_in.add_argument("--resource", help="API resource indicator: a JWT access token for it")
    sign_in.add_argument("--organization", help="organization id: adds an organization token")
    sign_in.add_argument(
        "--scope",
        action="append",
        default=None,
        metavar="SCOPE",
        help="a scope (repeatable; default: openid profile offline_access)",
    )
    sign_in.add_argument("--decode", action="store_true", help="print the JWTs' claims too")
    sign_in.add_argument(
        "--url",
        default=None,
        help="base URL of the running server (default: $MOCK_LOGTO_URL or http://localhost:3001)",
    )

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of fixture files",
        description=(
            "The fixture format as a JSON Schema, for editors: point a YAML language server at "
            "it (`# yaml-language-server: $schema=mock-logto.schema.json`)."
        ),
    )
    schema.add_argument("-o", "--output", type=Path, help="write it to this file instead")

    _add_export_parser(commands)
    _add_import_parser(commands)

    keys = commands.add_parser(
        "keys",
        help="create or show a signing key file",
        description="Key files keep tokens valid across restarts (`serve --key-file PATH`).",
    )
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    generate = key_commands.add_parser("generate", help="write a new private JWKS file")
    generate.add_argument("path", type=Path, metavar="PATH")
    generate.add_argument("--alg", choices=["ES384", "RS256"], default="ES384")
    generate.add_argument("--force", action="store_true", help="replace an existing file")
    show = key_commands.add_parser("show", help="print the public JWKS of a key file")
    show.add_argument("path", type=Path, metavar="PATH")
    return parser


def _add_export_parser(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="save a running server's live tenant as a fixture file",
        description=(
            "Write the tenant a running mock-logto serves (its fixtures plus every Management "
            "API change since) as a fixture file, to load in a later run."
        ),
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write here (default: stdout)"
    )
    export.add_argument(
        "--format",
        choices=["yaml", "json"],
        default=None,
        help="default: json for a FILE ending in .json, else yaml",
    )
    export.add_argument(
        "--control-token",
        default=None,
        help="the server's control API token (default: $MOCK_LOGTO_CONTROL_TOKEN)",
    )
    export.add_argument(
        "--url",
        default=None,
        help="base URL of the running server (default: $MOCK_LOGTO_URL or http://localhost:3001)",
    )


def _add_import_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="write a real Logto tenant as a fixture file",
        description=(
            "Read a Logto tenant (Cloud or self-hosted) through its Management API, with an M2M "
            "app that has the role 'Logto Management API access', and write it as a fixture "
            "file: ids kept, passwords generated (Logto never returns them)."
        ),
    )
    parser.add_argument("--endpoint", required=True, help="Logto's URL, e.g. https://x.logto.app")
    parser.add_argument("--app-id", required=True, help="the M2M app's id")
    parser.add_argument(
        "--app-secret",
        default=None,
        help="the M2M app's secret (default: $MOCK_LOGTO_IMPORT_APP_SECRET, kept out of `ps`)",
    )
    parser.add_argument(
        "--tenant-id",
        default=None,
        help="Logto Cloud's tenant id (default: from a <tenant>.logto.app endpoint; else OSS)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="YAML file to write (default: stdout)"
    )
    for kind in ("users", "organizations"):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            f"--{kind}", type=int, metavar="N", help=f"at most N {kind} (the newest first)"
        )
        group.add_argument(
            f"--no-{kind}", dest=kind, action="store_const", const=0, help=f"no {kind}"
        )
    parser.add_argument(
        "--password", help="this password for every user who has one (default: generated)"
    )
    parser.add_argument(
        "--no-secrets",
        dest="secrets",
        action="store_false",
        help="placeholders instead of the secrets Logto returns (for a file to commit)",
    )


def _import(args: argparse.Namespace) -> int:
    from .transfer.importer import ImportOptions, import_tenant
    from .transfer.logto import ManagementClient, Progress

    output: Path | None = args.output
    if output is not None and output.suffix == ".json":
        raise MockLogtoError(f"{output}: import writes YAML, whose comments mark what it made up")
    secret = args.app_secret or os.environ.get("MOCK_LOGTO_IMPORT_APP_SECRET")
    if not secret:
        raise MockLogtoError("give --app-secret or set MOCK_LOGTO_IMPORT_APP_SECRET")
    for name in ("users", "organizations"):
        if (getattr(args, name) or 0) < 0:
            raise MockLogtoError(f"--{name} takes a count (0 or more)")
    client = ManagementClient(
        args.endpoint,
        args.app_id,
        secret,
        tenant_id=args.tenant_id,
        progress=Progress(sys.stderr),
    )
    options = ImportOptions(
        users=args.users,
        organizations=args.organizations,
        password=args.password,
        secrets=args.secrets,
    )
    imported = import_tenant(client, options)
    text = imported.text()
    if output is None:
        sys.stdout.write(text)
    else:
        # Real secrets may be in it: a new file is readable by its owner only.
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        print(f"wrote {output}: {imported.tenant.summary()}", file=sys.stderr)
    problems = imported.problems(str(output or "stdout"))
    if problems:
        raise FixtureError([*problems, "the file was written; fix these lines by hand"])
    return 0


def _export(args: argparse.Namespace) -> int:
    from .transfer.export import export_fixtures

    base = args.url or os.environ.get("MOCK_LOGTO_URL") or "http://localhost:3001"
    output: Path | None = args.output
    kind: Literal["yaml", "json"] = args.format or (
        "json" if output and output.suffix == ".json" else "yaml"
    )
    text = export_fixtures(
        base,
        format=kind,
        control_token=args.control_token or os.environ.get("MOCK_LOGTO_CONTROL_TOKEN"),
    )
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return 0


def _claim(text: str) -> tuple[str, Any]:
    name, equals, raw = text.partition("=")
    if not equals or not name:
        raise MockLogtoError(f"--claim {text}: expected NAME=VALUE")
    try:
        return name, json.loads(raw)
    except ValueError:
        return name, raw


def _token(args: argparse.Namespace) -> int:
    base = (args.url or os.environ.get("MOCK_LOGTO_URL") or "http://localhost:3001").rstrip("/")
    payload: dict[str, Any] = {"app": args.app, "scopes": args.scope}
    for key, value in (
        ("resource", args.resource),
        ("user", args.user),
        ("organization", args.organization),
        ("expiresIn", args.expires_in),
    ):
        if value is not None:
            payload[key] = value
    if args.claim:
        payload["claims"] = dict(_claim(c) for c in args.claim)
    answer = control_call(base, "POST", "/tokens", payload, args.control_token)
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(token, str):
        raise MockLogtoError(f"{base} is not mock-logto: its /__mock/tokens answer has no token")
    if args.decode:
        print(json.dumps(_decode(token), indent=2))
    else:
        print(token)
    return 0


def control_call(
    base: str, method: str, path: str, payload: Any = None, token: str | None = None
) -> Any:
    """A request to a running server's control API; every failure is one clear sentence."""
    # Imported here: urllib.request (http.client, email) would slow every start of `serve`.
    import urllib.error
    import urllib.request

    headers = {"Content-Type": "application/json"}
    token = token or os.environ.get("MOCK_LOGTO_CONTROL_TOKEN")
    if token:
        headers["X-Mock-Logto-Token"] = token
    request = urllib.request.Request(  # noqa: S310 - the URL is the user's own server
        f"{base}/__mock{path}",
        data=None if payload is None else json.dumps(payload).encode(),
        headers=headers,
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise MockLogtoError(_control_refusal(base, exc)) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise MockLogtoError(
            f"cannot reach {base} ({reason}); is `mock-logto serve` running there?"
        ) from exc
    except ValueError as exc:
        raise MockLogtoError(f"{base} is not mock-logto: its answer is not JSON") from exc


def _control_refusal(base: str, error: urllib.error.HTTPError) -> str:
    """What a control API refusal means, from its body (mock-logto's own errors say `mock.*`)."""
    try:
        body = json.load(error)
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, str) or not code.startswith("mock."):
        if error.code == 404:
            return f"{base} has no control API: not mock-logto, or serving with --no-control-api"
        return f"{base} is not mock-logto's control API (HTTP {error.code})"
    message = str(body.get("message", code)) if isinstance(body, dict) else code
    if code == "mock.unauthorized":
        message += " Pass --control-token or set MOCK_LOGTO_CONTROL_TOKEN."
    return message


def _decode(token: str) -> dict[str, Any]:
    header, claims = (
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        for part in token.split(".")[:2]
    )
    return {"header": header, "claims": claims}


def _sign_in(args: argparse.Namespace) -> int:
    from .sign_in import SignIn, run

    base = (args.url or os.environ.get("MOCK_LOGTO_URL") or "http://localhost:3001").rstrip("/")
    tokens = run(
        SignIn(
            base_url=base,
            app=args.app,
            user=args.user,
            secret=args.secret,
            redirect_uri=args.redirect_uri,
            resource=args.resource,
            organization=args.organization,
            scopes=tuple(args.scope or ()),
        )
    )
    if args.decode:
        tokens["decoded"] = {
            name: _decode(value)
            for name, value in tokens.items()
            if isinstance(value, str) and value.count(".") == 2
        }
    print(json.dumps(tokens, indent=2))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .loader.json_schema import schema_text

    if args.output is None:
        sys.stdout.write(schema_text())
    else:
        args.output.write_text(schema_text(), encoding="utf-8")
    return 0


def _keys(args: argparse.Namespace) -> int:
    if args.keys_command == "generate":
        if args.path.exists() and not args.force:
            raise MockLogtoError(f"{args.path} exists; add --force to replace it")
        store = KeyStore.generate(args.alg)
        store.write(args.path)
        print(f"wrote {args.path}: {args.alg} key {store.current.kid}")
        return 0
    if not args.path.exists():
        raise MockLogtoError(f"{args.path}: no such key file")
    print(json.dumps(KeyStore.from_file(args.path).public_jwks(), indent=2))
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        name: getattr(args, name)
        for name in Settings.model_fields
        if getattr(args, name, None) is not None
    }
    return Settings(**overrides)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .http.serving import listening_socket, uvicorn_config

    settings = _settings(args)
    sock = listening_socket(settings.host, settings.port)
    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    made_up_token = False
    if settings.listens_beyond_loopback and settings.control_api and not settings.control_token:
        made_up_token = True
        # Reachable from other machines: the control API must not be open to them.
        settings = settings.model_copy(update={"control_token": secrets.token_urlsafe(24)})
        logger.warning(
            "mock-logto: listening beyond loopback; the control API needs the token %s "
            "(X-Mock-Logto-Token, or set MOCK_LOGTO_CONTROL_TOKEN)",
            settings.control_token,
        )
    tenant = load_settings_tenant(settings, system_clock)
    keys = load_keys(settings)
    console = _console(settings)
    app = create_app(settings, tenant=tenant, keys=keys, console=console)
    fixtures = settings.fixtures or default_fixture_path()
    logger.info(
        "mock-logto %s: issuer %s, listening on http://%s:%s, fixtures %s (%s)",
        __version__,
        settings.issuer,
        settings.host,
        settings.port,
        fixtures,
        tenant.summary(),
    )
    for line in start_up_lines(settings, tenant, show_token=made_up_token):
        logger.info("%s", line)
    config = uvicorn_config(
        app,
        settings,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,  # the console line says more, for less
        ws="none",  # nothing is served over WebSocket; importing wsproto slows the start
    )
    # uvicorn re-raises Ctrl-C after its graceful shutdown: that is a clean stop.
    if settings.watch:
        from .watch import FixtureWatcher, WatchingServer

        server: uvicorn.Server = WatchingServer(config, FixtureWatcher(app.state.runtime, fixtures))
    else:
        server = uvicorn.Server(config)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
    finally:
        if console is not None:
            console.flush()
    return 0


def start_up_lines(settings: Settings, tenant: Tenant, *, show_token: bool = False) -> list[str]:
    """What `serve` prints under its first line: the URLs that matter, the demo's credentials.

    The console's URL carries the control token in its fragment only when `serve` made the token
    up (it is printed anyway); a token the user set is never printed.
    """
    base = settings.base_url
    lines = []
    if settings.control_api:
        console = f"{base}/"
        if settings.control_token is not None:
            console += f"#token={settings.control_token}" if show_token else " (asks for the token)"
        lines.append(f"  console    {console}")
    lines.append(f"  discovery  {settings.issuer}/.well-known/openid-configuration")
    lines.append(f"  token      {settings.issuer}/token")
    if settings.watch:
        lines.append("  watching   the fixture files: a change is served without a restart")
    if settings.fixtures is None and "demo-m2m" in tenant.applications:
        lines.append(
            "  demo       app demo-m2m / demo-m2m-secret (client_credentials), "
            "user alice / alice-password (sign-in page)"
        )
    return lines


def _console(settings: Settings) -> ConsoleLog | None:
    """One line per request on stdout, unless quiet (or the log level is above info)."""
    if settings.quiet or settings.log_level not in ("info", "debug"):
        return None
    return ConsoleLog(sys.stdout)


def _check_fixtures(args: argparse.Namespace) -> int:
    """Check each path on its own, as `serve --fixtures PATH` would load it."""
    problems: list[str] = []
    for path in args.paths or [default_fixture_path()]:
        try:
            tenant = load_tenant(path)
        except FixtureError as exc:
            problems.extend(exc.problems)
            continue
        print(f"ok: {path}: {tenant.summary()}")
    if problems:
        raise FixtureError(problems)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "token":
            return _token(args)
        if args.command == "keys":
            return _keys(args)
        if args.command == "export":
            return _export(args)
        if args.command == "import":
            return _import(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "sign-in":
            return _sign_in(args)
        return _check_fixtures(args)
    except FixtureError as exc:
        for problem in exc.problems:
            print(f"mock-logto: {problem}", file=sys.stderr)
        return EXIT_PROBLEM
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"])
            print(f"mock-logto: setting {name}: {error['msg']}", file=sys.stderr)
        return EXIT_PROBLEM
    except (MockLogtoError, OSError) as exc:
        print(f"mock-logto: {exc}", file=sys.stderr)
        return EXIT_PROBLEM


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
