"""Regenerate `openapi.json` from Logto's full document, cut to the served routes.

`python -m mock_logto.management.regenerate LOGTO_DOCUMENT.json`
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import openapi
from .router import SERVED, UNGUARDED


def main(argv: list[str]) -> int:
    """Write the subset of the document named by `argv[0]`."""
    source = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    served = [(m, "/api" + p) for m, p, _ in (*SERVED, *UNGUARDED)]
    document = json.dumps(openapi.subset(source, served), indent=1) + "\n"
    openapi.DOCUMENT.write_text(document, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
