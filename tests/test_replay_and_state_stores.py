"""Replay protection holds across threads, workers and hosts: the state store is
shared (database or Redis) and a nonce is consumed exactly once."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import select

from courses.database import db
from lti_tool.launch.models import LaunchSession
from lti_tool.launch.state_store import RedisStateStore
from tests.conftest import make_app, serve
from tests.lti import launch, pending_launch, sign_as_platform

REDIS_URL = "redis://127.0.0.1:6379/15"


def _race(pending, token, copies: int = 6) -> list[int]:
    cookie = {f"kp-state-{pending.state}": pending.state}

    def post(_: int) -> int:
        import requests

        response = requests.post(
            pending.redirect_uri,
            data={"id_token": token, "state": pending.state},
            cookies=cookie,
            allow_redirects=False,
        )
        return response.status_code

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(post, range(copies)))


def test_the_same_id_token_posted_concurrently_launches_once(site):
    pending = pending_launch(site.browser())
    token = sign_as_platform(site.app, pending.claims())
    statuses = _race(pending, token)
    assert sorted(statuses) == [200] + [403] * (len(statuses) - 1)
    with site.app.app_context():
        assert len(db.session.execute(select(LaunchSession)).scalars().all()) == 1


def test_login_initiation_without_client_id_uses_the_only_registration(site):
    browser = site.browser()
    response = browser.post(
        site.url + "/lti/login",
        data={"iss": site.url + "/devplatform", "login_hint": "2001"},
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert "client_id=kotopaikka-dev-client" in response.headers["Location"]


@pytest.fixture
def redis_site(database_url, tmp_path, tool_key_pem, site):
    """A second app instance (another 'host') whose state store is Redis."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    app = make_app(database_url, str(tmp_path), REDIS_URL=REDIS_URL)
    live, server = serve(app)
    with app.app_context():
        from lti_tool.devplatform import register_dev_platform

        register_dev_platform(live.url)
    yield live
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_redis_store_launches_and_refuses_a_replay(redis_site):
    from tests.browser import Browser, forms_in

    browser = Browser(redis_site.url)
    result = launch(browser)
    assert result.page is not None and result.page.status_code == 200
    fields = forms_in(result.auth.text)[0].fields
    browser.cookies.set(f"kp-state-{fields['state']}", fields["state"], domain="127.0.0.1", path="/")
    replay = browser.post(redis_site.url + "/lti/launch", data=fields, allow_redirects=False)
    assert replay.status_code == 403
    assert "<code>replayed_nonce</code>" in replay.text


def test_redis_store_consumes_once_and_checks_the_nonce():
    try:
        store = RedisStateStore(REDIS_URL)
        store.issue("state-probe", "n")
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    state = "state-" + secrets.token_hex(8)
    store.issue(state, "right")
    assert not RedisStateStore(REDIS_URL).consume(state, "wrong")  # a wrong nonce burns it too
    store.issue(state, "right")
    assert RedisStateStore(REDIS_URL).consume(state, "right")
    assert not store.consume(state, "right")


def test_login_state_is_not_written_to_the_wal_on_postgresql(site):
    """OIDC state lives ten minutes at most: on PostgreSQL its table is UNLOGGED, so a
    login commits without a WAL flush (a crash empties it; the person opens the activity
    again, and no state survives to be replayed). The launch's own rows stay logged."""
    from sqlalchemy import text

    with site.app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no unlogged tables")
        persistence = dict(
            db.session.execute(
                text("SELECT relname, relpersistence FROM pg_class WHERE relname IN ('login_state', 'launch_session', 'lti_user')")
            ).all()
        )
    assert persistence == {"login_state": "u", "launch_session": "p", "lti_user": "p"}
