"""An organization that requires MFA refuses its tokens to users without an MFA factor.

Logto v1.37 oidc/grants/utils.ts `checkOrganizationAccess`, after membership (and third-party
consent): `getMfaStatus` reads the organization's `is_mfa_required` and whether the user has
any `mfa_verifications`; both the refresh token and the token exchange grants ask it.
"""

from __future__ import annotations

from ...errors import AccessDeniedError
from ...models import Organization, User


def require_mfa_if_asked(organization: Organization, user: User) -> None:
    """403 `access_denied` when the organization requires MFA and the user has none."""
    if organization.is_mfa_required and not user.mfa_verifications:
        raise AccessDeniedError("organization requires MFA but user has no MFA configured")
