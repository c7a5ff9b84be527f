"""The bench scripts still run against the package (they are not part of the suite otherwise)."""

from __future__ import annotations

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
