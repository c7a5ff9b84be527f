"""Logto's legacy Interaction API (`/api/interaction`): the headless sign-in its own tests use.

core/routes/interaction/index.ts: `PUT /api/interaction {event, identifier?, profile?}` starts
(or replaces) the interaction's stored result, `PUT /event` changes its event, `PATCH
/identifiers` adds a verified identifier, `PUT`/`PATCH`/`DELETE /profile` edit the profile, and
`POST /submit` signs the user in (or registers one) and answers `{"redirectTo": "<issuer>/auth/
<uid>"}`. Every route first needs the interaction cookies
set by `/oidc/auth` (`koaInteractionDetails`: 400 `session.not_found`), then reads the body.

Served: password identifiers (username, email, phone), social identifiers through Logto's mock
social connector (`POST /verification/social-authorization-uri`, then `{connectorId,
connectorData}`; a social profile `{connectorId}` links the identity at submit), and Register
with a username, email or phone and a password. Verification codes, SSO identifiers, MFA and
the password policy are not (501 `mock.not_implemented` where Logto would act on them), nor is
`DELETE /api/interaction` (abort).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError, invalid_input
from ..http import sign_in_policy
from ..http.body import json_object, read_body
from ..http.hooks import sign_in_event
from ..http.responses import JSONResponse
from ..http.session import current_interaction
from ..models import User
from ..oidc.authorization import password_matches, sign_in
from ..ops import connectors, users
from ..runtime import Runtime, runtime_of
from ..store import Interaction, short_id_lower

EVENTS = ("SignIn", "Register", "ForgotPassword")
#: identifier payload key → the user attribute `find_by_identifier` names it by.
PASSWORD_IDENTIFIERS = {"username": "username", "email": "email", "phone": "phone"}
#: profile key → User attribute (Register).
PROFILE_FIELDS = {"username": "username", "email": "primary_email", "phone": "primary_phone"}


def _error(code: str, message: str, status: int) -> ManagementApiError:
    return ManagementApiError(code, message, status_code=status)


def _session_not_found() -> ManagementApiError:
    return ManagementApiError(
        "session.not_found",
        "Session not found. Please go back and sign in again.",
        status_code=400,
        extra={"error": "invalid_request", "error_description": "interaction session not found"},
    )


def _not_served(what: str) -> ManagementApiError:
    return _error("mock.not_implemented", f"mock-logto does not serve {what}.", 501)


def _interaction(request: Request) -> Interaction:
    """`koaInteractionDetails`: the interaction of the cookies, before anything else."""
    rt = runtime_of(request)
    interaction = current_interaction(request, rt.store, rt.cookies)
    if interaction is None:
        raise _session_not_found()
    return interaction


def _storage(interaction: Interaction) -> dict[str, Any]:
    """`getInteractionStorage`: the stored result, else 404."""
    if interaction.legacy is None:
        raise _error(
            "session.verification_session_not_found",
            "The verification was not successful. Restart the verification flow and try again.",
            404,
        )
    return interaction.legacy


def _too_large() -> Exception:
    return _error("guard.invalid_input", "The request body is invalid.", 413)


async def _body(request: Request) -> dict[str, Any]:
    depth = runtime_of(request).settings.max_json_depth
    raw = await read_body(request, _too_large)
    return json_object(raw, request.headers.get("content-type"), depth)


def _event(data: dict[str, Any]) -> str:
    value = data.get("event")
    if not isinstance(value, str):
        raise invalid_input(
            ["event"], expected="'SignIn' | 'Register' | 'ForgotPassword'", value=value
        )
    if value not in EVENTS:
        raise invalid_input(["event"], options=EVENTS, value=value)
    return value


def _identifier(value: Any, path: list[str | int]) -> dict[str, Any]:
    """An identifier payload of zod's union; password and social (`connectorData`) are served."""
    if not isinstance(value, dict):
        raise invalid_input(path, expected="object", value=value)
    strings = {k: v for k, v in value.items() if isinstance(v, str)}
    if "password" in strings:
        for key in PASSWORD_IDENTIFIERS:
            if key in strings:
                return {key: strings[key], "password": strings["password"]}
    if "connectorId" in strings and isinstance(value.get("connectorData"), dict):
        return {"connectorId": strings["connectorId"], "connectorData": value["connectorData"]}
    if "connectorId" in strings and ("email" in strings or "phone" in strings):
        raise _not_served("social-verified email and phone identifiers")
    if "connectorId" in strings:
        data = value.get("connectorData")
        raise invalid_input([*path, "connectorData"], expected="object", value=data)
    if "verificationCode" in strings:
        raise _not_served("verification code identifiers")
    raise invalid_input([*path, "password"], expected="string", value=value.get("password"))


def _profile(value: Any) -> dict[str, str]:
    """The profile payload: string fields (username, email, phone, password ...)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_input(["profile"], expected="object", value=value)
    for key, item in value.items():
        if not isinstance(item, str):
            raise invalid_input(["profile", key], expected="string", value=item)
    return dict(value)


def _sign_in_experience(rt: Runtime) -> dict[str, Any]:
    return rt.tenant.sign_in_experience


def _section(rt: Runtime, key: str) -> dict[str, Any]:
    """A part of the sign-in experience document (`signIn`, `signUp`), `{}` if not an object."""
    value = rt.tenant.sign_in_experience.get(key)
    return value if isinstance(value, dict) else {}


def check_sign_in_mode(rt: Runtime, event: str) -> None:
    """`verifySignInModeSettings`: no SignIn on a Register-only tenant, and the converse."""
    mode = _sign_in_experience(rt).get("signInMode")
    if (event == "SignIn" and mode == "Register") or (event == "Register" and mode == "SignIn"):
        raise _error(
            "auth.forbidden", "Forbidden. Please check your user roles and permissions.", 403
        )


def check_identifier_settings(rt: Runtime, identifier: dict[str, Any]) -> None:
    """`verifyIdentifierSettings`: the sign-in experience allows this identifier with a password.

    Social identifiers are not checked here (Logto leaves them to the connector).
    """
    if "connectorId" in identifier:
        return
    kind = next(k for k in identifier if k != "password")
    methods = _section(rt, "signIn").get("methods")
    methods = methods if isinstance(methods, list) else []
    if not any(
        isinstance(m, dict) and m.get("identifier") == kind and m.get("password") for m in methods
    ):
        raise _error("user.sign_in_method_not_enabled", "This sign-in method is not enabled.", 422)


def check_profile_settings(rt: Runtime, profile: dict[str, str]) -> None:
    """`verifyProfileSettings`: a new email or phone only when sign-up collects it."""
    sign_up = _section(rt, "signUp").get("identifiers")
    sign_up = sign_up if isinstance(sign_up, list) else []
    for key in ("phone", "email"):
        if profile.get(key) and key not in sign_up:
            raise _error(
                "user.sign_in_method_not_enabled", "This sign-in method is not enabled.", 422
            )


def _social_connector(rt: Runtime, connector_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """`socials.getConnector`: the connector (404), which must be a social one (422)."""
    row, merged = connectors.get(rt.tenant, connector_id)
    if merged["type"] != "Social":
        raise _error(
            "session.invalid_connector_id",
            f"Unable to find available connector with id {connector_id}.",
            422,
        )
    return row, merged


def verify_identifier(rt: Runtime, event: str, identifier: dict[str, Any]) -> dict[str, Any]:
    """`verifyIdentifierPayload`: the verified identifier the interaction result stores."""
    if "connectorId" in identifier:
        # verifySocialIdentifier: the connector's user info for `connectorData`.
        _social_connector(rt, identifier["connectorId"])
        info = connectors.social_user_info(identifier["connectorData"])
        return {"key": "social", "connectorId": identifier["connectorId"], "userInfo": info}
    return {"key": "accountId", "value": verify_password_identifier(rt, event, identifier)}


def verify_password_identifier(rt: Runtime, event: str, identifier: dict[str, str]) -> str:
    """The password check, reported to the sentinel (`verifyIdentifierPayload`), which may block."""
    value = next(v for k, v in identifier.items() if k != "password")
    try:
        account_id = _verify_password_identifier(rt, event, identifier)
    except ManagementApiError:
        sign_in_policy.legacy_password_attempt(rt, value, failed=True)
        raise
    sign_in_policy.legacy_password_attempt(rt, value, failed=False)
    return account_id


def _verify_password_identifier(rt: Runtime, event: str, identifier: dict[str, str]) -> str:
    """`verifyPasswordIdentifier`: the user's id (an `accountId` identifier), or Logto's refusal."""
    if event == "ForgotPassword":
        raise _error(
            "session.not_supported_for_forgot_password",
            "This operation is not supported for forgot password.",
            400,
        )
    kind = next(k for k in identifier if k != "password")
    user = users.find_by_identifier(rt.tenant, identifier[kind], PASSWORD_IDENTIFIERS[kind])
    if user is None or not password_matches(user, identifier["password"]):
        raise _error(
            "session.invalid_credentials",
            "Incorrect account or password. Please check your input.",
            422,
        )
    if user.is_suspended:
        raise _error("user.suspended", "This account is suspended.", 401)
    return user.id


def _merge(identifiers: list[dict[str, Any]], new: dict[str, Any]) -> list[dict[str, Any]]:
    """`mergeIdentifiers`: one identifier per key, the new one last."""
    return [*(i for i in identifiers if i["key"] != new["key"]), new]


async def start(request: Request) -> Response:
    """`PUT /api/interaction`: check, verify the identifier, store the result (204)."""
    interaction = _interaction(request)
    rt = runtime_of(request)
    data = await _body(request)
    event = _event(data)
    identifier = (
        None if data.get("identifier") is None else _identifier(data["identifier"], ["identifier"])
    )
    profile = _profile(data.get("profile"))
    check_sign_in_mode(rt, event)
    if identifier is not None and event != "ForgotPassword":
        check_identifier_settings(rt, identifier)
    if profile and event != "ForgotPassword":
        check_profile_settings(rt, profile)
    result: dict[str, Any] = {"event": event}
    if identifier is not None:
        result["identifiers"] = [verify_identifier(rt, event, identifier)]
    if data.get("profile") is not None:
        result["profile"] = profile
    interaction.legacy = result
    return Response(status_code=204)


async def update_event(request: Request) -> Response:
    """`PUT /api/interaction/event`: ForgotPassword neither starts nor ends a shared result."""
    interaction = _interaction(request)
    rt = runtime_of(request)
    event = _event(await _body(request))
    check_sign_in_mode(rt, event)
    storage = _storage(interaction)
    if (event == "ForgotPassword") != (storage["event"] == "ForgotPassword"):
        raise _error(
            "session.interaction_not_found",
            "Interaction session not found. Please go back and start the session again.",
            404,
        )
    storage["event"] = event
    return Response(status_code=204)


async def update_identifiers(request: Request) -> Response:
    """`PATCH /api/interaction/identifiers`: verify one more identifier and merge it."""
    interaction = _interaction(request)
    rt = runtime_of(request)
    identifier = _identifier(await _body(request), [])
    storage = _storage(interaction)
    if storage["event"] != "ForgotPassword":
        check_identifier_settings(rt, identifier)
    new = verify_identifier(rt, storage["event"], identifier)
    storage["identifiers"] = _merge(storage.get("identifiers", []), new)
    return Response(status_code=204)


async def put_profile(request: Request) -> Response:
    """`PUT /api/interaction/profile`: replace the profile."""
    return await _set_profile(request, replace=True)


async def patch_profile(request: Request) -> Response:
    """`PATCH /api/interaction/profile`: merge into the profile."""
    return await _set_profile(request, replace=False)


async def _set_profile(request: Request, *, replace: bool) -> Response:
    interaction = _interaction(request)
    rt = runtime_of(request)
    data = await _body(request)
    profile = _profile(data)
    storage = _storage(interaction)
    if storage["event"] != "ForgotPassword":
        check_profile_settings(rt, profile)
    storage["profile"] = profile if replace else {**storage.get("profile", {}), **profile}
    return Response(status_code=204)


async def delete_profile(request: Request) -> Response:
    """`DELETE /api/interaction/profile`."""
    storage = _storage(_interaction(request))
    storage.pop("profile", None)
    return Response(status_code=204)


def _is_profile_identifier(identifier: dict[str, Any], profile: dict[str, Any]) -> bool:
    """`isProfileIdentifier`: a social identifier the profile links (not one to sign in by)."""
    return bool(
        identifier["key"] == "social" and profile.get("connectorId") == identifier["connectorId"]
    )


def _identity_holder(rt: Runtime, target: str, user_id: str) -> User | None:
    """The user holding the social identity `user_id` under `target` (`hasUserWithIdentity`)."""
    for user in rt.tenant.users.values():
        held = user.identities.get(target)
        if isinstance(held, dict) and held.get("userId") == user_id:
            return user
    return None


def _related_user(rt: Runtime, info: dict[str, Any]) -> dict[str, Any]:
    """`findSocialRelatedUser`: the account the social phone, else email, belongs to."""
    for kind in ("phone", "email"):
        value = info.get(kind)
        if isinstance(value, str) and value and users.find_by_identifier(rt.tenant, value, kind):
            return {"relatedUser": {"type": kind, "value": value}}
    return {}


def _identify(rt: Runtime, identifier: dict[str, Any]) -> str:
    """`identifyUser`: the account id an auth identifier names."""
    if identifier["key"] != "social":
        return str(identifier["value"])
    row, _ = connectors.get(rt.tenant, identifier["connectorId"])
    info = identifier["userInfo"]
    user = _identity_holder(rt, connectors.target_of(row), info["id"])
    if user is None:
        raise ManagementApiError(
            "user.identity_not_exist",
            "The social account has not been registered yet.",
            status_code=422,
            data=_related_user(rt, info),
        )
    if user.is_suspended:
        raise _error("user.suspended", "This account is suspended.", 401)
    return user.id


def account_of(rt: Runtime, storage: dict[str, Any]) -> User:
    """`verifyUserAccount`: the one account the auth identifiers name."""
    profile = storage.get("profile", {})
    auth = [i for i in storage.get("identifiers", []) if not _is_profile_identifier(i, profile)]
    if not auth:
        raise _error(
            "session.identifier_not_found",
            "User identifier not found. Please go back and sign in again.",
            404,
        )
    account_ids = {_identify(rt, identifier) for identifier in auth}
    user = rt.tenant.users.get(account_ids.pop())
    if account_ids or user is None:
        raise _error(
            "session.verification_failed",
            "The verification was not successful. Restart the verification flow and try again.",
            400,
        )
    return user


def verify_social_profile(rt: Runtime, storage: dict[str, Any]) -> dict[str, Any] | None:
    """`verifyProfile` for `profile.connectorId`: its verified social identifier, not in use."""
    connector_id = storage.get("profile", {}).get("connectorId")
    if not connector_id:
        return None
    identifiers = storage.get("identifiers", [])
    social = [i for i in identifiers if i["key"] == "social"]
    if not any(i["connectorId"] == connector_id for i in social):
        raise _error(
            "session.connector_session_not_found",
            "Connector session not found. Please go back and sign in again.",
            404,
        )
    row, _ = connectors.get(rt.tenant, connector_id)
    if _identity_holder(rt, connectors.target_of(row), social[0]["userInfo"]["id"]):
        raise _error(
            "user.identity_already_in_use",
            "The social account has been associated with an existing account.",
            422,
        )
    linked: dict[str, Any] = social[0]
    return linked


def _sync_name_and_avatar(row: dict[str, Any], user: User, info: dict[str, Any]) -> None:
    """A connector with `syncProfile` copies the social name and avatar to the account."""
    if row.get("syncProfile"):
        for key in ("name", "avatar"):
            if info.get(key):
                setattr(user, key, info[key])


def link_social_profile(rt: Runtime, user: User, storage: dict[str, Any]) -> None:
    """`parseUserProfile` on sign-in: the profile's new social identity, or sync name/avatar.

    The identity goes under the connector's target; without one, the sign-in identity's
    connector may sync the name and avatar (`getSocialSyncProfile`).
    """
    social = verify_social_profile(rt, storage)
    if social is None:
        profile = storage.get("profile", {})
        social = next(
            (
                i
                for i in storage.get("identifiers", [])
                if i["key"] == "social" and not _is_profile_identifier(i, profile)
            ),
            None,
        )
        if social is not None:
            row, _ = connectors.get(rt.tenant, social["connectorId"])
            _sync_name_and_avatar(row, user, social["userInfo"])
        return
    row, _ = connectors.get(rt.tenant, social["connectorId"])
    info = social["userInfo"]
    user.identities = {
        **user.identities,
        connectors.target_of(row): {"userId": info["id"], "details": info},
    }
    _sync_name_and_avatar(row, user, info)
    user.updated_at = rt.clock() * 1000


def register(rt: Runtime, profile: dict[str, str]) -> User:
    """`handleSubmitRegister` for a username/email/phone and password profile."""
    if not any(profile.get(key) for key in PROFILE_FIELDS):
        raise _error(
            "user.missing_profile", "You need to provide additional info before signing-in.", 422
        )
    now = rt.clock() * 1000
    user = User(id=short_id_lower(12), password=profile.get("password"), created_at=now)
    user.updated_at = now
    for key, attribute in PROFILE_FIELDS.items():
        setattr(user, attribute, profile.get(key) or None)
    return users.create(rt.tenant, user)


async def submit(request: Request) -> Response:
    """`POST /api/interaction/submit`: sign in (or register) and hand the browser back."""
    interaction = _interaction(request)
    rt = runtime_of(request)
    storage = _storage(interaction)
    if storage["event"] == "ForgotPassword":
        raise _not_served("the ForgotPassword interaction event")
    if storage["event"] == "Register":
        # Logto fires PostRegister (and User.Created) here, which the mock does not send.
        user = register(rt, storage.get("profile", {}))
        sign_in(interaction, user, rt.clock())
    else:
        user = account_of(rt, storage)
        link_social_profile(rt, user, storage)
        sign_in(interaction, user, rt.clock())
        sign_in_event(request, rt, interaction.uid, user, interaction.request.client_id)
    # oidc-provider merges `login` into the stored result (custom JWT scripts get no
    # `context.interaction` from it); the mock keeps it without the profile's password.
    kept = {k: v for k, v in storage.items() if k != "profile"}
    interaction.last_submission = {**kept, "login": {"accountId": user.id}}
    return JSONResponse({"redirectTo": f"{rt.settings.issuer}/auth/{interaction.uid}"})


async def social_authorization_uri(request: Request) -> Response:
    """`POST /api/interaction/verification/social-authorization-uri`: the connector's URL.

    The body's guard, the stored result (404), no ForgotPassword, `state` and `redirectUri`
    non-empty, then the social connector (404, else 400 `connector.unexpected_type`).
    """
    interaction = _interaction(request)
    rt = runtime_of(request)
    data = await _body(request)
    for key in ("connectorId", "state", "redirectUri"):
        if not isinstance(data.get(key), str):
            raise invalid_input([key], expected="string", value=data.get(key))
    if "scope" in data and not isinstance(data["scope"], str):
        raise invalid_input(["scope"], expected="string", value=data["scope"])
    if _storage(interaction)["event"] == "ForgotPassword":
        raise _error(
            "session.not_supported_for_forgot_password",
            "This operation is not supported for forgot password.",
            400,
        )
    if not data["state"] or not data["redirectUri"]:
        raise _error("session.insufficient_info", "Insufficient sign-in info.", 400)
    _, merged = connectors.get(rt.tenant, data["connectorId"])
    if merged["type"] != "Social":
        raise _error("connector.unexpected_type", "The connector's type is unexpected.", 400)
    uri = connectors.mock_social_authorization_uri(data["state"], data["redirectUri"])
    return JSONResponse({"redirectTo": uri})


def routes(prefix: str = "/api") -> list[BaseRoute]:
    """Routes under `prefix` (the consent routes are `routes/consent.py`'s)."""
    base = f"{prefix}/interaction"
    return [
        Route(base, start, methods=["PUT"], name="interaction_put"),
        Route(f"{base}/event", update_event, methods=["PUT"], name="interaction_event"),
        Route(
            f"{base}/identifiers",
            update_identifiers,
            methods=["PATCH"],
            name="interaction_identifiers",
        ),
        Route(f"{base}/profile", put_profile, methods=["PUT"], name="interaction_profile_put"),
        Route(
            f"{base}/profile", patch_profile, methods=["PATCH"], name="interaction_profile_patch"
        ),
        Route(
            f"{base}/profile",
            delete_profile,
            methods=["DELETE"],
            name="interaction_profile_delete",
        ),
        Route(f"{base}/submit", submit, methods=["POST"], name="interaction_submit"),
        Route(
            f"{base}/verification/social-authorization-uri",
            social_authorization_uri,
            methods=["POST"],
            name="interaction_social_authorization_uri",
        ),
    ]
