"""Protocol checks are named steps: each one is tested here alone, without HTTP.

The endpoint tests (and the golden replays) check their order; these check each rule.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from mock_logto.errors import InvalidClientError, InvalidGrantError, InvalidRequestError
from mock_logto.models import Application, Tenant
from mock_logto.oidc import authorization
from mock_logto.oidc.authorization import Draft
from mock_logto.oidc.client_auth import Credentials, check_secret, read_credentials
from mock_logto.oidc.grants.authorization_code import verify_pkce

TENANT = Tenant(id="t", management_api_indicator="https://default.logto.app/api")
SPA = Application(
    id="spa", name="spa", type="SPA", internal_secret="#internal:x", redirect_uris=["http://a/cb"]
)


def draft(**params: str) -> Draft:
    return Draft({k: [v] for k, v in params.items()}, TENANT, SPA)


def test_prompt_none_must_come_alone() -> None:
    with pytest.raises(InvalidRequestError, match="prompt none must only be used alone"):
        authorization.check_prompt(draft(prompt="none login"))
    checked = draft(prompt="login consent")
    authorization.check_prompt(checked)
    assert checked.prompts == {"login", "consent"}


def test_offline_access_is_dropped_without_prompt_consent() -> None:
    checked = draft(scope="openid offline_access")
    authorization.check_scopes(checked)
    assert checked.scopes == ["openid"]
    consented = draft(scope="openid offline_access", prompt="consent")
    authorization.check_prompt(consented)
    authorization.check_scopes(consented)
    assert consented.scopes == ["openid", "offline_access"]


def test_public_clients_must_use_pkce() -> None:
    with pytest.raises(InvalidRequestError, match="requires PKCE"):
        authorization.check_pkce(draft())
    with pytest.raises(InvalidRequestError, match="not supported value of code_challenge_method"):
        authorization.check_pkce(draft(code_challenge="a" * 43, code_challenge_method="plain"))
    authorization.check_pkce(draft(code_challenge="a" * 43, code_challenge_method="S256"))


def test_the_checks_run_in_oidc_providers_order() -> None:
    assert [c.__name__ for c in authorization.CHECKS] == [
        "check_parameters",
        "check_client",
        "check_response_mode",
        "check_response_type",
        "check_prompt",
        "check_scopes",
        "check_redirect_uri",
        "check_pkce",
        "check_resources",
    ]


def test_basic_credentials_and_a_body_secret_are_one_mechanism_too_many() -> None:
    header = "Basic " + base64.b64encode(b"app:secret").decode()
    assert read_credentials({}, header) == Credentials("app", "secret", basic=True)
    with pytest.raises(InvalidRequestError, match="only be provided using one mechanism"):
        read_credentials({"client_secret": ["other"]}, header)
    with pytest.raises(InvalidRequestError, match="mismatch in body and authorization client"):
        read_credentials({"client_id": ["else"]}, header)


def test_a_public_client_sending_a_secret_is_refused_with_a_basic_challenge() -> None:
    with pytest.raises(InvalidClientError) as info:
        check_secret(SPA, Credentials("spa", "x", basic=True), "http://i/oidc", 0)
    assert info.value.headers["WWW-Authenticate"].startswith('Basic realm="http://i/oidc"')
    check_secret(SPA, Credentials("spa", None, basic=False), "http://i/oidc", 0)


def test_pkce_verifies_s256_only() -> None:
    verifier = "v" * 43
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    verify_pkce(verifier, challenge.rstrip(b"=").decode())
    with pytest.raises(InvalidGrantError):
        verify_pkce(verifier, verifier)
    with pytest.raises(InvalidGrantError):
        verify_pkce(None, "challenge")
