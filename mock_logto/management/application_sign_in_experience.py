"""`/api/applications/:applicationId/sign-in-experience`: an application's own branding.

core/routes/applications/application-sign-in-experience.ts: PUT creates it (201) or updates
it (200); GET answers 404 naming `application_sign_in_experiences` until it exists.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import EntityNotFound
from ..http.responses import JSONResponse
from ..ops import applications
from .branding_guards import BRANDING, PARTIAL_COLOR
from .common import Handler, body_value, stored, tenant_of, unprocessable

_LINK = zod.Union(zod.Str(max=2048, url=True).nullish(), zod.Literal("")).optional()
#: `applicationSignInExperienceCreateGuard`.
GUARD = zod.Obj(
    {
        "color": PARTIAL_COLOR.optional(),
        "branding": BRANDING.optional(),
        "customCss": zod.Str().nullish(),
        "displayName": zod.Str(max=256).nullish(),
        "termsOfUseUrl": _LINK,
        "privacyPolicyUrl": _LINK,
    }
)
_FIELDS = ("color", "branding", "customCss", "termsOfUseUrl", "privacyPolicyUrl", "displayName")


def _body(tenant_id: str, app_id: str, stored: dict[str, Any]) -> dict[str, Any]:
    return {"tenantId": tenant_id, "applicationId": app_id, **{k: stored[k] for k in _FIELDS}}


async def get_sign_in_experience(request: Request) -> Response:
    """`GET …/sign-in-experience`: the app's, else 404 `entity.not_exists_with_id`."""
    tenant = tenant_of(request)
    app = applications.get(tenant, request.path_params["applicationId"])
    if app.sign_in_experience is None:
        raise EntityNotFound("application_sign_in_experiences", app.id)
    return JSONResponse(_body(tenant.id, app.id, app.sign_in_experience))


async def put_sign_in_experience(request: Request) -> Response:
    """`PUT …/sign-in-experience`: 201 when created, 200 when updated (the given fields)."""
    data = {k: stored(v) for k, v in zod.parse(GUARD, await body_value(request)).items()}
    tenant = tenant_of(request)
    app = applications.get(tenant, request.path_params["applicationId"])
    if app.sign_in_experience is None:
        app.sign_in_experience = {
            "color": {},
            "branding": {},
            "customCss": None,
            "termsOfUseUrl": None,
            "privacyPolicyUrl": None,
            "displayName": None,
            **data,
        }
        return JSONResponse(_body(tenant.id, app.id, app.sign_in_experience), status_code=201)
    if not data:  # an update with nothing to set
        raise unprocessable("entity.invalid_input", "Invalid input. Value list must not be empty.")
    app.sign_in_experience.update(data)
    return JSONResponse(_body(tenant.id, app.id, app.sign_in_experience))


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/applications/{applicationId}/sign-in-experience", get_sign_in_experience),
    ("PUT", "/applications/{applicationId}/sign-in-experience", put_sign_in_experience),
)
