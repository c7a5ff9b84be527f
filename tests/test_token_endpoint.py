"""Token endpoint cases the recordings do not cover, answered as Logto's code does.

Every error body is asserted whole; tokens are checked with PyJWT against the served JWKS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import jwt
import pytest
from starlette.testclient import TestClient

from mock_logto.keys import KeyStore
from mock_logto.models import ApplicationSecret

from .support.apps import NOW, ClientFactory, tenant_of
from .support.errors import invalid_request, invalid_target
from .support.paths import DEMO_FIXTURE
from .support.tenants import API, DEMO_ADMIN, ISSUER, MANAGEMENT_API
from .support.verify import verify_access_token

#: The golden tenant's cart service (machine to machine).
CART = ("y1wo0iqlzt30wfuyc4oep", "nMxGhxX9jaYxBl4C66fLjqW91jJMaIcS")
CLIENT_AUTH_FAILED = {
    "code": "oidc.invalid_client",
    "message": "An OIDC error occurred: oidc.invalid_client.",
    "error": "invalid_client",
    "error_description": "client authentication failed",
}


def post(
    client: TestClient,
    body: str | bytes,
    *,
    auth: tuple[str, str] | None = CART,
    content_type: str = "application/x-www-form-urlencoded",
    **headers: str,
) -> httpx2.Response:
    sent = {"Content-Type": content_type, **headers}
    if auth is None:
        return client.post("/oidc/token", content=body, headers=sent)
    return client.post("/oidc/token", content=body, headers=sent, auth=auth)


@pytest.fixture
def client_for(make_client: ClientFactory, tmp_path: Path) -> Callable[[str], TestClient]:
    """A client over a tenant written inline as fixture YAML."""

    def factory(text: str) -> TestClient:
        path = tmp_path / "tenant.yaml"
        path.write_text(text)
        return make_client(path)

    return factory


def tokens_of(client: TestClient, response: httpx2.Response, audience: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    jwks = client.get("/oidc/jwks").json()
    return verify_access_token(
        response.json()["access_token"], jwks, issuer=ISSUER, audience=audience, now=NOW
    )


@pytest.mark.parametrize(
    ("body", "description"),
    [
        (
            "grant_type=client_credentials&resource=x&scope=a&scope=b",
            "'scope' parameter must not be provided twice",
        ),
        (
            "grant_type=client_credentials&grant_type=client_credentials",
            "'grant_type' parameter must not be provided twice",
        ),
        (
            "grant_type=client_credentials&scope=a&scope=b&organization_id=1&organization_id=2",
            "'scope' and 'organization_id' parameters must not be provided twice",
        ),
        (
            "grant_type=&resource=https%3A%2F%2Fapi.example.com",
            "missing required parameter 'grant_type'",
        ),
    ],
)
def test_duplicate_and_empty_parameters(client: TestClient, body: str, description: str) -> None:
    response = post(client, body)
    assert (response.status_code, response.json()) == (400, invalid_request(description))


def test_duplicate_client_id_is_checked_before_anything_else(client: TestClient) -> None:
    response = post(client, "client_id=a&client_id=b", auth=None)
    assert response.json() == invalid_request("'client_id' parameter must not be provided twice")


def test_parameters_no_grant_reads_are_ignored(client: TestClient) -> None:
    body = "grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com&foo=1&foo=2&code=x"
    assert post(client, body).status_code == 200


@pytest.mark.parametrize(
    ("content_type", "description"),
    [
        (
            "text/plain",
            "only application/x-www-form-urlencoded content-type bodies are supported"
            " on POST /token",
        ),
        ("application/x-www-form-urlencoded; charset=nope", "failed to parse the request body"),
    ],
)
def test_bodies_that_cannot_be_read(
    client: TestClient, content_type: str, description: str
) -> None:
    response = post(client, "grant_type=client_credentials", content_type=content_type)
    assert (response.status_code, response.json()) == (400, invalid_request(description))


def test_body_size_is_capped_at_56_kib(client: TestClient) -> None:
    base = "grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com&pad="
    assert post(client, base + "x" * (56 * 1024 - len(base))).status_code == 200
    response = post(client, base + "x" * (56 * 1024 - len(base) + 1))
    assert (response.status_code, response.json()) == (
        400,
        invalid_request("failed to parse the request body"),
    )


def test_json_body_repeated_resource_is_two_resources(client: TestClient) -> None:
    body = json.dumps({"grant_type": "client_credentials", "resource": [API, MANAGEMENT_API]})
    response = post(client, body, content_type="application/json")
    assert response.json() == invalid_target(
        "only a single resource indicator value is supported for this grant type"
    )


def test_unparsable_json_body_is_an_empty_request(client: TestClient) -> None:
    response = post(client, "{not json", content_type="application/json")
    assert response.json() == invalid_request("missing required parameter 'grant_type'")


@pytest.mark.parametrize(
    ("resource", "description"),
    [
        ("api.example.com", "resource indicator must be an absolute URI"),
        ("https://api.example.com/#x", "resource indicator must not contain a fragment component"),
    ],
)
def test_malformed_resource_indicators(client: TestClient, resource: str, description: str) -> None:
    response = post(client, f"grant_type=client_credentials&resource={resource}")
    assert (response.status_code, response.json()) == (400, invalid_target(description))


def test_same_resource_twice_counts_once(client: TestClient) -> None:
    body = f"grant_type=client_credentials&resource={API}&resource={API}&scope=read:products"
    assert tokens_of(client, post(client, body), API)["scope"] == "read:products"


@pytest.mark.parametrize(
    ("authorization", "description"),
    [
        ("Bearer abc", "invalid authorization header value format"),
        ("Basic", "invalid authorization header value format"),
        (
            "Basic eTF3bzBpcWx6dDMwd2Z1eWM0b2VwOg==",
            "client_secret must be provided in the Authorization header",
        ),
        (
            "Basic JUU5OnNlY3JldA==",
            "client_id and client_secret in the authorization header are not properly encoded",
        ),
    ],
)
def test_malformed_basic_credentials(
    client: TestClient, authorization: str, description: str
) -> None:
    response = post(client, "grant_type=client_credentials", auth=None, Authorization=authorization)
    assert (response.status_code, response.json()) == (400, invalid_request(description))


def test_basic_and_body_client_ids_must_match(client: TestClient) -> None:
    response = post(client, "grant_type=client_credentials&client_id=other")
    assert response.json() == invalid_request("mismatch in body and authorization client ids")


def test_confidential_client_without_secret_is_401_without_challenge(client: TestClient) -> None:
    response = post(client, f"grant_type=client_credentials&client_id={CART[0]}", auth=None)
    assert (response.status_code, response.json()) == (401, CLIENT_AUTH_FAILED)
    assert "www-authenticate" not in response.headers


def test_wrong_secret_in_body_is_401_without_challenge(client: TestClient) -> None:
    body = f"grant_type=client_credentials&client_id={CART[0]}&client_secret=nope&resource={API}"
    response = post(client, body, auth=None)
    assert (response.status_code, response.json()) == (401, CLIENT_AUTH_FAILED)
    assert "www-authenticate" not in response.headers


def test_basic_credentials_are_form_urlencoded(client_for: Callable[[str], TestClient]) -> None:
    client = client_for(
        "resources: [{name: A, indicator: 'https://a.test'}]\n"
        "applications: [{id: 'svc.one', name: s, type: MachineToMachine, secret: 'p@ss word'}]\n"
    )
    response = post(
        client,
        "grant_type=client_credentials&resource=https%3A%2F%2Fa.test",
        auth=None,
        Authorization="Basic c3ZjJTJFb25lOnAlNDBzcyt3b3Jk",  # "svc%2Eone:p%40ss+word"
    )
    assert tokens_of(client, response, "https://a.test")["sub"] == "svc.one"


def test_expired_named_secret(client: TestClient) -> None:
    app = tenant_of(client).applications[CART[0]]
    app.secrets.append(ApplicationSecret("old", "expired-secret", 0, expires_at=NOW * 1000 - 1))
    response = post(
        client, f"grant_type=client_credentials&resource={API}", auth=(CART[0], "expired-secret")
    )
    assert (response.status_code, response.json()) == (
        400,
        invalid_request("client secret has expired"),
    )


def test_public_client_authenticates_with_client_id_and_cannot_use_client_credentials(
    make_client: ClientFactory,
) -> None:
    client = make_client(DEMO_FIXTURE)
    response = post(client, "grant_type=client_credentials&client_id=demo-spa", auth=None)
    assert response.json() == invalid_request("requested grant type is not allowed for this client")
    response = post(client, "grant_type=client_credentials", auth=("demo-spa", "any"))
    assert (response.status_code, response.json()) == (401, CLIENT_AUTH_FAILED)


def test_unknown_client_in_body_is_400(client: TestClient) -> None:
    response = post(
        client, "grant_type=client_credentials&client_id=ghost&client_secret=x", auth=None
    )
    assert (response.status_code, response.json()) == (
        400,
        {**CLIENT_AUTH_FAILED, "error_description": "invalid client ghost"},
    )


def test_browser_origin_must_belong_to_the_client(client_for: Callable[[str], TestClient]) -> None:
    client = client_for(
        "resources: [{name: A, indicator: 'https://a.test'}]\n"
        "applications:\n"
        "  - {id: svc, name: s, type: MachineToMachine, secret: s,"
        " customClientMetadata: {corsAllowedOrigins: ['https://ok.test']}}\n"
    )
    body = "grant_type=client_credentials&resource=https%3A%2F%2Fa.test"
    ok = post(client, body, auth=("svc", "s"), Origin="https://ok.test")
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://ok.test"
    refused = post(client, body, auth=("svc", "s"), Origin="https://evil.test")
    assert (refused.status_code, refused.json()) == (
        400,
        invalid_request("origin https://evil.test not allowed for client: svc"),
    )
    # The browser gets no CORS grant for the refused origin, so it cannot read the answer.
    assert "access-control-allow-origin" not in refused.headers


def test_default_resource_is_used_when_resource_is_omitted(
    client_for: Callable[[str], TestClient],
) -> None:
    client = client_for(
        "resources:\n"
        "  - {name: A, indicator: 'https://a.test', isDefault: true, accessTokenTtl: 120,"
        " scopes: [{name: read}]}\n"
        "roles: [{name: r, type: MachineToMachine, scopes: ['https://a.test read']}]\n"
        "applications: [{id: svc, name: s, type: MachineToMachine, secret: s, roles: [r]}]\n"
    )
    response = post(client, "grant_type=client_credentials&scope=read", auth=("svc", "s"))
    assert response.json()["expires_in"] == 120
    claims = tokens_of(client, response, "https://a.test")
    assert (claims["scope"], claims["iat"], claims["exp"]) == ("read", NOW, NOW + 120)


def test_unknown_organization_is_access_denied(client: TestClient) -> None:
    response = post(client, "grant_type=client_credentials&organization_id=nope")
    assert (response.status_code, response.json()) == (
        403,
        {
            "code": "oidc.access_denied",
            "message": "Access denied.",
            "error": "access_denied",
            "error_description": "app has not associated with the organization",
        },
    )


def test_parse_error_false_gives_the_raw_oidc_provider_body(client: TestClient) -> None:
    response = client.post("/oidc/token?parse_error=false", auth=CART)
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "missing required parameter 'grant_type'",
    }


def test_cloud_mode_moves_the_management_api_indicator(
    make_client: ClientFactory,
) -> None:
    client = make_client(DEMO_FIXTURE, cloud=True, tenant_id="acme")
    cloud_api = "https://acme.logto.app/api"
    response = post(
        client,
        f"grant_type=client_credentials&resource={cloud_api}&scope=all",
        auth=DEMO_ADMIN,
    )
    assert tokens_of(client, response, cloud_api)["scope"] == "all"
    response = post(
        client,
        f"grant_type=client_credentials&resource={MANAGEMENT_API}&scope=all",
        auth=DEMO_ADMIN,
    )
    assert response.json() == invalid_target("resource indicator is missing, or unknown")


def test_rs256_keys_sign_and_publish_rsa(make_client: ClientFactory) -> None:
    keys = KeyStore.generate("RS256")
    client = make_client(keys=keys)
    [jwk] = client.get("/oidc/jwks").json()["keys"]
    assert list(jwk) == ["kty", "use", "kid", "e", "n"]
    assert client.get("/oidc/.well-known/openid-configuration").json()[
        "id_token_signing_alg_values_supported"
    ] == ["PS256", "RS256"]
    response = post(client, f"grant_type=client_credentials&resource={API}&scope=read:products")
    header = jwt.get_unverified_header(response.json()["access_token"])
    assert header == {"alg": "RS256", "typ": "at+jwt", "kid": jwk["kid"]}
    assert tokens_of(client, response, API)["scope"] == "read:products"


def test_discovery_and_jwks_answer_304_to_their_etag(client: TestClient) -> None:
    for path in ("/oidc/.well-known/openid-configuration", "/oidc/jwks"):
        first = client.get(path)
        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert (again.status_code, again.content) == (304, b"")
