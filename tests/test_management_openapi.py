"""`GET /api/swagger.json` documents exactly what is served, and answers match its schemas.

The document is the served part of Logto's own (v1.37.0), so validating the mock's answers
against it checks the entity shapes against Logto's declared ones: every required field there,
every type right, including nullable fields.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.management.openapi import normalize, template_key
from mock_logto.management.router import SERVED, UNGUARDED


@pytest.fixture
def document(admin: TestClient) -> dict[str, Any]:
    response = admin.get("/api/swagger.json", headers={"Authorization": ""})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_document_lists_exactly_the_served_routes(document: dict[str, Any]) -> None:
    documented = {
        template_key(method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method != "parameters"
    }
    served = {template_key(m, "/api" + p) for m, p, _ in (*SERVED, *UNGUARDED)}
    assert documented == served


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        _, _, section, name = schema["$ref"].split("/", 3)
        schema = document["components"][section][name]
    return schema


def conforms(document: dict[str, Any], schema: dict[str, Any], value: Any, where: str) -> None:
    """Required fields present and types right (OpenAPI 3.0 subset Logto's document uses)."""
    schema = _resolve(document, schema)
    if value is None and schema.get("nullable"):
        return
    if schema.get("description") == "Validator function":
        # zod's custom validators become this placeholder in Logto's document; the values are
        # what the recordings show (redirect URIs are strings, golden/management-api/02).
        return
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            problems = []
            for option in schema[combinator]:
                try:
                    conforms(document, option, value, where)
                    return
                except AssertionError as exc:
                    problems.append(str(exc))
            raise AssertionError(f"{where}: matches no {combinator} option: {problems}")
    for part in schema.get("allOf", []):
        conforms(document, part, value, where)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        assert isinstance(value, dict), f"{where}: {value!r} is not an object"
        for name in schema.get("required", []):
            assert name in value, f"{where}: required {name!r} missing"
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                conforms(document, sub, value[name], f"{where}.{name}")
    elif kind == "array":
        assert isinstance(value, list), f"{where}: {value!r} is not an array"
        for index, item in enumerate(value):
            conforms(document, schema.get("items", {}), item, f"{where}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), f"{where}: {value!r} is not a string"
        if "enum" in schema:
            assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    elif kind in ("number", "integer"):
        assert isinstance(value, int | float) and not isinstance(value, bool), where
    elif kind == "boolean":
        assert isinstance(value, bool), f"{where}: {value!r} is not a boolean"


def response_schema(document: dict[str, Any], method: str, path: str, status: str) -> Any:
    for documented, operations in document["paths"].items():
        pattern = "/".join(
            "[^/]+" if part.startswith("{") else re.escape(part) for part in documented.split("/")
        )
        if method.lower() in operations and re.fullmatch(pattern, path):
            content = operations[method.lower()]["responses"][status].get("content", {})
            return content.get("application/json", {}).get("schema")
    raise AssertionError(f"{method} {path} is not documented")


GETS = [
    "/api/applications",
    "/api/applications/demo-m2m",
    "/api/applications/demo-web/secrets",
    "/api/applications/demo-m2m/roles",
    "/api/users",
    "/api/users/user-alice",
    "/api/users/user-alice/roles",
    "/api/users/user-alice/organizations",
    "/api/users/user-alice/personal-access-tokens",
    "/api/users/user-alice/custom-data",
    "/api/resources",
    "/api/resources?includeScopes=true",
    "/api/roles",
    "/api/organizations",
    "/api/organizations/org-acme",
    "/api/organizations/org-acme/users",
    "/api/organizations/org-acme/users/user-alice/roles",
    "/api/organizations/org-acme/applications",
    "/api/organizations/org-acme/applications/demo-m2m/roles",
    "/api/organization-scopes",
    "/api/organization-roles",
    "/api/sign-in-exp",
]


@pytest.mark.parametrize("url", GETS)
def test_answers_match_logtos_schemas(
    admin: TestClient, document: dict[str, Any], url: str
) -> None:
    response = admin.get(url)
    assert response.status_code == 200, response.text
    schema = response_schema(document, "GET", url.split("?")[0], "200")
    conforms(document, schema, response.json(), url)


def test_per_id_answers_match_logtos_schemas(admin: TestClient, document: dict[str, Any]) -> None:
    """The routes that need ids the fixture does not fix: ask the lists first."""
    resource = next(r for r in admin.get("/api/resources").json() if r["name"] == "Demo API")
    role = admin.get("/api/roles").json()[0]
    org_role = admin.get("/api/organization-roles").json()[0]
    org_scope = admin.get("/api/organization-scopes").json()[0]
    for url in (
        f"/api/resources/{resource['id']}",
        f"/api/resources/{resource['id']}/scopes",
        f"/api/roles/{role['id']}",
        f"/api/roles/{role['id']}/scopes",
        f"/api/roles/{role['id']}/users",
        f"/api/roles/{role['id']}/applications",
        f"/api/organization-roles/{org_role['id']}",
        f"/api/organization-roles/{org_role['id']}/scopes",
        f"/api/organization-roles/{org_role['id']}/resource-scopes",
        f"/api/organization-scopes/{org_scope['id']}",
    ):
        response = admin.get(url)
        assert response.status_code == 200, (url, response.text)
        conforms(document, response_schema(document, "GET", url, "200"), response.json(), url)


def test_the_document_is_corrected_where_logtos_generator_misdescribes_the_answers() -> None:
    # Logto's document types redirect URIs (a zod custom validator) as objects, and writes
    # patterns as JavaScript literals; both are corrected on regeneration.
    wrong = {
        "items": {"type": "object", "description": "Validator function"},
        "color": {"type": "string", "pattern": "/^#[\\da-f]{3}$/i"},
        "other": {"type": "object", "description": "kept"},
    }
    assert normalize(wrong) == {
        "items": {"type": "string", "description": "Validator function"},
        "color": {"type": "string", "pattern": "^#[\\da-fA-F]{3}$"},
        "other": {"type": "object", "description": "kept"},
    }


def test_the_served_document_has_no_javascript_patterns_or_object_typed_uris(
    document: dict[str, Any],
) -> None:
    text = json.dumps(document)
    assert '"pattern": "/' not in text
    assert '"items": {"type": "object", "description": "Validator function"}' not in text
    assert '"items": {"type": "string", "description": "Validator function"}' in text
    # zod's custom validators of i18n phrases (a connector factory's `name`) stay objects.
    factories = document["paths"]["/api/connector-factories"]["get"]["responses"]["200"]
    item = factories["content"]["application/json"]["schema"]["items"]
    assert item["properties"]["name"] == {"type": "object", "description": "Validator function"}
