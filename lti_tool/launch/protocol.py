"""pylti1p3 adapted to this tool: OIDC login and launch validation.

pylti1p3 supplies the message model and the service clients; this module
replaces the parts of it that are unsafe for a tool run by several workers
behind Moodle (see the README's design notes): state and nonce live in a shared
store and are consumed once, the platform's keys come from a cache, tokens are
verified with an audience, issuer and bounded clock leeway, and nothing is put in
Flask's cookie session.
"""

from __future__ import annotations

import secrets
import typing as t
from datetime import timedelta
from urllib.parse import urlencode

import jwt
import requests
from flask import Response, redirect
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.cookie import CookieService
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.session import SessionService

from lti_tool.identity.services import Consume
from lti_tool.launch.claims import InvalidClaim, check_claims, unstorable_at
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.state_store import StateStore
from lti_tool.registry.platform_keys import (
    PlatformKeysUnavailable,
    UnknownSigningKey,
    verification_key,
)
from lti_tool.registry.tool_config import ClientRecord, DatabaseToolConf

MAX_ID_TOKEN_BYTES = 64 * 1024
STATE_COOKIE_PREFIX = "kp-state"
STATE_COOKIE_SECONDS = 10 * 60
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
SUPPORTED_MESSAGE_TYPES = frozenset({RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST})


class StateCookies(CookieService):
    """Collects the state cookies a response must set or delete; never the session."""

    _cookie_prefix = STATE_COOKIE_PREFIX

    def __init__(self, request: FlaskRequest) -> None:
        self._request = request
        self.to_set: dict[str, str] = {}

    def _name(self, state: str) -> str:
        return f"{self._cookie_prefix}-{state}"

    def get_cookie(self, name: str) -> str | None:
        return self._request.get_cookie(self._name(name))

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self.to_set[self._name(name)] = str(value)


class NoCookieSession(SessionService):
    """pylti1p3 insists on a session service; this one refuses to be used as storage."""

    def __init__(self) -> None:  # no Flask cookie session behind it
        pass

    def _set_value(self, key: str, value: object) -> None:
        raise RuntimeError("launch data must not go into the cookie session")

    def _get_value(self, key: str) -> t.Any:
        return None


class _RedirectTo(Redirect[Response]):
    def __init__(self, location: str) -> None:
        self._location = location

    def do_redirect(self) -> Response:
        return redirect(self._location, code=302)

    def do_js_redirect(self) -> Response:
        return self.do_redirect()

    def set_redirect_url(self, location: str) -> None:
        self._location = location

    def get_redirect_url(self) -> str:
        return self._location


class ToolOIDCLogin(OIDCLogin[FlaskRequest, DatabaseToolConf, NoCookieSession, StateCookies, Response]):
    def __init__(self, request: FlaskRequest, tool_conf: DatabaseToolConf, store: StateStore):
        super().__init__(
            request,
            tool_conf,
            session_service=NoCookieSession(),
            cookie_service=StateCookies(request),
        )
        self._store = store

    def get_redirect(self, url: str) -> Redirect[Response]:
        return _RedirectTo(url)

    @property
    def state_cookies(self) -> dict[str, str]:
        """The state cookies the login response must set."""
        return self._cookie_service.to_set

    def _prepare_redirect_url(self, launch_url: str) -> str:
        try:
            self._registration = self.validate_oidc_login()
        except OIDCException as exc:
            iss = self._get_request_param("iss")
            known_issuer = bool(iss) and self._tool_config.issuer_exists(iss)
            raise LaunchRejected(
                "unknown_client" if known_issuer else "unknown_issuer", str(exc)
            ) from exc
        state = "state-" + secrets.token_urlsafe(24)
        nonce = secrets.token_urlsafe(32)
        self._store.issue(state, nonce)
        self._cookie_service.set_cookie(state, state, STATE_COOKIE_SECONDS)
        auth_params = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self._registration.get_client_id(),
            "redirect_uri": launch_url,
            "state": state,
            "nonce": nonce,
            "login_hint": self._get_request_param("login_hint"),
        }
        if lti_message_hint := self._get_request_param("lti_message_hint"):
            auth_params["lti_message_hint"] = lti_message_hint
        auth_url = t.cast(str, self._registration.get_auth_login_url())
        return auth_url + ("&" if "?" in auth_url else "?") + urlencode(auth_params)


class ToolMessageLaunch(MessageLaunch[FlaskRequest, DatabaseToolConf, NoCookieSession, StateCookies]):
    """Validates one launch. Call :meth:`validate`; it raises :class:`LaunchRejected`."""

    def __init__(
        self,
        request: FlaskRequest,
        tool_conf: DatabaseToolConf,
        store: StateStore,
        http: requests.Session,
        leeway_seconds: int,
        jwks_max_age: timedelta,
    ) -> None:
        super().__init__(
            request,
            tool_conf,
            session_service=NoCookieSession(),
            cookie_service=StateCookies(request),
            requests_session=http,
        )
        self._store = store
        self._leeway = leeway_seconds
        self._jwks_max_age = jwks_max_age
        self.client: ClientRecord | None = None
        self._deployment_known = False
        self.state: str | None = None
        self.cookieless = False  # the state cookie did not come back with the launch
        # The state and nonce for the launch's write to consume (the database store).
        self.consume: Consume | None = None

    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)

    def _get_jwt_body(self) -> dict[str, t.Any]:
        # pylti1p3 validates lazily from here; this class validates explicitly instead.
        return t.cast(dict[str, t.Any], self._jwt.get("body", {}))

    @property
    def claims(self) -> dict[str, t.Any]:
        """The verified claims; only after :meth:`validate` succeeded."""
        if not self._validated:
            raise RuntimeError("launch not validated")
        return self._get_jwt_body()

    def validate(self) -> "ToolMessageLaunch":
        """Check everything, cheapest and least stateful first; consume the nonce last
        (the database store: with the launch's own write, see ``consume``)."""
        id_token = self._get_request_param("id_token")
        if not id_token:
            raise LaunchRejected("missing_id_token")
        if len(id_token) > MAX_ID_TOKEN_BYTES:
            raise LaunchRejected("token_too_large", f"{len(id_token)} bytes")
        try:
            self.validate_jwt_format()
        except LtiException as exc:
            raise LaunchRejected("malformed_token", str(exc)) from exc
        if not isinstance(self._jwt.get("header"), dict) or not isinstance(
            self._jwt.get("body"), dict
        ):
            raise LaunchRejected("malformed_token", "header or body is not a JSON object")
        # Before the registration lookup: its issuer, audience and deployment are still
        # unverified, and a NUL in them would fail the query itself.
        if (where := unstorable_at(self._jwt)) is not None:
            raise LaunchRejected("invalid_claim", f"{where}: a character that cannot be stored")
        self._validate_client()
        self._validate_signature_and_times(id_token)
        self._validate_required_claims()
        self._validate_deployment()
        self._validate_state_and_consume_nonce()
        self._validated = True
        return self

    def _validate_client(self) -> None:
        body = self._get_jwt_body()
        iss = body.get("iss")
        if not isinstance(iss, str) or not iss:
            raise LaunchRejected("unknown_issuer", repr(iss))
        aud = body.get("aud")
        if isinstance(aud, list):
            # With several audiences the authorised party names the client (OIDC core 3.1.3.7).
            client_id = body.get("azp") if len(aud) > 1 else (aud[0] if aud else None)
        else:
            client_id = aud
        if isinstance(client_id, str) and client_id:
            self.client, self._deployment_known = self._tool_config.find_launch_registration(
                iss, client_id, body.get(LTI + "deployment_id")
            )
        if self.client is None:
            if not self._tool_config.issuer_exists(iss):
                raise LaunchRejected("unknown_issuer", repr(iss))
            raise LaunchRejected("unknown_client", f"{iss} {client_id!r}")
        self._registration = self._tool_config.registration_for(self.client)

    def _validate_signature_and_times(self, id_token: str) -> None:
        assert self.client is not None
        header = self._jwt["header"]
        if header.get("alg") != "RS256":
            raise LaunchRejected("bad_algorithm", repr(header.get("alg")))
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise LaunchRejected("missing_kid")
        try:
            key = verification_key(self.client.platform, kid, self._requests_session, self._jwks_max_age)
        except PlatformKeysUnavailable as exc:
            raise LaunchRejected("platform_keys_unavailable", str(exc)) from exc
        except UnknownSigningKey as exc:
            raise LaunchRejected("unknown_kid", kid) from exc
        try:
            jwt.decode(
                id_token,
                key,
                algorithms=["RS256"],
                audience=self.client.client_id,
                issuer=self.client.platform.issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise LaunchRejected("expired", str(exc)) from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchRejected("not_yet_valid", str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise LaunchRejected("wrong_audience", str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise LaunchRejected("wrong_issuer", str(exc)) from exc
        except jwt.InvalidSignatureError as exc:
            raise LaunchRejected("bad_signature", str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchRejected("invalid_token", str(exc)) from exc

    def _validate_required_claims(self) -> None:
        body = self._get_jwt_body()
        try:
            check_claims(body)
        except InvalidClaim as exc:
            raise LaunchRejected("invalid_claim", str(exc)) from exc
        message_type = body.get(LTI + "message_type")
        if not message_type:
            raise LaunchRejected("missing_claim", "message_type")
        if message_type not in SUPPORTED_MESSAGE_TYPES:
            raise LaunchRejected("unsupported_message_type", repr(message_type))
        if body.get(LTI + "version") != "1.3.0":
            raise LaunchRejected("missing_claim", "version 1.3.0")
        roles = body.get(LTI + "roles")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise LaunchRejected("missing_claim", "roles")
        if not isinstance(body.get(LTI + "deployment_id"), str) or not body[LTI + "deployment_id"]:
            raise LaunchRejected("missing_claim", "deployment_id")
        sub = body.get("sub")
        if not isinstance(sub, str) or not sub:
            raise LaunchRejected("missing_claim", "sub")
        if message_type == RESOURCE_LINK_REQUEST:
            link = body.get(LTI + "resource_link")
            if not isinstance(link, dict) or not isinstance(link.get("id"), str) or not link["id"]:
                raise LaunchRejected("missing_claim", "resource_link.id")
        else:
            settings = body.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
            if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
                raise LaunchRejected("missing_claim", "deep_linking_settings")
        try:
            self.validate_message()  # pylti1p3's own per-message validators, as a second opinion
        except LtiException as exc:
            raise LaunchRejected("missing_claim", str(exc)) from exc

    def _validate_deployment(self) -> None:
        """Checked only once the token is trusted; looked up with the registration."""
        if not self._deployment_known:
            deployment_id = self._get_jwt_body()[LTI + "deployment_id"]
            raise LaunchRejected("unknown_deployment", repr(deployment_id))

    def _validate_state_and_consume_nonce(self) -> None:
        state = self._get_request_param("state")
        if not state:
            raise LaunchRejected("missing_state")
        cookie = self._cookie_service.get_cookie(state)
        if cookie is None:
            # The browser kept no cookie in the iframe: the launch goes on, bound to no
            # browser until its ticket is redeemed (launch/continuation.py).
            self.cookieless = True
        elif cookie != state:
            raise LaunchRejected("state_mismatch")
        nonce = self._get_jwt_body().get("nonce")
        if not isinstance(nonce, str):
            raise LaunchRejected("replayed_nonce")
        self.consume = self._store.consumed_by_launch(state, nonce)
        if self.consume is None and not self._store.consume(state, nonce):
            raise LaunchRejected("replayed_nonce")
        self.state = state


def unverified_locale_of(id_token: str | None) -> str | None:
    """Best-effort read of the locale from an id_token that may be invalid."""
    if not id_token or len(id_token) > MAX_ID_TOKEN_BYTES:
        return None
    try:
        body = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    presentation = body.get(LTI + "launch_presentation")
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    return locale if isinstance(locale, str) else None

