"""The OpenID Provider metadata, fields in the order Logto v1.37 emits them (golden/discovery)."""

from __future__ import annotations

from typing import Any

from ..claims import SUPPORTED_SCOPES, accepted_claims
from ..keys import KeyStore

#: oidc-provider's route table under the issuer: name → path.
PATHS = {
    "discovery": "/.well-known/openid-configuration",
    "authorization": "/auth",
    "token": "/token",
    "jwks": "/jwks",
    "userinfo": "/me",
    "introspection": "/token/introspection",
    "revocation": "/token/revocation",
    "end_session": "/session/end",
    "pushed_authorization_request": "/request",
}

_SCOPES_SUPPORTED = list(SUPPORTED_SCOPES)
#: Every claim the scopes can bring (userinfo's tables), then oidc-provider's own.
_CLAIMS_SUPPORTED = [
    "sub",
    *accepted_claims(SUPPORTED_SCOPES, "userinfo"),
    "sid",
    "auth_time",
    "iss",
]


class _Endpoint(str):
    """A placeholder for `<issuer><path of this route>` in the template below."""


#: The document with endpoints as placeholders, in Logto's order of fields.
_TEMPLATE: dict[str, Any] = {
    "authorization_endpoint": _Endpoint("authorization"),
    "claims_parameter_supported": False,
    "claims_supported": _CLAIMS_SUPPORTED,
    "code_challenge_methods_supported": ["S256"],
    "end_session_endpoint": _Endpoint("end_session"),
    "grant_types_supported": [
        "implicit",
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "urn:ietf:params:oauth:grant-type:token-exchange",
    ],
    "issuer": None,
    "jwks_uri": _Endpoint("jwks"),
    "authorization_response_iss_parameter_supported": True,
    "response_modes_supported": ["form_post", "fragment", "query"],
    "response_types_supported": ["code id_token", "code", "id_token", "none"],
    "scopes_supported": _SCOPES_SUPPORTED,
    "subject_types_supported": ["public"],
    "token_endpoint_auth_methods_supported": [
        "client_secret_basic",
        "client_secret_jwt",
        "client_secret_post",
        "private_key_jwt",
        "none",
    ],
    "token_endpoint_auth_signing_alg_values_supported": [
        "HS256",
        "RS256",
        "PS256",
        "ES256",
        "EdDSA",
    ],
    "token_endpoint": _Endpoint("token"),
    "id_token_signing_alg_values_supported": None,
    "pushed_authorization_request_endpoint": _Endpoint("pushed_authorization_request"),
    "request_parameter_supported": False,
    "request_uri_parameter_supported": False,
    "userinfo_endpoint": _Endpoint("userinfo"),
    "introspection_endpoint": _Endpoint("introspection"),
    "revocation_endpoint": _Endpoint("revocation"),
    "backchannel_logout_supported": True,
    "backchannel_logout_session_supported": True,
    "claim_types_supported": ["normal"],
}


def discovery_document(issuer: str, keys: KeyStore) -> dict[str, Any]:
    """The document served at `/.well-known/openid-configuration`."""
    document = {
        key: issuer + PATHS[value] if isinstance(value, _Endpoint) else value
        for key, value in _TEMPLATE.items()
    }
    document["issuer"] = issuer
    # oidc-provider lists what each key can sign with, key by key (keys-logs/13, 56).
    document["id_token_signing_alg_values_supported"] = keys.algorithms()
    return document
