"""The platform's keys: cached in the database, refreshed on rotation, and a platform
that is down or slow never hangs a launch (it gets a 503)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from courses.database import db, utcnow
from lti_tool.registry.models import Platform
from lti_tool.registry.services import PlatformSpec, add_platform
from tests.browser import query_of
from tests.fake_platform import KeyServer, closed_port
from tests.lti import LTI_CLAIM as LTI
from tests.lti import PendingLaunch, launch, sign_as_platform

OTHER_ISSUER = "https://moodle.example.invalid"
OTHER_CLIENT = "other-client"


@pytest.fixture
def key_server(site):
    from lti_tool.devplatform import keys

    server = KeyServer(keys.jwks(site.app.instance_path))
    with site.app.app_context():
        add_platform(
            PlatformSpec(
                issuer=OTHER_ISSUER,
                client_id=OTHER_CLIENT,
                deployment_id="7",
                auth_login_url="https://moodle.example.invalid/mod/lti/auth.php",
                auth_token_url="https://moodle.example.invalid/mod/lti/token.php",
                key_set_url=server.url + "/jwks",
            )
        )
    yield server
    server.close()


def other_platform_launch(site, **changes) -> tuple[PendingLaunch, str]:
    browser = site.browser()
    login = browser.post(
        site.url + "/lti/login",
        data={"iss": OTHER_ISSUER, "login_hint": "u1", "client_id": OTHER_CLIENT,
              "target_link_uri": site.url + "/lti/launch"},
        allow_redirects=False,
    )
    assert login.status_code == 302, login.text
    params = query_of(login.headers["Location"])
    pending = PendingLaunch(browser, params["state"], params["nonce"], params["redirect_uri"], "2001", "101:301")
    claims = pending.claims(iss=OTHER_ISSUER, aud=OTHER_CLIENT, **{LTI + "deployment_id": "7"}, **changes)
    return pending, sign_as_platform(site.app, claims)


def test_keys_are_fetched_once_for_many_launches(site, key_server):
    for _ in range(3):
        pending, token = other_platform_launch(site)
        assert pending.post(token).status_code == 200
    assert key_server.hits == 1


def test_cache_headers_set_the_lifetime_within_bounds(site, key_server):
    key_server.cache_control = "public, max-age=120"
    pending, token = other_platform_launch(site)
    assert pending.post(token).status_code == 200
    with site.app.app_context():
        platform = db.session.execute(select(Platform).where(Platform.issuer == OTHER_ISSUER)).scalar_one()
        lifetime = platform.key_set_expires_at - platform.key_set_fetched_at
        assert timedelta(seconds=119) <= lifetime <= timedelta(seconds=121)


def test_a_very_long_cache_header_is_capped(site, key_server):
    key_server.cache_control = "max-age=31536000"
    pending, token = other_platform_launch(site)
    assert pending.post(token).status_code == 200
    with site.app.app_context():
        platform = db.session.execute(select(Platform).where(Platform.issuer == OTHER_ISSUER)).scalar_one()
        assert platform.key_set_expires_at - platform.key_set_fetched_at <= timedelta(hours=1)


def test_expired_cache_is_refetched(site, key_server):
    pending, token = other_platform_launch(site)
    assert pending.post(token).status_code == 200
    with site.app.app_context():
        platform = db.session.execute(select(Platform).where(Platform.issuer == OTHER_ISSUER)).scalar_one()
        platform.key_set_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    pending, token = other_platform_launch(site)
    assert pending.post(token).status_code == 200
    assert key_server.hits == 2


def test_rotated_platform_key_is_found_by_one_refetch(site, key_server):
    pending, token = other_platform_launch(site)
    assert pending.post(token).status_code == 200
    # The platform rotates: its JWKS now holds a new key the cache has not seen.
    import json

    import jwt as pyjwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**json.loads(RSAAlgorithm.to_jwk(new_key.public_key())), "kid": "rotated", "alg": "RS256"}
    key_server.jwks = {"keys": key_server.jwks["keys"] + [jwk]}
    with site.app.app_context():  # past the anti-hammering interval
        platform = db.session.execute(select(Platform).where(Platform.issuer == OTHER_ISSUER)).scalar_one()
        platform.key_set_fetched_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    pending, _ = other_platform_launch(site)
    claims = pending.claims(iss=OTHER_ISSUER, aud=OTHER_CLIENT, **{LTI + "deployment_id": "7"})
    token = pyjwt.encode(claims, new_key, algorithm="RS256", headers={"kid": "rotated"})
    assert pending.post(token).status_code == 200
    assert key_server.hits == 2


@pytest.mark.parametrize("mode", ["status500", "garbage"])
def test_platform_keys_broken_gives_503_and_writes_nothing(site, key_server, mode):
    key_server.mode = mode
    pending, token = other_platform_launch(site)
    before = site.row_counts()
    response = pending.post(token)
    assert response.status_code == 503
    assert "<code>platform_keys_unavailable</code>" in response.text
    assert site.row_counts() == before


def test_platform_that_never_answers_does_not_hang_the_launch(site, key_server):
    """pylti1p3 sets no timeout at all: this launch would wait forever there."""
    key_server.mode = "hang"
    pending, token = other_platform_launch(site)
    started = time.monotonic()
    response = pending.post(token)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 5, f"launch waited {elapsed:.1f} s for a silent platform"


def test_platform_keys_endpoint_down(site, key_server):
    with site.app.app_context():
        platform = db.session.execute(select(Platform).where(Platform.issuer == OTHER_ISSUER)).scalar_one()
        platform.key_set_url = f"http://127.0.0.1:{closed_port()}/jwks"
        db.session.commit()
    pending, token = other_platform_launch(site)
    assert pending.post(token).status_code == 503


def test_dev_platform_launches_do_not_refetch_keys(site):
    """The same, through the development platform's real flow."""
    browser = site.browser()
    launch(browser)
    with site.app.app_context():
        platform = db.session.execute(select(Platform).where(Platform.issuer == site.url + "/devplatform")).scalar_one()
        first_fetch = platform.key_set_fetched_at
    launch(browser)
    with site.app.app_context():
        db.session.expire_all()
        platform = db.session.execute(select(Platform).where(Platform.issuer == site.url + "/devplatform")).scalar_one()
        assert platform.key_set_fetched_at == first_fetch
