"""Applications and their secrets (core/routes/applications/*)."""

from __future__ import annotations

from ..errors import Conflict, EntityNotFound, Refused, WrongType
from ..models import Application, ApplicationSecret, Tenant


def get(tenant: Tenant, app_id: str) -> Application:
    """The application with this id, else Logto's 404."""
    found = tenant.applications.get(app_id)
    if found is None:
        raise EntityNotFound("applications", app_id, kind="application")
    return found


def by_reference(tenant: Tenant, ref: str) -> Application | None:
    """An application by id or name (fixtures and tests may use either)."""
    return tenant.applications.get(ref) or next(
        (a for a in tenant.applications.values() if a.name == ref), None
    )


def check_token_exchange(is_third_party: bool, custom_client_metadata: dict[str, object]) -> None:
    """Third-party apps cannot enable token exchange (impersonation/33)."""
    if is_third_party and custom_client_metadata.get("allowTokenExchange") is True:
        raise Refused(
            "application.third_party_application_cannot_enable_token_exchange",
            "Third-party applications are not allowed to enable token exchange.",
            status_code=422,
            field="allowTokenExchange",
            text="a third-party application cannot enable token exchange",
        )


def create(tenant: Tenant, app: Application) -> Application:
    """Add an application."""
    tenant.applications[app.id] = app
    return app


def delete(tenant: Tenant, app: Application) -> None:
    """Delete an application: its tokens stop at once, its memberships go with it."""
    del tenant.applications[app.id]
    for organization in tenant.organizations.values():
        organization.application_roles.pop(app.id, None)


def add_secret(app: Application, secret: ApplicationSecret) -> None:
    """Only confidential apps have secrets (a database check in Logto); names are unique."""
    if not app.is_confidential:
        raise WrongType(
            "entity.db_constraint_violated",
            "Database constraint violated.",
            status_code=422,
            field="secret",
            text=f"{app.type} apps are public clients: no secret",
        )
    if any(s.name == secret.name for s in app.secrets):
        raise Conflict(
            "entity.unique_integrity_violation",
            "The entity already exists. Please check the input and try again.",
            field="name",
        )
    app.secrets.append(secret)


def delete_secret(app: Application, name: str) -> None:
    """Delete a secret by name; the token endpoint refuses it from now on."""
    kept = [s for s in app.secrets if s.name != name]
    if len(kept) == len(app.secrets):
        raise EntityNotFound("application_secrets", name)
    app.secrets = kept
