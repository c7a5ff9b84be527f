"""`/api/applications`: OIDC clients, their secrets and M2M roles."""

from __future__ import annotations

from typing import cast, get_args

from starlette.requests import Request
from starlette.responses import Response

from ..errors import invalid_input
from ..http.responses import JSONResponse
from ..models import DEFAULT_SECRET_NAME, Application, ApplicationSecret, ApplicationType
from ..ops import applications, roles
from . import shapes
from .common import (
    Handler,
    bool_field,
    created,
    id_list,
    int_field,
    json_body,
    new_id,
    new_secret,
    no_content,
    now_ms,
    object_field,
    string_field,
    tenant_of,
    unprocessable,
)
from .pagination import paginated


def application_of(request: Request) -> Application:
    """The application named by the path's `id`, else Logto's 404."""
    return applications.get(tenant_of(request), request.path_params["id"])


async def list_applications(request: Request) -> Response:
    """`GET /api/applications` (newest first; `types`, `search`, optional pagination)."""
    tenant = tenant_of(request)
    apps = sorted(tenant.applications.values(), key=lambda a: a.created_at, reverse=True)
    types = request.query_params.getlist("types")
    if types:
        apps = [a for a in apps if a.type in types]
    search = request.query_params.get("search")
    if search:
        needle = search.strip("%").casefold()
        apps = [a for a in apps if needle in a.name.casefold() or needle in a.id.casefold()]
    return paginated(request, apps, optional=True, shape=lambda a: shapes.application(a, tenant.id))


async def get_application(request: Request) -> Response:
    """`GET /api/applications/:id`."""
    app = application_of(request)
    return JSONResponse({**shapes.application(app, tenant_of(request).id), "isAdmin": False})


def _apply_oidc_metadata(app: Application, metadata: dict[str, object] | None) -> None:
    if metadata is None:
        return
    for key, attribute in (
        ("redirectUris", "redirect_uris"),
        ("postLogoutRedirectUris", "post_logout_redirect_uris"),
    ):
        uris = metadata.get(key)
        if uris is None:
            continue
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            raise invalid_input(["oidcClientMetadata", key], expected="array", value=uris)
        setattr(app, attribute, list(uris))


async def create_application(request: Request) -> Response:
    """`POST /api/applications` (200, as Logto answers it)."""
    data = await json_body(request)
    name = string_field(data, "name", required=True)
    kind = data.get("type")
    options = get_args(ApplicationType)
    if kind not in options:
        raise invalid_input(["type"], options=options, value=kind)
    custom_client_metadata = object_field(data, "customClientMetadata") or {}
    third_party = bool(bool_field(data, "isThirdParty"))
    if third_party:
        applications.check_token_exchange(True, custom_client_metadata)
    tenant = tenant_of(request)
    now = now_ms(request)
    app = Application(
        id=new_id(),
        name=str(name),
        type=cast(ApplicationType, kind),
        internal_secret="#internal:" + new_secret(),
        description=string_field(data, "description"),
        custom_client_metadata=custom_client_metadata,
        custom_data=object_field(data, "customData") or {},
        is_third_party=third_party,
        created_at=now,
    )
    _apply_oidc_metadata(app, object_field(data, "oidcClientMetadata"))
    if app.is_confidential:
        applications.add_secret(app, ApplicationSecret(DEFAULT_SECRET_NAME, new_secret(), now))
    applications.create(tenant, app)
    return JSONResponse(shapes.application(app, tenant.id))


async def update_application(request: Request) -> Response:
    """`PATCH /api/applications/:id`: objects are merged into the stored ones, as Logto does."""
    app = application_of(request)
    data = await json_body(request)
    custom_client_metadata = object_field(data, "customClientMetadata") or {}
    applications.check_token_exchange(app.is_third_party, custom_client_metadata)
    name = string_field(data, "name")
    if name is not None:
        app.name = name
    if "description" in data:
        app.description = string_field(data, "description")
    _apply_oidc_metadata(app, object_field(data, "oidcClientMetadata"))
    app.custom_client_metadata.update(custom_client_metadata)
    app.custom_data.update(object_field(data, "customData") or {})
    third_party = bool_field(data, "isThirdParty")
    if third_party is not None:
        app.is_third_party = third_party
    return JSONResponse(shapes.application(app, tenant_of(request).id))


async def delete_application(request: Request) -> Response:
    """`DELETE /api/applications/:id` (204): its tokens stop being issued at once."""
    applications.delete(tenant_of(request), application_of(request))
    return no_content()


async def list_secrets(request: Request) -> Response:
    """`GET /api/applications/:id/secrets`."""
    app = application_of(request)
    tenant_id = tenant_of(request).id
    return JSONResponse([shapes.application_secret(s, app.id, tenant_id) for s in app.secrets])


async def create_secret(request: Request) -> Response:
    """`POST /api/applications/:id/secrets` (201): usable at once at the token endpoint."""
    app = application_of(request)
    data = await json_body(request)
    name = str(string_field(data, "name", required=True))
    secret = ApplicationSecret(name, new_secret(), now_ms(request), int_field(data, "expiresAt"))
    applications.add_secret(app, secret)
    return JSONResponse(
        shapes.application_secret(secret, app.id, tenant_of(request).id), status_code=201
    )


async def delete_secret(request: Request) -> Response:
    """`DELETE /api/applications/:id/secrets/:name` (204): refused at the token endpoint next."""
    applications.delete_secret(application_of(request), request.path_params["name"])
    return no_content()


async def list_roles(request: Request) -> Response:
    """`GET /api/applications/:id/roles`."""
    app = application_of(request)
    tenant = tenant_of(request)
    held = roles.existing(tenant, app.role_ids)
    return paginated(request, [shapes.role(r, tenant.id) for r in held])


async def assign_roles(request: Request) -> Response:
    """`POST /api/applications/:id/roles`: M2M roles for an M2M app (201 `Created`)."""
    app = application_of(request)
    roles.check_holder(app)
    role_ids = id_list(await json_body(request), "roleIds")
    tenant = tenant_of(request)
    for role_id in role_ids:
        found = tenant.roles.get(role_id)
        if found is None:
            continue
        if role_id in app.role_ids:
            raise unprocessable(
                "application.role_exists",
                f"The role id {role_id} is already been added to this application.",
            )
        roles.check_type(app, found)
    for role in [roles.get(tenant, role_id) for role_id in role_ids]:
        roles.link(app, role)
    return created()


async def remove_role(request: Request) -> Response:
    """`DELETE /api/applications/:id/roles/:roleId` (204)."""
    roles.unlink(application_of(request), request.path_params["roleId"])
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/applications", list_applications),
    ("POST", "/applications", create_application),
    ("GET", "/applications/{id}", get_application),
    ("PATCH", "/applications/{id}", update_application),
    ("DELETE", "/applications/{id}", delete_application),
    ("GET", "/applications/{id}/secrets", list_secrets),
    ("POST", "/applications/{id}/secrets", create_secret),
    ("DELETE", "/applications/{id}/secrets/{name}", delete_secret),
    ("GET", "/applications/{id}/roles", list_roles),
    ("POST", "/applications/{id}/roles", assign_roles),
    ("DELETE", "/applications/{id}/roles/{roleId}", remove_role),
)
