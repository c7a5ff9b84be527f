"""npm packages for e2e tests: installed once into a cache folder, or a reason to skip."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

NODE_SCRIPTS = Path(__file__).resolve().parent / "node"
#: Without a registry, fail in seconds rather than npm's minute of retries.
QUICK_FAIL = ("--fetch-retries=1", "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=3000")


def cache_root() -> Path:
    """`MOCK_LOGTO_NPM_CACHE`, else ~/.cache/mock-logto/npm: reruns need no network."""
    configured = os.environ.get("MOCK_LOGTO_NPM_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "mock-logto" / "npm"


def install(spec: str, script: str) -> tuple[Path | None, str]:
    """A folder holding `spec` (e.g. `@logto/api@1.31.0`) and a copy of `NODE_SCRIPTS/script`,
    or None and why not (no node or npm, no registry)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None, "node and npm are not installed"
    folder = cache_root() / spec.replace("/", "+").replace("@", "_")
    if not (folder / "node_modules" / ".package-lock.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"private": true, "type": "module"}\n')
        try:
            done = subprocess.run(
                [
                    "npm",
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    *QUICK_FAIL,
                    spec,
                ],
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired:
            return None, f"npm install {spec} timed out (no registry?)"
        if done.returncode != 0:
            return None, f"npm install {spec} failed (no registry?): {done.stderr[-300:]}"
    shutil.copy(NODE_SCRIPTS / script, folder / script)
    return folder, ""
