"""Webhooks of a tenant: Logto's rules and its three different 404s.

Names are not unique; events are de-duplicated. `GET` names the table, `PATCH` says "hook",
`DELETE` says "resource".
"""

from __future__ import annotations

import secrets
import string

from ..errors import EntityNotFound, Refused, TenantError
from ..models import Hook, Tenant

_SECRET_ALPHABET = string.ascii_letters + string.digits


def new_signing_key() -> str:
    """Logto's `generateStandardSecret`: 32 letters and digits."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(32))


def get(tenant: Tenant, hook_id: str) -> Hook:
    """The hook, else `GET`'s 404 (`entity.not_exists_with_id` naming the `hooks` table)."""
    hook = tenant.hooks.get(hook_id)
    if hook is None:
        raise EntityNotFound("hooks", hook_id, kind="hook")
    return hook


def for_update(tenant: Tenant, hook_id: str) -> Hook:
    """The hook a `PATCH` changes, else Logto's 404 `entity.not_exists`."""
    hook = tenant.hooks.get(hook_id)
    if hook is None:
        raise TenantError(
            "entity.not_exists", "The hook does not exist.", status_code=404, field="id"
        )
    return hook


def add(tenant: Tenant, hook: Hook) -> Hook:
    """Add a hook; its events de-duplicated, in their order."""
    if hook.id in tenant.hooks:
        raise Refused(
            "entity.create_failed",
            "Failed to create a new hook.",
            status_code=422,
            field="id",
            text=f"id '{hook.id}' is already used by another hook",
        )
    hook.events = list(dict.fromkeys(hook.events))
    tenant.hooks[hook.id] = hook
    return hook


def delete(tenant: Tenant, hook_id: str) -> None:
    """Remove a hook, else Logto's 404 `entity.not_found`."""
    if tenant.hooks.pop(hook_id, None) is None:
        raise TenantError(
            "entity.not_found", "The resource does not exist.", status_code=404, field="id"
        )


def newest_first(tenant: Tenant) -> list[Hook]:
    """Hooks as Logto lists them (`created_at` descending; the later of a tie first)."""
    return sorted(tenant.hooks.values(), key=lambda h: h.created_at)[::-1]
