"""`/api/sign-in-exp`: the tenant's sign-in experience (Logto's JSON document).

PATCH is Logto's routes/sign-in-experience/index.ts: the body is `SignInExperiences.createGuard`
without `adaptiveMfa` (a dev feature), partial, its URL/email fields also accepting `""`; then
the rules of `ops.sign_in_experience` in Logto's order; each key given replaces the stored one.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..http.responses import JSONResponse
from ..ops import sign_in_experience as rules
from ..runtime import runtime_of
from . import zod
from .common import Handler, json_body, tenant_of
from .zod import Arr, Bool, Default, Enum, Literal, Nullable, Num, Obj, Record, Str, Union

_HEX = re.compile(r"^#[\da-f]{3}([\da-f]{3})?$", re.IGNORECASE)
_IDENTIFIERS = ("username", "email", "phone")
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


def _language_tag(value: Any) -> bool:
    return isinstance(value, str) and value.lower() in _LANGUAGES


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
                "fallbackLanguage": zod.Refine(zod.Unknown(), _language_tag),
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

_QUERY = Obj({"removeUnusedDemoSocialConnector": Str().optional()})


def _answer(request: Request) -> Response:
    tenant = tenant_of(request)
    return JSONResponse({"tenantId": tenant.id, "id": "default", **tenant.sign_in_experience})


async def get_sign_in_experience(request: Request) -> Response:
    """`GET /api/sign-in-exp`: the tenant's, a new Logto tenant's unless changed."""
    return _answer(request)


async def patch_sign_in_experience(request: Request) -> Response:
    """`PATCH /api/sign-in-exp`: guard, Logto's rules, then each given key replaced."""
    query = zod.parse(_QUERY, dict(request.query_params), "query")
    body = zod.parse(PATCH_BODY, await json_body(request))
    body.pop("tenantId", None)
    rules.update(
        runtime_of(request).tenant,
        body,
        remove_unused_demo=bool(query.get("removeUnusedDemoSocialConnector")),
    )
    return _answer(request)


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/sign-in-exp", get_sign_in_experience),
    ("PATCH", "/sign-in-exp", patch_sign_in_experience),
)
