"""Compact JSON text with one encoder made once.

`json.dumps(..., separators=(",", ":"))` builds an encoder for every call; on the token endpoint
(the claims, then the answer) that was a measurable part of a request. The C encoder behind it
is made once here and reused (circular references are not checked: only data built by the
server is encoded this way).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

#: CPython's C encoder factory (absent on other implementations: then `json.dumps` is used).
_MAKE_ENCODER: Callable[..., Callable[[Any, int], list[str]]] | None = getattr(
    json.encoder, "c_make_encoder", None
)


def compact_encoder(*, allow_nan: bool) -> Callable[[Any], str]:
    """`json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=…)`, reused."""
    fallback = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=allow_nan)
    if _MAKE_ENCODER is None:
        return fallback.encode
    encode = _MAKE_ENCODER(
        None,
        fallback.default,
        json.encoder.encode_basestring,
        None,
        ":",
        ",",
        False,
        False,
        allow_nan,
    )

    def dumps(value: Any) -> str:
        if isinstance(value, str):  # the C encoder wants a container
            return fallback.encode(value)
        return "".join(encode(value, 0))

    return dumps
