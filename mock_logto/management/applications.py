"""`/api/applications`: OIDC clients, their secrets and M2M roles."""

from __future__ import annotations

from typing import cast, get_args

from starlette.requests import Request
from starlette.responses import Response

from ..errors import invalid_input
from ..models import Application, ApplicationSecret, ApplicationType
from ..routes.responses import JSONResponse
from . import shapes
from .common import (
    bool_field,
    by_id,
    created,
    id_list,
    int_field,
    json_body,
    new_id,
    new_secret,
    no_content,
    not_found,
    now_ms,
    object_field,
    roles_by_id,
    string_field,
    tenant_of,
    unprocessable,
)
from .pagination import paginated


def application_of(request: Request) -> Application:
    """The application named by the path's `id`, else Logto's 404."""
    return by_id(request, tenant_of(request).applications, "applications")


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
    return paginated(request, [shapes.application(a, tenant.id) for a in apps], optional=True)


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
    tenant = tenant_of(request)
    now = now_ms(request)
    app = Application(
        id=new_id(),
        name=str(name),
        type=cast(ApplicationType, kind),
        internal_secret="#internal:" + new_secret(),
        description=string_field(data, "description"),
        custom_client_metadata=object_field(data, "customClientMetadata") or {},
        custom_data=object_field(data, "customData") or {},
        is_third_party=bool(bool_field(data, "isThirdParty")),
        created_at=now,
    )
    _apply_oidc_metadata(app, object_field(data, "oidcClientMetadata"))
    if app.is_confidential:
        app.secrets.append(ApplicationSecret("Default secret", new_secret(), now))
    tenant.applications[app.id] = app
    return JSONResponse(shapes.application(app, tenant.id))


async def update_application(request: Request) -> Response:
    """`PATCH /api/applications/:id`: objects are merged into the stored ones, as Logto does."""
    app = application_of(request)
    data = await json_body(request)
    name = string_field(data, "name")
    if name is not None:
        app.name = name
    if "description" in data:
        app.description = string_field(data, "description")
    _apply_oidc_metadata(app, object_field(data, "oidcClientMetadata"))
    app.custom_client_metadata.update(object_field(data, "customClientMetadata") or {})
    app.custom_data.update(object_field(data, "customData") or {})
    third_party = bool_field(data, "isThirdParty")
    if third_party is not None:
        app.is_third_party = third_party
    return JSONResponse(shapes.application(app, tenant_of(request).id))


async def delete_application(request: Request) -> Response:
    """`DELETE /api/applications/:id` (204): its tokens stop being issued at once."""
    app = application_of(request)
    tenant = tenant_of(request)
    del tenant.applications[app.id]
    for org in tenant.organizations.values():
        org.application_roles.pop(app.id, None)
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
    if any(s.name == name for s in app.secrets):
        raise unprocessable(
            "entity.unique_integrity_violation",
            "The entity already exists. Please check the input and try again.",
        )
    secret = ApplicationSecret(name, new_secret(), now_ms(request), int_field(data, "expiresAt"))
    app.secrets.append(secret)
    return JSONResponse(
        shapes.application_secret(secret, app.id, tenant_of(request).id), status_code=201
    )


async def delete_secret(request: Request) -> Response:
    """`DELETE /api/applications/:id/secrets/:name` (204): refused at the token endpoint next."""
    app = application_of(request)
    name = request.path_params["name"]
    kept = [s for s in app.secrets if s.name != name]
    if len(kept) == len(app.secrets):
        raise not_found("application_secrets", name)
    app.secrets = kept
    return no_content()


async def list_roles(request: Request) -> Response:
    """`GET /api/applications/:id/roles`."""
    app = application_of(request)
    tenant = tenant_of(request)
    roles = roles_by_id(tenant, app.role_ids)
    return paginated(request, [shapes.role(r, tenant.id) for r in roles])


async def assign_roles(request: Request) -> Response:
    """`POST /api/applications/:id/roles`: M2M roles for an M2M app (201 `Created`)."""
    app = application_of(request)
    if app.type != "MachineToMachine":
        raise unprocessable(
            "application.invalid_type",
            "Only machine to machine applications can have associated roles.",
        )
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
        if found.type != "MachineToMachine":
            raise unprocessable(
                "application.invalid_role_type",
                "Can not assign user type role to machine to machine application.",
            )
    for role_id in role_ids:
        if role_id not in tenant.roles:
            raise not_found("roles", role_id)
    app.role_ids.extend(role_ids)
    return created()


async def remove_role(request: Request) -> Response:
    """`DELETE /api/applications/:id/roles/:roleId` (204)."""
    app = application_of(request)
    role_id = request.path_params["roleId"]
    if role_id not in app.role_ids:
        raise not_found("roles", role_id)
    app.role_ids.remove(role_id)
    return no_content()
