"""The tool against a platform this project did not write: lti1p3platform 0.1.8.

A launch, a deep linking round trip and a score passback, each through the tool's
real HTTP routes (and, for the score, the tool's own ``send_score``), with the
platform side signing and checking everything with the library's classes.
"""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from sqlalchemy import select

from courses.database import db
from tests.browser import Browser, forms_in, query_of
from tests.conftest import LiveServer, Site
from tests.interop.lti1p3platform_app import (
    CLIENT_ID,
    COURSE,
    DEEP_LINK,
    DEEP_LINK_DATA,
    DEPLOYMENT_ID,
    LAUNCH,
    LEARNER,
    LINE_ITEM_ID,
    RESOURCE_LINK_ID,
    TEACHER,
    USERS,
    FlaskPlatformRequest,
    InteropPlatform,
    RecordingAGS,
)

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture(scope="module")
def running_platform(live_server: LiveServer) -> Iterator[InteropPlatform]:
    platform = InteropPlatform(live_server.url).start()
    yield platform
    platform.stop()


@pytest.fixture
def platform(site: Site, running_platform: InteropPlatform) -> InteropPlatform:
    """The library's platform, registered with the tool (on the test's fresh database)."""
    from lti_tool.registry.services import PlatformSpec, add_platform

    running_platform.reset()
    with site.app.app_context():
        add_platform(
            PlatformSpec(
                issuer=running_platform.issuer,
                client_id=CLIENT_ID,
                deployment_id=DEPLOYMENT_ID,
                auth_login_url=running_platform.auth_login_url,
                auth_token_url=running_platform.auth_token_url,
                key_set_url=running_platform.key_set_url,
                name="lti1p3platform 0.1.8",
            )
        )
    return running_platform


def launch_from(platform: InteropPlatform, browser: Browser, user: str, kind: str = LAUNCH):
    """Click the activity in the platform and follow the OIDC flow to the tool's page."""
    site_url = browser.base_url
    start = browser.get(platform.start_url(user, kind), allow_redirects=False)
    assert start.status_code == 302, start.text
    initiation = query_of(start.headers["Location"])
    assert start.headers["Location"].startswith(site_url + "/lti/login?")
    assert initiation["iss"] == platform.issuer
    assert initiation["client_id"] == CLIENT_ID
    assert initiation["lti_deployment_id"] == DEPLOYMENT_ID
    assert initiation["target_link_uri"] == site_url + "/lti/launch"

    login = browser.get(start.headers["Location"], allow_redirects=False)
    assert login.status_code == 302, login.text
    assert login.headers["Location"].startswith(platform.auth_login_url + "?")

    auth = browser.get(login.headers["Location"], allow_redirects=False)
    assert auth.status_code == 200, auth.text
    (form,) = forms_in(auth.text)
    assert form.action == site_url + "/lti/launch"
    assert set(form.fields) == {"id_token", "state"}

    posted = browser.submit(auth)
    assert posted.status_code == 200, posted.text  # the launch answers with its first page
    return posted


def test_resource_link_launch(site: Site, platform: InteropPlatform) -> None:
    browser = site.browser()
    page = launch_from(platform, browser, LEARNER)

    assert USERS[LEARNER]["name"] in page.text
    assert '<span id="role">Opiskelija</span>' in page.text
    assert f'<span id="course">{COURSE["title"]}</span>' in page.text
    # This platform's activity names no module, and no trainer has chosen one yet.
    assert "Tätä aktiviteettia ei ole vielä otettu käyttöön" in page.text
    (claims,) = platform.received.id_tokens
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "resource_link"]["id"] == RESOURCE_LINK_ID
    assert claims[AGS]["lineitem"] == platform.lineitem_url(LINE_ITEM_ID)


def test_deep_linking_round_trip(site: Site, platform: InteropPlatform) -> None:
    browser = site.browser()
    page = launch_from(platform, browser, TEACHER, DEEP_LINK)
    (claims,) = platform.received.id_tokens
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"

    answer = browser.submit(page, modules=["finnish-working-life", "job-search"])
    assert answer.status_code == 200, answer.text
    (form,) = forms_in(answer.text)
    assert form.action == platform.url + "/deep-link-return"
    assert set(form.fields) == {"JWT"}

    returned = browser.submit(answer)  # the library validates the JWT against the tool's JWKS
    assert returned.status_code == 200, returned.text
    assert returned.text == "added 2 item(s)"

    (items,) = platform.received.deep_link_items
    assert [item["custom"] for item in items] == [{"module": "finnish-working-life"}, {"module": "job-search"}]
    item = items[0]
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == "Suomalainen työelämä"
    assert item["url"] == site.url + "/lti/launch"
    assert item["lineItem"] == {"scoreMaximum": 100, "label": "Suomalainen työelämä", "resourceId": "finnish-working-life"}
    # What the library does not check, checked here: who the response is from and for.
    (response,) = platform.received.deep_link_claims
    assert response["iss"] == CLIENT_ID
    assert response["aud"] in (platform.issuer, [platform.issuer])
    assert response[LTI + "deployment_id"] == DEPLOYMENT_ID
    assert response[DL + "data"] == DEEP_LINK_DATA


def test_score_passback(site: Site, platform: InteropPlatform) -> None:
    from lti_tool.advantage import send_score
    from lti_tool.launch.models import LaunchSession

    launch_from(platform, site.browser(), LEARNER)
    with site.app.app_context():
        session = db.session.execute(select(LaunchSession)).scalar_one()
        send_score(session, 7.5, 10, "Completed", "FullyGraded", comment="Hyvin tehty")

    (token,) = platform.received.access_tokens
    assert SCORE_SCOPE in token["scope"].split()
    ((line_item_id, score),) = platform.received.scores
    assert line_item_id == LINE_ITEM_ID
    assert score["userId"] == LEARNER
    assert score["scoreGiven"] == 7.5
    assert score["scoreMaximum"] == 10
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["comment"] == "Hyvin tehty"
    assert score["timestamp"]


def test_service_token_is_reused_across_calls_and_workers(site: Site, platform: InteropPlatform) -> None:
    """One token request per registration and scope set while it is valid: the cache is
    in the database, so a fresh connector (another request, another worker) reuses it."""
    from lti_tool.advantage import send_score
    from lti_tool.launch.models import LaunchSession

    launch_from(platform, site.browser(), LEARNER)
    with site.app.app_context():
        session = db.session.execute(select(LaunchSession)).scalar_one()
        for given in (1, 2, 3):
            send_score(session, given, 10, "InProgress", "Pending")
    assert len(platform.received.access_tokens) == 1
    assert [s["scoreGiven"] for _, s in platform.received.scores] == [1, 2, 3]


# -- Facts about lti1p3platform 0.1.8 that the README's evaluation relies on -----------------


def test_the_library_lets_a_malformed_bearer_token_escape_as_an_exception(
    running_platform: InteropPlatform,
) -> None:
    """Its AGS endpoints raise PyJWT's DecodeError instead of answering 401 (a web
    framework turns that into a 500); our glue maps it to 401."""
    import requests
    from flask import request

    running_platform.reset()
    path = f"/lineitems/{LINE_ITEM_ID}/scores"
    score: dict[str, str | int] = {"userId": LEARNER, "scoreGiven": 1, "scoreMaximum": 1}
    bad = {"Authorization": "Bearer not-a-jwt"}
    with running_platform.app.test_request_context(path, method="POST", json=score, headers=bad):
        service = RecordingAGS(FlaskPlatformRequest(request), running_platform.config(), running_platform)
        with pytest.raises(jwt.DecodeError):
            service.handle_resp(service.handle_update_score, line_item_id=LINE_ITEM_ID)

    answer = requests.post(running_platform.url + path, json=score, headers=bad, timeout=5)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert running_platform.received.scores == []


def test_the_library_parses_its_private_key_again_for_every_signature(
    running_platform: InteropPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registration keeps a PEM string: every platform_encode_and_sign parses it twice
    (jwcrypto, for the kid; PyJWT, to sign)."""
    import jwt.algorithms
    from cryptography.hazmat.primitives import serialization

    loads: list[str] = []

    def counting(who: str, real):  # type: ignore[no-untyped-def]
        def load(*args, **kwargs):  # type: ignore[no-untyped-def]
            loads.append(who)
            return real(*args, **kwargs)

        return load

    # jwcrypto calls serialization.load_pem_private_key; PyJWT imported its own name.
    monkeypatch.setattr(
        serialization, "load_pem_private_key", counting("jwcrypto", serialization.load_pem_private_key)
    )
    monkeypatch.setattr(
        jwt.algorithms, "load_pem_private_key", counting("pyjwt", jwt.algorithms.load_pem_private_key)
    )
    registration = running_platform.registration()
    for _ in range(3):
        registration.platform_encode_and_sign({"sub": "x"}, expiration=60)
    assert sorted(loads) == ["jwcrypto"] * 3 + ["pyjwt"] * 3
