"""Names several test modules use: the in-process issuer, API indicators, and the demo tenant's
(fixtures/default.yaml) apps."""

from __future__ import annotations

#: The base URL of in-process clients, and so of the issuer (Logto OSS's default port).
BASE_URL = "http://localhost:3001"
ISSUER = f"{BASE_URL}/oidc"
#: The API resource both tenants define.
API = "https://api.example.com"
#: Logto OSS's Management API indicator.
MANAGEMENT_API = "https://default.logto.app/api"

#: Demo tenant: the traditional web app and its callback, and the Management API app.
DEMO_WEB = ("demo-web", "demo-web-secret")
DEMO_CALLBACK = "http://localhost:3000/callback"
DEMO_ADMIN = ("demo-admin", "demo-admin-secret")
