"""The pytest plugin, exercised in throw-away test sessions with pytester."""

from __future__ import annotations

import pytest

from .support.paths import GOLDEN_FIXTURE
from .support.readme import code_blocks


def test_plugin_is_registered_by_installing_the_package(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.mock_logto(fixtures=None, **settings):*"])


@pytest.mark.e2e  # a pytest session in a subprocess
def test_session_server_issues_tokens_that_verify_with_its_jwks(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json, urllib.request
        import jwt

        def token(server):
            request = urllib.request.Request(
                server.token_endpoint,
                data=b"grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com"
                b"&scope=read%3Aitems",
                headers={"Authorization": "Basic ZGVtby1tMm06ZGVtby1tMm0tc2VjcmV0"},
            )
            with urllib.request.urlopen(request) as response:
                return json.load(response)["access_token"]

        def test_first(mock_logto):
            assert mock_logto.base_url.startswith("http://127.0.0.1:")
            key = jwt.PyJWKClient(mock_logto.jwks_uri).get_signing_key_from_jwt(token(mock_logto))
            claims = jwt.decode(token(mock_logto), key, algorithms=["ES384"],
                                audience="https://api.example.com", issuer=mock_logto.issuer)
            assert claims["scope"] == "read:items"

        def test_second_uses_the_same_session_server(mock_logto, mock_logto_server):
            assert mock_logto.server is mock_logto_server
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_marker_loads_other_fixtures_for_the_in_process_app(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.mock_logto(fixtures=r"{GOLDEN_FIXTURE}", public_url="http://localhost:3001")
        def test_golden(mock_logto_client):
            response = mock_logto_client.post(
                "/oidc/token",
                data={{"grant_type": "client_credentials", "resource": "https://api.example.com"}},
                auth=("y1wo0iqlzt30wfuyc4oep", "nMxGhxX9jaYxBl4C66fLjqW91jJMaIcS"),
            )
            assert response.status_code == 200

        def test_default(mock_logto_client, mock_logto_settings):
            assert mock_logto_settings.fixtures is None
            response = mock_logto_client.get("/oidc/.well-known/openid-configuration")
            assert response.json()["issuer"] == "http://localhost:3001/oidc"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


@pytest.mark.e2e  # a pytest session in a subprocess
def test_an_error_inside_the_server_fails_the_test_that_caused_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import urllib.request, urllib.error
        import pytest

        def test_breaks_the_server(mock_logto, monkeypatch):
            def boom(*args, **kwargs):
                raise RuntimeError("boom inside the server")
            monkeypatch.setattr(mock_logto.app.state.runtime.jwks, "response", boom)
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(mock_logto.jwks_uri)

        def test_next_test_is_clean(mock_logto):
            urllib.request.urlopen(mock_logto.issuer + "/.well-known/openid-configuration")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: boom inside the server*"])


@pytest.mark.e2e  # a pytest session in a subprocess
def test_readme_plugin_example_runs_as_written(pytester: pytest.Pytester) -> None:
    [example] = [b for b in code_blocks("python") if "def test_my_backend_gets_a_token" in b]
    pytester.makepyfile(test_readme_example=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


@pytest.mark.e2e  # a pytest session in a subprocess
def test_state_is_reset_before_each_test_and_the_marker_loads_fixtures(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        import httpx2 as httpx
        import pytest

        def m2m_token(mock_logto):
            return httpx.post(
                mock_logto.token_endpoint,
                auth=("demo-m2m", "demo-m2m-secret"),
                data={{"grant_type": "client_credentials", "resource": "https://api.example.com"}},
            )

        def test_changes_everything(mock_logto):
            mock_logto.advance_clock(3600)
            mock_logto.fail("/oidc/token", status=503, count=5)
            mock_logto.app.state.runtime.tenant.applications.pop("demo-m2m")
            assert m2m_token(mock_logto).status_code == 503

        def test_sees_a_fresh_server(mock_logto):
            assert mock_logto.clock.offset == 0
            assert mock_logto.requests == []
            assert m2m_token(mock_logto).status_code == 200

        @pytest.mark.mock_logto(fixtures=r"{GOLDEN_FIXTURE}")
        def test_marker_fixtures_on_the_session_server(mock_logto, mock_logto_server):
            assert mock_logto.server is mock_logto_server
            assert m2m_token(mock_logto).status_code == 400  # no demo-m2m in the golden tenant

        @pytest.mark.mock_logto(signing_alg="RS256")
        def test_marker_settings_get_a_server_of_their_own(mock_logto, mock_logto_server):
            assert mock_logto.server is not mock_logto_server
            keys = httpx.get(mock_logto.jwks_uri).json()["keys"]
            assert [k["kty"] for k in keys] == ["RSA"]

        def test_back_to_the_demo_tenant(mock_logto):
            assert m2m_token(mock_logto).status_code == 200
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


@pytest.mark.e2e  # a pytest session in a subprocess
def test_clock_request_log_faults_and_issued_tokens(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time
        import httpx2 as httpx
        import jwt

        def test_handle(mock_logto):
            token = mock_logto.issue_token(
                "demo-web", resource="https://api.example.com", scopes=["read:items"],
                user="alice", organization="org-acme", claims={"x": 1}, expires_in=60,
            )
            key = jwt.PyJWKClient(mock_logto.jwks_uri).get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key, algorithms=["ES384"],
                                audience="https://api.example.com", issuer=mock_logto.issuer)
            assert list(claims)[:2] == ["organization_id", "x"]
            assert (claims["sub"], claims["client_id"], claims["scope"]) == (
                "user-alice", "demo-web", "read:items")
            assert claims["exp"] - claims["iat"] == 60

            # The clock: a code is good for 60 seconds.
            auth = httpx.get(mock_logto.issuer + "/auth", params={
                "client_id": "demo-web", "redirect_uri": "http://localhost:3000/callback",
                "response_type": "code", "scope": "openid", "login_hint": "alice"})
            code = auth.headers["location"].split("code=")[1].split("&")[0]
            mock_logto.advance_clock(61)
            late = httpx.post(mock_logto.token_endpoint, auth=("demo-web", "demo-web-secret"),
                              data={"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": "http://localhost:3000/callback"})
            assert late.json()["error"] == "invalid_grant"

            # The request log: what the client sent.
            [sent] = mock_logto.requests_to("/oidc/token", "POST")
            assert sent.form()["grant_type"] == "authorization_code"
            assert sent.status == 400
            assert sent.headers["authorization"].startswith("Basic ")

            # Faults: two failures, then a slow but normal answer.
            mock_logto.fail("/oidc/jwks", status=500, body={"error": "down"}, count=2)
            mock_logto.fail("/oidc/jwks", status=None, delay=0.2)
            assert httpx.get(mock_logto.jwks_uri).status_code == 500
            assert httpx.get(mock_logto.jwks_uri).json() == {"error": "down"}
            started = time.monotonic()
            assert httpx.get(mock_logto.jwks_uri).status_code == 200
            assert time.monotonic() - started >= 0.2

            # Key rotation: the new key signs, the old one stays published.
            old = jwt.get_unverified_header(token)["kid"]
            new = mock_logto.rotate_keys()
            kids = [k["kid"] for k in httpx.get(mock_logto.jwks_uri).json()["keys"]]
            assert kids == [new, old]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


@pytest.mark.e2e  # a pytest session in a subprocess
def test_each_xdist_worker_gets_its_own_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_worker(mock_logto, n, tmp_path_factory):
            worker = os.environ["PYTEST_XDIST_WORKER"]
            out = tmp_path_factory.getbasetemp().parent.parent / f"{worker}-{n}.url"
            out.write_text(mock_logto.base_url)
            mock_logto.advance_clock(10)  # state of one worker never leaks to another
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=6)
    urls: dict[str, set[str]] = {}
    for path in pytester.path.parent.rglob("gw*.url"):
        urls.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert set(urls) == {"gw0", "gw1"}
    assert all(len(found) == 1 for found in urls.values())
    assert urls["gw0"] != urls["gw1"]
