"""Organization invitations (Logto's RFC 0003, libraries/organization-invitation.ts).

A Pending invitation past its `expiresAt` reads as Expired without being stored so; creating a
new invitation for the same invitee and organization stores it (`updateExpiredEntities`).
Accepted, Expired and Revoked are ending statuses: nothing changes them. Accepting makes the
user a member with the invitation's roles. Logto compares the invitee with the accepting
user's email case-insensitively, but its "already a member" check and its one-pending-invitation
constraint case-sensitively: both are kept.
"""

from __future__ import annotations

from ..errors import Conflict, TenantError, UnknownReference
from ..models import OrganizationInvitation, Tenant
from . import organizations

ENDING = ("Accepted", "Expired", "Revoked")


def not_found() -> TenantError:
    """Logto's `entity.not_found` (a `pool.one` that found nothing)."""
    return TenantError(
        "entity.not_found", "The resource does not exist.", status_code=404, text="not found"
    )


def invalid(details: str, status: int = 422) -> TenantError:
    """Logto's `request.invalid_input` with its details in the message."""
    return TenantError(
        "request.invalid_input", f"Input is invalid. {details}", status_code=status, text=details
    )


def status_of(invitation: OrganizationInvitation, now_ms: int) -> str:
    """The status Logto answers: Pending past `expiresAt` is Expired."""
    if invitation.status == "Pending" and invitation.expires_at < now_ms:
        return "Expired"
    return invitation.status


def get(tenant: Tenant, invitation_id: str) -> OrganizationInvitation:
    """The invitation, else `entity.not_found`."""
    found = tenant.organization_invitations.get(invitation_id)
    if found is None:
        raise not_found()
    return found


def find(
    tenant: Tenant,
    now_ms: int,
    organization_id: str | None = None,
    inviter_id: str | None = None,
    invitee: str | None = None,
) -> list[OrganizationInvitation]:
    """Invitations matching every filter given (invitee case-insensitively), newest first."""
    found = [
        (index, i)
        for index, i in enumerate(tenant.organization_invitations.values())
        if (not organization_id or i.organization_id == organization_id)
        and (not inviter_id or i.inviter_id == inviter_id)
        and (not invitee or i.invitee.lower() == invitee.lower())
    ]
    # Same-second creations: the later one first, as Logto's milliseconds order them.
    return [i for _, i in sorted(found, key=lambda p: (p[1].created_at, p[0]), reverse=True)]


def create(tenant: Tenant, invitation: OrganizationInvitation, now_ms: int) -> None:
    """Store a new Pending invitation, checked as Logto's transaction checks it."""
    organization = tenant.organizations.get(invitation.organization_id)
    if organization is not None and any(
        tenant.users[u].primary_email == invitation.invitee
        for u in organization.user_roles
        if u in tenant.users
    ):
        raise invalid("The invitee is already a member of the organization.")
    for other in tenant.organization_invitations.values():
        if (
            other.status == "Pending"
            and other.expires_at < now_ms
            and other.organization_id == invitation.organization_id
            and other.invitee.lower() == invitation.invitee.lower()
        ):
            other.status = "Expired"
    if any(
        o.status == "Pending"
        and o.organization_id == invitation.organization_id
        and o.invitee == invitation.invitee
        for o in tenant.organization_invitations.values()
    ):
        raise Conflict(
            "entity.unique_integrity_violation",
            "The entity already exists. Please check the input and try again.",
        )
    if organization is None or (
        invitation.inviter_id is not None and invitation.inviter_id not in tenant.users
    ):
        raise UnknownReference()
    if any(r not in tenant.organization_roles for r in invitation.organization_role_ids):
        raise UnknownReference()
    invitation.organization_role_ids = list(dict.fromkeys(invitation.organization_role_ids))
    tenant.organization_invitations[invitation.id] = invitation


def accept(tenant: Tenant, invitation: OrganizationInvitation, user_id: str, now_ms: int) -> None:
    """Accepted by `user_id`: a member of the organization with the invitation's roles."""
    check_open(invitation, now_ms)
    user = tenant.users.get(user_id)
    if user is None:
        raise not_found()
    if (user.primary_email or "").lower() != invitation.invitee.lower():
        raise invalid("The accepted user must have the same email as the invitee.")
    organization = tenant.organizations.get(invitation.organization_id)
    if organization is not None:
        roles = organization.user_roles.setdefault(user_id, [])
        roles.extend(
            r
            for r in invitation.organization_role_ids
            if r not in roles and r in tenant.organization_roles
        )
        organizations.sort_roles(tenant, roles)
    invitation.status = "Accepted"
    invitation.accepted_user_id = user_id
    invitation.updated_at = now_ms


def revoke(invitation: OrganizationInvitation, now_ms: int) -> None:
    """Revoked (an ending status)."""
    check_open(invitation, now_ms)
    invitation.status = "Revoked"
    invitation.updated_at = now_ms


def check_open(invitation: OrganizationInvitation, now_ms: int) -> None:
    """An invitation in an ending status cannot change."""
    if status_of(invitation, now_ms) in ENDING:
        raise invalid("The status of the invitation cannot be changed anymore.")


def delete(tenant: Tenant, invitation_id: str) -> None:
    """Delete an invitation; an unknown one is `entity.not_found`."""
    if tenant.organization_invitations.pop(invitation_id, None) is None:
        raise not_found()
