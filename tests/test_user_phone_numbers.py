"""Phone numbers as Logto normalizes, validates and compares them (libphonenumber-js).

From @logto/shared `PhoneNumberParser`, core queries/user.ts (`insertUser`, `updateUserById`,
`hasUserWithNormalizedPhone`) and utils/user.ts (`validatePhoneNumber`); the cases are those of
Logto's admin-user.phone-number.test.ts, admin-user.test.ts ("phone number with
normalization") and role.user.test.ts.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.ops import phones

PHONE_IN_USE = {
    "code": "user.phone_already_in_use",
    "message": "This phone number is associated with an existing account.",
}
INVALID_PHONE = {
    "code": "user.invalid_phone",
    "message": "Invalid phone number.",
    "data": {"name": "ParseError"},
}


def _create(admin: TestClient, **body: Any) -> dict[str, Any]:
    response = admin.post("/api/users", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.mark.parametrize(
    ("given", "stored"),
    [("610412345678", "61412345678"), ("61412345678", "61412345678")]
    + [("4407911123456", "447911123456"), ("390612345678", "390612345678")],
)
def test_a_created_users_phone_is_stored_without_the_national_prefix(
    admin: TestClient, given: str, stored: str
) -> None:
    user = _create(admin, username="phoned", primaryPhone=given)
    assert user["primaryPhone"] == stored
    assert admin.get(f"/api/users/{user['id']}").json() == user


def test_an_updated_users_phone_is_stored_without_the_national_prefix(admin: TestClient) -> None:
    user = _create(admin, username="phoned")
    updated = admin.patch(f"/api/users/{user['id']}", json={"primaryPhone": "610412345678"})
    assert updated.status_code == 200, updated.text
    assert updated.json() == {
        **user,
        "primaryPhone": "61412345678",
        "updatedAt": updated.json()["updatedAt"],
    }


@pytest.mark.parametrize(
    ("existing", "new"), [("61412345678", "610412345678"), ("610412345678", "61412345678")]
)
def test_a_phone_in_use_in_either_form_is_refused_on_create_and_update(
    admin: TestClient, existing: str, new: str
) -> None:
    _create(admin, username="holder", primaryPhone=existing)
    created = admin.post("/api/users", json={"username": "another", "primaryPhone": new})
    assert (created.status_code, created.json()) == (422, PHONE_IN_USE)
    other = _create(admin, username="another")
    updated = admin.patch(f"/api/users/{other['id']}", json={"primaryPhone": new})
    assert (updated.status_code, updated.json()) == (422, PHONE_IN_USE)


def test_a_user_may_set_their_own_phone_again_in_the_other_form(admin: TestClient) -> None:
    user = _create(admin, username="holder", primaryPhone="61412345678")
    updated = admin.patch(f"/api/users/{user['id']}", json={"primaryPhone": "610412345678"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["primaryPhone"] == "61412345678"


def test_a_phone_that_does_not_parse_is_refused_after_the_collision_check(
    admin: TestClient,
) -> None:
    created = admin.post("/api/users", json={"name": "user002", "primaryPhone": "99999"})
    assert (created.status_code, created.json()) == (422, INVALID_PHONE)
    user = _create(admin, name="user002", primaryPhone="8613800138000")
    updated = admin.patch(f"/api/users/{user['id']}", json={"primaryPhone": "99999"})
    assert (updated.status_code, updated.json()) == (422, INVALID_PHONE)
    assert admin.get(f"/api/users/{user['id']}").json() == user


def test_phone_forms_are_libphonenumbers() -> None:
    """Checked against libphonenumber-js 1.12 (Logto's): too short or unknown country: None."""
    assert phones.forms("610412345678") == ("61412345678", "610412345678")
    assert phones.forms("123") == ("123", "1023")
    assert [phones.forms(p) for p in ("99999", "1", "12", "10", "44")] == [None] * 5


def test_the_phone_library_is_not_imported_at_start_up() -> None:
    """libphonenumber's metadata (~80 ms) loads on the first phone, not when the app starts."""
    code = "import sys, mock_logto.app, mock_logto.cli; print('phonenumbers' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == "False"
