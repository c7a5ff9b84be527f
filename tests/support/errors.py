"""Logto's error bodies, written out (never built by the package's code)."""

from __future__ import annotations


def logto_error(error: str, message: str, description: str) -> dict[str, str]:
    """Logto's wrapping of an oidc-provider error."""
    return {
        "code": f"oidc.{error}",
        "message": message,
        "error": error,
        "error_description": description,
    }


def invalid_request(description: str) -> dict[str, str]:
    return logto_error("invalid_request", "Request is invalid.", description)


def invalid_target(description: str) -> dict[str, str]:
    return logto_error("invalid_target", "Invalid resource indicator.", description)
