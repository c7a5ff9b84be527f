"""Custom profile fields (`/api/custom-profile-fields`): Logto's guards and rules.

Logto: routes/custom-profile-fields.ts, libraries/custom-profile-fields/{index,utils}.ts,
queries/custom-profile-fields.ts, schemas types/custom-profile-fields.ts. Fields are Logto's
rows (`Tenant.custom_profile_fields`, by name); a new one's `sieOrder` is the largest plus one.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import TenantError
from ..models import ADDRESS_KEYS, Tenant
from ..zod import Arr, Bool, Discriminated, Enum, Literal, Num, Obj, Str, Union

TYPES = ("Text", "Number", "Date", "Checkbox", "Select", "Url", "Regex", "Address", "Fullname")
_NAME = re.compile(r"^[\dA-Za-z]+$")
_RESERVED_BUILT_IN = frozenset({"preferredUsername"})
_RESERVED_CUSTOM_DATA = frozenset(
    {"onboarding", "guideRequests", "adminConsolePreferences", "defaultTenantId"}
)
_RESERVED_IDENTIFIERS = frozenset({"username", "primaryEmail", "primaryPhone", "email", "phone"})

_FULLNAME_KEYS = ("givenName", "middleName", "familyName")
BATCH_LIMIT = 20

_BASE = Obj(
    {
        "name": Str(),
        "type": Enum(TYPES),
        "label": Str(min=1).optional(),
        "description": Str().optional(),
        "required": Bool(),
    }
)
_OPTIONS = Arr(Obj({"label": Str().optional(), "value": Str()}))
_BASE_CONFIG = Obj(
    {
        "placeholder": Str(max=256).optional(),
        "minLength": Num(integer=True, min=0).optional(),
        "maxLength": Num(integer=True, min=0).optional(),
        "minValue": Num(integer=True, min=0).optional(),
        "maxValue": Num(integer=True, min=0).optional(),
        "format": Str(max=128).optional(),
        "customFormat": Str(max=128).optional(),
        "options": _OPTIONS.optional(),
        "defaultValue": Str().optional(),
    }
)
_PART = Obj(
    {
        "enabled": Bool(),
        "type": Enum(TYPES),
        "label": Str(min=1).optional(),
        "description": Str().optional(),
        "required": Bool(),
        "config": _BASE_CONFIG.optional(),
    }
)


def _typed(kind: str, config: Any) -> Obj:
    return _BASE.extend({"type": Literal(kind), "config": config})


_GUARDS: dict[str, Obj] = {
    "Text": _typed(
        "Text",
        Obj(
            {
                "placeholder": Str().optional(),
                "minLength": Num().optional(),
                "maxLength": Num().optional(),
            }
        ).optional(),
    ),
    "Number": _typed(
        "Number",
        Obj(
            {
                "placeholder": Str().optional(),
                "minValue": Num().optional(),
                "maxValue": Num().optional(),
            }
        ).optional(),
    ),
    "Date": _typed(
        "Date",
        Obj(
            {"placeholder": Str().optional(), "format": Str(), "customFormat": Str().optional()}
        ).optional(),
    ),
    "Checkbox": _BASE.omit("description").extend(
        {
            "type": Literal("Checkbox"),
            "required": Literal(False),
            "config": Obj({"defaultValue": Union(Literal("true"), Literal("false"))}).optional(),
        }
    ),
    "Select": _typed("Select", Obj({"placeholder": Str().optional(), "options": _OPTIONS})),
    "Url": _typed("Url", Obj({"placeholder": Str().optional()}).optional()),
    "Regex": _typed("Regex", Obj({"placeholder": Str().optional(), "format": Str()})),
    "Address": _typed("Address", Obj({"parts": Arr(_PART.extend({"name": Enum(ADDRESS_KEYS)}))})),
    "Fullname": _typed(
        "Fullname", Obj({"parts": Arr(_PART.extend({"name": Enum(_FULLNAME_KEYS)}))})
    ),
}
#: `customProfileFieldUnionGuard` (POST) and `updateCustomProfileFieldDataGuard` (PUT).
CREATE = Discriminated("type", _GUARDS)
UPDATE = Discriminated("type", {k: v.omit("name") for k, v in _GUARDS.items()})
BATCH = Arr(CREATE, max=BATCH_LIMIT)
SIE_ORDER = Obj({"order": Arr(Obj({"name": Str(), "sieOrder": Num()}))})

_MESSAGES = {
    "entity_not_exists_with_names": "Cannot find entities with the given names: {names}",
    "invalid_min_max_input": "Invalid min and max input.",
    "invalid_default_value": "Invalid default value.",
    "invalid_options": "Invalid field options.",
    "invalid_regex_format": "Invalid regex format.",
    "invalid_address_components": "Invalid address components.",
    "invalid_fullname_components": "Invalid fullname components.",
    "invalid_sub_component_type": "Invalid sub-component type.",
    "name_exists": "Field already exists with the given name.",
    "invalid_name": "Invalid field name, only letters or numbers are allowed, case sensitive.",
    "name_conflict_sign_in_identifier": (
        "Invalid field name. Reserved sign-in identifier key(s): {name}."
    ),
    "name_conflict_built_in_prop": (
        "Invalid field name. Reserved built-in user profile property name(s): {name}."
    ),
    "name_conflict_custom_data": "Invalid field name. Reserved custom data key(s): {name}.",
}


def refused(key: str, **values: str) -> TenantError:
    """Logto's `custom_profile_fields.<key>` (422 for a taken name, else 400)."""
    message = _MESSAGES[key].format(**values)
    status = 422 if key == "name_exists" else 400
    return TenantError(f"custom_profile_fields.{key}", message, status_code=status, field="name")


def _require(condition: bool, key: str, **values: str) -> None:
    if not condition:
        raise refused(key, **values)


def _valid_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def validate(data: dict[str, Any], strict: bool = False) -> None:
    """`validateCustomProfileFieldData`: the name, then the type's own rules."""
    name = str(data.get("name", ""))
    _require(bool(_NAME.match(name)), "invalid_name")
    _require(name not in _RESERVED_BUILT_IN, "name_conflict_built_in_prop", name=name)
    _require(name not in _RESERVED_CUSTOM_DATA, "name_conflict_custom_data", name=name)
    _require(name not in _RESERVED_IDENTIFIERS, "name_conflict_sign_in_identifier", name=name)
    kind, config = data.get("type"), data.get("config") or {}
    if kind in ("Text", "Number"):
        low, high = ("minLength", "maxLength") if kind == "Text" else ("minValue", "maxValue")
        if config.get(low) is not None and config.get(high) is not None:
            _require(config[low] <= config[high], "invalid_min_max_input")
    elif kind == "Checkbox" and strict:
        _require(config.get("defaultValue") is not None, "invalid_default_value")
    elif kind == "Select" and strict:
        _require(len(config.get("options", [])) > 0, "invalid_options")
    elif kind == "Regex" and strict:
        _require(_valid_regex(str(config.get("format", ""))), "invalid_regex_format")
    elif kind in ("Address", "Fullname"):
        parts = config.get("parts", [])
        _require(len(parts) > 0, f"invalid_{kind.lower()}_components")
        _require(
            not any(p["type"] in ("Address", "Fullname") for p in parts),
            "invalid_sub_component_type",
        )
        if strict:
            for part in parts:
                validate(part, True)


def _row(tenant: Tenant, data: dict[str, Any], field_id: str, now_ms: int) -> dict[str, Any]:
    order = max((f["sieOrder"] for f in tenant.custom_profile_fields.values()), default=0) + 1
    return {
        "tenantId": tenant.id,
        "id": field_id,
        "name": data["name"],
        "type": data["type"],
        "label": data.get("label", ""),
        "description": data.get("description"),
        "required": data["required"],
        "config": data.get("config", {}),
        "createdAt": now_ms,
        "sieOrder": order,
    }


def create(tenant: Tenant, data: dict[str, Any], field_id: str, now_ms: int) -> dict[str, Any]:
    """A new field (parsed by `CREATE`), checked; 422 `name_exists` for a taken name."""
    validate(data)
    if data["name"] in tenant.custom_profile_fields:
        raise refused("name_exists")
    row = _row(tenant, data, field_id, now_ms)
    tenant.custom_profile_fields[row["name"]] = row
    return row


def create_batch(
    tenant: Tenant, items: list[dict[str, Any]], ids: list[str], now_ms: int
) -> list[dict[str, Any]]:
    """Several fields at once: all checked first, none stored if one is refused."""
    for item in items:
        validate(item)
    names = [item["name"] for item in items]
    if len(set(names)) != len(names) or any(n in tenant.custom_profile_fields for n in names):
        raise refused("name_exists")
    rows = []
    for item, field_id in zip(items, ids, strict=True):
        row = _row(tenant, item, field_id, now_ms)
        tenant.custom_profile_fields[row["name"]] = row
        rows.append(row)
    return rows


def ordered(tenant: Tenant) -> list[dict[str, Any]]:
    """Every field by `sieOrder` (Logto's `order by sie_order`; ties as created)."""
    return sorted(tenant.custom_profile_fields.values(), key=lambda f: f["sieOrder"])


def update(tenant: Tenant, name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Replace the given keys (strict checks); 404 `entity.not_exists` for an unknown name."""
    validate({**data, "name": name}, True)
    row = tenant.custom_profile_fields.get(name)
    if row is None:
        raise TenantError(
            "entity.not_exists",
            "The custom_profile_field does not exist.",
            status_code=404,
        )
    for key in ("type", "label", "description", "required", "config"):
        if key in data:
            row[key] = data[key]
    return row


def reorder(tenant: Tenant, order: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set `sieOrder` of the named fields; every name must exist. The updated ones, in order."""
    names = [item["name"] for item in order]
    missing = [n for n in names if n not in tenant.custom_profile_fields]
    found = len({n for n in names if n in tenant.custom_profile_fields})
    if found != len(names):
        raise refused("entity_not_exists_with_names", names=", ".join(missing))
    for item in order:
        tenant.custom_profile_fields[item["name"]]["sieOrder"] = int(item["sieOrder"])
    updated = [tenant.custom_profile_fields[n] for n in dict.fromkeys(names)]
    return sorted(updated, key=lambda f: f["sieOrder"])
