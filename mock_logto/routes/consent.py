"""Logto's consent step for third-party apps: `GET`/`POST /api/interaction/consent`.

core/routes/interaction/consent/: the consent page asks what the app wants that the user has
not granted (OIDC scopes, and per API resource the scopes the user holds, narrowed to the app's
user-consent scopes; again per organization when `urn:logto:scope:organizations` is asked), and
posts the organizations the user lets the app see. First-party apps never get here: their
consent is automatic (`/consent`). Both routes ride on the interaction cookies.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..claims import OIDC_SCOPES
from ..errors import ManagementApiError, MembershipRequired, invalid_input
from ..http.body import json_object, read_body
from ..http.responses import JSONResponse, conditional
from ..http.session import current_interaction
from ..models import ORGANIZATION_RESOURCE, Application, Tenant, User
from ..ops import applications
from ..runtime import runtime_of
from ..store import Interaction

ORGANIZATIONS_SCOPE = "urn:logto:scope:organizations"


def _session_not_found() -> ManagementApiError:
    return ManagementApiError(
        "session.not_found",
        "Session not found. Please go back and sign in again.",
        status_code=400,
    )


def _signed_in(request: Request) -> tuple[Interaction, Application, User]:
    """The interaction with a signed-in user, its client and the user."""
    rt = runtime_of(request)
    interaction = current_interaction(request, rt.store, rt.cookies)
    if interaction is None or interaction.account_id is None:
        raise _session_not_found()
    app = applications.get(rt.tenant, interaction.request.client_id)
    user = rt.tenant.users.get(interaction.account_id)
    if user is None:
        raise _session_not_found()
    return interaction, app, user


def _held(tenant: Tenant, user: User, indicator: str, organization_id: str | None) -> set[str]:
    """`findResourceScopes`: the scopes of `indicator` the user holds.

    Through global roles, or, for an organization, through its roles there; for the
    organization resource, organization scopes.
    """
    orgs = [o for o in tenant.organizations.values() if user.id in o.user_roles]
    if organization_id is not None:
        orgs = [o for o in orgs if o.id == organization_id]
    if indicator == ORGANIZATION_RESOURCE:
        ids = {
            s
            for o in orgs
            for r in o.user_roles[user.id]
            if r in tenant.organization_roles
            for s in tenant.organization_roles[r].organization_scope_ids
        }
        return {tenant.organization_scopes[i].name for i in ids if i in tenant.organization_scopes}
    resource = tenant.resource_by_indicator(indicator)
    if resource is None:
        return set()
    if organization_id is None:
        ids = {s for r in user.role_ids if r in tenant.roles for s in tenant.roles[r].scope_ids}
    else:
        ids = {
            s
            for o in orgs
            for r in o.user_roles[user.id]
            if r in tenant.organization_roles
            for s in tenant.organization_roles[r].resource_scope_ids
        }
    return {s.name for s in resource.scopes if s.id in ids}


def _consented(tenant: Tenant, app: Application, indicator: str, in_org: bool) -> set[str] | None:
    """What a third-party app may be granted for `indicator` (None: any, a first-party app)."""
    if not app.is_third_party:
        return None
    if indicator == ORGANIZATION_RESOURCE:
        ids = app.consent_organization_scopes
        return {tenant.organization_scopes[i].name for i in ids if i in tenant.organization_scopes}
    ids = app.consent_organization_resource_scopes if in_org else app.consent_resource_scopes
    return {s.name for i in ids if (s := tenant.find_scope(i)) is not None}


def missing_resource_scopes(
    tenant: Tenant,
    app: Application,
    user: User,
    interaction: Interaction,
    organization_id: str | None = None,
) -> list[dict[str, Any]]:
    """Per requested resource, the requested scopes the user holds (and the app may get)."""
    answer = []
    for indicator in interaction.request.resources:
        held = _held(tenant, user, indicator, organization_id)
        allowed = _consented(tenant, app, indicator, organization_id is not None)
        names = [
            s for s in interaction.request.scopes if s in held and (allowed is None or s in allowed)
        ]
        if not names:
            continue
        if indicator == ORGANIZATION_RESOURCE:
            about = {"name": indicator, "indicator": indicator, "id": indicator}
            by_name = {s.name: s for s in tenant.organization_scopes.values()}
            scopes = [
                {"id": by_name[n].id, "name": n, "description": by_name[n].description}
                for n in names
            ]
        else:
            resource = tenant.resource_by_indicator(indicator)
            assert resource is not None  # noqa: S101 - held is empty otherwise
            about = {"name": resource.name, "indicator": indicator, "id": resource.id}
            known = {s.name: s for s in resource.scopes}
            scopes = [
                {"id": known[n].id, "name": n, "description": known[n].description} for n in names
            ]
        answer.append({"resource": about, "scopes": scopes})
    return answer


def _missing_oidc_scopes(interaction: Interaction) -> list[str]:
    return [
        s
        for s in interaction.request.scopes
        if s in OIDC_SCOPES and s not in ("openid", "offline_access")
    ]


async def consent_info(request: Request) -> Response:
    """`GET /api/interaction/consent`: what the consent page shows."""
    interaction, app, user = _signed_in(request)
    tenant = runtime_of(request).tenant
    missing_oidc = _missing_oidc_scopes(interaction)
    organizations = []
    if ORGANIZATIONS_SCOPE in missing_oidc:
        for org in tenant.organizations.values():
            if user.id in org.user_roles:
                organizations.append(
                    {
                        "id": org.id,
                        "name": org.name,
                        "missingResourceScopes": missing_resource_scopes(
                            tenant, app, user, interaction, org.id
                        ),
                    }
                )
    body = JSONResponse(
        {
            "application": {"id": app.id, "name": app.name},
            "user": {
                "id": user.id,
                "name": user.name,
                "avatar": user.avatar,
                "username": user.username,
                "primaryEmail": user.primary_email,
                "primaryPhone": user.primary_phone,
            },
            "organizations": organizations,
            "missingOIDCScope": missing_oidc,
            "missingResourceScopes": missing_resource_scopes(tenant, app, user, interaction),
            "redirectUri": interaction.request.redirect_uri,
        }
    )
    return conditional(request, body)  # koa-etag, as on every GET of Logto's /api


def _too_large() -> Exception:
    return ManagementApiError(
        "guard.invalid_input", "The request body is invalid.", status_code=413
    )


async def give_consent(request: Request) -> Response:
    """`POST /api/interaction/consent` (`organizationIds`).

    The user's organizations the app may see are kept, the interaction is consented; the client
    follows `redirectTo`.
    """
    rt = runtime_of(request)
    raw = await read_body(request, _too_large)
    data = json_object(raw, request.headers.get("content-type"), rt.settings.max_json_depth)
    organization_ids = data.get("organizationIds", [])
    if not isinstance(organization_ids, list) or not all(
        isinstance(o, str) for o in organization_ids
    ):
        raise invalid_input(["organizationIds"], expected="array", value=organization_ids)
    interaction, app, user = _signed_in(request)
    for org_id in organization_ids:
        org = rt.tenant.organizations.get(org_id)
        if org is None or user.id not in org.user_roles:
            raise MembershipRequired()
    held = app.consent_organizations.setdefault(user.id, [])
    held.extend(o for o in dict.fromkeys(organization_ids) if o not in held)
    interaction.consented = True
    return JSONResponse({"redirectTo": f"{rt.settings.issuer}/auth/{interaction.uid}"})


def routes(prefix: str = "/api") -> list[BaseRoute]:
    """The consent routes under `prefix`."""
    return [
        Route(f"{prefix}/interaction/consent", consent_info, methods=["GET"], name="consent_info"),
        Route(
            f"{prefix}/interaction/consent", give_consent, methods=["POST"], name="consent_submit"
        ),
    ]
