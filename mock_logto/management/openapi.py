"""The OpenAPI document of what mock-logto serves under `/api`.

`openapi.json` beside this module is the part of Logto's own document (v1.37.0,
`/api/swagger.json`) covering the served routes, with the components they reference. It is
served at `GET /api/swagger.json`, as Logto serves its own. Regenerate it from Logto's full
document with `python -m mock_logto.management.regenerate LOGTO_DOCUMENT.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOCUMENT = HERE / "openapi.json"
_PARAM = re.compile(r"\{[^}]+\}")


def template_key(method: str, path: str) -> tuple[str, str]:
    """A route's identity whatever its parameters are named: (`GET`, `/api/users/{}`)."""
    return method.upper(), _PARAM.sub("{}", path)


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


_JS_REGEX = re.compile(r"^/(?P<body>.*)/(?P<flags>[a-z]*)$", re.S)


def normalize(node: Any) -> Any:
    """Logto's document, corrected where it disagrees with what Logto (and the mock) answer.

    Its generator writes zod's custom validators as `"type": "object"`: right for the i18n
    phrases (a connector's `name`, `description`), wrong for redirect URIs (array `items`),
    which are strings; and regular expressions in JavaScript's `/…/i` form, which JSON Schema
    (ECMA-262 bodies, no flags) cannot read.
    """
    return _normalized(node, None)


def _normalized(node: Any, key: str | None) -> Any:
    if isinstance(node, list):
        return [_normalized(item, None) for item in node]
    if not isinstance(node, dict):
        return node
    fixed = {k: _normalized(value, k) for k, value in node.items()}
    validator = fixed.get("description") == "Validator function"
    if validator and fixed.get("type") == "object" and key == "items":
        fixed["type"] = "string"
    pattern = fixed.get("pattern")
    if isinstance(pattern, str) and (match := _JS_REGEX.match(pattern)):
        body = match["body"]
        if "i" in match["flags"]:
            body = body.replace("a-f", "a-fA-F").replace("a-z", "a-zA-Z")
        fixed["pattern"] = body
    return fixed


def subset(document: dict[str, Any], served: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """`document` cut down to the `served` (method, path) routes and what they reference."""
    wanted = {template_key(m, p) for m, p in served}
    paths: dict[str, Any] = {}
    for path, operations in document["paths"].items():
        kept = {
            method: operation
            for method, operation in operations.items()
            if method == "parameters" or template_key(method, path) in wanted
        }
        if set(kept) - {"parameters"}:
            paths[path] = kept
    components: dict[str, dict[str, Any]] = {}
    pending = list(_refs(paths))
    while pending:
        ref = pending.pop()
        _, _, section, name = ref.split("/", 3)
        if name in components.get(section, {}):
            continue
        target = document["components"][section][name]
        components.setdefault(section, {})[name] = target
        pending.extend(_refs(target))
    components["securitySchemes"] = document["components"].get("securitySchemes", {})
    info = {
        "title": "mock-logto Management API",
        "description": "The routes of Logto's Management API that mock-logto serves.",
        "version": document["info"].get("version", ""),
    }
    cut = {
        "openapi": document["openapi"],
        "info": info,
        "paths": paths,
        "security": document.get("security", []),
        "components": components,
    }
    normalized: dict[str, Any] = normalize(cut)
    return normalized


def load() -> dict[str, Any]:
    """The bundled document."""
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document
