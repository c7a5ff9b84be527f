"""`/api/my-account/identities` and third-party tokens: social identities as data.

Logto v1.37 core/routes/account/identities.ts, third-party-tokens.ts. Linking needs a verified
social verification record, which only a social connector's round trip makes; the mock has no
social connectors, so linking and token exchange answer as Logto answers an unknown record, and
no token set is ever stored. Unlinking works on identities the tenant's data holds.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError
from ..runtime import runtime_of
from .common import (
    account_center,
    authenticate,
    json_body,
    not_editable,
    permission_denied,
    record_not_found,
    string,
    unauthorized,
    user_of,
)
from .events import user_data_updated


def _token_not_found() -> ManagementApiError:
    return ManagementApiError(
        "secrets.third_party_token_set.token_not_found", "Token record not found.", status_code=404
    )


async def link(request: Request) -> Response:
    """`POST /api/my-account/identities` `{newIdentifierVerificationRecordId}`."""
    auth = authenticate(request)
    fields = account_center(request)
    string(await json_body(request), "newIdentifierVerificationRecordId")
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("social") != "Edit":
        raise not_editable()
    if "identities" not in auth.scopes:
        raise unauthorized(400)
    raise record_not_found()


async def unlink(request: Request) -> Response:
    """`DELETE /api/my-account/identities/:target` (204, or 404 `user.identity_not_exist`)."""
    auth = authenticate(request)
    fields = account_center(request)
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("social") != "Edit":
        raise not_editable()
    if "identities" not in auth.scopes:
        raise unauthorized(400)
    user = user_of(request, auth)
    target = request.path_params["target"]
    if target not in user.identities:
        raise ManagementApiError(
            "user.identity_not_exist",
            "The social account has not been registered yet.",
            status_code=404,
        )
    user.identities = {k: v for k, v in user.identities.items() if k != target}
    user.updated_at = runtime_of(request).clock() * 1000
    user_data_updated(request, user, 204)
    return Response(status_code=204)


async def get_access_token(request: Request) -> Response:
    """`GET /api/my-account/identities/:target/access-token`: no token set is ever stored."""
    authenticate(request)
    account_center(request)
    raise _token_not_found()


async def get_sso_access_token(request: Request) -> Response:
    """`GET /api/my-account/sso-identities/:connectorId/access-token`: as above."""
    authenticate(request)
    account_center(request)
    raise _token_not_found()


async def put_access_token(request: Request) -> Response:
    """`PUT /api/my-account/identities/:target/access-token` `{verificationRecordId}`."""
    authenticate(request)
    account_center(request)
    string(await json_body(request), "verificationRecordId", minimum=1)
    raise record_not_found()
