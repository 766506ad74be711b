"""The development platform's NRPS, deep linking return and fault injection, over HTTP."""



from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest
import requests
from sqlalchemy import select

from lti_tool.devplatform import CLIENT_ID, DEPLOYMENT_ID, storage
from lti_tool.devplatform.storage import LinkRow
from tests.devplatform.conftest import (
    DL,
    ITEM_301,
    LTI,
    NRPS,
    NRPS_TYPE,
    SCORE,
    TIMEOUT,
    Platform,
)
from tests.lti import COORDINATOR, PARTICIPANT, PARTICIPANT_RU, TRAINER, launch

# Names and roles


def test_memberships_page_with_a_case_sensitive_next_link(platform):
    token = platform.token([NRPS])
    url, members, links = platform.root + "/api/101/memberships?limit=2", [], []
    while url:
        answer = platform.call("GET", url, token, accept=NRPS_TYPE)
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"] == NRPS_TYPE
        body = answer.json()
        assert body["context"] == {
            "id": "101",
            "label": "AVAIMET-K26",
            "title": "Avaimet työelämään, kevät 2026",
        }
        members += body["members"]
        url = answer.links.get("next", {}).get("url")
        links.append(answer.headers.get("Link"))
    assert links[0] is not None and "type=CourseSection" in links[0] and links[-1] is None
    roles = {m["user_id"]: m["roles"] for m in members}
    assert roles == {
        PARTICIPANT: ["Learner"],
        PARTICIPANT_RU: ["Learner"],
        TRAINER: ["Instructor"],
        COORDINATOR: ["Instructor", "http://purl.imsglobal.org/vocab/lis/v2/person#Administrator"],
    }
    first = members[0]
    assert first["status"] == "Active" and first["name"] == "Demo Osallistuja"
    assert first["given_name"] == "Demo" and first["email"] == "osallistuja@example.invalid"
    lowered = answer.request.url.replace("CourseSection", "coursesection")
    assert platform.call("GET", links[0].split(">")[0][1:].lower(), token).status_code == 400
    assert platform.call("GET", lowered, token).status_code == 400


def test_memberships_of_a_missing_course_are_404(platform):
    assert platform.call("GET", "/api/999/memberships", platform.token([NRPS])).status_code == 404


# Deep linking


def _content_item_response(platform: Platform, items: list[dict[str, Any]], **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": CLIENT_ID,
        "aud": platform.root,
        "iat": now,
        "exp": now + 60,
        "nonce": uuid.uuid4().hex,
        LTI + "message_type": "LtiDeepLinkingResponse",
        LTI + "version": "1.3.0",
        LTI + "deployment_id": DEPLOYMENT_ID,
        DL + "content_items": items,
    }
    claims.update(changes)
    return platform.sign(claims)


def _stored_links(platform: Platform) -> list[LinkRow]:
    with storage.session(platform.site.app.instance_path) as db:
        return list(db.execute(select(LinkRow).order_by(LinkRow.id)).scalars())


def test_the_tools_deep_linking_response_adds_a_launchable_activity(platform):
    browser = platform.site.browser()
    result = launch(browser, TRAINER, "101:deeplink")
    assert result.page is not None
    answer = browser.submit(result.page, modules="job-search")
    returned = browser.submit(answer)  # the auto-posting form back to the platform
    assert returned.status_code == 200, returned.text
    assert "Added to course: Työnhaku" in returned.text
    (link,) = _stored_links(platform)
    launcher = browser.get(platform.root + "/")
    assert f'value="101:{link.id}"' in launcher.text
    learner = launch(platform.site.browser(), PARTICIPANT, f"101:{link.id}")
    assert learner.page is not None and learner.page.status_code == 200
    assert "Työnhaku" in learner.page.text and 'id="activity">Työnhaku' in learner.page.text


def test_deep_linked_custom_parameters_and_line_item_reach_the_launch(platform):
    item = {
        "type": "ltiResourceLink",
        "title": "Työnhaun harjoitus",
        "text": "CV ja hakemus",
        "url": platform.site.url + "/lti/launch",
        "custom": {"Module": "job-search", "level": "A2"},
        "lineItem": {
            "scoreMaximum": 50,
            "label": "Harjoitus",
            "resourceId": "cv-1",
            "tag": "exercise",
        },
    }
    other = {"type": "link", "url": "https://example.invalid/"}
    page = requests.post(
        platform.root + "/deep-link-return/101",
        data={"JWT": _content_item_response(platform, [item, other])},
        timeout=TIMEOUT,
    )
    assert page.status_code == 200, page.text
    assert "Added to course: Työnhaun harjoitus" in page.text and "1 item(s)" in page.text
    (link,) = _stored_links(platform)
    assert link.custom == {"Module": "job-search", "level": "A2"} and link.text == "CV ja hakemus"

    learner = launch(platform.site.browser(), PARTICIPANT, f"101:{link.id}")
    assert learner.page is not None and learner.page.status_code == 200
    from lti_tool.identity.models import ResourceLink
    from lti_tool.launch.models import LaunchSession

    with platform.site.app.app_context():
        from courses.database import db

        resource = db.session.execute(
            select(ResourceLink).where(ResourceLink.resource_link_id == str(link.id))
        ).scalar_one()
        assert resource.custom["module"] == "job-search" and resource.custom["level"] == "A2"
        claims = db.session.execute(select(LaunchSession.claims)).scalars().one()
    lineitem_url = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitem"]
    line_item = platform.call("GET", lineitem_url).json()
    assert (line_item["label"], line_item["scoreMaximum"]) == ("Harjoitus", 50.0)
    assert (line_item["resourceId"], line_item["tag"]) == ("cv-1", "exercise")
    assert line_item["resourceLinkId"] == str(link.id)
    assert platform.score(lineitem_url, scoreGiven=40, scoreMaximum=50).status_code == 200


def test_bad_deep_linking_responses_add_nothing(platform):
    good = {"type": "ltiResourceLink", "title": "x"}
    for changes, reason in [
        ({"aud": "https://moodle.example.invalid"}, "audience"),
        ({"iss": "someone-else"}, "issuer"),
        ({LTI + "message_type": "LtiResourceLinkRequest"}, "message_type"),
        ({LTI + "version": "1.1"}, "version"),
        ({LTI + "deployment_id": "2"}, "deployment_id"),
        ({"exp": int(time.time()) - 120}, "expired"),
        ({DL + "content_items": {"type": "ltiResourceLink"}}, "content_items"),
        # One bad item among good ones: nothing at all is added.
        (
            {DL + "content_items": [good, {**good, "lineItem": {"scoreMaximum": -1}}]},
            "scoreMaximum",
        ),
        ({DL + "content_items": [good, {**good, "custom": ["a"]}]}, "custom"),
    ]:
        token = _content_item_response(platform, [good], **changes)
        page = requests.post(
            platform.root + "/deep-link-return/101", data={"JWT": token}, timeout=TIMEOUT
        )
        assert page.status_code == 400, reason
        assert "Invalid deep linking response" in page.text and reason.lower() in page.text.lower()
    assert _stored_links(platform) == []


def test_an_unsigned_or_missing_deep_linking_jwt_is_refused(platform):
    unsigned = jwt.encode({"iss": CLIENT_ID}, None, algorithm="none")
    for data in ({"JWT": unsigned}, {"JWT": "garbage"}, {}):
        page = requests.post(platform.root + "/deep-link-return/101", data=data, timeout=TIMEOUT)
        assert page.status_code == 400 and "Nothing was added" in page.text
    assert _stored_links(platform) == []


# Fault injection


def test_faults_over_http_apply_count_times_then_clear(platform):
    answer = requests.post(
        platform.root + "/faults",
        json={"endpoint": "token", "mode": "status500", "count": 2},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 201
    assert [platform.request_token([SCORE]).status_code for _ in range(3)] == [500, 500, 200]
    requests.post(
        platform.root + "/faults",
        json={"endpoint": "jwks", "mode": "garbage", "count": 5},
        timeout=TIMEOUT,
    )
    listed = requests.get(platform.root + "/faults", timeout=TIMEOUT).json()
    assert listed["faults"] == [
        {"endpoint": "jwks", "mode": "garbage", "remaining": 5, "seconds": 0.0}
    ]
    assert listed["counters"]["token_requests"] == 3
    assert requests.delete(platform.root + "/faults", timeout=TIMEOUT).status_code == 204
    assert requests.get(platform.root + "/jwks", timeout=TIMEOUT).json()["keys"]


def test_bad_faults_are_refused(platform):
    for body in [
        {"endpoint": "nowhere", "mode": "garbage"},
        {"endpoint": "jwks", "mode": "explode"},
        {"endpoint": "jwks", "mode": "hang", "count": 0},
        {"endpoint": "jwks", "mode": "slow", "seconds": -1},
        ["jwks"],
    ]:
        assert (
            requests.post(platform.root + "/faults", json=body, timeout=TIMEOUT).status_code == 400
        ), body
    assert requests.get(platform.root + "/faults", timeout=TIMEOUT).json()["faults"] == []


def test_each_fault_mode(platform):
    from lti_tool.devplatform import faults

    app = platform.site.app
    token = platform.token()
    faults.inject(app, "jwks", "garbage")
    garbage = requests.get(platform.root + "/jwks", timeout=TIMEOUT)
    assert garbage.status_code == 200
    with pytest.raises(ValueError):
        garbage.json()
    assert requests.get(platform.root + "/jwks", timeout=TIMEOUT).json()["keys"]  # count was 1

    faults.inject(app, "scores", "status401")
    assert platform.score(ITEM_301, token).status_code == 401
    faults.inject(app, "scores", "status409")
    assert platform.score(ITEM_301, token).status_code == 409
    assert platform.stored_scores() == []
    faults.inject(app, "lineitems", "status500")
    assert platform.call("GET", ITEM_301, token).status_code == 500
    faults.inject(app, "memberships", "garbage")
    assert (
        platform.call("GET", "/api/101/memberships", token)
        .headers["Content-Type"]
        .startswith("text/html")
    )
    assert platform.call("GET", "/api/101/memberships", token).json()["members"]

    faults.inject(app, "jwks", "slow", seconds=0.3)
    started = time.monotonic()
    assert requests.get(platform.root + "/jwks", timeout=TIMEOUT).json()["keys"]
    assert time.monotonic() - started >= 0.3

    faults.inject(app, "jwks", "hang", seconds=0.5)
    with pytest.raises(requests.Timeout):
        requests.get(platform.root + "/jwks", timeout=0.2)
    assert requests.get(platform.root + "/jwks", timeout=TIMEOUT).json()["keys"]
    faults.inject(app, "token", "status500", count=3)
    faults.clear(app)
    assert platform.request_token([SCORE]).status_code == 200
    assert platform.counter("requests.jwks") == 5
