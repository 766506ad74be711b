"""The two pages of a launch without cookies: its page in the iframe, which offers to
continue in a new window (or in the iframe, where the Storage Access API lets it), and
the redemption of its ticket (lti_tool/launch/continuation.py)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, g, jsonify, make_response, redirect, render_template, request, url_for

from lti_tool.i18n import UI_LOCALES, locale_from_lti
from lti_tool.launch.claims import DEEP_LINKING_SETTINGS
from lti_tool.launch.continuation import from_this_tool, redeem
from lti_tool.launch.errors import LaunchRejected
from lti_tool.launch.pages import rejected_page
from lti_tool.launch.protocol import LTI
from lti_tool.launch.services import TICKET_LIFETIME, new_browser_key
from lti_tool.security import BROWSER_COOKIE, origin_of, set_cookie

log = logging.getLogger(__name__)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def continue_page(claims: dict[str, Any], ticket: str) -> Response:
    """The launch's answer when its state cookie did not come back."""
    presentation = claims.get(LTI + "launch_presentation")
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    g.ui_locale = locale_from_lti(locale if isinstance(locale, str) else None)
    issuer_origin = origin_of(str(claims.get("iss", "")))
    g.frame_ancestors = [issuer_origin] if issuer_origin else []
    context = claims.get(LTI + "context")
    settings = claims.get(DEEP_LINKING_SETTINGS)
    return_url = settings.get("deep_link_return_url") if isinstance(settings, dict) else None
    page = render_template(
        "lti/continue.html",
        ticket=ticket,
        minutes=int(TICKET_LIFETIME.total_seconds() // 60),
        name=str(claims.get("name") or claims.get("given_name") or "")[:255],
        course=str(context.get("title") or "")[:255] if isinstance(context, dict) else "",
        # A deep linking answer goes back through this page, inside the platform's dialog.
        return_url=return_url if isinstance(return_url, str) and origin_of(return_url) else None,
    )
    return _no_store(make_response(page, 200))


def continue_launch() -> Response | tuple[str, int]:
    """POST /lti/continue: redeem a ticket in this browser, then its landing page."""
    language = request.form.get("lang")
    if language in UI_LOCALES:
        g.ui_locale = language
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        if not from_this_tool(request):
            raise LaunchRejected("ticket_elsewhere", str(request.headers.get("Origin"))[:200])
        browser_key = request.cookies.get(BROWSER_COOKIE) or new_browser_key()
        launch_id = redeem(request.form.get("ticket"), browser_key)
        if launch_id is None:
            raise LaunchRejected("ticket_used")
    except LaunchRejected as exc:
        if wants_json:
            rejected_page(exc, "continue")
            return _no_store(make_response(jsonify({"error": exc.reason}), exc.status))
        page, status = rejected_page(exc, "continue")
        return _no_store(make_response(page, status))
    log.info("lti_continue_ok launch=%s", launch_id)
    address = url_for("learning.landing", launch_id=launch_id)
    response = jsonify({"address": address}) if wants_json else redirect(address, 303)
    set_cookie(response, BROWSER_COOKIE, browser_key, max_age=12 * 3600)
    return _no_store(response)
