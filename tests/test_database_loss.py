"""A lost database: a 503 page that says to try again shortly, /healthz says 503, and the
next request recovers on its own.

On PostgreSQL for real: the app's connections are terminated from an admin connection
while the live server runs (pg_terminate_backend), and the database is made to refuse
connections for a while (ALLOW_CONNECTIONS false). On both databases: an app whose
database cannot be reached at all, and the handler itself with a driver's own error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from flask import Flask

from courses.database import db
from tests.conftest import POSTGRES_ADMIN_URL, make_app
from tests.fake_platform import closed_port
from tests.lti import PARTICIPANT, launch, pending_launch, sign_as_platform

TRY_AGAIN = "Yritä hetken päästä uudelleen."  # the learner's page is in Finnish


def _database_name(app: Flask) -> str:
    with app.app_context():
        return str(db.engine.url.database)


def _terminate_backends(app: Flask) -> int:
    """Terminate every connection the app has open to its database; how many there were."""
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (_database_name(app),),
        ).fetchall()
    return len(rows)


@contextmanager
def connections_refused(app: Flask) -> Iterator[None]:
    """The database refuses new connections (and has none open) until the block ends."""
    name = _database_name(app)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        _terminate_backends(app)
        yield
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.fixture
def on_postgresql(db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("terminating connections needs PostgreSQL")


def _assert_unavailable_page(response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert "<code>database_unavailable</code>" in response.text


@pytest.mark.usefixtures("on_postgresql")
class TestConnectionsTerminated:
    def test_a_page_answers_503_and_the_next_request_recovers(self, site, caplog):
        browser = site.browser()
        landing = launch(browser).address
        assert browser.get(browser.url(landing)).status_code == 200
        assert _terminate_backends(site.app) >= 1
        with caplog.at_level(logging.WARNING):
            lost = browser.get(browser.url(landing))
        _assert_unavailable_page(lost)
        assert TRY_AGAIN in lost.text
        assert not any(r.levelno >= logging.ERROR for r in caplog.records), caplog.text
        assert browser.get(browser.url(landing)).status_code == 200

    def test_healthz_answers_503_and_then_200(self, site):
        browser = site.browser()
        assert browser.get(browser.url("/healthz")).status_code == 200
        assert _terminate_backends(site.app) >= 1
        lost = browser.get(browser.url("/healthz"))
        assert lost.status_code == 503
        assert lost.json() == {"status": "error", "database": "unreachable"}
        assert browser.get(browser.url("/healthz")).status_code == 200

    def test_a_login_answers_503_and_the_next_one_succeeds(self, site):
        from lti_tool.devplatform import CLIENT_ID

        browser = site.browser()
        assert launch(browser).launch.status_code == 200
        _terminate_backends(site.app)
        login = browser.post(
            browser.url("/lti/login"),
            data={
                "iss": site.url + "/devplatform", "login_hint": PARTICIPANT, "client_id": CLIENT_ID
            },
            allow_redirects=False,
        )
        _assert_unavailable_page(login)
        assert launch(browser).launch.status_code == 200

    def test_a_launch_answers_503_writes_nothing_and_the_next_one_succeeds(self, site):
        browser = site.browser()
        pending = pending_launch(browser)
        token = sign_as_platform(site.app, pending.claims())
        before = site.row_counts()
        _terminate_backends(site.app)
        _assert_unavailable_page(pending.post(token))
        assert site.row_counts() == before
        assert launch(browser).launch.status_code == 200

    def test_while_connections_are_refused_everything_is_503_then_recovers(self, site):
        browser = site.browser()
        landing = launch(browser).address
        with connections_refused(site.app):
            for _ in range(3):  # not just the first request after the loss
                assert browser.get(browser.url("/healthz")).status_code == 503
                _assert_unavailable_page(browser.get(browser.url(landing)))
        assert browser.get(browser.url("/healthz")).status_code == 200
        assert browser.get(browser.url(landing)).status_code == 200


def _unreachable_database(db_kind: str, tmp_path) -> str:
    if db_kind == "postgresql":
        return f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/nowhere?connect_timeout=2"
    return "sqlite:///" + str(tmp_path / "no-such-directory" / "kotopaikka.sqlite")


def test_an_unreachable_database_gives_503_pages_and_healthz(db_kind, tmp_path):
    app = make_app(_unreachable_database(db_kind, tmp_path), str(tmp_path / "instance"))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "database": "unreachable"}
    page = client.get("/l/some-launch/", headers={"Accept-Language": "sv"})
    _assert_unavailable_page(page)
    assert "Försök igen om en stund." in page.text
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    login = client.post("/lti/login", data={"iss": "https://moodle.example", "login_hint": "2"})
    _assert_unavailable_page(login)


def test_the_handler_takes_a_driver_error_raised_outside_sqlalchemy(app):
    """Precompiled statements run on the driver's own cursor: their errors are the
    driver's, unwrapped (sqlite3's or psycopg's)."""
    from lti_tool.health import database_unavailable

    with app.test_request_context("/l/x/"):
        error = db.engine.dialect.loaded_dbapi.OperationalError("server closed the connection")
        db.session.connection()  # a transaction with a connection, as a failed page has
        page, status, headers = database_unavailable(error)
        assert status == 503 and headers["Retry-After"] == "5"
        assert "<code>database_unavailable</code>" in page
        assert not db.session().in_transaction()


def test_other_database_errors_are_not_called_a_loss(app):
    from sqlalchemy.exc import IntegrityError

    from lti_tool.health import database_unavailable

    with app.test_request_context("/l/x/"), pytest.raises(IntegrityError):
        driver_error = db.engine.dialect.loaded_dbapi.IntegrityError("duplicate key")
        database_unavailable(IntegrityError("INSERT ...", {}, driver_error))
