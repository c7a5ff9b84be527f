"""Signing keys: generated, or kept in a JWKS file so tokens outlive a restart.

Logto signs with one EC P-384 key (ES384) by default; RSA (RS256) is possible. The JWKS is
published in Logto's member order (`kty, use, kid, alg, crv, x, y`; RSA: `kty, use, kid, e, n`)
and the `kid` is the RFC 7638 thumbprint (core/utils/jwks.ts).

A generated key is made when something first needs it (a token, the JWKS, discovery): joserfc
and cryptography take a tenth of a second to import, which a test session whose tests never ask
the mock for a token should not pay.
"""

from __future__ import annotations

import base64
import hashlib
import json
import operator
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ManagementApiError, MockLogtoError
from .settings import SigningAlg

if TYPE_CHECKING:
    from joserfc.jwk import ECKey, RSAKey

    Key = ECKey | RSAKey

_EC_ALGS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
#: The algorithms oidc-provider registers for a key, in its order, cut to those Logto enables.
_RSA_ALGS = ("PS256", "RS256")
#: Logto's rotation keeps this many keys, the new one first (routes/logto-config).
KEPT_ON_ROTATION = 2
#: The size of the RSA keys Logto generates (cli/commands/database/utils.ts).
LOGTO_RSA_BITS = 4096
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _key_id(kid: str) -> str:
    """A Logto-style key id (21 lowercase letters and digits), the same for the same key."""
    digest = hashlib.sha256(kid.encode()).digest()
    return "".join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:21])


def key_required() -> ManagementApiError:
    """Deleting the last key (checked before the id, keys-logs/24, 25)."""
    return ManagementApiError("oidc.key_required", "At least one key is required.", status_code=422)


def key_not_found(key_id: str) -> ManagementApiError:
    """Deleting a key id that is not there (keys-logs/20, 29)."""
    return ManagementApiError(
        "oidc.key_not_found", f"Key with ID {key_id} is not found.", status_code=404
    )


def _is_ec(key: Key) -> bool:
    return key.key_type == "EC"


def _alg_of(key: Key) -> str:
    """The JWS algorithm Logto uses for a key: by curve for EC, RS256 for RSA."""
    if _is_ec(key):
        return _EC_ALGS[key.curve_name]  # type: ignore[union-attr]
    return "RS256"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One private key with its `kid` and algorithm, and Logto's `id` and `createdAt` (seconds)."""

    key: Key
    kid: str
    alg: str
    id: str = ""
    created_at: int = field(default_factory=lambda: int(time.time()))

    @property
    def kty(self) -> str:
        """`EC` or `RSA`: Logto's `signingKeyAlgorithm`."""
        return "EC" if _is_ec(self.key) else "RSA"

    @property
    def algorithms(self) -> tuple[str, ...]:
        """What the key can sign with, as oidc-provider lists it (RSA: PS256, RS256)."""
        return (self.alg,) if _is_ec(self.key) else _RSA_ALGS

    def public_jwk(self) -> dict[str, Any]:
        """The public JWK as Logto publishes it."""
        public = self.key.as_dict(private=False)
        if _is_ec(self.key):
            return {
                "kty": "EC",
                "use": "sig",
                "kid": self.kid,
                "alg": self.alg,
                "crv": public["crv"],
                "x": public["x"],
                "y": public["y"],
            }
        return {"kty": "RSA", "use": "sig", "kid": self.kid, "e": public["e"], "n": public["n"]}


def _signing_key(key: Key) -> SigningKey:
    kid = key.thumbprint()
    return SigningKey(key=key, kid=kid, alg=_alg_of(key), id=_key_id(kid))


def generate_key(alg: SigningAlg = "ES384", rsa_bits: int = 2048) -> SigningKey:
    """A new private key for `alg` (RSA: 2048 bits unless told; Logto's own are 4096)."""
    from joserfc.jwk import ECKey, RSAKey

    if alg == "RS256":
        return _signing_key(RSAKey.generate_key(rsa_bits))
    return _signing_key(ECKey.generate_key("P-384"))


class KeyStore:
    """The tenant's keys: the first one signs, all of them are published."""

    def __init__(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise MockLogtoError("a key store needs at least one key")
        self._list: list[SigningKey] | None = list(keys)
        self._alg: SigningAlg = "ES384"
        self._body: bytes | None = None
        #: (kid, header items) → (the key, its signer without joserfc's per-call checks).
        self._signers: dict[tuple[Any, ...], tuple[Key, Callable[[bytes], str]]] = {}
        #: The keys the store started with, which `restore()` brings back.
        self._initial: tuple[SigningKey, ...] = tuple(keys)

    @classmethod
    def generate(cls, alg: SigningAlg = "ES384") -> KeyStore:
        """A store with one fresh key, made when it is first needed."""
        store = cls.__new__(cls)
        store._list, store._alg, store._body, store._initial = None, alg, None, ()
        store._signers = {}
        return store

    @property
    def _keys(self) -> list[SigningKey]:
        if self._list is None:
            self._list = [generate_key(self._alg)]
            self._initial = tuple(self._list)
        return self._list

    @classmethod
    def from_file(cls, path: Path, alg: SigningAlg = "ES384") -> KeyStore:
        """Load a private JWKS file; create it with a fresh key when it does not exist."""
        from joserfc.jwk import ECKey, RSAKey

        if not path.exists():
            store = cls.generate(alg)
            store.write(path)
            return store
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            entries = document["keys"]
            if not isinstance(entries, list) or not entries:
                raise ValueError("'keys' must be a non-empty list")
            keys: list[SigningKey] = []
            for index, entry in enumerate(entries):
                if not isinstance(entry, dict) or "d" not in entry:
                    raise ValueError(f"keys[{index}] is not a private JWK")
                if entry.get("kty") == "EC":
                    keys.append(_signing_key(ECKey.import_key(entry)))
                elif entry.get("kty") == "RSA":
                    keys.append(_signing_key(RSAKey.import_key(entry)))
                else:
                    raise ValueError(f"keys[{index}]: kty must be EC or RSA")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise MockLogtoError(f"{path}: not a usable private JWKS file: {exc}") from exc
        return cls(keys)

    def write(self, path: Path) -> None:
        """Save the private keys as a JWKS file readable by the owner only."""
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"keys": [k.key.as_dict(private=True) for k in self._keys]}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)

    def rotate(
        self,
        alg: SigningAlg,
        keep: int | None = None,
        created_at: int | None = None,
        rsa_bits: int = 2048,
    ) -> SigningKey:
        """A new key signs from now on; the old ones stay published so their tokens verify.

        With `keep`, only that many keys are kept, the newest first (Logto keeps 2).
        """
        key = generate_key(alg, rsa_bits)
        if created_at is not None:
            key = replace(key, created_at=created_at)
        self._keys.insert(0, key)
        if keep is not None:
            del self._keys[keep:]
        self._changed()
        return key

    def delete(self, key_id: str) -> SigningKey:
        """Drop the key with Logto's `id`: its tokens stop verifying and it is not published.

        Raises Logto's 422 when it is the last key (before looking at the id), else 404.
        """
        if len(self._keys) <= 1:
            raise key_required()
        found = next((k for k in self._keys if k.id == key_id), None)
        if found is None:
            raise key_not_found(key_id)
        self._keys.remove(found)
        self._changed()
        return found

    def restore(self) -> bool:
        """Hold the keys the store started with again; False when it still does.

        A key not made yet stays unmade (the lazy first key is the starting one).
        """
        held, initial = self._list, self._initial
        if held is None or (len(held) == len(initial) and all(map(operator.is_, held, initial))):
            return False
        self._list = list(initial)
        self._changed()
        return True

    def _changed(self) -> None:
        self._body = None

    @property
    def keys(self) -> tuple[SigningKey, ...]:
        """All keys, the signing one first."""
        return tuple(self._keys)

    def algorithms(self) -> list[str]:
        """The signing algorithms of all keys in order (discovery's `*_alg_values_supported`)."""
        return list(dict.fromkeys(alg for key in self._keys for alg in key.algorithms))

    def candidates(self, header: dict[str, Any]) -> list[SigningKey]:
        """The keys jose's local JWKS would try for a JWS header.

        Same `kid` (when the header names one), and a key the header's `alg` fits.
        """
        kid, alg = header.get("kid"), header.get("alg")
        return [
            k
            for k in self._keys
            if (kid is None or k.kid == kid) and isinstance(alg, str) and alg in k.algorithms
        ]

    @property
    def current(self) -> SigningKey:
        """The key that signs."""
        return self._keys[0]

    @property
    def jwks_body(self) -> bytes:
        """The serialised public JWKS (computed once; it is served on every `/oidc/jwks`)."""
        if self._body is None:
            self._body = json.dumps(self.public_jwks(), separators=(",", ":")).encode()
        return self._body

    def public_jwks(self) -> dict[str, Any]:
        """The public JWKS document."""
        return {"keys": [k.public_jwk() for k in self._keys]}

    def sign(self, header: dict[str, Any], payload: bytes) -> str:
        """Compact JWS of `payload` with the current key; `header` keeps its key order.

        The first signature of a key and header goes through joserfc and its checks of both;
        later ones with the same key and header (EC keys) skip what those checks would say again.
        """
        key = self.current
        cached = (key.kid, *header.items())
        signer = self._signers.get(cached)
        if signer is not None and signer[0] is key.key:
            return signer[1](payload)
        token: str = _serialize_compact(header, payload, key.key, algorithms=[key.alg])
        fast = _ec_signer(key, token)
        if fast is not None:
            if len(self._signers) >= 64:  # headers come from a few call sites: never reached
                self._signers.clear()
            self._signers[cached] = (key.key, fast)
        return token

    def verify(self, token: str) -> dict[str, Any] | None:
        """The payload of a compact JWS signed by one of these keys, else None."""
        from joserfc import jws
        from joserfc.errors import JoseError

        try:
            header = json.loads(_b64decode(token.split(".", 1)[0]))
        except (ValueError, IndexError):
            return None
        if not isinstance(header, dict):
            return None
        for key in self._keys:
            if key.kid != header.get("kid"):
                continue
            try:
                obj = jws.deserialize_compact(token, key.key, algorithms=list(key.algorithms))
            except (JoseError, ValueError):
                return None
            payload: dict[str, Any] = json.loads(obj.payload)
            return payload
        return None


def _serialize_compact(*args: Any, **kwargs: Any) -> str:
    """The `jws.serialize_compact` of joserfc, imported on the first signature."""
    global _serialize_compact  # replaced by joserfc's own after the import
    from joserfc import jws

    _serialize_compact = jws.serialize_compact
    return jws.serialize_compact(*args, **kwargs)


#: ECDSA algorithms: the hash each signs with.
_EC_HASHES = {"ES256": "SHA256", "ES384": "SHA384", "ES512": "SHA512"}


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _ec_signer(key: SigningKey, token: str) -> Callable[[bytes], str] | None:
    """What joserfc does to sign with an EC `key`, for the header of `token` it signed.

    joserfc checks the header, the algorithm and the key's use on every call, and encodes the
    header again: on the token endpoint as much time as all of Logto's own checks. The header's
    segment is joserfc's own; the signature is built as joserfc builds it (r and s, big-endian,
    each the curve's size), so the tokens are what joserfc would give.
    """
    hash_name = _EC_HASHES.get(key.alg)
    if hash_name is None or not _is_ec(key.key):
        return None
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    op_key = key.key.get_op_key("sign")
    if not isinstance(op_key, EllipticCurvePrivateKey):
        return None
    algorithm = ECDSA(getattr(hashes, hash_name)())  # stateless: one for every signature
    size = (op_key.curve.key_size + 7) // 8
    head = token.split(".", 1)[0].encode("ascii") + b"."

    def sign(payload: bytes) -> str:
        signing_input = head + _b64(payload)
        r, s = decode_dss_signature(op_key.sign(signing_input, algorithm))
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
        return (signing_input + b"." + _b64(signature)).decode("ascii")

    return sign


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
