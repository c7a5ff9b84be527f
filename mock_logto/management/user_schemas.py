"""Logto's zod guards of the user routes (routes/admin-user/*.ts), written with `mock_logto.zod`.

Only the schemas are here (core-kit's regexes, `userProfileGuard`, each route's body); the
machinery (issues, `guard.invalid_input`) is `mock_logto.zod`'s.
"""

from __future__ import annotations

import re

from .. import zod
from ..models import ADDRESS_KEYS, USER_PROFILE_KEYS
from ..zod import Arr, Bool, JsonObject, Literal, Num, Obj, Str, Union

#: core-kit's regexes (packages/toolkit/core-kit/src/regex.ts).
EMAIL = re.compile(r"^\S+@\S+\.\S+$")
PHONE = re.compile(r"^\d+$")
USERNAME = re.compile(r"^[A-Z_a-z]\w*$", re.ASCII)
#: `UsersPasswordEncryptionMethod`.
PASSWORD_ALGORITHMS = (
    "Argon2i",
    "Argon2id",
    "Argon2d",
    "SHA1",
    "SHA256",
    "MD5",
    "Bcrypt",
    "Legacy",
)

#: `userProfileGuard`: every key optional, unknown ones dropped, known ones in its order.
PROFILE = Obj(
    {
        **{key: Str() for key in USER_PROFILE_KEYS if key != "address"},
        "address": Obj({part: Str() for part in ADDRESS_KEYS}).partial(),
    }
).partial()
#: `string().url().or(literal('')).nullable()`.
_AVATAR = Union(Str(url=True), Literal("")).nullable()


def _or_empty(schema: Str) -> zod.Schema:
    """`schema.or(literal('')).nullable()`, as the update guard writes its identifiers."""
    return Union(schema, Literal("")).nullable()


#: `POST /users`.
CREATE = Obj(
    {
        "primaryPhone": Str(regex=PHONE),
        "primaryEmail": Str(regex=EMAIL),
        "username": Str(regex=USERNAME),
        "password": Str(min=1),
        "passwordDigest": Str(max=256),
        "passwordAlgorithm": zod.Enum(PASSWORD_ALGORITHMS),
        "name": Str(),
        "avatar": _AVATAR,
        "customData": JsonObject(),
        "profile": PROFILE,
    }
).partial()
#: `PATCH /users/:id`.
UPDATE = Obj(
    {
        "username": _or_empty(Str(regex=USERNAME)),
        "primaryEmail": _or_empty(Str(regex=EMAIL)),
        "primaryPhone": _or_empty(Str(regex=PHONE)),
        "name": _or_empty(Str()),
        "avatar": _AVATAR,
        "customData": JsonObject(),
        "profile": PROFILE,
    }
).partial()
CUSTOM_DATA = Obj({"customData": JsonObject()})
PROFILE_BODY = Obj({"profile": PROFILE})
LOGTO_CONFIGS = Obj(
    {
        "mfa": Obj({"skipped": Bool(), "skipMfaOnSignIn": Bool()}),
        "passkeySignIn": Obj({"skipped": Bool()}),
    }
)
PASSWORD = Obj({"password": Str(min=1)})
SUSPENSION = Obj({"isSuspended": Bool()})
ROLE_IDS = Obj({"roleIds": Arr(Str(min=1))})
IDENTITY = Obj({"userId": Str(), "details": JsonObject().optional()})
LINK_IDENTITY = Obj({"connectorId": Str(), "connectorData": JsonObject()})
#: The discriminated union `{type: Totp, secret?} | {type: BackupCode, codes?}`.
MFA_VERIFICATION = zod.Discriminated(
    "type",
    {
        "Totp": Obj({"type": Literal("Totp"), "secret": Str().optional()}),
        "BackupCode": Obj({"type": Literal("BackupCode"), "codes": Arr(Str()).optional()}),
    },
)
#: The token table's `name` (`varchar(256)`, not empty).
_TOKEN_NAME = Str(min=1, max=256)
TOKEN_CREATE = Obj({"name": _TOKEN_NAME, "expiresAt": Num().nullish()})
TOKEN_NAME = Obj({"name": _TOKEN_NAME})
#: `POST .../personal-access-tokens/delete`: any string.
TOKEN_DELETE = Obj({"name": Str()})
TOKEN_RENAME = Obj({"name": _TOKEN_NAME, "currentName": Str().optional()})
