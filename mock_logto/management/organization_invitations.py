"""`/api/organization-invitations` (Logto's routes/organization-invitation/index.ts).

The list is not paginated and filters by `organizationId`, `inviterId` and `invitee`
(case-insensitively); PATCH is not routed (405). Sending the invitation email (`messagePayload`,
`POST /:id/message`) needs an email connector (`/api/connectors`): without one it answers Logto's
501 `connector.not_found`; with one it succeeds, the message delivered nowhere yet.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError
from ..http.hooks import context_free_event
from ..http.responses import JSONResponse
from ..models import OrganizationInvitation, Tenant
from ..ops import connectors, invitations
from ..runtime import runtime_of
from .common import Handler, json_body, new_id, no_content, tenant_of
from .zod_issues import Fields, invalid_type


def _now_ms(request: Request) -> int:
    """The server's time to the millisecond (Logto's timestamps and expiry checks)."""
    return runtime_of(request).clock.now_ms()


def _has_email_connector(tenant: Tenant) -> bool:
    """Whether Logto would find an email connector to send with.

    The message itself is not delivered anywhere yet (a capturing connector is another issue's).
    """
    return any(kind == "Email" for kind, _ in connectors.kinds(tenant))


def _no_email_connector() -> ManagementApiError:
    return ManagementApiError(
        "connector.not_found",
        "Cannot find any available connector for type: Email.",
        status_code=501,
    )


def shape(invitation: OrganizationInvitation, tenant: Tenant, now: int) -> dict[str, Any]:
    """An invitation entity: its status as read now, its roles by name."""
    roles = sorted(
        (
            tenant.organization_roles[r]
            for r in invitation.organization_role_ids
            if r in tenant.organization_roles
        ),
        key=lambda r: r.name,
    )
    return {
        "tenantId": tenant.id,
        "id": invitation.id,
        "inviterId": invitation.inviter_id,
        "invitee": invitation.invitee,
        "acceptedUserId": invitation.accepted_user_id,
        "organizationId": invitation.organization_id,
        "status": invitations.status_of(invitation, now),
        "createdAt": invitation.created_at,
        "updatedAt": invitation.updated_at,
        "expiresAt": invitation.expires_at,
        "organizationRoles": [{"id": r.id, "name": r.name} for r in roles],
    }


def _message_payload(fields: Fields, value: Any, path: list[str | int]) -> None:
    """`sendMessagePayloadGuard`: optional string `code`, `link`, `locale`, `uiLocales`.

    Under `messagePayload` it is one option of `… .or(z.literal(false))`: a value neither an
    object nor `false` is zod's `invalid_union` listing both options' errors.
    """
    if not isinstance(value, dict):
        if not path:
            fields.issues.append(invalid_type(path, "object", value))
            return
        literal = {
            "received": value,
            "code": "invalid_literal",
            "expected": False,
            "path": path,
            "message": "Invalid literal value, expected false",
        }
        fields.issues.append(
            {
                "code": "invalid_union",
                "unionErrors": [
                    {"issues": [invalid_type(path, "object", value)], "name": "ZodError"},
                    {"issues": [literal], "name": "ZodError"},
                ],
                "path": path,
                "message": "Invalid input",
            }
        )
        return
    for key in ("code", "link", "locale", "uiLocales"):
        if key in value and not isinstance(value[key], str):
            fields.issues.append(invalid_type([*path, key], "string", value[key]))


async def list_invitations(request: Request) -> Response:
    """`GET /api/organization-invitations` (every match, newest first, no pagination)."""
    query = request.query_params
    tenant = tenant_of(request)
    now = _now_ms(request)
    found = invitations.find(
        tenant, now, query.get("organizationId"), query.get("inviterId"), query.get("invitee")
    )
    return JSONResponse([shape(i, tenant, now) for i in found])


async def create_invitation(request: Request) -> Response:
    """`POST /api/organization-invitations` (201)."""
    data = await json_body(request)
    fields = Fields(data)
    inviter_id = fields.string("inviterId", optional=True, nullable=True, max_length=21)
    invitee = fields.string("invitee", email=True)
    organization_id = fields.string("organizationId", min_length=1, max_length=21)
    expires_at = fields.number("expiresAt")
    role_ids = fields.strings("organizationRoleIds", optional=True)
    payload = data.get("messagePayload", False)
    if payload is not False:
        _message_payload(fields, payload, ["messagePayload"])
    fields.done()
    tenant = tenant_of(request)
    now = _now_ms(request)
    if not expires_at > now:
        raise invitations.invalid("The value of `expiresAt` must be in the future.", 400)
    invitation = OrganizationInvitation(
        id=new_id(),
        invitee=str(invitee),
        organization_id=str(organization_id),
        expires_at=int(expires_at),
        inviter_id=inviter_id,
        organization_role_ids=role_ids,
        created_at=now,
        updated_at=now,
    )
    if payload is not False and not _has_email_connector(tenant):
        # Sent inside Logto's transaction: no email connector, no invitation.
        snapshot = dict(tenant.organization_invitations)
        invitations.create(tenant, invitation, now)
        tenant.organization_invitations.clear()
        tenant.organization_invitations.update(snapshot)
        raise _no_email_connector()
    invitations.create(tenant, invitation, now)
    return JSONResponse(shape(invitation, tenant, now), status_code=201)


async def get_invitation(request: Request) -> Response:
    """`GET /api/organization-invitations/:id`."""
    tenant = tenant_of(request)
    found = invitations.get(tenant, request.path_params["id"])
    return JSONResponse(shape(found, tenant, _now_ms(request)))


async def delete_invitation(request: Request) -> Response:
    """`DELETE /api/organization-invitations/:id` (204)."""
    invitations.delete(tenant_of(request), request.path_params["id"])
    return no_content()


async def send_message(request: Request) -> Response:
    """`POST /api/organization-invitations/:id/message`: needs an email connector (501)."""
    data = await json_body(request)
    fields = Fields(data)
    _message_payload(fields, data, [])
    fields.done()
    tenant = tenant_of(request)
    invitations.get(tenant, request.path_params["id"])
    if not _has_email_connector(tenant):
        raise _no_email_connector()
    return no_content()


async def update_status(request: Request) -> Response:
    """`PUT /api/organization-invitations/:id/status`: Accepted (with a user) or Revoked."""
    fields = Fields(await json_body(request))
    accepted_user_id = fields.string("acceptedUserId", optional=True, nullable=True, max_length=21)
    status = fields.enum("status", ("Accepted", "Revoked"))
    fields.done()
    tenant = tenant_of(request)
    now = _now_ms(request)
    if status == "Revoked":
        invitation = invitations.get(tenant, request.path_params["id"])
        invitations.revoke(invitation, now)
        return JSONResponse(shape(invitation, tenant, now))
    if not accepted_user_id:
        raise invitations.invalid("The `acceptedUserId` is required when accepting an invitation.")
    invitation = invitations.get(tenant, request.path_params["id"])
    invitations.accept(tenant, invitation, accepted_user_id, now)
    context_free_event(
        request, "Organization.Membership.Updated", {"organizationId": invitation.organization_id}
    )
    return JSONResponse(shape(invitation, tenant, now))


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/organization-invitations", list_invitations),
    ("POST", "/organization-invitations", create_invitation),
    ("GET", "/organization-invitations/{id}", get_invitation),
    ("DELETE", "/organization-invitations/{id}", delete_invitation),
    ("POST", "/organization-invitations/{id}/message", send_message),
    ("PUT", "/organization-invitations/{id}/status", update_status),
)
