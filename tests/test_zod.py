"""The one zod (`mock_logto/zod.py`): zod v3's answers where the former copies disagreed.

Each case is what zod v3 answers (its source: `ZodNativeEnum._parse`, `ZodUnion._parse`,
`ZodNumber._parse`, WHATWG `new URL()`); key order is asserted, since answers are compared
as JSON text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto import zod
from mock_logto.errors import ManagementApiError

_TYPES = ("User", "MachineToMachine")
_LISTED = "'User' | 'MachineToMachine'"


def _issues(schema: zod.Schema, value: Any) -> list[dict[str, Any]]:
    with pytest.raises(ManagementApiError) as raised:
        zod.parse(schema, value)
    issues: list[dict[str, Any]] = raised.value.data["issues"]
    return issues


def test_an_enum_given_the_wrong_type_is_invalid_type_in_zods_key_order() -> None:
    schema = zod.Obj({"type": zod.Enum(_TYPES)})
    assert json.dumps(_issues(schema, {"type": True})) == json.dumps(
        [
            {
                "expected": _LISTED,
                "received": "boolean",
                "code": "invalid_type",
                "path": ["type"],
                "message": f"Expected {_LISTED}, received boolean",
            }
        ]
    )
    assert json.dumps(_issues(schema, {})) == json.dumps(
        [
            {
                "expected": _LISTED,
                "received": "undefined",
                "code": "invalid_type",
                "path": ["type"],
                "message": "Required",
            }
        ]
    )


def test_a_native_enum_takes_a_number_as_a_candidate() -> None:
    assert _issues(zod.Enum(_TYPES), 5) == [
        {
            "received": 5,
            "code": "invalid_enum_value",
            "options": list(_TYPES),
            "path": [],
            "message": f"Invalid enum value. Expected {_LISTED}, received '5'",
        }
    ]
    assert _issues(zod.Enum(_TYPES, native=False), 5)[0]["code"] == "invalid_type"


def test_a_union_answers_the_issues_of_an_option_that_only_failed_a_check() -> None:
    link = zod.Union(zod.Str(url=True), zod.Literal(""))
    assert _issues(link, "nope") == [
        {"validation": "url", "code": "invalid_string", "message": "Invalid url", "path": []}
    ]
    assert zod.parse(link, "") == ""
    assert _issues(link, 5)[0]["code"] == "invalid_union"


def test_a_number_reports_every_failed_check() -> None:
    codes = [i["code"] for i in _issues(zod.Num(integer=True, min=0, max=-1), -0.5)]
    assert codes == ["invalid_type", "too_small", "too_big"]


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://x.example/logo.png", True),
        ("http:example.com", True),
        ("http:///x", True),
        ("foo:", True),
        ("http://", False),
        ("https://a b", False),
        ("http://@/", False),
        ("nope", False),
    ],
)
def test_a_url_is_what_new_url_accepts(url: str, valid: bool) -> None:
    assert zod.is_url(url) is valid


def test_a_transform_applies_only_to_a_clean_value() -> None:
    one = zod.Transform(zod.Enum(_TYPES), lambda value: [value])
    types = zod.Union(zod.Arr(zod.Enum(_TYPES)), one)
    assert zod.parse(types, "User") == ["User"]
    assert zod.parse(types, ["User"]) == ["User"]


def test_query_of_keeps_repeated_keys_as_a_list() -> None:
    assert zod.query_of([("a", "1"), ("b", "2"), ("a", "3")]) == {"a": ["1", "3"], "b": "2"}


def test_user_routes_answer_zods_received_type(admin: TestClient) -> None:
    user = admin.post("/api/users", json={"username": "zod_user"}).json()
    answer = admin.post(f"/api/users/{user['id']}/roles", json={"roleIds": "x"})
    assert answer.status_code == 400
    assert answer.json()["data"]["issues"] == [
        {
            "code": "invalid_type",
            "expected": "array",
            "received": "string",
            "path": ["roleIds"],
            "message": "Expected array, received string",
        }
    ]
    bad = admin.post("/api/users", json={"passwordAlgorithm": None})
    assert bad.json()["details"] == (
        'Error in key path "passwordAlgorithm": (invalid_type) Expected '
        "'Argon2i' | 'Argon2id' | 'Argon2d' | 'SHA1' | 'SHA256' | 'MD5' | 'Bcrypt' | 'Legacy'"
        " but received null."
    )
