"""`/api/organization-invitations` (Logto's routes/organization-invitation/index.ts).

The list is not paginated and filters by `organizationId`, `inviterId` and `invitee`
(case-insensitively); PATCH is not routed (405). Sending the invitation email (`messagePayload`,
`POST /:id/message`) needs an email connector (`/api/connectors`): without one it answers Logto's
501 `connector.not_found`; with one the capturing connector records it (`OrganizationInvitation`,
the payload Logto's connector would get: the organization, the inviter, then the given keys).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import ManagementApiError
from ..http.hooks import context_free_event
from ..http.responses import JSONResponse
from ..models import OrganizationInvitation, Tenant
from ..ops import invitations
from ..passcodes import require_connector
from ..runtime import runtime_of
from . import shapes
from .common import Handler, json_body, new_id, no_content, tenant_of


def _now_ms(request: Request) -> int:
    """The server's time to the millisecond (Logto's timestamps and expiry checks)."""
    return runtime_of(request).clock.now_ms()


#: @logto/connector-kit's `sendMessagePayloadGuard` (`.catchall(z.unknown())`: other keys stay).
_PAYLOAD = zod.Obj({key: zod.Str().optional() for key in ("code", "link", "locale", "uiLocales")})
#: The create guard: `OrganizationInvitations.createGuard.pick(...).extend(...)`.
_CREATE = zod.Obj(
    {
        "inviterId": zod.Str(max=21).nullish(),
        "invitee": zod.Str(email=True),
        "organizationId": zod.Str(min=1, max=21),
        "expiresAt": zod.Num(),
        "organizationRoleIds": zod.Arr(zod.Str()).optional(),
        "messagePayload": zod.Default(zod.Union(_PAYLOAD, zod.Literal(False)), lambda: False),
    }
)
#: `updateGuard.pick({acceptedUserId}).extend({status: z.enum([Accepted, Revoked])})`.
_STATUS = zod.Obj(
    {
        "acceptedUserId": zod.Str(max=21).nullish(),
        "status": zod.Enum(("Accepted", "Revoked"), native=False),
    }
)


def _payload(given: dict[str, Any]) -> dict[str, Any]:
    """The parsed payload as the catch-all keeps it: the known keys first, then the others."""
    known = [k for k in _PAYLOAD.shape if k in given]
    return {**{k: given[k] for k in known}, **{k: v for k, v in given.items() if k not in known}}


def _template_context(tenant: Tenant, invitation: OrganizationInvitation) -> dict[str, Any]:
    """`getOrganizationInvitationTemplateContext`: the organization and the inviter, picked.

    Logto answers `{}` when either is not found (the message is sent all the same).
    """
    org = tenant.organizations.get(invitation.organization_id)
    inviter = tenant.users.get(invitation.inviter_id) if invitation.inviter_id else None
    if org is None or (invitation.inviter_id and inviter is None):
        return {}
    organization = shapes.organization(org, tenant.id)
    context: dict[str, Any] = {"organization": {k: organization[k] for k in _ORG_KEYS}}
    if inviter is not None:
        user = shapes.user(inviter, has_password=False)
        context["inviter"] = {k: user[k] for k in _USER_KEYS}
    return context


#: `buildOrganizationContextInfo` / `buildUserContextInfo` (lodash `pick`).
_ORG_KEYS = ("id", "name", "branding")
_USER_KEYS = ("id", "avatar", "name", "primaryEmail", "primaryPhone", "username", "profile")


def _send_email(
    request: Request, invitation: OrganizationInvitation, payload: dict[str, Any]
) -> None:
    """`sendEmail`: the email connector (501 without one) gets `OrganizationInvitation`."""
    tenant = tenant_of(request)
    require_connector(tenant, "email")
    full = {**_template_context(tenant, invitation), **payload}
    code, link = full.get("code"), full.get("link")
    runtime_of(request).passcodes.capture(
        "email",
        invitation.invitee,
        "OrganizationInvitation",
        code=code if isinstance(code, str) else None,
        link=link if isinstance(link, str) else None,
        payload=full,
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
    body = zod.parse(_CREATE, data)
    # The catch-all keeps unknown keys, which `_PAYLOAD` strips: send what was given.
    payload: dict[str, Any] | bool = body["messagePayload"] and data["messagePayload"]
    expires_at: float = body["expiresAt"]
    tenant = tenant_of(request)
    now = _now_ms(request)
    if not expires_at > now:
        raise invitations.invalid("The value of `expiresAt` must be in the future.", 400)
    invitation = OrganizationInvitation(
        id=new_id(),
        invitee=body["invitee"],
        organization_id=body["organizationId"],
        expires_at=int(expires_at),
        inviter_id=body.get("inviterId"),
        organization_role_ids=body.get("organizationRoleIds", []),
        created_at=now,
        updated_at=now,
    )
    snapshot = dict(tenant.organization_invitations)
    invitations.create(tenant, invitation, now)
    if isinstance(payload, dict):
        try:
            _send_email(request, invitation, _payload(payload))
        except ManagementApiError:
            # Sent inside Logto's transaction: no email connector, no invitation.
            tenant.organization_invitations.clear()
            tenant.organization_invitations.update(snapshot)
            raise
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
    zod.parse(_PAYLOAD, data)
    invitation = invitations.get(tenant_of(request), request.path_params["id"])
    _send_email(request, invitation, _payload(data))
    return no_content()


async def update_status(request: Request) -> Response:
    """`PUT /api/organization-invitations/:id/status`: Accepted (with a user) or Revoked."""
    body = zod.parse(_STATUS, await json_body(request))
    accepted_user_id: str | None = body.get("acceptedUserId")
    status: str = body["status"]
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
