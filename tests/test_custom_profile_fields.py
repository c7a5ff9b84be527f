"""`/api/custom-profile-fields`: Logto's guards, rules and quirks.

Behaviour from Logto's routes/custom-profile-fields.ts and its integration test
custom-profile-fields.test.ts.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

NAME = {"name": "nickname2", "type": "Text", "label": "Nick", "required": True}


def _field(answer: Any, **changes: Any) -> dict[str, Any]:
    body = answer.json()
    return {
        "tenantId": "default",
        "id": body["id"],
        "name": "nickname2",
        "type": "Text",
        "label": "Nick",
        "description": None,
        "required": True,
        "config": {},
        "createdAt": body["createdAt"],
        "sieOrder": 1,
        **changes,
    }


def test_create_answers_201_and_numbers_the_sign_in_order(admin: TestClient) -> None:
    created = admin.post("/api/custom-profile-fields", json=NAME)
    assert created.status_code == 201
    assert created.json() == _field(created)
    assert len(created.json()["id"]) == 21
    second = admin.post(
        "/api/custom-profile-fields", json={"name": "team", "type": "Url", "required": False}
    )
    assert (second.json()["sieOrder"], second.json()["label"]) == (2, "")
    assert [f["name"] for f in admin.get("/api/custom-profile-fields").json()] == [
        "nickname2",
        "team",
    ]
    assert admin.get("/api/custom-profile-fields/nickname2").json() == created.json()


def test_name_rules_in_logtos_order(admin: TestClient) -> None:
    cases = {
        "": (
            "custom_profile_fields.invalid_name",
            "Invalid field name, only letters or numbers are allowed, case sensitive.",
        ),
        "a-b": (
            "custom_profile_fields.invalid_name",
            "Invalid field name, only letters or numbers are allowed, case sensitive.",
        ),
        "preferredUsername": (
            "custom_profile_fields.name_conflict_built_in_prop",
            "Invalid field name. Reserved built-in user profile property name(s): "
            "preferredUsername.",
        ),
        "onboarding": (
            "custom_profile_fields.name_conflict_custom_data",
            "Invalid field name. Reserved custom data key(s): onboarding.",
        ),
        "primaryEmail": (
            "custom_profile_fields.name_conflict_sign_in_identifier",
            "Invalid field name. Reserved sign-in identifier key(s): primaryEmail.",
        ),
    }
    for name, (code, message) in cases.items():
        answer = admin.post("/api/custom-profile-fields", json={**NAME, "name": name})
        assert (answer.status_code, answer.json()) == (400, {"code": code, "message": message})
    admin.post("/api/custom-profile-fields", json=NAME)
    taken = admin.post("/api/custom-profile-fields", json=NAME)
    assert (taken.status_code, taken.json()) == (
        422,
        {
            "code": "custom_profile_fields.name_exists",
            "message": "Field already exists with the given name.",
        },
    )


def test_an_unknown_type_is_zods_discriminator_issue(admin: TestClient) -> None:
    answer = admin.post("/api/custom-profile-fields", json={**NAME, "type": "Nope"})
    types = ["Text", "Number", "Date", "Checkbox", "Select", "Url", "Regex", "Address", "Fullname"]
    listed = " | ".join(f"'{t}'" for t in types)
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "guard.invalid_input",
            "data": {
                "issues": [
                    {
                        "code": "invalid_union_discriminator",
                        "options": [
                            "Text",
                            "Number",
                            "Date",
                            "Checkbox",
                            "Select",
                            "Url",
                            "Regex",
                            "Address",
                            "Fullname",
                        ],
                        "path": ["type"],
                        "message": f"Invalid discriminator value. Expected {listed}",
                    }
                ],
                "name": "ZodError",
            },
            "details": 'Error in key path "type": (invalid_union_discriminator) Invalid '
            f"discriminator value. Expected {listed}",
            "message": "The request body is invalid.",
        },
    )


def test_address_parts_cannot_be_composite(admin: TestClient) -> None:
    part = {"enabled": True, "name": "formatted", "type": "Address", "required": False}
    answer = admin.post(
        "/api/custom-profile-fields",
        json={"name": "address", "type": "Address", "required": False, "config": {"parts": [part]}},
    )
    assert answer.json() == {
        "code": "custom_profile_fields.invalid_sub_component_type",
        "message": "Invalid sub-component type.",
    }


def test_put_ignores_name_and_order_and_unknown_names_are_not_exists(admin: TestClient) -> None:
    created = admin.post("/api/custom-profile-fields", json=NAME)
    updated = admin.put(
        "/api/custom-profile-fields/nickname2",
        json={**NAME, "name": "newName", "sieOrder": 5, "label": "New label"},
    )
    assert updated.json() == _field(created, label="New label")
    missing = admin.put("/api/custom-profile-fields/nonExistName", json=NAME)
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "entity.not_exists", "message": "The custom_profile_field does not exist."},
    )
    unknown = admin.get("/api/custom-profile-fields/nonExistName")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"code": "entity.not_found", "message": "The resource does not exist."},
    )


def test_delete_of_an_unknown_name_answers_204(admin: TestClient) -> None:
    assert admin.delete("/api/custom-profile-fields/nobody").status_code == 204


def test_reorder_and_its_unknown_names(admin: TestClient) -> None:
    for name in ("a", "b", "c"):
        admin.post("/api/custom-profile-fields", json={**NAME, "name": name})
    answer = admin.post(
        "/api/custom-profile-fields/properties/sie-order",
        json={"order": [{"name": "c", "sieOrder": 1}, {"name": "a", "sieOrder": 3}]},
    )
    assert [(f["name"], f["sieOrder"]) for f in answer.json()] == [("c", 1), ("a", 3)]
    assert [f["name"] for f in admin.get("/api/custom-profile-fields").json()] == ["c", "b", "a"]
    missing = admin.post(
        "/api/custom-profile-fields/properties/sie-order",
        json={"order": [{"name": "x", "sieOrder": 1}, {"name": "y", "sieOrder": 2}]},
    )
    assert missing.json() == {
        "code": "custom_profile_fields.entity_not_exists_with_names",
        "message": "Cannot find entities with the given names: x, y",
    }


def test_batch_creates_at_most_twenty(admin: TestClient) -> None:
    made = admin.post(
        "/api/custom-profile-fields/batch",
        json=[{**NAME, "name": "one"}, {**NAME, "name": "two"}],
    )
    assert made.status_code == 201
    assert [(f["name"], f["sieOrder"]) for f in made.json()] == [("one", 1), ("two", 2)]
    many = admin.post(
        "/api/custom-profile-fields/batch",
        json=[{**NAME, "name": f"f{i}"} for i in range(21)],
    )
    assert many.status_code == 400
    assert many.json()["data"]["issues"][0] == {
        "code": "too_big",
        "maximum": 20,
        "type": "array",
        "inclusive": True,
        "exact": False,
        "message": "Array must contain at most 20 element(s)",
        "path": [],
    }
