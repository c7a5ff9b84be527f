"""Users: identifiers with Logto's case rules, profiles, deletion, personal access tokens.

Logto v1.37 (core/queries/user.ts, libraries/user.ts `checkIdentifierCollision`): usernames
match exactly (`CASE_SENSITIVE_USERNAME` defaults to true), emails case-insensitively
(`lower(primary_email) = lower(...)`), phones exactly; collisions are checked email, phone,
then username. Sign-in, fixtures and the Management API all use these lookups.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import Conflict, EntityNotFound
from ..models import PersonalAccessToken, Tenant, User

#: (input key, attribute, Logto's code, Logto's message), in Logto's order of checks.
IDENTIFIERS = (
    (
        "primaryEmail",
        "primary_email",
        "user.email_already_in_use",
        "This email is associated with an existing account.",
    ),
    (
        "primaryPhone",
        "primary_phone",
        "user.phone_already_in_use",
        "This phone number is associated with an existing account.",
    ),
    ("username", "username", "user.username_already_in_use", "This username is already in use."),
)
_KIND_OF = {"username": "username", "email": "primary_email", "phone": "primary_phone"}


def _matches(attribute: str, stored: str | None, given: str) -> bool:
    if stored is None:
        return False
    if attribute == "primary_email":
        return stored.lower() == given.lower()
    return stored == given


def find_by_identifier(tenant: Tenant, identifier: str, kind: str | None = None) -> User | None:
    """The user a sign-in identifier names: `kind` is username, email or phone (None: any)."""
    attributes = [_KIND_OF[kind]] if kind else list(_KIND_OF.values())
    for user in tenant.users.values():
        if any(_matches(a, getattr(user, a), identifier) for a in attributes):
            return user
    return None


def by_reference(tenant: Tenant, ref: str) -> User | None:
    """A user by id, else by username, email or phone (fixtures and tests name users so)."""
    return tenant.users.get(ref) or find_by_identifier(tenant, ref)


def get(tenant: Tenant, user_id: str) -> User:
    """The user with this id, else Logto's 404."""
    found = tenant.users.get(user_id)
    if found is None:
        raise EntityNotFound("users", user_id, kind="user")
    return found


def identifiers_free(
    tenant: Tenant, values: Mapping[str, str | None], exclude_id: str | None = None
) -> None:
    """No other user has these identifiers (keys as in `IDENTIFIERS`)."""
    for key, attribute, code, message in IDENTIFIERS:
        value = values.get(key)
        if not value:
            continue
        for other in tenant.users.values():
            if other.id != exclude_id and _matches(attribute, getattr(other, attribute), value):
                raise Conflict(
                    code,
                    message,
                    field=key,
                    text=f"'{value}' is already used",
                    conflict_id=other.id,
                )


def create(tenant: Tenant, user: User) -> User:
    """Add a user whose identifiers are free."""
    identifiers_free(
        tenant,
        {
            "primaryEmail": user.primary_email,
            "primaryPhone": user.primary_phone,
            "username": user.username,
        },
    )
    tenant.users[user.id] = user
    return user


def update_profile(tenant: Tenant, user: User, values: Mapping[str, str | None]) -> None:
    """Set identifiers (and other profile attributes) given by input key; null clears."""
    identifiers_free(tenant, values, user.id)
    attributes = {key: attribute for key, attribute, _, _ in IDENTIFIERS}
    for key, value in values.items():
        setattr(user, attributes.get(key, key), value)


def delete(tenant: Tenant, user: User) -> None:
    """Delete a user; their organization memberships go with them."""
    del tenant.users[user.id]
    for organization in tenant.organizations.values():
        organization.user_roles.pop(user.id, None)
    # Invitations they sent or accepted (Logto's `on delete cascade`).
    for invitation in list(tenant.organization_invitations.values()):
        if user.id in (invitation.inviter_id, invitation.accepted_user_id):
            del tenant.organization_invitations[invitation.id]


def add_personal_access_token(tenant: Tenant, user: User, token: PersonalAccessToken) -> None:
    """Names are unique per user, values in the whole tenant."""
    if any(t.name == token.name for t in user.personal_access_tokens):
        raise Conflict(
            "user.personal_access_token_name_exists",
            "Personal access token name already exists.",
            field="personalAccessTokens",
            text=f"name '{token.name}' is used twice",
        )
    if tenant.personal_access_token(token.value) is not None:
        raise Conflict(
            "entity.unique_integrity_violation",
            "The entity already exists. Please check the input and try again.",
            field="personalAccessTokens",
            text="value is used twice",
        )
    user.personal_access_tokens.append(token)


def delete_personal_access_token(user: User, name: str) -> None:
    """Delete a token by name; exchanges with it fail from now on."""
    kept = [t for t in user.personal_access_tokens if t.name != name]
    if len(kept) == len(user.personal_access_tokens):
        raise EntityNotFound("personal_access_tokens", name)
    user.personal_access_tokens = kept
