"""Connectors as data: the built-in factories and the tenant's connectors (Logto's rows).

Logto loads connector factories from installed packages; the mock has a fixed list, Logto's own
mock connectors (packages/connectors/connector-mock-*, the ones its integration tests install;
their metadata, logo, README and config template in `connector_factories.json`). A tenant's
connector is Logto's `connectors` row (`Tenant.connectors`); what the API answers merges it
with its factory (routes/connector/index.ts, utils/connectors/index.ts, libraries/connector.ts).
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from importlib import resources as package_files
from typing import Any
from urllib.parse import quote_plus

from .. import zod
from ..errors import TenantError
from ..models import Tenant
from ..zod import Arr, Enum, Obj, Str

_TEMPLATE_TYPES = (
    "SignIn",
    "Register",
    "ForgotPassword",
    "OrganizationInvitation",
    "Generic",
    "UserPermissionValidation",
    "BindNewIdentifier",
    "MfaVerification",
    "BindMfa",
)
_MAIL_TEMPLATE = Obj(
    {
        "usageType": Enum(_TEMPLATE_TYPES),
        "type": Enum(("text/plain", "text/html")),
        "subject": Str(),
        "content": Str(),
    }
)
#: Each factory's `configGuard` (connector-mock-*/src/types.ts).
CONFIG_GUARDS: dict[str, zod.Schema] = {
    "mock-email-service": Obj(
        {
            "apiKey": Str(),
            "fromEmail": Str(),
            "fromName": Str().optional(),
            "templates": Arr(_MAIL_TEMPLATE),
        }
    ),
    "mock-email-service-alternative": Obj(
        {
            "apiKey": Str(),
            "fromEmail": Str(),
            "fromName": Str().optional(),
            "templates": Arr(_MAIL_TEMPLATE),
        }
    ).partial(),
    "mock-short-message-service": Obj(
        {
            "accountSID": Str(),
            "authToken": Str(),
            "fromMessagingServiceSID": Str(),
            "templates": Arr(Obj({"usageType": Enum(_TEMPLATE_TYPES), "content": Str()})),
        }
    ),
    "mock-social-connector": Obj({"clientId": Str(), "clientSecret": Str()}),
}


@cache
def _factories() -> tuple[dict[str, Any], ...]:
    text = package_files.files("mock_logto").joinpath("connector_factories.json").read_text("utf-8")
    return tuple({**item, "isDemo": False} for item in json.loads(text))


def factories() -> list[dict[str, Any]]:
    """The connector factories (`GET /api/connector-factories`); callers must not change them."""
    return list(_factories())


def factory(factory_id: str) -> dict[str, Any] | None:
    """The factory with this id (`metadata.id`), if built in."""
    return next((f for f in _factories() if f["id"] == factory_id), None)


def _error(code: str, message: str, status: int = 400, data: Any = None) -> TenantError:
    return TenantError(f"connector.{code}", message, status_code=status, data=data)


def not_found() -> TenantError:
    """Logto's 404 for an unknown connector (`entity.not_found`)."""
    return TenantError("entity.not_found", "The resource does not exist.", status_code=404)


def live(tenant: Tenant) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """`getLogtoConnectors`: (row, merged metadata with `type`) by id, known factories only."""
    found = []
    for row_id in sorted(tenant.connectors):
        row = tenant.connectors[row_id]
        base = factory(row["connectorId"])
        if base is not None:
            found.append((row, {**base, **row.get("metadata", {})}))
    return found


def target_of(row: dict[str, Any]) -> str:
    """A connector's target: its metadata override, else its factory's."""
    base = factory(row["connectorId"]) or {}
    return str((row.get("metadata") or {}).get("target") or base.get("target", ""))


def kinds(tenant: Tenant) -> list[tuple[str, str]]:
    """(type, target) of each connector of the tenant whose factory is known."""
    return [(merged["type"], merged["target"]) for _, merged in live(tenant)]


def answer(row: dict[str, Any], merged: dict[str, Any]) -> dict[str, Any]:
    """`transpileLogtoConnector`: type, merged metadata, the row's fields, demo flag, config."""
    body = {key: value for key, value in merged.items() if key != "isDemo"}
    body["id"] = row["id"]
    body["connectorId"] = row["connectorId"]
    body["syncProfile"] = row.get("syncProfile", False)
    body["metadata"] = row.get("metadata", {})
    body["enableTokenStorage"] = row.get("enableTokenStorage", False)
    body["isDemo"] = False
    body["extraInfo"] = {}
    body["config"] = row.get("config", {})
    return body


def get(tenant: Tenant, connector_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """`getLogtoConnectorById`: the row and its merged metadata, else 404 `entity.not_found`."""
    for row, merged in live(tenant):
        if row["id"] == connector_id:
            return row, merged
    raise not_found()


def clean_deep(value: Any) -> Any:
    """`clean-deep` with its defaults: drop null, "", empty arrays and objects, recursively."""
    if isinstance(value, dict):
        cleaned = {k: clean_deep(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if not _empty(v)}
    if isinstance(value, list):
        items = [clean_deep(v) for v in value]
        return [v for v in items if not _empty(v)]
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | dict) and not value)


def validate_config(factory_id: str, config: Any) -> None:
    """The factory's `configGuard`, else 400 `connector.invalid_config` with zod's error."""
    issues: zod.Issues = []
    CONFIG_GUARDS[factory_id].check(config, [], issues)
    if issues:
        lines = [zod.details_line(i) for i in issues]
        error = TenantError(
            "connector.invalid_config",
            "The connector's config is invalid.",
            status_code=400,
            field="config",
            text=lines[0],
            data={"issues": issues, "name": "ZodError"},
        )
        error.details = "\n".join(lines)
        raise error


def _token_storage(merged: dict[str, Any]) -> None:
    """No secret vault key in this environment: token storage is not available (422)."""
    del merged
    raise TenantError(
        "request.feature_not_supported",
        "This feature is not supported in the current environment.",
        status_code=422,
        field="enableTokenStorage",
    )


def create(
    tenant: Tenant, body: dict[str, Any], new_id: str, now_ms: int, *, check_config: bool = True
) -> dict[str, Any]:
    """`POST /connectors` in Logto's order; a new email/SMS connector replaces its kind's.

    `check_config=False` takes a stored config as it is (fixtures: Logto stores a config with
    its empty values dropped, which its guard may then refuse).
    """
    base = factory(body["connectorId"])
    if base is None:
        raise _error(
            "not_found_with_connector_id",
            "Can not find connector with given standard connector id.",
            422,
        )
    metadata = body.get("metadata")
    if base["type"] == "Social":
        standard = base.get("isStandard") is True
        if standard and not (metadata or {}).get("target"):
            raise _error("should_specify_target", "You should specify 'target'.")
        if not standard and metadata is not None:
            raise _error(
                "cannot_overwrite_metadata_for_non_standard_connector",
                "This connector's 'metadata' cannot be overwritten.",
            )
        same_factory = [r for r in tenant.connectors.values() if r["connectorId"] == base["id"]]
        if same_factory and not standard:
            raise _error(
                "multiple_instances_not_supported",
                "Can not create multiple instance with picked standard connector.",
                422,
            )
        target = (metadata or {}).get("target") or base["target"]
        for _, merged in live(tenant):
            if merged["target"] == target and merged["platform"] == base["platform"]:
                raise _error(
                    "multiple_target_with_same_platform",
                    "You can not have multiple social connectors that have same target and "
                    "platform.",
                    422,
                    data={"connectorId": merged["id"], "connectorName": merged["name"]},
                )
    if body.get("config") is not None and check_config:
        validate_config(base["id"], body["config"])
    if body.get("enableTokenStorage"):
        _token_storage(base)
    row_id = body.get("id") or new_id
    cleaned = clean_deep(
        {
            k: body[k]
            for k in ("syncProfile", "config", "metadata", "enableTokenStorage")
            if body.get(k) is not None
        }
    )
    row = {
        "id": row_id,
        "connectorId": base["id"],
        "syncProfile": cleaned.get("syncProfile", False),
        "enableTokenStorage": cleaned.get("enableTokenStorage", False),
        "config": cleaned.get("config", {}),
        "metadata": cleaned.get("metadata", {}),
        "createdAt": now_ms,
    }
    if row_id in tenant.connectors:
        raise TenantError(
            "entity.unique_integrity_violation",
            "The entity already exists. Please check the input and try again.",
            status_code=422,
        )
    tenant.connectors[row_id] = row
    if base["type"] in ("Email", "Sms"):
        for other, merged in live(tenant):
            if merged["type"] == base["type"] and other["id"] != row_id:
                del tenant.connectors[other["id"]]
    return row


def update(tenant: Tenant, connector_id: str, body: dict[str, Any]) -> None:
    """`PATCH /connectors/:id` in Logto's order; each given field replaces the stored one."""
    row, merged = get(tenant, connector_id)
    metadata = body.get("metadata")
    standard = merged.get("isStandard") is True
    if standard and metadata and metadata.get("target") != merged["target"]:
        raise _error("can_not_modify_target", "The connector 'target' can not be modified.")
    if not standard and metadata:
        raise _error(
            "cannot_overwrite_metadata_for_non_standard_connector",
            "This connector's 'metadata' cannot be overwritten.",
        )
    if body.get("syncProfile") and merged["type"] != "Social":
        raise _error(
            "invalid_type_for_syncing_profile",
            "You can only sync user profile with social connectors.",
            422,
        )
    if body.get("enableTokenStorage"):
        _token_storage(merged)
    config = body.get("config")
    if config is not None:
        validate_config(row["connectorId"], config)
        row["config"] = clean_deep(config)
    if metadata is not None:
        row["metadata"] = clean_deep(metadata)
    for key in ("syncProfile", "enableTokenStorage"):
        if body.get(key) is not None:
            row[key] = body[key]


def delete(tenant: Tenant, connector_id: str) -> None:
    """`DELETE /connectors/:id`; a social one's target leaves the sign-in experience."""
    row = tenant.connectors.pop(connector_id, None)
    if row is None:
        raise not_found()
    base = factory(row["connectorId"])
    if base is not None and base["type"] == "Social":
        social = {target for kind, target in kinds(tenant) if kind == "Social"}
        document = tenant.sign_in_experience
        document["socialSignInConnectorTargets"] = [
            t for t in document.get("socialSignInConnectorTargets", []) if t in social
        ]


def remove_unused_demo_social(tenant: Tenant, targets: list[str]) -> None:
    """`removeUnusedDemoSocialConnector`: no demo social connector exists outside Logto Cloud."""
    del tenant, targets


#: connector-mock-social's `mockSocialDataGuard`: `code` and these optional strings.
_MOCK_SOCIAL_FIELDS = ("userId", "email", "phone", "name", "avatar")


def social_user_info(data: dict[str, Any]) -> dict[str, Any]:
    """connector-mock-social `getUserInfo` (the only social factory here): its user info.

    `id` is `userId` (else a random `mock-social-sub-…`), then the other given fields in the
    guard's order, then `rawData` (the data as given). Data failing the guard is the connector's
    `invalid_response` (400, `data` its JSON text, as koaConnectorErrorHandler answers).
    """
    valid = isinstance(data.get("code"), str) and all(
        isinstance(data[key], str) for key in _MOCK_SOCIAL_FIELDS if key in data
    )
    if not valid:
        raise _error(
            "invalid_response",
            "The connector's response is invalid.",
            data=json.dumps(data, separators=(",", ":"), ensure_ascii=False),
        )
    user_id = data["userId"] if "userId" in data else f"mock-social-sub-{uuid.uuid4()}"
    rest = {key: data[key] for key in _MOCK_SOCIAL_FIELDS[1:] if key in data}
    return {"id": user_id, **rest, "rawData": data}


def mock_social_authorization_uri(state: str, redirect_uri: str) -> str:
    """connector-mock-social `getAuthorizationUri`: its made-up provider URL, form-encoded."""
    pairs = (("state", state), ("redirect_uri", redirect_uri), ("scope", "email profile"))
    query = "&".join(f"{k}={quote_plus(v, safe='*').replace('~', '%7E')}" for k, v in pairs)
    return f"http://mock-social/?{query}"
