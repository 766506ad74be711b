"""A minimal LTI 1.3 platform built with lti1p3platform (pinned 0.1.8), on 127.0.0.1.

The library does the LTI work: the OIDC login initiation URL, the id_token of
launches and deep linking requests (claims and RS256 signature), the platform's
JWKS, validating the tool's deep linking response against the tool's JWKS, the
OAuth2 client-credentials grant (client assertion checked, access token signed)
and the AGS score endpoint (bearer token and scope checked). What is written here
is glue the library has no class for; each piece says what the library lacked.

The platform's RSA key is generated when the platform is created, never stored.
"""

from __future__ import annotations

import threading
import typing as t
from dataclasses import dataclass, field
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect
from flask import Response as FlaskResponse
from flask import request as flask_request
from lti1p3platform.exceptions import (
    LineItemNotFoundException,
    LtiDeepLinkingResponseException,
    LtiException,
    LtiServiceException,
    MissingRequiredClaim,
    PreflightRequestValidationException,
    UnsupportedGrantType,
)
from lti1p3platform.framework.templates import template as launch_form_template
from lti1p3platform.lineitem import TLineItem
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.response import Response as LtiResponse
from lti1p3platform.response import generate_next_link
from lti1p3platform.score import TScore, UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, TPage
from werkzeug.serving import make_server

CLIENT_ID = "kotopaikka-interop"
DEPLOYMENT_ID = "interop-deployment-1"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

LEARNER = "learner-7"
TEACHER = "teacher-3"
USERS: dict[str, dict[str, t.Any]] = {
    LEARNER: {"name": "Liisa Oppija", "email": "liisa@example.org", "roles": [MEMBERSHIP + "Learner"]},
    TEACHER: {"name": "Tero Opettaja", "email": "tero@example.org", "roles": [MEMBERSHIP + "Instructor"]},
}
COURSE = {"id": "course-42", "title": "Työelämän avaimet (interop)", "label": "TEA-INTEROP"}
RESOURCE_LINK_ID = "resource-link-9"
LINE_ITEM_ID = "line-item-1"
DEEP_LINK_DATA = "opaque-platform-data-5"

LAUNCH = "launch"
DEEP_LINK = "deeplink"


@dataclass
class Received:
    """What the platform signed and what it was sent, for the tests to assert."""

    id_tokens: list[dict[str, t.Any]] = field(default_factory=list)  # claims it signed
    deep_link_items: list[list[dict[str, t.Any]]] = field(default_factory=list)  # as the library returned them
    deep_link_claims: list[dict[str, t.Any]] = field(default_factory=list)  # of responses the library accepted
    access_tokens: list[dict[str, t.Any]] = field(default_factory=list)  # token responses issued
    scores: list[tuple[str, dict[str, t.Any]]] = field(default_factory=list)  # (line item id, score)


class FlaskPlatformRequest(Request):
    """The library ships request adapters for Django and FastAPI only; this is Flask's."""

    def build_metadata(self, request: t.Any) -> TRequest:
        return {
            "method": request.method,
            "form_data": request.form.to_dict(),
            "get_data": request.args.to_dict(),
            "headers": request.headers,
            "content_type": request.content_type,
            "path": request.path,
            # Flask treats application/vnd.ims.lis.v1.score+json as JSON (it ends in +json).
            "json": request.get_json(silent=True),
        }


class PlatformConf(LTI1P3PlatformConfAbstract):
    """The one registration of this platform: the Kotopaikka tool under test."""

    def init_platform_config(self, **kwargs: t.Any) -> None:
        self._platform: InteropPlatform = kwargs["platform"]
        # get_jwks(), get_access_token(), validate_token() and validate_deeplinking_resp()
        # assert a registration was loaded but never load it themselves.
        self.get_registration()

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self._platform.registration()


class FlaskOIDCLogin(OIDCLoginAbstract):
    """The library's login initiation with a Flask redirect (it has Django and FastAPI ones)."""

    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> t.Any:
        return redirect(url, code=302)


class FlaskMessageLaunch(LTIAdvantageMessageLaunchAbstract):
    """The library's launch (preflight check, claims, signature, auto-post form) under Flask."""

    def __init__(self, request: Request, platform_config: PlatformConf, platform: InteropPlatform) -> None:
        super().__init__(request, platform_config)
        self._platform = platform

    def prepare_launch(self, preflight_response: dict[str, t.Any]) -> None:
        registration = self._platform_config.get_registration()
        # The library only checks that redirect_uri is present: it would post the
        # id_token to any URL the authorisation request names (OIDC requires an exact
        # match with a registered redirect URI), so the glue checks it.
        if preflight_response.get("redirect_uri") != registration.get_launch_url():
            raise PreflightRequestValidationException("redirect_uri is not registered")
        # No authentication here: login_hint names the test user directly.
        user_id = preflight_response.get("login_hint", "")
        user = USERS.get(user_id)
        kind = preflight_response.get("lti_message_hint")
        if user is None or kind not in {LAUNCH, DEEP_LINK}:
            raise PreflightRequestValidationException("unknown login_hint or lti_message_hint")
        platform = self._platform
        self.set_user_data(user_id, user["roles"], full_name=user["name"], email_address=user["email"])
        self.set_launch_context_claim(COURSE["id"], [COURSE_OFFERING], COURSE["title"], COURSE["label"])
        self.set_launch_presentation_claim("iframe", return_url=platform.url + "/course")
        if kind == DEEP_LINK:
            self.set_dl(
                platform.url + "/deep-link-return",
                title="Add an activity",
                accept_types={"ltiResourceLink"},
                # The spec's data is an opaque string; the library annotates it as a dict.
                extra_data=DEEP_LINK_DATA,  # type: ignore[arg-type]
            )
        else:
            self.set_resource_link_claim(RESOURCE_LINK_ID, title="Kotopaikka (interop)")
            self.set_ags(
                lineitems_url=platform.url + "/lineitems",
                lineitem_url=platform.lineitem_url(LINE_ITEM_ID),
                allow_creating_lineitems=False,
            )

    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> str:
        # Our own token: read back only to record what was signed.
        self._platform.received.id_tokens.append(
            jwt.decode(launch_data["id_token"], options={"verify_signature": False})
        )
        # The library's own auto-post form (its Jinja environment does not autoescape;
        # launch_url is the redirect_uri checked above).
        return launch_form_template.render(launch_data)


class RecordingAGS(AssignmentsGradesService):
    """The library's AGS endpoints over an in-memory gradebook with one line item."""

    def __init__(self, request: Request, platform_config: PlatformConf, platform: InteropPlatform) -> None:
        super().__init__(
            request,
            platform_config,
            lineitems_url=platform.url + "/lineitems",
            lineitem_url=platform.lineitem_url(LINE_ITEM_ID),
            allow_creating_lineitems=False,
        )
        self._platform = platform

    def _line_item(self, line_item_id: str) -> TLineItem:
        item = self._platform.line_items.get(line_item_id)
        if item is None:
            raise LineItemNotFoundException(line_item_id)
        return item

    def find_lineitems(self, page: int = 1, limit: int | None = None, **filters: t.Any) -> TPage:
        return {"content": list(self._platform.line_items.values()), "has_next": False, "next": None}

    def find_lineitem(self, line_item_id: str) -> TLineItem:
        return self._line_item(line_item_id)

    def create_lineitem(self, creation_data: TLineItem) -> TLineItem:
        raise LtiServiceException("line items are managed by the platform", 403)

    def update_lineitem(self, update_data: TLineItem) -> TLineItem:
        raise LtiServiceException("line items are managed by the platform", 403)

    def delete_lineitem(self, line_item_id: str) -> None:
        raise LtiServiceException("line items are managed by the platform", 403)

    def update_score(self, line_item_id: str, score: TScore) -> UpdateScoreStatus:
        self._line_item(line_item_id)
        # The library does not validate the score ("TODO: validate score"); the test asserts it.
        self._platform.received.scores.append((line_item_id, dict(score)))
        return UpdateScoreStatus.SUCCESS

    def get_results(
        self, line_item_id: str, page: int = 1, limit: int | None = None, user_id: str | None = None
    ) -> TPage:
        self._line_item(line_item_id)
        results = [
            {
                "userId": score.get("userId"),
                "resultScore": score.get("scoreGiven"),
                "resultMaximum": score.get("scoreMaximum"),
                "scoreOf": self._platform.lineitem_url(item_id),
            }
            for item_id, score in self._platform.received.scores
            if item_id == line_item_id and (user_id is None or score.get("userId") == user_id)
        ]
        return {"content": results, "has_next": False, "next": None}


def flask_response(resp: LtiResponse) -> FlaskResponse:
    """The library's service Response as Flask's (it ships this only for Django)."""
    if 200 <= resp.code < 300:
        result = resp.result
        data = result["content"] if isinstance(result, dict) and "content" in result else result
        body = b"" if data is None else jsonify(data).get_data()
        response = FlaskResponse(body, status=resp.code, content_type=resp.media_type)
        if isinstance(result, dict) and result.get("next"):
            response.headers["Link"] = generate_next_link(result["next"])
        return response
    response = jsonify(error=resp.message)
    response.status_code = resp.code
    return response


class InteropPlatform:
    """The platform as a small Flask app served by werkzeug in a thread."""

    def __init__(self, tool_url: str) -> None:
        self.tool_url = tool_url.rstrip("/")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.public_key_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        self.received = Received()
        self.line_items: dict[str, TLineItem] = {}
        self.app = self._make_app()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.issuer = self.url
        self.reset()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> InteropPlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.received = Received()
        self.line_items = {
            LINE_ITEM_ID: {
                "id": self.lineitem_url(LINE_ITEM_ID),
                "label": "Kotopaikka (interop)",
                "scoreMaximum": 100,
                "resourceLinkId": RESOURCE_LINK_ID,
            }
        }

    # -- what the tool is told about this platform -----------------------------------------

    @property
    def auth_login_url(self) -> str:
        return self.url + "/auth"

    @property
    def auth_token_url(self) -> str:
        return self.url + "/token"

    @property
    def key_set_url(self) -> str:
        return self.url + "/jwks"

    def lineitem_url(self, line_item_id: str) -> str:
        return f"{self.url}/lineitems/{line_item_id}"

    def start_url(self, user_id: str, kind: str = LAUNCH) -> str:
        """Where a person clicks in the course to launch the tool (or to add it)."""
        return f"{self.url}/start?{urlencode({'user': user_id, 'kind': kind})}"

    def registration(self) -> Registration:
        return (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(self.tool_url + "/lti/login")
            .set_launch_url(self.tool_url + "/lti/launch")
            .set_deeplink_launch_url(self.tool_url + "/lti/launch")
            .set_tool_key_set_url(self.tool_url + "/lti/jwks")
            .set_platform_public_key(self.public_key_pem)
            .set_platform_private_key(self.private_key_pem)
        )

    def config(self) -> PlatformConf:
        # A new one per request: the library keeps per-message state (the decoded JWT)
        # on the config object, so one shared across server threads would mix requests.
        conf = PlatformConf(platform=self)
        conf.set_accepted_deeplinking_types(["ltiResourceLink"])
        return conf

    # -- the web app -----------------------------------------------------------------------

    def _make_app(self) -> Flask:
        app = Flask(__name__)

        @app.get("/jwks")
        def jwks() -> FlaskResponse:
            return jsonify(self.config().get_jwks())

        @app.get("/start")
        def start() -> FlaskResponse | tuple[str, int]:
            kind = flask_request.args.get("kind", LAUNCH)
            oidc = FlaskOIDCLogin(FlaskPlatformRequest(flask_request), self.config())
            oidc.set_lti_message_hint(hint=kind)
            if kind == DEEP_LINK:
                oidc.set_deeplinking_launch_url()
            try:
                return t.cast(FlaskResponse, oidc.initiate_login(flask_request.args.get("user", "")))
            except PreflightRequestValidationException:
                return "cannot start a launch", 400

        @app.route("/auth", methods=["GET", "POST"])
        def auth() -> str | tuple[str, int]:
            launch = FlaskMessageLaunch(FlaskPlatformRequest(flask_request), self.config(), self)
            try:
                return t.cast(str, launch.lti_launch())
            except PreflightRequestValidationException as exc:
                return f"bad authorisation request: {exc}", 400

        @app.post("/deep-link-return")
        def deep_link_return() -> str | tuple[str, int]:
            conf = self.config()
            form = flask_request.form.to_dict()
            try:
                items = conf.validate_deeplinking_resp(form)
            # The library raises KeyError for a missing JWT field and lets PyJWT's errors
            # through unwrapped; a platform answers 400 for all of them.
            except (KeyError, LtiException, LtiDeepLinkingResponseException, jwt.InvalidTokenError) as exc:
                return f"deep linking response refused: {exc!r}", 400
            # Signature checked by the library above. It checks neither aud (it turns
            # verify_aud off), iss, deployment_id nor the data echo: recorded for the test.
            claims = jwt.decode(form["JWT"], options={"verify_signature": False})
            self.received.deep_link_items.append(items)
            self.received.deep_link_claims.append(claims)
            return f"added {len(items)} item(s)"

        @app.post("/token")
        def token() -> tuple[FlaskResponse, int]:
            conf = self.config()
            try:
                answer = conf.get_access_token(flask_request.form.to_dict())
            # The library raises exceptions, not OAuth2 error responses (RFC 6749 5.2).
            except MissingRequiredClaim:
                return jsonify(error="invalid_request"), 400
            except UnsupportedGrantType:
                return jsonify(error="unsupported_grant_type"), 400
            except (LtiException, jwt.InvalidTokenError):
                return jsonify(error="invalid_client"), 401
            self.received.access_tokens.append(dict(answer))
            return jsonify(answer), 200

        def ags_answer(handler_name: str, **kwargs: t.Any) -> FlaskResponse | tuple[FlaskResponse, int]:
            service = RecordingAGS(FlaskPlatformRequest(flask_request), self.config(), self)
            try:
                return flask_response(service.handle_resp(getattr(service, handler_name), **kwargs))
            # The library's bearer-token check lets PyJWT's errors (malformed, expired,
            # badly signed token) and its own LtiException (wrong issuer) escape
            # handle_resp, which only turns LtiServiceException into a response: left
            # alone, Flask would answer 500. A platform answers 401.
            except (jwt.InvalidTokenError, LtiException):
                answer = jsonify(error="invalid_token")
                answer.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
                return answer, 401

        @app.get("/lineitems")
        def lineitems() -> FlaskResponse | tuple[FlaskResponse, int]:
            return ags_answer("handle_get_lineitems")

        @app.get("/lineitems/<line_item_id>")
        def lineitem(line_item_id: str) -> FlaskResponse | tuple[FlaskResponse, int]:
            return ags_answer("handle_get_lineitem", line_item_id=line_item_id)

        @app.post("/lineitems/<line_item_id>/scores")
        def scores(line_item_id: str) -> FlaskResponse | tuple[FlaskResponse, int]:
            return ags_answer("handle_update_score", line_item_id=line_item_id)

        @app.get("/lineitems/<line_item_id>/results")
        def results(line_item_id: str) -> FlaskResponse | tuple[FlaskResponse, int]:
            return ags_answer("handle_get_results", line_item_id=line_item_id)

        return app
