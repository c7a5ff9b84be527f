"""Entities as Logto's Management API returns them (golden/management-api/, golden/setup/)."""

from __future__ import annotations

from typing import Any

from ..models import (
    ApiResource,
    Application,
    ApplicationSecret,
    Organization,
    OrganizationRole,
    OrganizationScope,
    PersonalAccessToken,
    Role,
    Scope,
    Tenant,
    User,
)
from ..ops.users import ordered_profile


def application(app: Application, tenant_id: str) -> dict[str, Any]:
    """An application; `secret` is the internal (legacy) secret, as Logto shows it."""
    return {
        "tenantId": tenant_id,
        "id": app.id,
        "name": app.name,
        "secret": app.internal_secret,
        "description": app.description,
        "type": app.type,
        "oidcClientMetadata": {
            "redirectUris": list(app.redirect_uris),
            "postLogoutRedirectUris": list(app.post_logout_redirect_uris),
        },
        "customClientMetadata": dict(app.custom_client_metadata),
        "protectedAppMetadata": None,
        "customData": dict(app.custom_data),
        "isThirdParty": app.is_third_party,
        "createdAt": app.created_at,
    }


def organization(org: Organization, tenant_id: str) -> dict[str, Any]:
    """An organization."""
    return {
        "tenantId": tenant_id,
        "id": org.id,
        "name": org.name,
        "description": org.description,
        "customData": dict(org.custom_data),
        "isMfaRequired": org.is_mfa_required,
        "color": dict(org.color),
        "branding": dict(org.branding),
        "customCss": org.custom_css,
        "createdAt": org.created_at,
    }


def user(entity: User, *, has_password: bool = True) -> dict[str, Any]:
    """A user (`hasPassword` is left out where Logto leaves it out)."""
    body: dict[str, Any] = {
        "id": entity.id,
        "username": entity.username,
        "primaryEmail": entity.primary_email,
        "primaryPhone": entity.primary_phone,
        "name": entity.name,
        "avatar": entity.avatar,
        "customData": dict(entity.custom_data),
        "identities": dict(entity.identities),
        "lastSignInAt": entity.last_sign_in_at,
        "createdAt": entity.created_at,
        "updatedAt": entity.updated_at,
        "profile": ordered_profile(entity.profile),
        "applicationId": entity.application_id,
        "isSuspended": entity.is_suspended,
    }
    if has_password:
        body["hasPassword"] = entity.password is not None or entity.password_digest is not None
    return body


def resource(entity: ApiResource, tenant_id: str) -> dict[str, Any]:
    """An API resource."""
    return {
        "tenantId": tenant_id,
        "id": entity.id,
        "name": entity.name,
        "indicator": entity.indicator,
        "isDefault": entity.is_default,
        "accessTokenTtl": entity.access_token_ttl,
    }


def role(entity: Role, tenant_id: str) -> dict[str, Any]:
    """A role, as in assignment lists."""
    return {
        "tenantId": tenant_id,
        "id": entity.id,
        "name": entity.name,
        "description": entity.description,
        "type": entity.type,
        "isDefault": entity.is_default,
    }


def role_with_members(entity: Role, tenant: Tenant) -> dict[str, Any]:
    """A role in `GET /api/roles`: with member counts and up to three featured members."""
    users = [u for u in tenant.users.values() if entity.id in u.role_ids]
    apps = sorted(
        (a for a in tenant.applications.values() if entity.id in a.role_ids),
        key=lambda a: a.created_at,
    )
    return {
        **role(entity, tenant.id),
        "usersCount": len(users),
        "featuredUsers": [{"id": u.id, "avatar": u.avatar, "name": u.name} for u in users[:3]],
        "applicationsCount": len(apps),
        "featuredApplications": [{"id": a.id, "name": a.name, "type": a.type} for a in apps[:3]],
    }


def application_secret(secret: ApplicationSecret, app_id: str, tenant_id: str) -> dict[str, Any]:
    """A named secret of an application."""
    return {
        "tenantId": tenant_id,
        "applicationId": app_id,
        "name": secret.name,
        "value": secret.value,
        "createdAt": secret.created_at,
        "expiresAt": secret.expires_at,
    }


def scope(entity: Scope, tenant_id: str) -> dict[str, Any]:
    """A permission of an API resource."""
    return {
        "tenantId": tenant_id,
        "id": entity.id,
        "resourceId": entity.resource_id,
        "name": entity.name,
        "description": entity.description,
        "createdAt": entity.created_at,
    }


def organization_scope(entity: OrganizationScope, tenant_id: str) -> dict[str, Any]:
    """A scope of the organization template."""
    return {
        "tenantId": tenant_id,
        "id": entity.id,
        "name": entity.name,
        "description": entity.description,
    }


def organization_role(entity: OrganizationRole, tenant_id: str) -> dict[str, Any]:
    """A role of the organization template."""
    return {
        "tenantId": tenant_id,
        "id": entity.id,
        "name": entity.name,
        "description": entity.description,
        "type": entity.type,
    }


def personal_access_token(
    token: PersonalAccessToken, user_id: str, tenant_id: str
) -> dict[str, Any]:
    """A user's personal access token, value included (as Logto lists it)."""
    return {
        "tenantId": tenant_id,
        "userId": user_id,
        "name": token.name,
        "value": token.value,
        "createdAt": token.created_at,
        "expiresAt": token.expires_at,
    }
