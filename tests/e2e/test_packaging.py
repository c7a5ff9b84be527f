"""The wheel carries the default fixtures, so `pip install mock-logto` serves anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..support.paths import ROOT

pytestmark = pytest.mark.e2e


def test_wheel_bundles_fixtures_and_serves_them_outside_the_repository(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("mock_logto-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {
            "mock_logto/py.typed",
            "mock_logto/_fixtures/default.yaml",
            "mock_logto/_fixtures/logto-golden.yaml",
            # The web console's page, script and style.
            "mock_logto/templates/console.html",
            "mock_logto/static/console.js",
            "mock_logto/static/console.css",
        } <= names
        assert not any(name.startswith(("tests/", "fixtures/")) for name in names)
        site = tmp_path / "site"
        archive.extractall(site)

    work = tmp_path / "elsewhere"
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "mock_logto", "check-fixtures"],
        capture_output=True,
        text=True,
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(site)},
        check=True,
    )
    bundled = site / "mock_logto" / "_fixtures" / "default.yaml"
    assert result.stdout == (
        f"ok: {bundled}: 4 applications, 2 API resources, 4 roles, 2 users, 1 organizations\n"
    )
