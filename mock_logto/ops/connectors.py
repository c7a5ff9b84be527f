"""Connectors as data: the built-in factories and the tenant's connectors (Logto's rows).

Logto loads connector factories from installed packages; the mock has a fixed list, Logto's own
mock connectors (packages/connectors/connector-mock-*, the ones its integration tests install).
"""

from __future__ import annotations

from typing import Any

from ..models import Tenant

#: factory id → (type, default target, platform, English name); Logto's connector-mock-*.
FACTORIES: dict[str, dict[str, Any]] = {
    "mock-email-service": {"type": "Email", "target": "mock-mail", "platform": None},
    "mock-email-service-alternative": {
        "type": "Email",
        "target": "mock-mail-alternative",
        "platform": None,
    },
    "mock-short-message-service": {"type": "Sms", "target": "mock-sms", "platform": None},
    "mock-social-connector": {"type": "Social", "target": "mock-social", "platform": "Universal"},
}


def target_of(row: dict[str, Any]) -> str:
    """A connector's target: its metadata override, else its factory's."""
    metadata = row.get("metadata") or {}
    return str(metadata.get("target") or FACTORIES[row["connectorId"]]["target"])


def kinds(tenant: Tenant) -> list[tuple[str, str]]:
    """(type, target) of each connector of the tenant whose factory is known."""
    return [
        (FACTORIES[row["connectorId"]]["type"], target_of(row))
        for row in tenant.connectors.values()
        if row["connectorId"] in FACTORIES
    ]


def remove_unused_demo_social(tenant: Tenant, targets: list[str]) -> None:
    """`removeUnusedDemoSocialConnector`: no demo social connector exists outside Logto Cloud."""
    del tenant, targets
