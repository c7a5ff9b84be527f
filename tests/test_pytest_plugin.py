"""The pytest plugin, exercised in throw-away test sessions with pytester."""

from __future__ import annotations

import pytest

from .conftest import GOLDEN_FIXTURE


def test_plugin_is_registered_by_installing_the_package(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.mock_logto(fixtures=None, **settings):*"])


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
            assert mock_logto is mock_logto_server
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

        @pytest.mark.mock_logto("positional")
        def test_misused(mock_logto_settings):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*takes keyword arguments only*"])


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
            monkeypatch.setattr(mock_logto.app.state.jwks, "response", boom)
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(mock_logto.jwks_uri)

        def test_next_test_is_clean(mock_logto):
            urllib.request.urlopen(mock_logto.issuer + "/.well-known/openid-configuration")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: boom inside the server*"])


def test_readme_plugin_example_runs_as_written(pytester: pytest.Pytester) -> None:
    from .readme import code_blocks

    [example] = code_blocks("python")
    pytester.makepyfile(test_readme_example=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
