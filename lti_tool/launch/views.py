"""The LTI endpoints: login initiation, launch, the tool's JWKS, and the landing page."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    request,
    url_for,
)
from pylti1p3.contrib.flask import FlaskRequest

from courses.database import each_statement_commits
from lti_tool.i18n import locale_from_lti
from lti_tool.keys.service import published_jwks
from lti_tool.launch.claims import UNSTORABLE
from lti_tool.launch.continuation import new_ticket
from lti_tool.launch.continue_views import continue_launch, continue_page
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.launch.protocol import (
    STATE_COOKIE_PREFIX,
    ToolMessageLaunch,
    ToolOIDCLogin,
    unverified_locale_of,
)
from lti_tool.launch.services import new_browser_key, record_launch
from lti_tool.registry.tool_config import DatabaseToolConf
from lti_tool.security import BROWSER_COOKIE, delete_cookie, set_cookie
from lti_tool.services import services

log = logging.getLogger(__name__)
bp = Blueprint("lti", __name__)
bp.add_url_rule("/lti/continue", view_func=continue_launch, methods=["POST"])


def launch_url() -> str:
    """The one redirect URI registered with every platform (matched exactly by Moodle)."""
    return url_for("lti.launch", _external=True)


def _check_target_link_uri(target: str | None) -> None:
    """Only ever send the browser back into this tool: no open redirect."""
    if not target:
        return
    ours = urlsplit(request.host_url)
    theirs = urlsplit(target)
    if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
        raise LaunchRejected("target_outside_tool", target[:200])


# What a login initiation may carry, in characters: the identifiers as long as their
# columns; the hints, which go on to the platform in the redirect's URL, long enough for
# the opaque ones some platforms send (one sends an lti_message_hint of nearly 4 KB) and
# short enough that the Location stays within what browsers and servers take.
LOGIN_PARAM_LIMITS = {
    "iss": 255,
    "client_id": 255,
    "lti_deployment_id": 255,
    "target_link_uri": 2048,
    "login_hint": 2048,
    "lti_message_hint": 8192,
}


def _check_login_params(params: Mapping[str, str]) -> None:
    for name, limit in LOGIN_PARAM_LIMITS.items():
        value = params.get(name)
        if value is None:
            continue
        if len(value) > limit:
            raise LaunchRejected("login_param_too_long", f"{name}: {len(value)} characters")
        if UNSTORABLE.search(value):
            raise LaunchRejected("invalid_login_param", name)


@bp.route("/lti/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    params = request.values
    each_statement_commits()  # a registration read and one state insert
    try:
        _check_login_params(params)
        if not params.get("iss") or not params.get("login_hint"):
            raise LaunchRejected("missing_login_params")
        _check_target_link_uri(params.get("target_link_uri"))
        oidc = ToolOIDCLogin(FlaskRequest(), DatabaseToolConf(), services().state_store)
        response = oidc.redirect(launch_url())
    except LaunchRejected as exc:
        return rejected_page(exc, "login")
    for name, value in oidc.state_cookies.items():
        set_cookie(response, name, value, max_age=10 * 60)
    return response


@bp.post("/lti/launch")
def launch() -> Response | tuple[str, int]:
    svc = services()
    message = ToolMessageLaunch(
        FlaskRequest(),
        DatabaseToolConf(),
        svc.state_store,
        svc.http,
        leeway_seconds=current_app.config["LTI_JWT_LEEWAY"],
        jwks_max_age=timedelta(seconds=current_app.config["PLATFORM_JWKS_MAX_AGE"]),
    )
    browser_key = request.cookies.get(BROWSER_COOKIE) or new_browser_key()
    each_statement_commits()  # a registration read and one chained write with the nonce
    ticket = None
    try:
        message.validate()
        if message.cookieless:  # bound to no browser until the ticket is redeemed
            ticket, browser_key = new_ticket(), new_browser_key()
        session = record_launch(message, browser_key, ticket)
    except LaunchRejected as exc:
        g.ui_locale = locale_from_lti(unverified_locale_of(request.form.get("id_token")))
        return rejected_page(exc, "launch")
    log.info(
        "lti_launch_ok platform=%s user=%s message=%s cookieless=%s", session.platform_id,
        session.user_pk, session.message_type, int(ticket is not None),
    )
    if ticket is not None:
        return continue_page(message.claims, ticket)
    address = url_for("learning.landing", launch_id=session.id)
    response = make_response(first_page(session.id, browser_key, address))
    response.headers["Content-Location"] = address
    set_cookie(response, BROWSER_COOKIE, browser_key, max_age=12 * 3600)
    if message.state:
        delete_cookie(response, f"{STATE_COOKIE_PREFIX}-{message.state}")
    return response


def first_page(launch_id: str, browser_key: str, address: str) -> tuple[str, int]:
    """The launch answers with its landing page at once, not with a redirect to it: one
    request less for the browser inside Moodle's iframe. The page's own address goes in
    Content-Location, and a script puts it in the browser's history (history.replaceState),
    so that a reload or the back button asks for the page and does not post the used
    id_token again. The launch is already committed: if the page is refused (say, an
    unknown module), the launch still stands."""
    from lti_tool.learning.errors import Refused, refused_page  # learning imports this module
    from lti_tool.learning.views import landing_page

    g.page_address = address
    try:
        return landing_page(launch_id, browser_key)
    except LaunchRejected as exc:
        return rejected_page(exc, "session")
    except Refused as exc:
        return refused_page(exc)


@bp.get("/lti/jwks")
def jwks() -> Response:
    response = jsonify(published_jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
