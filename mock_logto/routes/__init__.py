"""HTTP routes: `/oidc` (the authorization server) and `/api` (the Management API)."""
