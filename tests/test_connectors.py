"""`/api/connectors` and `/api/connector-factories`: Logto's mock connectors as data.

Behaviour from Logto's routes/connector and its integration test connector.test.ts.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from .support.apps import ClientFactory, tenant_of

MAIL = {"apiKey": "k", "fromEmail": "noreply@example.com", "templates": []}
SMS = {"accountSID": "a", "authToken": "t", "fromMessagingServiceSID": "f", "templates": []}
SOCIAL = {"clientId": "c", "clientSecret": "s"}


def _social_metadata() -> dict[str, Any]:
    return {
        "type": "Social",
        "id": "mock-social-connector",
        "target": "mock-social",
        "platform": "Universal",
        "name": {
            "en": "Mock Social",
            "zh-CN": "Mock 社交登录",
            "ko": "Mock Social",
            "tr-TR": "Mock Social",
        },
        "logoDark": None,
        "description": {
            "en": "Social mock connector description",
            "zh-CN": "Mock 社交登录连接器的描述",
            "ko": "Social mock connector description",
            "tr-TR": "Social mock connector description",
        },
        "readme": "# Social mock connector\n\nFor integration tests only.\n",
        "isTokenStorageSupported": True,
        "configTemplate": '{\n  "clientId": "<client-id>",\n'
        '  "clientSecret": "<client-secret>"\n}\n',
    }


def _without_logo(body: dict[str, Any]) -> dict[str, Any]:
    logo = body.pop("logo")
    assert base64.b64decode(logo.removeprefix("data:image/svg+xml;base64,")).startswith(b"<svg")
    return body


def test_factories_are_logtos_mock_connectors(admin: TestClient) -> None:
    listed = admin.get("/api/connector-factories").json()
    assert [(f["id"], f["type"]) for f in listed] == [
        ("mock-email-service", "Email"),
        ("mock-email-service-alternative", "Email"),
        ("mock-short-message-service", "Sms"),
        ("mock-social-connector", "Social"),
    ]
    one = admin.get("/api/connector-factories/mock-social-connector").json()
    assert _without_logo(one) == {**_social_metadata(), "isDemo": False}
    missing = admin.get("/api/connector-factories/nope")
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "entity.not_found", "message": "The resource does not exist."},
    )


def test_create_answers_200_with_the_factory_metadata_and_the_row(admin: TestClient) -> None:
    created = admin.post(
        "/api/connectors",
        json={"connectorId": "mock-social-connector", "config": SOCIAL, "id": "soc"},
    )
    assert created.status_code == 200
    expected = {
        **_social_metadata(),
        "id": "soc",
        "connectorId": "mock-social-connector",
        "syncProfile": False,
        "metadata": {},
        "enableTokenStorage": False,
        "isDemo": False,
        "extraInfo": {},
        "config": SOCIAL,
    }
    assert _without_logo(created.json()) == expected
    assert list(created.json())[:3] == ["type", "id", "target"]
    assert _without_logo(admin.get("/api/connectors/soc").json()) == expected
    assert [c["id"] for c in admin.get("/api/connectors").json()] == ["soc"]
    assert admin.get("/api/connectors", params={"target": "other"}).json() == []


def test_a_new_email_connector_replaces_the_old_one(admin: TestClient) -> None:
    first = admin.post(
        "/api/connectors", json={"connectorId": "mock-email-service", "config": MAIL}
    )
    second = admin.post("/api/connectors", json={"connectorId": "mock-email-service-alternative"})
    assert first.status_code == second.status_code == 200
    assert [c["connectorId"] for c in admin.get("/api/connectors").json()] == [
        "mock-email-service-alternative"
    ]
    # Its config guard is partial: `{}` is a valid config.
    reset = admin.patch(f"/api/connectors/{second.json()['id']}", json={"config": {}})
    assert reset.json()["config"] == {}


def test_stored_config_drops_empty_values_as_clean_deep(admin: TestClient) -> None:
    created = admin.post(
        "/api/connectors", json={"connectorId": "mock-email-service", "config": MAIL}
    )
    assert created.json()["config"] == {"apiKey": "k", "fromEmail": "noreply@example.com"}


def test_invalid_config_is_a_connector_error_with_zods_issues(admin: TestClient) -> None:
    answer = admin.post(
        "/api/connectors", json={"connectorId": "mock-social-connector", "config": SMS}
    )
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "connector.invalid_config",
            "data": {
                "issues": [
                    {
                        "code": "invalid_type",
                        "expected": "string",
                        "received": "undefined",
                        "path": ["clientId"],
                        "message": "Required",
                    },
                    {
                        "code": "invalid_type",
                        "expected": "string",
                        "received": "undefined",
                        "path": ["clientSecret"],
                        "message": "Required",
                    },
                ],
                "name": "ZodError",
            },
            "details": 'Error in key path "clientId": (invalid_type) Expected string but received '
            'undefined.\nError in key path "clientSecret": (invalid_type) Expected string but '
            "received undefined.",
            "message": "The connector's config is invalid.",
        },
    )


def test_social_connector_rules(admin: TestClient) -> None:
    unknown = admin.post("/api/connectors", json={"connectorId": "non-exist-id"})
    assert (unknown.status_code, unknown.json()) == (
        422,
        {
            "code": "connector.not_found_with_connector_id",
            "message": "Can not find connector with given standard connector id.",
        },
    )
    target = admin.post(
        "/api/connectors",
        json={"connectorId": "mock-social-connector", "metadata": {"target": "t"}},
    )
    overwrite = {
        "code": "connector.cannot_overwrite_metadata_for_non_standard_connector",
        "message": "This connector's 'metadata' cannot be overwritten.",
    }
    assert (target.status_code, target.json()) == (400, overwrite)
    first = admin.post("/api/connectors", json={"connectorId": "mock-social-connector"}).json()
    again = admin.post("/api/connectors", json={"connectorId": "mock-social-connector"})
    assert (again.status_code, again.json()) == (
        422,
        {
            "code": "connector.multiple_instances_not_supported",
            "message": "Can not create multiple instance with picked standard connector.",
        },
    )
    patched = admin.patch(f"/api/connectors/{first['id']}", json={"metadata": {"target": "t"}})
    assert (patched.status_code, patched.json()) == (400, overwrite)


def test_sync_profile_only_for_social_connectors(admin: TestClient) -> None:
    sms = admin.post("/api/connectors", json={"connectorId": "mock-short-message-service"}).json()
    answer = admin.patch(f"/api/connectors/{sms['id']}", json={"syncProfile": True})
    assert (answer.status_code, answer.json()) == (
        422,
        {
            "code": "connector.invalid_type_for_syncing_profile",
            "message": "You can only sync user profile with social connectors.",
        },
    )


def test_deleting_a_social_connector_drops_its_sign_in_target(admin: TestClient) -> None:
    social = admin.post("/api/connectors", json={"connectorId": "mock-social-connector"}).json()
    patched = admin.patch(
        "/api/sign-in-exp", json={"socialSignInConnectorTargets": ["mock-social", "x"]}
    )
    assert patched.json()["socialSignInConnectorTargets"] == ["mock-social"]
    assert admin.delete(f"/api/connectors/{social['id']}").status_code == 204
    assert admin.get("/api/sign-in-exp").json()["socialSignInConnectorTargets"] == []
    gone = admin.get(f"/api/connectors/{social['id']}")
    assert (gone.status_code, gone.json()) == (
        404,
        {"code": "entity.not_found", "message": "The resource does not exist."},
    )
    assert admin.delete(f"/api/connectors/{social['id']}").status_code == 404


def test_email_sign_up_is_allowed_once_an_email_connector_exists(admin: TestClient) -> None:
    admin.post("/api/connectors", json={"connectorId": "mock-email-service", "config": MAIL})
    sign_up = {"identifiers": ["email"], "password": True, "verify": True}
    answer = admin.patch("/api/sign-in-exp", json={"signUp": sign_up})
    assert answer.status_code == 200
    assert answer.json()["signUp"] == sign_up


def test_test_message_checks_kind_config_and_template(admin: TestClient) -> None:
    sms = {**SMS, "templates": [{"usageType": "Generic", "content": "{{code}}"}]}
    ok = admin.post(
        "/api/connectors/mock-short-message-service/test", json={"phone": "123", "config": sms}
    )
    assert ok.status_code == 204
    wrong_kind = admin.post(
        "/api/connectors/mock-short-message-service/test", json={"email": "a@b.co", "config": sms}
    )
    assert wrong_kind.json() == {
        "code": "connector.unexpected_type",
        "message": "The connector's type is unexpected.",
    }
    no_template = admin.post(
        "/api/connectors/mock-short-message-service/test", json={"phone": "1", "config": SMS}
    )
    assert (no_template.status_code, no_template.json()) == (
        400,
        {
            "code": "connector.template_not_found",
            "data": "Template not found for type: Generic",
            "message": "Unable to find correct template in connector config.",
        },
    )


def test_authorization_uri_of_the_mock_social_connector(admin: TestClient) -> None:
    social = admin.post("/api/connectors", json={"connectorId": "mock-social-connector"}).json()
    answer = admin.post(
        f"/api/connectors/{social['id']}/authorization-uri",
        json={"state": "a b~", "redirectUri": "http://localhost/cb"},
    )
    assert answer.json() == {
        "redirectTo": "http://mock-social/?state=a+b%7E&redirect_uri=http%3A%2F%2Flocalhost%2Fcb"
        "&scope=email+profile"
    }


def test_connectors_load_from_fixtures(make_client: ClientFactory, tmp_path: Path) -> None:
    fixture = tmp_path / "t.yaml"
    fixture.write_text(
        "connectors:\n  - id: mail\n    connectorId: mock-email-service\n"
        "    config: {apiKey: k, fromEmail: a@b.co}\n"
    )
    tenant = tenant_of(make_client(fixture))
    assert tenant.connectors["mail"]["config"] == {"apiKey": "k", "fromEmail": "a@b.co"}
