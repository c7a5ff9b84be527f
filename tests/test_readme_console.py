"""The README's console and `serve` examples are true: what `serve` prints, `--watch`."""

from __future__ import annotations

import shlex

from mock_logto import __version__
from mock_logto.cli import _settings, build_parser, start_up_lines
from mock_logto.loader import load_tenant

from .support.apps import make_settings
from .support.paths import DEMO_FIXTURE
from .support.readme import code_blocks


def test_the_start_up_output_shown_is_what_serve_prints() -> None:
    [block] = [b for b in code_blocks("") if b.startswith("mock-logto ")]
    first, *rest = block.splitlines()
    tenant = load_tenant(DEMO_FIXTURE)
    # The path is the checkout's (or the installed package's) default.yaml.
    assert first.startswith(
        f"mock-logto {__version__}: issuer http://localhost:3001/oidc, listening on "
        "http://127.0.0.1:3001, fixtures /"
    )
    assert first.endswith(f"/fixtures/default.yaml ({tenant.summary()})")
    assert rest == start_up_lines(make_settings(), tenant)


def test_the_watch_example_is_a_serve_command_that_watches() -> None:
    [command] = [b for b in code_blocks("sh") if "--watch" in b]
    argv = shlex.split(command)
    assert argv[:2] == ["mock-logto", "serve"]
    args = build_parser().parse_args(argv[1:])
    settings = _settings(args)
    assert settings.watch is True
    assert str(settings.fixtures) == "tests/logto/tenant.yaml"
