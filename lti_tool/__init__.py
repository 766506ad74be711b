"""Kotopaikka: an LTI 1.3 tool for coaching programmes in Moodle (composition root)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from courses.database import db
from lti_tool.config import Settings
from lti_tool.logs import configure_logging

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")
DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL's integer, the type of every id column


class DatabaseInteger(IntegerConverter):
    """``<int:...>`` in every route: a number beyond the ids' column type is a 404 here,
    not an out-of-range error from the database (a 500) when the view looks it up."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = DATABASE_INT_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def create_app(
    test_config: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    instance_path: str | None = None,
) -> Flask:
    """Build the app. No migrations, network calls or key generation happen here."""
    if instance_path is None:  # KOTOPAIKKA_INSTANCE_PATH: an absolute path, else <repo>/instance
        instance_path = (os.environ if env is None else env).get("KOTOPAIKKA_INSTANCE_PATH") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.url_map.converters["int"] = DatabaseInteger  # before any route is added
    settings = Settings.from_env(env)
    app.config.update(settings.to_flask_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    configure_logging()

    from flask_migrate import Migrate

    from lti_tool import (
        group,
        health,
        i18n,
        icons,
        learning,
        models,  # noqa: F401  (registers every table with the metadata)
        security,
        services,
    )
    from lti_tool.launch.views import bp as launch_bp

    db.init_app(app)
    Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    i18n.init_app(app)
    security.init_app(app)
    services.init_app(app)
    app.register_blueprint(launch_bp)
    group.init_app(app)  # its routes are the learning blueprint's: before it is registered
    learning.init_app(app)
    from lti_tool import followup

    followup.init_app(app)
    from lti_tool import authoring as authoring_pages

    authoring_pages.init_app(app)
    from lti_tool import registration

    registration.init_app(app)
    from lti_tool import certificates as certificate_pages

    certificate_pages.init_app(app)
    from lti_tool import coursecharts, summary

    coursecharts.init_app(app)
    summary.init_app(app)
    health.init_app(app)
    icons.init_app(app)
    if app.config["DEV_PLATFORM"]:
        from lti_tool.devplatform import init_app as init_dev_platform

        init_dev_platform(app)
    _configure_sqlite(app)
    _end_read_only_transactions(app)
    return app


def _end_read_only_transactions(app: Flask) -> None:
    from courses.database import end_read_only_transaction, track_writes

    with app.app_context():
        track_writes(db.engine)

    @app.teardown_request
    def _end(exc: BaseException | None) -> None:
        if exc is None:  # after an error, Flask-SQLAlchemy's teardown rolls back
            end_read_only_transaction()


def _configure_sqlite(app: Flask) -> None:
    """WAL and a busy timeout let several gunicorn workers share one SQLite file."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
