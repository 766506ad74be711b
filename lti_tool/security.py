"""Cookies that survive Moodle's iframe, and the headers every response carries."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Request, Response, current_app, g, make_response, request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from courses.database import db
from lti_tool.health import database_unavailable
from lti_tool.registry.models import Platform

BROWSER_COOKIE = "kp-session"


def set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    """Set a cookie the browser keeps inside a third-party iframe.

    ``SameSite=None`` needs ``Secure``; browsers treat http://127.0.0.1 and
    http://localhost as secure, so the demo works too. ``Partitioned`` (CHIPS) is
    what Chrome needs once third-party cookies are blocked; only over HTTPS.
    """
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=True,
        httponly=True,
        samesite="None",
        partitioned=request.is_secure,
    )


def delete_cookie(response: Response, name: str) -> None:
    set_cookie(response, name, "", max_age=0)


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _platform_origins() -> list[str]:
    rows = db.session.execute(select(Platform.issuer, Platform.auth_login_url)).all()
    origins = {o for row in rows for o in (origin_of(row.issuer), origin_of(row.auth_login_url)) if o}
    return sorted(origins)


def _content_security_policy() -> str:
    ancestors = getattr(g, "frame_ancestors", None)
    if ancestors is None:
        ancestors = _platform_origins()
    sources = ["'self'", *ancestors] if current_app.config["DEV_PLATFORM"] else list(ancestors)
    frame_ancestors = " ".join(sources) if sources else "'none'"
    frames = ""
    # The development platform on a site of its own frames the tool from the other one.
    if current_app.config["DEV_PLATFORM"] and (tool := current_app.config.get("DEV_PLATFORM_TOOL_URL")):
        frames = f"frame-src 'self' {origin_of(tool)}; "
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'none'; {frames}"
        f"frame-ancestors {frame_ancestors}"
    )


def add_security_headers(response: Response) -> Response:
    if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
        try:
            policy = _content_security_policy()
        except DBAPIError as exc:  # the platforms are listed in a database that is gone
            response = make_response(database_unavailable(exc))
            policy = _content_security_policy()  # the page chose its frame
        response.headers["Content-Security-Policy"] = policy
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


class NoCookieSessions(SessionInterface):
    """Nothing lives in Flask's cookie session here: launch data is server-side (a
    launch session row), forms carry their own CSRF token. Every request gets Flask's
    null session, which refuses writes, instead of a signed cookie parsed and verified on
    every request for nothing."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def init_app(app: Flask) -> None:
    app.session_interface = NoCookieSessions()
    app.after_request(add_security_headers)
