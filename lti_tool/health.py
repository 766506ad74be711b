"""/healthz, and what every request answers when the database is gone.

A lost database (its connections terminated, the server restarting or refusing
connections) is a 503 page that says to try again in a moment, with Retry-After, not a
500; /healthz says 503. The session is discarded without letting its own rollback fail
the answer, and a connection found broken takes the pool's other connections with it
(they were opened before the loss too), so that the next request connects afresh.

No ``pool_pre_ping``: it would cost a round trip on every checkout (every request) to
spare the one request per worker that meets a lost connection first; that request gets
the 503 page instead, and the ones after it recover.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from courses.database import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_TITLE = _l("Kotopaikka is briefly unavailable.")
UNAVAILABLE_ADVICE = _l("Please try again in a moment. If it keeps happening, tell your teacher.")


def _driver_errors() -> tuple[type[BaseException], ...]:
    """The database driver's own errors for a lost or refused connection (what a
    Precompiled statement, run on the driver's cursor, raises unwrapped)."""
    dbapi = db.engine.dialect.loaded_dbapi
    return (dbapi.OperationalError, dbapi.InterfaceError)


def is_database_loss(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc.orig, _driver_errors())
    return isinstance(exc, _driver_errors())


def discard_session() -> None:
    """End the request's session whatever state its connection is in.

    The rollback may itself fail on a dead connection; a connection broken under a
    driver error SQLAlchemy never saw is invalidated here, and the pool emptied of the
    others."""
    session = db.session()
    failures = (SQLAlchemyError, *_driver_errors())
    broken = False
    try:
        if session.in_transaction():
            connection = session.connection()
            dbapi_connection = connection.connection.dbapi_connection
            broken = any(getattr(dbapi_connection, flag, False) for flag in ("broken", "closed"))
            if broken and not connection.invalidated:
                connection.invalidate()
    except failures:  # the connection could not even be reached
        broken = True
    try:
        session.rollback()
    except failures:
        broken = True
    try:
        db.session.remove()
    except failures:
        broken = True
    if broken:
        db.engine.dispose()


def database_unavailable(exc: BaseException) -> tuple[str, int, dict[str, str]]:
    if not is_database_loss(exc):
        raise exc
    first_line = str(exc).strip().split("\n", 1)[0]
    log.warning("database_unavailable error=%s detail=%s", type(exc).__name__, first_line[:200])
    discard_session()
    # The platforms that may frame the page are listed in the database that is gone; the
    # page has nothing to click, so any of them may show it (a frame already chosen for
    # this request stands).
    if getattr(g, "frame_ancestors", None) is None:
        g.frame_ancestors = ["*"]
    page = render_template(
        "lti/error.html",
        title=UNAVAILABLE_TITLE,
        advice=UNAVAILABLE_ADVICE,
        reason_code="database_unavailable",
    )
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except (SQLAlchemyError, *_driver_errors()):
        discard_session()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    with app.app_context():
        errors: tuple[Any, ...] = (DBAPIError, *_driver_errors())
    for error in errors:
        app.register_error_handler(error, database_unavailable)
