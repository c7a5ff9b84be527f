"""The sign-in experience's rules: Logto's validators of `PATCH /api/sign-in-exp`.

Logto: packages/core/src/libraries/sign-in-experience/{sign-up,sign-in,mfa,
email-blocklist-policy}.ts and routes/sign-in-experience/index.ts, in their order of checks.
The document (`Tenant.sign_in_experience`) is replaced key by key (`jsonbMode: 'replace'`).
"""

from __future__ import annotations

import re
from typing import Any

from .. import zod
from ..errors import ManagementApiError, TenantError
from ..models import Tenant
from ..zod import Arr, Bool, Default, Enum, Literal, Nullable, Num, Obj, Record, Str, Union
from . import connectors

_EMAIL_OR_DOMAIN = re.compile(r"^\S+@\S+\.\S+|^@\S+\.\S+$")
_BUILT_IN_LANGUAGES = frozenset(
    ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "pl-PL", "pt-PT", "pt-BR", "ru", "th")
    + ("tr-TR", "uk-UA", "zh-CN", "zh-HK", "zh-TW")
)
#: @logto/language-kit's language tags (matched case-insensitively, as `isLanguageTag`).
_LANGUAGES = frozenset(
    tag.lower()
    for tag in """af-ZA am-ET ar ar-AR as-IN az-AZ be-BY bg-BG bn-IN br-FR bs-BA ca-ES cb-IQ co-FR
    cs-CZ cx-PH cy-GB da-DK de de-DE el-GR en en-GB en-US eo-EO es es-ES es-419 et-EE eu-ES fa-IR
    ff-NG fi fi-FI fo-FO fr fr-CA fr-FR fy-NL ga-IE gl-ES gn-PY gu-IN ha-NG he-IL hi-IN hr-HR ht-HT
    hu-HU hy-AM id-ID ik-US is-IS it it-IT iu-CA ja ja-JP ja-KS jv-ID ka-GE kk-KZ km-KH kn-IN ko
    ko-KR ku-TR ky-KG lo-LA lt-LT lv-LV mg-MG mk-MK ml-IN mn-MN mr-IN ms-MY mt-MT my-MM nb-NO ne-NP
    nl nl-BE nl-NL nn-NO or-IN pa-IN pl-PL ps-AF pt pt-BR pt-PT ro-RO ru ru-RU rw-RW sc-IT si-LK
    sk-SK sl-SI sn-ZW sq-AL sr-RS sv sv-SE sw-KE sy-SY sz-PL ta-IN te-IN tg-TJ th th-TH tl-PH tr
    tr-TR tt-RU tz-MA uk-UA ur-PK uz-UZ vi-VN zh zh-CN zh-HK zh-MO zh-TW zz-TR""".split()  # noqa: SIM905
)


def is_language_tag(value: Any) -> bool:
    """`isLanguageTag` of @logto/language-kit (case-insensitive)."""
    return isinstance(value, str) and value.lower() in _LANGUAGES


_MESSAGES = {
    "enabled_connector_not_found": "Enabled {type} connector not found.",
    "at_least_one_authentication_factor": "You have to select at least one authentication factor.",
    "code_sign_in_must_be_enabled": (
        "Verification code sign in must be enabled when set a password is not required in sign up."
    ),
    "backup_code_cannot_be_enabled_alone": "Backup code cannot be enabled alone.",
    "duplicated_mfa_factors": "Duplicated MFA factors.",
    "email_verification_code_cannot_be_used_for_mfa": (
        "Email verification code cannot be used for MFA when email verification is enabled for "
        "sign-in."
    ),
    "phone_verification_code_cannot_be_used_for_mfa": (
        "SMS verification code cannot be used for MFA when SMS verification is enabled for sign-in."
    ),
    "email_verification_code_cannot_be_used_for_sign_in": (
        "Email verification code cannot be used for sign-in when it is enabled for MFA."
    ),
    "phone_verification_code_cannot_be_used_for_sign_in": (
        "SMS verification code cannot be used for sign-in when it is enabled for MFA."
    ),
    "duplicated_sign_up_identifiers": "Duplicate sign-up identifiers detected.",
    "missing_sign_up_identifiers": "Primary sign-up identifier cannot be empty.",
    "passwordless_requires_verify": "Must enable verify for email/phone sign up identifier.",
    "unsupported_default_language": "This language - {language} is not supported at the moment.",
    "forgot_password_method_requires_connector": (
        "Forgot password method requires a corresponding {method} connector to be configured."
    ),
}


def refused(key: str, **values: str) -> TenantError:
    """Logto's 400 `sign_in_experiences.<key>`."""
    return TenantError(
        f"sign_in_experiences.{key}", _MESSAGES[key].format(**values), status_code=400
    )


def _require(condition: bool, key: str, **values: str) -> None:
    if not condition:
        raise refused(key, **values)


def _has(tenant: Tenant, kind: str) -> bool:
    return any(t == kind for t, _ in connectors.kinds(tenant))


def validate_language(language: Any) -> None:
    """The fallback language must be a built-in one (no custom phrases are served)."""
    _require(language in _BUILT_IN_LANGUAGES, "unsupported_default_language", language=language)


def validate_sign_up(sign_up: dict[str, Any], tenant: Tenant) -> None:
    """Logto's `validateSignUp`: primary identifiers, uniqueness, passwordless rules."""
    identifiers: list[str] = sign_up["identifiers"]
    secondary: list[dict[str, Any]] = sign_up.get("secondaryIdentifiers") or []
    if secondary:
        _require(len(identifiers) > 0, "missing_sign_up_identifiers")
    primary = set(identifiers)
    second = {s["identifier"] for s in secondary}
    _require(
        len(primary) == len(identifiers) and len(second) == len(secondary),
        "duplicated_sign_up_identifiers",
    )
    for identifier in second:
        if identifier == "emailOrPhone":
            _require(not primary & {"email", "phone"}, "duplicated_sign_up_identifiers")
        else:
            _require(identifier not in primary, "duplicated_sign_up_identifiers")
    if any(i != "username" for i in identifiers) or any(
        s["identifier"] != "username" for s in secondary
    ):
        _require(bool(sign_up["verify"]), "passwordless_requires_verify")
    for item in secondary:
        _require(
            item["identifier"] == "username" or bool(item.get("verify")),
            "passwordless_requires_verify",
        )
    if primary & {"email"} or second & {"email", "emailOrPhone"}:
        _require(_has(tenant, "Email"), "enabled_connector_not_found", type="Email")
    if primary & {"phone"} or second & {"phone", "emailOrPhone"}:
        _require(_has(tenant, "Sms"), "enabled_connector_not_found", type="Sms")


def _code_sign_in(sign_in: dict[str, Any], identifier: str) -> bool:
    return any(m["verificationCode"] and m["identifier"] == identifier for m in sign_in["methods"])


def validate_sign_in(
    sign_in: dict[str, Any], sign_up: dict[str, Any], tenant: Tenant, mfa: dict[str, Any]
) -> None:
    """Logto's `validateSignIn`: connectors for code sign-in, factors, MFA overlap."""
    if _code_sign_in(sign_in, "email"):
        _require(_has(tenant, "Email"), "enabled_connector_not_found", type="Email")
    if _code_sign_in(sign_in, "phone"):
        _require(_has(tenant, "Sms"), "enabled_connector_not_found", type="Sms")
    _require(
        all(m["password"] or m["verificationCode"] for m in sign_in["methods"]),
        "at_least_one_authentication_factor",
    )
    if sign_up["verify"] and not sign_up["password"]:
        _require(
            all(m["verificationCode"] or m["identifier"] == "username" for m in sign_in["methods"]),
            "code_sign_in_must_be_enabled",
        )
    factors = mfa.get("factors") or []
    if _code_sign_in(sign_in, "email"):
        _require(
            "EmailVerificationCode" not in factors,
            "email_verification_code_cannot_be_used_for_sign_in",
        )
    if _code_sign_in(sign_in, "phone"):
        _require(
            "PhoneVerificationCode" not in factors,
            "phone_verification_code_cannot_be_used_for_sign_in",
        )


def validate_mfa(mfa: dict[str, Any], sign_in: dict[str, Any]) -> None:
    """Logto's `validateMfa`: no duplicates, backup code not alone, no overlap with sign-in."""
    factors: list[str] = mfa["factors"]
    _require(len(set(factors)) == len(factors), "duplicated_mfa_factors")
    if "BackupCode" in factors:
        _require(len(factors) > 1, "backup_code_cannot_be_enabled_alone")
    if "EmailVerificationCode" in factors:
        _require(
            not _code_sign_in(sign_in, "email"), "email_verification_code_cannot_be_used_for_mfa"
        )
    if "PhoneVerificationCode" in factors:
        _require(
            not _code_sign_in(sign_in, "phone"), "phone_verification_code_cannot_be_used_for_mfa"
        )


def validate_forgot_password(methods: list[str], tenant: Tenant) -> None:
    """Each forgot-password method needs its kind of connector (400, no `sign_in_exp` status)."""
    for method in methods:
        if method == "EmailVerificationCode" and not _has(tenant, "Email"):
            raise refused("forgot_password_method_requires_connector", method="email")
        if method == "PhoneVerificationCode" and not _has(tenant, "Sms"):
            raise refused("forgot_password_method_requires_connector", method="sms")


def not_supported(details: str) -> ManagementApiError:
    """Logto's `request.invalid_input` for an OSS instance (hidden branding, disposable check)."""
    return ManagementApiError(
        "request.invalid_input", f"Input is invalid. {details}", status_code=400
    )


def parse_email_blocklist(policy: dict[str, Any]) -> dict[str, Any]:
    """Logto's `parseEmailBlocklistPolicy`: deduplicated list, each an email or `@domain`."""
    if policy.get("blockDisposableAddresses"):
        raise not_supported(
            "Disposable email domain validation is not supported in this environment"
        )
    rest = {k: v for k, v in policy.items() if k != "customBlocklist"}
    if "customBlocklist" not in policy:
        return rest
    unique = list(dict.fromkeys(policy["customBlocklist"]))
    invalid = [item for item in unique if not _EMAIL_OR_DOMAIN.search(item)]
    if invalid:
        raise TenantError(
            "sign_in_experiences.invalid_custom_email_blocklist_format",
            "Invalid custom email blocklist items: "
            f"{_conjunction(invalid)}. Each item must be a valid email address or email domain, "
            "e.g., foo@example.com or @example.com.",
            status_code=400,
        )
    return {**rest, "customBlocklist": unique}


def _conjunction(items: list[str]) -> str:
    """`Intl.ListFormat('en', {type: 'conjunction'})`: "a", "a and b", "a, b, and c"."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def update(tenant: Tenant, body: dict[str, Any], *, remove_unused_demo: bool = False) -> None:
    """Check a parsed PATCH body in Logto's order, then replace the keys it names."""
    current = tenant.sign_in_experience
    if "languageInfo" in body:
        validate_language(body["languageInfo"]["fallbackLanguage"])
    targets = body.get("socialSignInConnectorTargets")
    if targets is not None:
        social = {target for kind, target in connectors.kinds(tenant) if kind == "Social"}
        targets = [t for t in targets if t in social]
    sign_up, sign_in, mfa = body.get("signUp"), body.get("signIn"), body.get("mfa")
    if sign_up is not None:
        validate_sign_up(sign_up, tenant)
    if sign_in is not None:
        validate_sign_in(sign_in, sign_up or current["signUp"], tenant, mfa or current["mfa"])
    if mfa is not None:
        validate_mfa(mfa, sign_in or current["signIn"])
    if body.get("forgotPasswordMethods"):
        validate_forgot_password(body["forgotPasswordMethods"], tenant)
    if remove_unused_demo and targets is not None:
        connectors.remove_unused_demo_social(tenant, targets)
    if body.get("hideLogtoBranding"):
        raise not_supported("Hide Logto branding is not supported in this environment")
    changes = dict(body)
    if targets is not None:
        changes["socialSignInConnectorTargets"] = targets
    if "emailBlocklistPolicy" in body:
        changes["emailBlocklistPolicy"] = parse_email_blocklist(body["emailBlocklistPolicy"])
    for key, value in changes.items():
        if key in current:
            current[key] = value


def guard_interaction_event(tenant: Tenant, event: str) -> None:
    """`guardInteractionEvent`: `signInMode` Register refuses SignIn, SignIn refuses Register."""
    mode = tenant.sign_in_experience.get("signInMode")
    if (event == "SignIn" and mode == "Register") or (event == "Register" and mode == "SignIn"):
        raise ManagementApiError(
            "auth.forbidden",
            "Forbidden. Please check your user roles and permissions.",
            status_code=403,
        )


def password_identifiers(tenant: Tenant) -> list[str]:
    """The identifiers (username, email, phone) a password signs in with."""
    methods = tenant.sign_in_experience.get("signIn", {}).get("methods", [])
    return [m["identifier"] for m in methods if m.get("password")]


def guard_password_method(tenant: Tenant, identifier: str) -> None:
    """`guardSignInVerificationMethod` for a password: its identifier must be enabled (422)."""
    if identifier not in password_identifiers(tenant):
        raise ManagementApiError(
            "user.sign_in_method_not_enabled",
            "This sign-in method is not enabled.",
            status_code=422,
        )


_HEX = re.compile(r"^#[\da-f]{3}([\da-f]{3})?$", re.IGNORECASE)
_IDENTIFIERS = ("username", "email", "phone")


def _url_or_empty(check: Str) -> zod.Schema:
    """`string().url().optional().nullable().or(literal(''))`."""
    return Union(Nullable(check), Literal(""))


_PASSWORD_POLICY = Obj(
    {
        "length": Default(
            Obj({"min": Default(Num(), lambda: 8), "max": Default(Num(), lambda: 256)}),
            dict,
        ),
        "characterTypes": Default(Obj({"min": Default(Num(), lambda: 1)}), dict),
        "rejects": Default(
            Obj(
                {
                    "pwned": Default(Bool(), lambda: True),
                    "repetitionAndSequence": Default(Bool(), lambda: True),
                    "userInfo": Default(Bool(), lambda: True),
                    "words": Default(Arr(Str()), list),
                }
            ),
            dict,
        ),
    }
).partial()

#: The PATCH body: `SignInExperiences.createGuard` (adaptiveMfa omitted) `.partial()`.
PATCH_BODY = Obj(
    {
        "tenantId": Str(max=21),
        "color": Obj(
            {
                "primaryColor": Str(regex=_HEX),
                "isDarkModeEnabled": Bool(),
                "darkPrimaryColor": Str(regex=_HEX),
            }
        ),
        "branding": Obj(
            {
                "logoUrl": Str(url=True),
                "darkLogoUrl": Str(url=True),
                "favicon": Str(url=True),
                "darkFavicon": Str(url=True),
            }
        ).partial(),
        "hideLogtoBranding": Bool(),
        "languageInfo": Obj(
            {
                "autoDetect": Bool(),
                "fallbackLanguage": zod.Refine(zod.Unknown(), is_language_tag),
            }
        ),
        "agreeToTermsPolicy": Enum(("Automatic", "ManualRegistrationOnly", "Manual")),
        "signIn": Obj(
            {
                "methods": Arr(
                    Obj(
                        {
                            "identifier": Enum(_IDENTIFIERS),
                            "password": Bool(),
                            "verificationCode": Bool(),
                            "isPasswordPrimary": Bool(),
                        }
                    )
                )
            }
        ),
        "signUp": Obj(
            {
                "identifiers": Arr(Enum(_IDENTIFIERS)),
                "password": Bool(),
                "verify": Bool(),
                "secondaryIdentifiers": Arr(
                    Obj(
                        {
                            "identifier": Union(Enum(_IDENTIFIERS), Enum(("emailOrPhone",))),
                            "verify": Bool().optional(),
                        }
                    )
                ).optional(),
            }
        ),
        "socialSignIn": Obj(
            {
                "automaticAccountLinking": Bool().optional(),
                "skipRequiredIdentifiers": Bool().optional(),
            }
        ),
        "socialSignInConnectorTargets": Arr(Str()),
        "signInMode": Enum(("SignIn", "Register", "SignInAndRegister")),
        "customCss": Nullable(Str()),
        "customContent": Record(Str()),
        "customUiAssets": Nullable(Obj({"id": Str(), "createdAt": Num()})),
        "passwordPolicy": _PASSWORD_POLICY,
        "mfa": Obj(
            {
                "factors": Arr(
                    Enum(
                        (
                            "Totp",
                            "WebAuthn",
                            "BackupCode",
                            "EmailVerificationCode",
                            "PhoneVerificationCode",
                        )
                    )
                ),
                "policy": Enum(
                    (
                        "UserControlled",
                        "Mandatory",
                        "PromptOnlyAtSignIn",
                        "PromptAtSignInAndSignUp",
                        "NoPrompt",
                    )
                ),
                "organizationRequiredMfaPolicy": Enum(("NoPrompt", "Mandatory")).optional(),
            }
        ),
        "singleSignOnEnabled": Bool(),
        "captchaPolicy": Obj({"enabled": Bool().optional()}),
        "sentinelPolicy": Obj(
            {"maxAttempts": Num().optional(), "lockoutDuration": Num().optional()}
        ),
        "emailBlocklistPolicy": Obj(
            {
                "blockDisposableAddresses": Bool().optional(),
                "blockSubaddressing": Bool().optional(),
                "customBlocklist": Arr(Str()).optional(),
            }
        ),
        "forgotPasswordMethods": Nullable(
            Arr(Enum(("EmailVerificationCode", "PhoneVerificationCode")))
        ),
        "passkeySignIn": Obj(
            {"enabled": Bool(), "showPasskeyButton": Bool(), "allowAutofill": Bool()}
        ).partial(),
        "termsOfUseUrl": _url_or_empty(Str(url=True)),
        "privacyPolicyUrl": _url_or_empty(Str(url=True)),
        "supportEmail": _url_or_empty(Str(email=True)),
        "supportWebsiteUrl": _url_or_empty(Str(url=True)),
        "unknownSessionRedirectUrl": _url_or_empty(Str(url=True)),
    }
).partial()
