"""Applications and their secrets (core/routes/applications/*)."""

from __future__ import annotations

from ..errors import Conflict, EntityNotFound, Refused, TenantError, UnknownReference, WrongType
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
        raise _name_taken(secret.name)
    app.secrets.append(secret)


def _name_taken(name: str) -> TenantError:
    """The secrets' primary key (application, name) refused (koa-slonik-error-handler)."""
    return Conflict(
        "application.secret_name_exists",
        "Secret name already exists.",
        field="name",
        text=f"duplicate secret name '{name}'",
    )


def find_secret(app: Application | None, name: str) -> ApplicationSecret | None:
    """The app's secret with this name, if any."""
    if app is None:
        return None
    return next((s for s in app.secrets if s.name == name), None)


def rename_secret(app: Application, secret: ApplicationSecret, name: str) -> None:
    """Rename a secret; the name stays unique within the app."""
    if name != secret.name and find_secret(app, name) is not None:
        raise _name_taken(name)
    secret.name = name


def not_found() -> TenantError:
    """A delete that met no row: Logto's `DeletionError`, 404 `entity.not_found`."""
    return TenantError(
        "entity.not_found", "The resource does not exist.", status_code=404, text="not found"
    )


def update_missed(entity: str) -> TenantError:
    """An update that met no row: Logto's `UpdateError`, 404 `entity.not_exists`."""
    return TenantError(
        "entity.not_exists",
        f"The {entity} does not exist.",
        status_code=404,
        text=f"unknown {entity}",
    )


def foreign_key_missing() -> TenantError:
    """An insert naming a missing row: the foreign key's 404 (koa-slonik-error-handler)."""
    error = UnknownReference(text="unknown application")
    error.status_code = 404
    return error


def delete_secret(app: Application, name: str) -> None:
    """Delete a secret by name; the token endpoint refuses it from now on."""
    kept = [s for s in app.secrets if s.name != name]
    if len(kept) == len(app.secrets):
        raise EntityNotFound("application_secrets", name)
    app.secrets = kept


def third_party_scopes(tenant: Tenant, app: Application) -> frozenset[str]:
    """The scopes a third-party app may ask for at `/oidc/auth`.

    Its user-consent scopes (oidc-provider's client `scope` whitelist, which Logto builds from
    them), plus `openid` and `offline_access`.
    """
    names = {"openid", "offline_access", *app.consent_user_scopes}
    for scope_id in (*app.consent_resource_scopes, *app.consent_organization_resource_scopes):
        scope = tenant.find_scope(scope_id)
        if scope is not None:
            names.add(scope.name)
    for scope_id in app.consent_organization_scopes:
        org_scope = tenant.organization_scopes.get(scope_id)
        if org_scope is not None:
            names.add(org_scope.name)
    return frozenset(names)


def newest_first(apps: list[Application]) -> list[Application]:
    """`order by created_at desc`; of two created in the same millisecond, the later first."""
    return sorted(reversed(apps), key=lambda a: a.created_at, reverse=True)
