"""The repository's files the tests read."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FIXTURES = ROOT / "fixtures"
#: The demo tenant: what `mock-logto serve` and the pytest plugin serve by default.
DEMO_FIXTURE = FIXTURES / "default.yaml"
#: The tenant of Logto's recorded scenario, with the same ids and secrets.
GOLDEN_FIXTURE = FIXTURES / "logto-golden.yaml"
#: Logto's recordings (tests/golden/README.md).
GOLDEN = ROOT / "tests" / "golden"
#: The second batch of Logto's recordings (copied from shared/logto-golden-2, see its README).
GOLDEN2 = ROOT / "tests" / "golden2"
