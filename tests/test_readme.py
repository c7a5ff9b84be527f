"""The README's settings table, fixture example and error example are true."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from mock_logto.cli import main
from mock_logto.loader import load_tenant
from mock_logto.settings import Settings

from .support.apps import ClientFactory
from .support.dockerfile import image_env
from .support.paths import DEMO_FIXTURE, GOLDEN_FIXTURE, README
from .support.readme import code_blocks, settings_rows


def test_settings_table_lists_every_setting_as_it_is() -> None:
    text = README.read_text()
    table = [line for line in text.splitlines() if line.startswith("| `")]
    settings_table = [line for line in table if "MOCK_LOGTO_" in line]
    assert settings_table == settings_rows()


def test_fixture_example_is_a_valid_fixture(tmp_path: Path) -> None:
    [example] = [b for b in code_blocks("yaml") if b.startswith("resources:")]
    path = tmp_path / "example.yaml"
    path.write_text(example)
    tenant = load_tenant(path)
    assert tenant.applications["demo-m2m"].secrets[0].value == "demo-m2m-secret"
    assert [o.name for o in tenant.organizations.values()] == ["Acme"]


def test_error_example_is_what_check_fixtures_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [example] = [b for b in code_blocks("") if b.startswith("mock-logto: ")]
    path = tmp_path / "tenant.yaml"
    path.write_text("users:\n  - {username: alice, roles: [admin]}\n")
    assert main(["check-fixtures", str(path)]) == 2
    printed = capsys.readouterr().err
    assert printed == example.replace("fixtures/tenant.yaml", str(path))


def test_compose_example_runs_the_image_beside_an_app() -> None:
    [block] = [b for b in code_blocks("yaml") if b.startswith("services:")]
    services = yaml.safe_load(block)["services"]
    logto = services["logto"]
    assert logto["build"] == "."
    assert logto["ports"] == ["3001:3001"]
    assert logto["volumes"] == ["./tests/logto:/fixtures:ro"]
    assert set(logto["environment"]) <= {f"MOCK_LOGTO_{n.upper()}" for n in Settings.model_fields}
    assert logto["environment"]["MOCK_LOGTO_PUBLIC_URL"] == "http://logto:3001"
    assert "MOCK_LOGTO_HOST" in image_env()
    app = services["app"]
    assert app["depends_on"] == {"logto": {"condition": "service_healthy"}}
    assert app["environment"]["LOGTO_ENDPOINT"] == "http://logto:3001"


def test_ci_example_uses_the_image_as_a_service_container() -> None:
    [block] = [b for b in code_blocks("yaml") if b.startswith("jobs:")]
    job = yaml.safe_load(block)["jobs"]["test"]
    service = job["services"]["logto"]
    assert service["ports"] == ["3001:3001"]
    assert "--health-cmd" in service["options"]
    assert job["env"]["LOGTO_ENDPOINT"] == "http://localhost:3001"
    token = job["env"]["MOCK_LOGTO_CONTROL_TOKEN"]
    assert service["env"]["MOCK_LOGTO_CONTROL_TOKEN"] == token


def test_ci_example_loads_the_jobs_own_fixtures_as_written(make_client: ClientFactory) -> None:
    """The job's curl step, sent to a server set up as the service container is."""
    [block] = [b for b in code_blocks("yaml") if b.startswith("jobs:")]
    job = yaml.safe_load(block)["jobs"]["test"]
    [command] = [s["run"] for s in job["steps"] if "__mock/fixtures" in s.get("run", "")]
    words = shlex.split(command.replace("$MOCK_LOGTO_CONTROL_TOKEN", "TOKEN"))
    assert words[:4] == ["curl", "-fsS", "-X", "PUT"]
    url, headers = words[4], [words[i + 1] for i, w in enumerate(words) if w == "-H"]
    assert url == "http://localhost:3001/__mock/fixtures"
    assert words[-2:] == ["--data-binary", "@tests/logto/tenant.yaml"]
    token = job["env"]["MOCK_LOGTO_CONTROL_TOKEN"]
    client = make_client(DEMO_FIXTURE, control_token=token, host="0.0.0.0")
    loaded = client.put(
        "/__mock/fixtures",
        content=GOLDEN_FIXTURE.read_bytes(),
        headers={
            name: value.replace("TOKEN", token)
            for name, value in (header.split(": ", 1) for header in headers)
        },
    )
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["tenant"].startswith("4 applications")
