"""Move time for the code under test and for mock-logto together, with time-machine."""

from typing import Any

import jwt
import pytest

API = "https://api.example.com"


def verify(token: str, issuer: str) -> dict[str, Any]:
    """What the API under test does with a bearer token (PyJWT checks `exp` and `iat`)."""
    key = jwt.PyJWKClient(f"{issuer}/jwks").get_signing_key_from_jwt(token)
    return jwt.decode(token, key, algorithms=["ES384"], audience=API, issuer=issuer)


def test_an_hour_later_for_both_sides(mock_logto, time_machine):
    time_machine.move_to("2030-01-01 09:00Z")
    token = mock_logto.issue_token("demo-m2m", resource=API, expires_in=600)
    assert verify(token, mock_logto.issuer)["sub"] == "demo-m2m"

    # mock-logto's clock is time.time(): time-machine moves it with the API's.
    time_machine.shift(3600)
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(token, mock_logto.issuer)
    fresh = mock_logto.issue_token("demo-m2m", resource=API)
    assert verify(fresh, mock_logto.issuer)["iat"] >= token_iat(token) + 3600


def test_advance_clock_moves_mock_logto_alone(mock_logto):
    mock_logto.advance_clock(3600)
    token = mock_logto.issue_token("demo-m2m", resource=API)
    with pytest.raises(jwt.ImmatureSignatureError):  # issued an hour in the API's future
        verify(token, mock_logto.issuer)


def token_iat(token: str) -> int:
    iat: int = jwt.decode(token, options={"verify_signature": False})["iat"]
    return iat
