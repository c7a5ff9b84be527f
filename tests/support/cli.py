"""The `mock-logto` command as a process, as a user runs it (without their MOCK_LOGTO_*)."""

from __future__ import annotations

import os
import subprocess
import sys


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m mock_logto ARGS` with `env` added; its output captured as text."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_LOGTO_")}
    return subprocess.run(
        [sys.executable, "-m", "mock_logto", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, **env},
    )
