"""The fixture format as a JSON Schema, for editors (YAML language servers) and other tools.

Generated from the loader's own models (:mod:`.schema`), so the two cannot drift; a few rules
the loader checks in code are added here where JSON Schema can say them (URIs, scope
references, what public apps may not have). References between entries (a role's scope, a
member's user) are checked by the loader only.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .schema import FixtureDocument

#: Its file beside the bundled fixtures (a directory of fixtures skips `*.schema.json`).
SCHEMA_FILE = "mock-logto.schema.json"
#: An absolute URI without fragment (the loader's `absolute_uri_problem`, near enough).
URI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.\-]*:[^#\s]+$"
#: `"<resource indicator> <scope name>"`.
SCOPE_REFERENCE_PATTERN = r"^\s*\S+ +\S+\s*$"


def _property(definitions: dict[str, Any], model: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = definitions.get(model, {}).get("properties", {}).get(name, {})
    return found


def fixture_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one fixture file."""
    generated = FixtureDocument.model_json_schema(by_alias=True)
    definitions = generated["$defs"]
    _property(definitions, "ResourceSpec", "indicator")["pattern"] = URI_PATTERN
    for key in ("redirectUris", "postLogoutRedirectUris"):
        _property(definitions, "ApplicationSpec", key).setdefault("items", {})["pattern"] = (
            URI_PATTERN
        )
    for model, key in (("RoleSpec", "scopes"), ("OrganizationRoleSpec", "resourceScopes")):
        _property(definitions, model, key).setdefault("items", {})["pattern"] = (
            SCOPE_REFERENCE_PATTERN
        )
    definitions.get("ApplicationSpec", {})["allOf"] = [
        {  # public clients (SPA, Native) have no secret
            "if": {"properties": {"type": {"enum": ["SPA", "Native"]}}, "required": ["type"]},
            "then": {"not": {"required": ["secret"]}},
        },
        {  # only machine-to-machine apps hold roles
            "if": {"properties": {"type": {"not": {"const": "MachineToMachine"}}}},
            "then": {"properties": {"roles": {"maxItems": 0}}},
        },
    ]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mock-logto fixture file",
        "description": (
            "A Logto tenant for mock-logto: API resources, roles, applications, users and the "
            "organization template, in Logto's camelCase. See the README's Fixtures section."
        ),
        **{k: v for k, v in generated.items() if k not in ("title", "description")},
    }


def schema_text() -> str:
    """The schema as the file `fixtures/mock-logto.schema.json` holds it."""
    return json.dumps(fixture_json_schema(), indent=2) + "\n"


@cache
def _cached() -> dict[str, Any]:
    return fixture_json_schema()


def allowed_keys(location: list[int | str]) -> list[str]:
    """The keys the fixture format allows in the object at `location` (for "did you mean")."""
    schema = _cached()
    node: dict[str, Any] = schema
    for part in location:
        node = _resolve(schema, node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    return sorted(_resolve(schema, node).get("properties", {}))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`, and into the object alternative of an `anyOf`."""
    while True:
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            node = next((n for n in node["anyOf"] if n.get("type") != "null"), {})
        else:
            return node
