"""Fixtures: one app per run on SQLite or PostgreSQL, served on 127.0.0.1 with its
development platform, and a clean database for every test that asks for ``site``."""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from courses.database import db
from tests.browser import Browser
from tests.live_server import make_test_server

POSTGRES_ADMIN_URL = os.environ.get(
    "KOTOPAIKKA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("KOTOPAIKKA_TEST_DB", "sqlite"),
        help="database the suite runs on (PostgreSQL: a fresh database per run)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"kotopaikka database: {config.getoption('--db')}"


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach beyond this machine's loopback."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in {"127.0.0.1", "::1", "localhost"} and not host.startswith("/"):
            raise RuntimeError(f"test tried to reach {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@contextmanager
def fresh_database(kind: str, tmp_dir: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield "sqlite:///" + str(tmp_dir / f"{secrets.token_hex(4)}.sqlite")
        return
    import psycopg

    name = "kotopaikka_test_" + secrets.token_hex(6)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(db_kind, tmp_path_factory.mktemp("db")) as url:
        yield url


def make_app(database_url: str, instance_path: str, **env: str) -> Flask:
    from lti_tool import create_app

    environment = {
        "KOTOPAIKKA_ENV": "test",
        "KOTOPAIKKA_DEV_PLATFORM": "1",
        "DATABASE_URL": database_url,
        "KOTOPAIKKA_HTTP_CONNECT_TIMEOUT": "1",
        "KOTOPAIKKA_HTTP_READ_TIMEOUT": "1",
        **env,
    }
    return create_app(env=environment, instance_path=instance_path)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    from flask_migrate import upgrade

    app = make_app(database_url, str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@dataclass
class LiveServer:
    url: str
    app: Flask


def serve(app: Flask) -> tuple[LiveServer, Any]:
    server = make_test_server(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["DEV_PLATFORM_SITE_URL"] = url
    return LiveServer(url, app), server


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    live, server = serve(app)
    yield live
    server.shutdown()


@pytest.fixture(scope="session")
def tool_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


CONTENT_TABLES = {"programme", "module", "page", "page_text"}


def reset_database(app: Flask, tool_key_pem: str, site_url: str) -> None:
    """Empty every table but the content, then restore one tool key and the development
    platform; load the shipped content packages if they are not there (once per run:
    rendering them takes a second or two)."""
    import json

    from courses.models import Programme
    from courses.packages.loader import load_content

    from cryptography.hazmat.primitives import serialization

    from lti_tool.devplatform import register_dev_platform, storage, token
    from lti_tool.keys.models import KeyStatus, ToolKey
    from lti_tool.keys.service import _thumbprint_kid, public_jwk

    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in CONTENT_TABLES:
                db.session.execute(delete(table))
        # The shipped content stays for the next test; a site's own published modules
        # (authoring) go, with their pages and texts.
        module = db.metadata.tables["module"]
        db.session.execute(delete(module).where(module.c.site_id.is_not(None)))
        db.session.commit()
        if db.session.execute(select(func.count()).select_from(Programme)).scalar_one() == 0:
            load_content()
        private_key = serialization.load_pem_private_key(tool_key_pem.encode(), password=None)
        kid = _thumbprint_kid(private_key)  # type: ignore[arg-type]
        db.session.add(
            ToolKey(
                kid=kid,
                private_key_pem=tool_key_pem,
                public_jwk_json=json.dumps(public_jwk(private_key, kid)),  # type: ignore[arg-type]
                status=KeyStatus.CURRENT,
            )
        )
        db.session.commit()
        register_dev_platform(site_url)
    storage.reset(app)  # the platform's own gradebook, links, faults and tokens
    token.forget_tool_keys()


@dataclass
class Site:
    """The running tool with its development platform, on a fresh database."""

    app: Flask
    url: str

    def browser(self) -> Browser:
        return Browser(self.url)

    def row_counts(self) -> dict[str, int]:
        with self.app.app_context():
            return {
                table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in db.metadata.sorted_tables
            }


@pytest.fixture
def site(app: Flask, live_server: LiveServer, tool_key_pem: str) -> Site:
    reset_database(app, tool_key_pem, live_server.url)
    return Site(app, live_server.url)


QUIZ_TABLES = ("quiz", "quiz_question", "question_version")
_shipped_quiz_rows: dict[tuple[str, tuple[Any, ...]], list[list[dict[str, Any]]]] = {}


@pytest.fixture
def quizzes(site: Site) -> Site:
    """The site with the shipped quizzes loaded: imported once per run and content load,
    then copied in (a test that reloads the content gives the modules new ids)."""
    from sqlalchemy import insert

    from courses.models import Module
    from courses.packages.loader import DEFAULT_CONTENT
    from quizzes.services import load_quiz_files

    tables = [db.metadata.tables[name] for name in QUIZ_TABLES]
    with site.app.app_context():
        modules = tuple(db.session.execute(select(Module.id, Module.slug).order_by(Module.id)))
        key = (str(db.engine.url), tuple(tuple(m) for m in modules))
        if key not in _shipped_quiz_rows:
            load_quiz_files(DEFAULT_CONTENT)
            _shipped_quiz_rows[key] = [
                [dict(row._mapping) for row in db.session.execute(select(table))]
                for table in tables
            ]
        else:
            for table, rows in zip(tables, _shipped_quiz_rows[key], strict=True):
                db.session.execute(insert(table), rows)
            db.session.commit()
    return site


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One Debian Chromium per test module that asks for it (the browser tests call
    tests.chromium.require_chromium at their top, so that it is there)."""
    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_FLAGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
