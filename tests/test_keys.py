"""Signing keys: Logto's JWKS shape, RFC 7638 kids, key files."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import jwt
import pytest

from mock_logto.errors import MockLogtoError
from mock_logto.keys import KeyStore, generate_key


def rfc7638(jwk: dict[str, str]) -> str:
    members = ("crv", "kty", "x", "y") if jwk["kty"] == "EC" else ("e", "kty", "n")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_default_key_is_p384_published_in_logto_member_order() -> None:
    [jwk] = KeyStore.generate().public_jwks()["keys"]
    assert list(jwk) == ["kty", "use", "kid", "alg", "crv", "x", "y"]
    assert (jwk["kty"], jwk["use"], jwk["alg"], jwk["crv"]) == ("EC", "sig", "ES384", "P-384")
    assert jwk["kid"] == rfc7638(jwk)
    assert "d" not in jwk


def test_rsa_key_kid_is_its_thumbprint() -> None:
    [jwk] = KeyStore.generate("RS256").public_jwks()["keys"]
    assert jwk["kid"] == rfc7638(jwk)


def test_missing_key_file_is_created_and_reloaded_identically(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    created = KeyStore.from_file(path)
    assert json.loads(path.read_text())["keys"][0]["d"]
    assert KeyStore.from_file(path).public_jwks() == created.public_jwks()


def test_first_key_signs_and_every_key_is_published(tmp_path: Path) -> None:
    first, second = generate_key("ES384"), generate_key("RS256")
    path = tmp_path / "jwks.json"
    KeyStore([first, second]).write(path)
    store = KeyStore.from_file(path)
    assert [k["kid"] for k in store.public_jwks()["keys"]] == [first.kid, second.kid]
    token = store.sign({"alg": "ES384", "kid": first.kid}, b'{"sub":"x"}')
    key = jwt.PyJWKSet.from_dict(store.public_jwks())[first.kid]
    assert jwt.decode(token, key, algorithms=["ES384"]) == {"sub": "x"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "Expecting value: line 1 column 1 (char 0)"),
        ('{"keys": []}', "'keys' must be a non-empty list"),
        (
            '{"keys": [{"kty": "EC", "crv": "P-384", "x": "a", "y": "b"}]}',
            "keys[0] is not a private JWK",
        ),
        ('{"keys": [{"kty": "oct", "d": "x"}]}', "keys[0]: kty must be EC or RSA"),
    ],
)
def test_unusable_key_files_are_one_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(content)
    with pytest.raises(MockLogtoError) as info:
        KeyStore.from_file(path)
    assert str(info.value) == f"{path}: not a usable private JWKS file: {reason}"


@pytest.mark.parametrize("alg", ["ES384", "RS256"])
def test_signatures_after_the_first_are_the_bytes_joserfc_gives(alg: str) -> None:
    """Later EC signatures skip joserfc's repeated checks: same header and payload segments,
    same signature size, verifiable with the published key; a rotated key gets its own."""
    from joserfc import jws

    store = KeyStore([generate_key(alg)])  # type: ignore[arg-type]
    key = store.current
    header = {"alg": key.alg, "typ": "at+jwt", "kid": key.kid}
    tokens = [store.sign(header, json.dumps({"n": n}).encode()) for n in range(3)]
    for n, token in enumerate(tokens):
        reference = jws.serialize_compact(
            header, json.dumps({"n": n}).encode(), key.key, algorithms=[key.alg]
        )
        assert token.split(".")[:2] == reference.split(".")[:2]
        assert len(token) == len(reference)
        assert store.verify(token) == {"n": n}
    store.rotate(key.alg)  # type: ignore[arg-type]
    new = store.current
    token = store.sign({"alg": new.alg, "typ": "at+jwt", "kid": new.kid}, b'{"n":9}')
    assert store.verify(token) == {"n": 9}
