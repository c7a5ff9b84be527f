"""`PATCH /api/sign-in-exp`: Logto's guard and rules, in its order, and the stored document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.errors import FixtureError
from mock_logto.loader import load_tenant
from mock_logto.models import default_sign_in_experience

from .support.apps import ClientFactory, tenant_of


def _document(**changes: Any) -> dict[str, Any]:
    return {"tenantId": "default", "id": "default", **default_sign_in_experience(), **changes}


def test_patch_replaces_each_given_key_and_fills_nested_password_policy_defaults(
    admin: TestClient,
) -> None:
    # golden-2 account-api/32: `rejects` gets its defaults, `length` stays absent (partial).
    answer = admin.patch("/api/sign-in-exp", json={"passwordPolicy": {"rejects": {"pwned": False}}})
    policy = {
        "rejects": {"pwned": False, "repetitionAndSequence": True, "userInfo": True, "words": []}
    }
    assert answer.status_code == 200
    assert answer.json() == _document(passwordPolicy=policy)
    assert admin.get("/api/sign-in-exp").json() == _document(passwordPolicy=policy)


def test_patch_strips_unknown_keys_and_ignores_adaptive_mfa(admin: TestClient) -> None:
    answer = admin.patch(
        "/api/sign-in-exp",
        json={"nope": 1, "adaptiveMfa": {"enabled": True}, "signInMode": "SignIn"},
    )
    assert answer.json() == _document(signInMode="SignIn")


def test_patch_guard_reports_every_zod_issue_and_a_union_its_dirty_option(
    admin: TestClient,
) -> None:
    answer = admin.patch(
        "/api/sign-in-exp",
        json={"signInMode": "Nope", "color": {"primaryColor": "red"}, "termsOfUseUrl": "x"},
    )
    # `termsOfUseUrl: url().nullable().or(literal(''))`: "x" fails the url check (not fatal in
    # zod), so the union reports that option's issue rather than `invalid_union`.
    assert answer.status_code == 400
    enum = "'SignIn' | 'Register' | 'SignInAndRegister'"
    assert answer.json() == {
        "code": "guard.invalid_input",
        "data": {
            "issues": [
                {
                    "validation": "regex",
                    "code": "invalid_string",
                    "message": "Invalid",
                    "path": ["color", "primaryColor"],
                },
                {
                    "code": "invalid_type",
                    "expected": "boolean",
                    "received": "undefined",
                    "path": ["color", "isDarkModeEnabled"],
                    "message": "Required",
                },
                {
                    "code": "invalid_type",
                    "expected": "string",
                    "received": "undefined",
                    "path": ["color", "darkPrimaryColor"],
                    "message": "Required",
                },
                {
                    "received": "Nope",
                    "code": "invalid_enum_value",
                    "options": ["SignIn", "Register", "SignInAndRegister"],
                    "path": ["signInMode"],
                    "message": f"Invalid enum value. Expected {enum}, received 'Nope'",
                },
                {
                    "validation": "url",
                    "code": "invalid_string",
                    "message": "Invalid url",
                    "path": ["termsOfUseUrl"],
                },
            ],
            "name": "ZodError",
        },
        "details": "\n".join(
            [
                'Error in key path "color.primaryColor": (invalid_string) Invalid',
                'Error in key path "color.isDarkModeEnabled": (invalid_type) Expected boolean'
                " but received undefined.",
                'Error in key path "color.darkPrimaryColor": (invalid_type) Expected string'
                " but received undefined.",
                'Error in key path "signInMode": (invalid_enum_value) Invalid enum value.'
                f" Expected {enum}, received 'Nope'",
                'Error in key path "termsOfUseUrl": (invalid_string) Invalid url',
            ]
        ),
        "message": "The request body is invalid.",
    }


def test_empty_string_urls_are_accepted_as_logto_does(admin: TestClient) -> None:
    answer = admin.patch("/api/sign-in-exp", json={"termsOfUseUrl": "", "supportEmail": None})
    assert answer.json() == _document(termsOfUseUrl="", supportEmail=None)


def test_email_sign_up_without_an_email_connector_is_refused(admin: TestClient) -> None:
    answer = admin.patch(
        "/api/sign-in-exp",
        json={"signUp": {"identifiers": ["email"], "password": True, "verify": True}},
    )
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "sign_in_experiences.enabled_connector_not_found",
            "message": "Enabled Email connector not found.",
        },
    )


def test_passwordless_sign_up_checks_verify_before_connectors(admin: TestClient) -> None:
    answer = admin.patch(
        "/api/sign-in-exp",
        json={"signUp": {"identifiers": ["email"], "password": True, "verify": False}},
    )
    assert answer.json() == {
        "code": "sign_in_experiences.passwordless_requires_verify",
        "message": "Must enable verify for email/phone sign up identifier.",
    }


def test_sign_in_method_without_a_factor_is_refused(admin: TestClient) -> None:
    method = {
        "identifier": "username",
        "password": False,
        "verificationCode": False,
        "isPasswordPrimary": True,
    }
    answer = admin.patch("/api/sign-in-exp", json={"signIn": {"methods": [method]}})
    assert answer.json() == {
        "code": "sign_in_experiences.at_least_one_authentication_factor",
        "message": "You have to select at least one authentication factor.",
    }


def test_backup_code_alone_is_refused(admin: TestClient) -> None:
    answer = admin.patch(
        "/api/sign-in-exp", json={"mfa": {"factors": ["BackupCode"], "policy": "UserControlled"}}
    )
    assert answer.json() == {
        "code": "sign_in_experiences.backup_code_cannot_be_enabled_alone",
        "message": "Backup code cannot be enabled alone.",
    }


def test_unsupported_fallback_language_is_refused_after_the_tag_guard(admin: TestClient) -> None:
    answer = admin.patch(
        "/api/sign-in-exp", json={"languageInfo": {"autoDetect": True, "fallbackLanguage": "af-ZA"}}
    )
    assert answer.json() == {
        "code": "sign_in_experiences.unsupported_default_language",
        "message": "This language - af-ZA is not supported at the moment.",
    }


def test_hide_logto_branding_is_cloud_only(admin: TestClient) -> None:
    answer = admin.patch("/api/sign-in-exp", json={"hideLogtoBranding": True})
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "request.invalid_input",
            "message": "Input is invalid. Hide Logto branding is not supported in this environment",
        },
    )


def test_social_targets_without_a_connector_are_dropped(admin: TestClient) -> None:
    answer = admin.patch("/api/sign-in-exp", json={"socialSignInConnectorTargets": ["github"]})
    assert answer.json() == _document(socialSignInConnectorTargets=[])


def test_custom_email_blocklist_is_deduplicated_and_checked(admin: TestClient) -> None:
    ok = admin.patch(
        "/api/sign-in-exp",
        json={"emailBlocklistPolicy": {"customBlocklist": ["@a.com", "@a.com", "b@c.io"]}},
    )
    assert ok.json() == _document(emailBlocklistPolicy={"customBlocklist": ["@a.com", "b@c.io"]})
    bad = admin.patch(
        "/api/sign-in-exp", json={"emailBlocklistPolicy": {"customBlocklist": ["x", "y", "z"]}}
    )
    assert bad.json() == {
        "code": "sign_in_experiences.invalid_custom_email_blocklist_format",
        "message": "Invalid custom email blocklist items: x, y, and z. Each item must be a valid "
        "email address or email domain, e.g., foo@example.com or @example.com.",
    }


def test_a_fixture_changes_the_sign_in_experience_as_patch_does(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    fixture = tmp_path / "t.yaml"
    fixture.write_text("signInExperience:\n  signInMode: SignIn\n  passwordPolicy: {rejects: {}}\n")
    tenant = tenant_of(make_client(fixture))
    rejects = {"pwned": True, "repetitionAndSequence": True, "userInfo": True, "words": []}
    assert tenant.sign_in_experience == {
        **default_sign_in_experience(),
        "signInMode": "SignIn",
        "passwordPolicy": {"rejects": rejects},
    }


def test_a_fixture_sign_in_experience_is_checked_as_patch_checks_it(tmp_path: Path) -> None:
    fixture = tmp_path / "t.yaml"
    fixture.write_text("signInExperience:\n  signInMode: Nope\n")
    with pytest.raises(FixtureError) as caught:
        load_tenant(fixture)
    assert caught.value.problems == [
        f"{fixture}: signInExperience.signInMode: Invalid enum value. Expected 'SignIn' | "
        "'Register' | 'SignInAndRegister', received 'Nope'"
    ]


def test_any_scheme_is_a_url_as_whatwg_parses_it(admin: TestClient) -> None:
    # Logto's integration test sign-in-experience.test.ts sets `mock://` URLs.
    changes = {
        "color": {
            "primaryColor": "#ffffff",
            "darkPrimaryColor": "#000000",
            "isDarkModeEnabled": True,
        },
        "branding": {"logoUrl": "mock://fake-url/logo.png", "darkLogoUrl": "mock://fake-url/d.png"},
        "termsOfUseUrl": "mock://fake-url/terms",
        "mfa": {
            "policy": "PromptAtSignInAndSignUp",
            "factors": [],
            "organizationRequiredMfaPolicy": "Mandatory",
        },
        "singleSignOnEnabled": True,
        "supportEmail": "contact@logto.io",
        "supportWebsiteUrl": "https://logto.io",
        "forgotPasswordMethods": [],
    }
    answer = admin.patch("/api/sign-in-exp", json=changes)
    assert answer.json() == _document(**changes)
    bad = admin.patch("/api/sign-in-exp", json={"supportWebsiteUrl": "https://"})
    assert bad.json()["data"]["issues"] == [
        {
            "validation": "url",
            "code": "invalid_string",
            "message": "Invalid url",
            "path": ["supportWebsiteUrl"],
        }
    ]
