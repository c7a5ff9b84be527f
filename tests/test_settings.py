"""Settings: documented, read from the environment, overridden by flags."""

from __future__ import annotations

import argparse

import pytest

from mock_logto.cli import _settings, build_parser
from mock_logto.settings import Settings

from .support.apps import make_settings


def test_every_setting_is_described() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_defaults_match_logto_oss() -> None:
    settings = make_settings()
    assert (settings.host, settings.port, settings.issuer, settings.management_api_indicator) == (
        "127.0.0.1",
        3001,
        "http://localhost:3001/oidc",
        "https://default.logto.app/api",
    )


def test_public_url_follows_the_port_unless_set() -> None:
    assert make_settings(port=4000).issuer == "http://localhost:4000/oidc"
    assert make_settings(public_url="https://auth.test/").issuer == "https://auth.test/oidc"


def test_cloud_indicator_uses_the_tenant_id() -> None:
    settings = make_settings(cloud=True, tenant_id="t1")
    assert settings.management_api_indicator == "https://t1.logto.app/api"
    assert make_settings(tenant_id="t1").management_api_indicator == "https://default.logto.app/api"


def test_environment_is_read_and_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_LOGTO_PORT", "4100")
    monkeypatch.setenv("MOCK_LOGTO_CLOUD", "true")
    monkeypatch.setenv("MOCK_LOGTO_TENANT_ID", "envtenant")
    args = build_parser().parse_args(["serve", "--port", "4200", "--no-cloud"])
    settings = _settings(args)
    assert (settings.port, settings.cloud, settings.tenant_id) == (4200, False, "envtenant")


def test_every_setting_has_a_serve_flag() -> None:
    [commands] = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    serve = commands.choices["serve"]
    flags = {option for action in serve._actions for option in action.option_strings}
    for name in Settings.model_fields:
        assert "--" + name.replace("_", "-") in flags
