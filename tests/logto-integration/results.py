"""Turn jest's `--json` report of Logto's integration tests into RESULTS.md tables.

Usage: python tests/logto-integration/results.py REPORT.json [MOCK_COMMIT] > RESULTS.md

Per file: tests passed/failed and the first error; then the failures grouped by cause (a route
answering 501, an error expected but the request accepted, a wrong status, a wrong body, ...),
so that what blocks most tests comes first. Standard library only: run it with any Python.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ANSI = re.compile(r"\x1b\[[0-9;]*m")
HTTP_ERROR = re.compile(
    r"Request failed with status code (\d{3})[^:]*: (GET|POST|PUT|PATCH|DELETE) (\S+)"
)
ID_LIKE = re.compile(r"(?<=/)(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{10,}")


def clean(message: str) -> str:
    """The first meaningful lines of a jest failure message, without colours and stack."""
    lines = [line.rstrip() for line in ANSI.sub("", message).splitlines()]
    kept = [line for line in lines if line.strip() and not line.lstrip().startswith("at ")]
    return " ".join(" ".join(kept[:6]).split())


def route(method: str, url: str) -> str:
    """`METHOD /api/path` with ids replaced by `:id`, so that causes group."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    return f"{method} {ID_LIKE.sub(':id', path)}"


def cause(message: str) -> str:
    text = clean(message)
    http = HTTP_ERROR.search(text)
    if http:
        status, method, url = http.groups()
        if status == "501":
            return f"route answers 501: {route(method, url)}"
        return f"unexpected {status} from {route(method, url)}"
    if "Received promise resolved instead of rejected" in text:
        return "an error was expected, the request succeeded (missing validation or check)"
    if "Exceeded timeout" in text:
        return "timeout"
    if "toMatchObject" in text or "toEqual" in text or "toStrictEqual" in text:
        if "status" in text and re.search(r"[\"']?status[\"']?: \d{3}", text):
            return "wrong status or error code"
        return "wrong body (toEqual/toMatchObject)"
    if "toBe(" in text or "toHaveLength" in text or "toContain" in text:
        return "wrong value (toBe/toHaveLength/toContain)"
    if "fetch failed" in text or "ECONNREFUSED" in text:
        return "request to a server that does not exist here (admin tenant, console, social)"
    return "other: " + text[:100]


def main() -> None:
    report: dict[str, Any] = json.loads(Path(sys.argv[1]).read_text())
    commit = sys.argv[2] if len(sys.argv) > 2 else "?"
    rows: list[tuple[str, int, int, str]] = []
    groups: dict[str, list[str]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for result in sorted(report["testResults"], key=lambda r: r["name"]):
        name = result["name"].split("/lib/tests/", 1)[-1].replace(".test.js", ".test.ts")
        tests = result["assertionResults"]
        passed = sum(t["status"] == "passed" for t in tests)
        failed = [t for t in tests if t["status"] == "failed"]
        first = ""
        if failed:
            first = clean(failed[0]["failureMessages"][0])[:160]
        elif not tests and result.get("message"):
            first = clean(result["message"])[:160]
            failed = [{"fullName": "(file)", "failureMessages": [result["message"]]}]
        for test in failed:
            groups[cause(test["failureMessages"][0])].append(f"{name}: {test['fullName']}")
        totals["passed"] += passed
        totals["failed"] += len(failed)
        rows.append((name, passed, len(failed), first))
    out = [
        "# Logto's integration tests against mock-logto",
        "",
        f"Mock built from main at `{commit}`; suite: Logto v1.37.0 packages/integration-tests,",
        "run with `tests/logto-integration/run.sh test URL` (see the README section).",
        "",
        f"**{totals['passed']} passed, {totals['failed']} failed** in {len(rows)} files.",
        "",
        "## Failures grouped by cause",
        "",
        "| tests | cause |",
        "|---:|---|",
    ]
    for reason, tests in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        out.append(f"| {len(tests)} | {reason} |")
    out += [
        "",
        "## Per file",
        "",
        "| file | passed | failed | first error |",
        "|---|---:|---:|---|",
    ]
    for name, passed, n_failed, first in rows:
        first = first.replace("|", "\\|")
        out.append(f"| {name} | {passed} | {n_failed} | {first} |")
    out += ["", "## Failed tests by cause", ""]
    for reason, tests in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
        out.append(f"### {reason} ({len(tests)})")
        out.append("")
        out += [f"- {test}" for test in tests]
        out.append("")
    print("\n".join(out).rstrip())


if __name__ == "__main__":
    main()
