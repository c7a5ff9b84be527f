"""`mock-logto`: serve the mock, or check fixture files.

Every setting is a flag of `serve` (built from :class:`Settings`, so the two never drift);
flags win over `MOCK_LOGTO_*` variables, which win over `.env`. Problems are printed as one
line each on stderr, with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from . import __version__
from .app import create_app, load_keys, load_settings_tenant, system_clock
from .errors import FixtureError, MockLogtoError
from .loader import default_fixture_path, load_tenant
from .settings import Settings

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
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        name: getattr(args, name)
        for name in Settings.model_fields
        if getattr(args, name, None) is not None
    }
    return Settings(**overrides)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings(args)
    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    tenant = load_settings_tenant(settings, system_clock)
    keys = load_keys(settings)
    app = create_app(settings, tenant=tenant, keys=keys)
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
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=settings.log_level == "debug",
        lifespan="off",
        server_header=False,
    )
    # uvicorn re-raises Ctrl-C after its graceful shutdown: that is a clean stop.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run()
    return 0


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
