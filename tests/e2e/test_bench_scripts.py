"""The bench scripts still run against the package (they are not part of the suite otherwise)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"


@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("custom_jwt.py", ["--tokens", "20"]),
        ("sign_ins_and_memory.py", ["--flows", "20"]),
        ("startup_and_tokens.py", ["--runs", "1", "--seconds", "0.3", "--clients", "1"]),
        (
            "plugin_costs.py",
            ["--tests", "2", "--runs", "1", "--seconds", "1", "--rounds", "1", "--no-xdist"],
        ),
    ],
)
def test_a_bench_script_runs_and_prints_its_figures(script: str, args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "per second" in result.stdout


def test_the_plugin_costs_script_runs_without_wrk() -> None:
    """Without wrk on the PATH, the side-by-side figures come from a Python client."""
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    env["PATH"] = str(Path(sys.executable).parent)
    result = subprocess.run(
        [sys.executable, str(BENCH / "plugin_costs.py"), "--only", "d", "--seconds", "0.3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "a Python client" in result.stdout
    assert "x the static JSON response with the same headers" in result.stdout
