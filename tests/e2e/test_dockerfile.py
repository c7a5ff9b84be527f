"""The Docker image's steps, run without a Docker engine (none runs here).

The Dockerfile is parsed; its RUN steps run in a fresh virtual environment over a copy of the
build context (container paths such as /fixtures mapped into a temporary root, `useradd`
skipped), then its ENTRYPOINT + CMD start with its ENV and the HEALTHCHECK command must pass.
`hadolint Dockerfile` runs in `make lint`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from ..support.dockerfile import env_of, image_env, instructions
from ..support.paths import ROOT
from ..support.server import free_port

pytestmark = pytest.mark.e2e


def test_dockerfile_follows_the_house_rules() -> None:
    steps = instructions()
    keywords = [k for k, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert ("EXPOSE", "3001") in steps
    assert ("USER", "10001") in steps and keywords.index("USER") > keywords.index("RUN")
    env = image_env()
    assert env["MOCK_LOGTO_HOST"] == "0.0.0.0"
    assert env["MOCK_LOGTO_FIXTURES"] == "/fixtures"
    # The dependencies layer comes before the source is copied in.
    first_run = keywords.index("RUN")
    copies = [a for k, a in steps if k == "COPY"]
    assert copies[0] == "requirements.lock ./"
    assert keywords.index("COPY", first_run) > first_run


def test_image_steps_build_and_serve_in_a_fresh_environment(tmp_path: Path) -> None:
    root = tmp_path / "root"  # stands for the container's /
    workdir = root / "app"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
    }

    def container_path(text: str) -> str:
        return text.replace("/fixtures", str(root / "fixtures"))

    entrypoint: list[str] = []
    command: list[str] = []
    healthcheck: list[str] = []
    for keyword, argument in instructions():
        if keyword == "WORKDIR":
            workdir = root / argument.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif keyword == "ENV":
            env.update({k: container_path(v) for k, v in env_of(argument).items()})
        elif keyword == "COPY":
            *sources, _ = argument.split()
            for source in sources:
                target = workdir / source
                if (ROOT / source).is_dir():
                    ignore = shutil.ignore_patterns("__pycache__")
                    shutil.copytree(ROOT / source, target, ignore=ignore)
                else:
                    shutil.copy(ROOT / source, target)
        elif keyword == "RUN":
            parts = [p for p in argument.split(" && ") if not p.strip().startswith("useradd")]
            subprocess.run(
                ["bash", "-ec", container_path(" && ".join(parts))],
                cwd=workdir,
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        elif keyword == "HEALTHCHECK":
            healthcheck = json.loads(argument.split(" CMD ", 1)[1])
        elif keyword == "ENTRYPOINT":
            entrypoint = json.loads(argument)
        elif keyword == "CMD":
            command = json.loads(argument)

    port = str(free_port())
    # The image binds 0.0.0.0 in its own network namespace; here, loopback is enough.
    env.update({"MOCK_LOGTO_PORT": port, "MOCK_LOGTO_HOST": "127.0.0.1"})
    executable = shutil.which(entrypoint[0], path=env["PATH"])
    assert executable is not None and executable.startswith(str(venv))
    server = subprocess.Popen(
        [executable, *entrypoint[1:], *command],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while subprocess.run(healthcheck, env=env, capture_output=True).returncode != 0:
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "the HEALTHCHECK never passed"
            time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/oidc/token",
            data=b"grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com",
            headers={"Authorization": "Basic ZGVtby1tMm06ZGVtby1tMm0tc2VjcmV0"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.load(response)["token_type"] == "Bearer"
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert f"fixtures {root / 'fixtures'}" in output


def test_the_image_pins_every_runtime_dependency() -> None:
    """requirements.lock (`make lock`) names each [project] dependency at one exact version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = [
        line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    pins = {line.split("==")[0].lower().replace("_", "-"): line for line in lines}
    assert all("==" in line for line in lines)
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in requirements.lock"
