"""Users: identifiers with Logto's case rules, profiles, deletion, personal access tokens.

Logto v1.37 (core/queries/user.ts, libraries/user.ts `checkIdentifierCollision`): usernames
match exactly (`CASE_SENSITIVE_USERNAME` defaults to true), emails case-insensitively
(`lower(primary_email) = lower(...)`), phones as one number with or without a `0` after the
country code (`hasUserWithNormalizedPhone`, `ops.phones`; stored normalized); `PATCH /users/:id`
checks collisions email, phone, then username, `POST /users` username, email, then phone.
Sign-in, fixtures and the Management API all use these lookups, answered from
`Tenant.user_index` (no scan): every change of a user's identifiers, creation or deletion goes
through this module so the index follows.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from ..errors import Conflict, TenantError
from ..models import ADDRESS_KEYS, USER_PROFILE_KEYS, PersonalAccessToken, Tenant, User, UserIndex
from . import phones

#: (input key, attribute, Logto's code, Logto's message), in `checkIdentifierCollision`'s order.
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
#: `POST /users` checks the username first (routes/admin-user/basics.ts).
CREATION_ORDER = (IDENTIFIERS[2], IDENTIFIERS[0], IDENTIFIERS[1])
_KIND_OF = {"username": "username", "email": "primary_email", "phone": "primary_phone"}


class RowNotFound(TenantError):
    """No such row: Logto's `pool.one` or a delete of nothing answers `entity.not_found`."""

    def __init__(self, text: str, field: str = "id") -> None:
        super().__init__(
            "entity.not_found",
            "The resource does not exist.",
            status_code=404,
            field=field,
            text=text,
        )


def _matches(attribute: str, stored: str | None, given: str) -> bool:
    if stored is None:
        return False
    if attribute == "primary_email":
        return stored.lower() == given.lower()
    return stored == given


def _table(index: UserIndex, attribute: str) -> dict[str, str]:
    return {
        "username": index.by_username,
        "primary_email": index.by_email,
        "primary_phone": index.by_phone,
    }[attribute]


def _exact_holder(tenant: Tenant, attribute: str, value: str) -> User | None:
    """The user holding `value` as `attribute`, from the index (checked against the user)."""
    index = tenant.indexed_users()
    key = value.lower() if attribute == "primary_email" else value
    found = tenant.users.get(_table(index, attribute).get(key, ""))
    if found is not None and _matches(attribute, getattr(found, attribute), value):
        return found
    return None


def _holders(tenant: Tenant, attribute: str, value: str) -> list[User]:
    """Users holding `value`; a phone in either of its stored forms, the exact form first."""
    if attribute != "primary_phone":
        values: tuple[str, ...] = (value,)
    else:
        values = (value, *(v for v in phones.candidates(value) if v != value))
    found = (_exact_holder(tenant, attribute, v) for v in values)
    return [user for user in found if user is not None]


def _holder(tenant: Tenant, attribute: str, value: str) -> User | None:
    """The user `value` names (`findUserByNormalizedPhone`: the exact phone wins)."""
    return next(iter(_holders(tenant, attribute, value)), None)


def find_by_identifier(tenant: Tenant, identifier: str, kind: str | None = None) -> User | None:
    """The user a sign-in identifier names: `kind` is username, email or phone (None: any)."""
    attributes = [_KIND_OF[kind]] if kind else list(_KIND_OF.values())
    for attribute in attributes:
        found = _holder(tenant, attribute, identifier)
        if found is not None:
            return found
    return None


def by_reference(tenant: Tenant, ref: str) -> User | None:
    """A user by id, else by username, email or phone (fixtures and tests name users so)."""
    return tenant.users.get(ref) or find_by_identifier(tenant, ref)


def get(tenant: Tenant, user_id: str) -> User:
    """The user with this id, else Logto's 404 (`entity.not_found`)."""
    found = tenant.users.get(user_id)
    if found is None:
        raise RowNotFound(f"unknown user '{user_id}'")
    return found


def identifiers_free(
    tenant: Tenant,
    values: Mapping[str, str | None],
    exclude_id: str | None = None,
    order: Sequence[tuple[str, str, str, str]] = IDENTIFIERS,
) -> None:
    """No other user has these identifiers (keys as in `IDENTIFIERS`)."""
    for key, attribute, code, message in order:
        value = values.get(key)
        if not value:
            continue
        other = next((u for u in _holders(tenant, attribute, value) if u.id != exclude_id), None)
        if other is not None:
            raise Conflict(
                code, message, field=key, text=f"'{value}' is already used", conflict_id=other.id
            )


def _assign_default_roles(tenant: Tenant, user: User) -> None:
    """Logto's `insertUser` (libraries/user.ts): every user role marked `isDefault` is added."""
    for role in tenant.roles.values():
        if role.type == "User" and role.is_default and role.id not in user.role_ids:
            user.role_ids.append(role.id)


def create(tenant: Tenant, user: User, *, as_stored: bool = False) -> User:
    """Add a user whose identifiers are free; the phone stored normalized (Logto's `insertUser`).

    Default user roles are assigned as Logto's `insertUser` does. `as_stored`: a fixture's row,
    kept as written (a database may hold legacy phones; its roles are the fixture's).
    """
    identifiers_free(
        tenant,
        {
            "primaryEmail": user.primary_email,
            "primaryPhone": user.primary_phone,
            "username": user.username,
        },
        order=CREATION_ORDER,
    )
    if not as_stored:
        user.primary_phone = phones.normalized(user.primary_phone)
        _assign_default_roles(tenant, user)
    index = tenant.indexed_users()
    tenant.users[user.id] = user
    index.add(user)
    return user


def update_profile(tenant: Tenant, user: User, values: Mapping[str, str | None]) -> None:
    """Set identifiers (and other profile attributes) given by input key; null clears.

    A phone is validated and normalized after the collision check (Logto's `updateUserById`).
    """
    identifiers_free(tenant, values, user.id)
    if values.get("primaryPhone"):
        values = {**values, "primaryPhone": phones.normalized(values["primaryPhone"])}
    attributes = {key: attribute for key, attribute, _, _ in IDENTIFIERS}
    index = tenant.indexed_users()
    index.remove_identifiers(user)
    for key, value in values.items():
        setattr(user, attributes.get(key, key), value)
    index.add_identifiers(user)


def delete(tenant: Tenant, user: User) -> None:
    """Delete a user; their organization memberships go with them."""
    index = tenant.indexed_users()
    del tenant.users[user.id]
    index.remove(user)
    for organization in tenant.organizations.values():
        organization.user_roles.pop(user.id, None)
    # Invitations they sent or accepted (Logto's `on delete cascade`).
    for invitation in list(tenant.organization_invitations.values()):
        if user.id in (invitation.inviter_id, invitation.accepted_user_id):
            del tenant.organization_invitations[invitation.id]


class NewestFirst(Sequence[User]):
    """Every user, newest first (Logto's `order by created_at desc`), without sorting."""

    def __init__(self, tenant: Tenant) -> None:
        self._users = tenant.users
        self._order = tenant.indexed_users().order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, at: int) -> User: ...

    @overload
    def __getitem__(self, at: slice) -> list[User]: ...

    def __getitem__(self, at: int | slice) -> User | list[User]:
        size = len(self._order)
        if isinstance(at, slice):
            return [self._users[self._order[size - 1 - i][2]] for i in range(*at.indices(size))]
        if at < 0:
            at += size
        if not 0 <= at < size:
            raise IndexError(at)
        return self._users[self._order[size - 1 - at][2]]

    def __iter__(self) -> Iterator[User]:
        for _, _, user_id in reversed(self._order):
            yield self._users[user_id]


def newest_first(tenant: Tenant) -> NewestFirst:
    """All users in Logto's list order."""
    return NewestFirst(tenant)


def set_password(user: User, password: str) -> None:
    """A new plain password; an imported digest no longer applies."""
    user.password, user.password_digest, user.password_algorithm = password, None, None


def verify_password(user: User, password: str) -> bool:
    """Whether `password` is the user's: plain, or checked against an imported digest.

    Argon2 digests cannot be checked here (no Argon2 implementation): they never match.
    """
    if user.password is not None:
        return hmac.compare_digest(user.password.encode(), password.encode())
    digest, algorithm = user.password_digest, user.password_algorithm
    if digest is None or algorithm is None:
        hmac.compare_digest(password.encode(), password.encode())
        return False
    hashers = {"MD5": hashlib.md5, "SHA1": hashlib.sha1, "SHA256": hashlib.sha256}
    if algorithm in hashers:
        computed = hashers[algorithm](password.encode()).hexdigest()
        return hmac.compare_digest(computed.encode(), digest.lower().encode())
    if algorithm == "Bcrypt":
        return _bcrypt(password, digest)
    if algorithm == "Legacy":
        return _legacy(password, digest)
    return False


def legacy_digest(digest: str | None) -> tuple[str, list[str], str]:
    """Logto's `parseLegacyPassword`: `["alg", ["salt", "@", …], "hex"]`, else its 400."""
    if not digest:
        raise TenantError(
            "password.unsupported_encryption_method",
            "The encryption method {{name}} is not supported.",
            status_code=400,
            field="passwordDigest",
        )
    try:
        parsed = json.loads(digest)
    except ValueError:
        parsed = None
    if not (
        isinstance(parsed, list)
        and len(parsed) == 3
        and isinstance(parsed[0], str)
        and isinstance(parsed[1], list)
        and all(isinstance(a, str) for a in parsed[1])
        and "@" in parsed[1]
        and isinstance(parsed[2], str)
    ):
        raise TenantError(
            "password.invalid_legacy_password_format",
            "Invalid legacy password format.",
            status_code=400,
            field="passwordDigest",
        )
    algorithm, args, hashed = parsed
    if algorithm not in ("pbkdf2", "pbkdf2Sync") and algorithm.lower() not in _HASHES:
        raise TenantError(
            "password.unsupported_legacy_hash_algorithm",
            f"Unsupported legacy hash algorithm: {algorithm}.",
            status_code=400,
            field="passwordDigest",
        )
    return algorithm, args, hashed


_HASHES = frozenset(hashlib.algorithms_available)


def _legacy(password: str, digest: str) -> bool:
    """Logto's `legacyVerify`: the args with `@` replaced, hashed (or PBKDF2), hex compared."""
    try:
        algorithm, args, hashed = legacy_digest(digest)
        resolved = [password if arg == "@" else arg for arg in args]
        if algorithm in ("pbkdf2", "pbkdf2Sync"):
            salt, iterations, length, name = resolved[:4]
            if not 0 < int(iterations) <= 10_000_000 or not 0 < int(length) <= 1024:
                return False
            computed = hashlib.pbkdf2_hmac(
                name, password.encode(), salt.encode(), int(iterations), int(length)
            ).hex()
        else:
            computed = hashlib.new(algorithm.lower(), "".join(resolved).encode()).hexdigest()
    except (TenantError, ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.encode(), hashed.encode())


def _bcrypt(password: str, digest: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import crypt  # the system libxcrypt knows bcrypt

            computed = crypt.crypt(password, digest)
        except (ImportError, OSError, ValueError):
            return False
    return computed is not None and hmac.compare_digest(computed.encode(), digest.encode())


def has_password(user: User) -> bool:
    """Logto's `hasPassword`: a password or a digest is stored."""
    return user.password is not None or user.password_digest is not None


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
    if user.id in tenant.users:
        tenant.indexed_users().tokens[token.value] = user.id


def rename_personal_access_token(user: User, name: str, new_name: str) -> PersonalAccessToken:
    """Rename a token (`PATCH …/personal-access-tokens`): 404 when missing, 422 when taken."""
    found = next((t for t in user.personal_access_tokens if t.name == name), None)
    if found is None:  # Logto's `UpdateError`
        raise TenantError(
            "entity.not_exists",
            "The personal_access_token does not exist.",
            status_code=404,
            field="personalAccessTokens",
        )
    if new_name != name and any(t.name == new_name for t in user.personal_access_tokens):
        raise Conflict(
            "user.personal_access_token_name_exists",
            "Personal access token name already exists.",
            field="personalAccessTokens",
        )
    found.name = new_name
    return found


def delete_personal_access_token(tenant: Tenant, user: User, name: str) -> None:
    """Delete a token by name; exchanges with it fail from now on."""
    kept = [t for t in user.personal_access_tokens if t.name != name]
    if len(kept) == len(user.personal_access_tokens):
        raise RowNotFound(f"unknown personal access token '{name}'", "personalAccessTokens")
    index = tenant.indexed_users()
    for token in user.personal_access_tokens:
        if token.name == name and index.tokens.get(token.value) == user.id:
            del index.tokens[token.value]
    user.personal_access_tokens = kept


def ordered_profile(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored profile as the response guard returns it: Logto's keys in the guard's order.

    Other keys (only a fixture can store them) follow as they are.
    """
    out: dict[str, Any] = {}
    for key in USER_PROFILE_KEYS:
        if key in stored:
            value = stored[key]
            if key == "address" and isinstance(value, dict):
                value = {part: value[part] for part in ADDRESS_KEYS if part in value}
            out[key] = value
    for key, value in stored.items():
        out.setdefault(key, value)
    return out
