"""The development platform's LTI Advantage services, exercised over HTTP like a tool would.

The tool's own service clients are not used here: each test signs its client
assertion with the tool's key itself, so what is tested is the platform.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select, update

from lti_tool.devplatform import CLIENT_ID, DEPLOYMENT_ID, storage
from lti_tool.devplatform.storage import AccessTokenRow, LinkRow, ScoreRow
from tests.lti import COORDINATOR, PARTICIPANT, PARTICIPANT_RU, TRAINER, launch

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
LINEITEM, LINEITEM_READ = AGS + "lineitem", AGS + "lineitem.readonly"
RESULT_READ, SCORE = AGS + "result.readonly", AGS + "score"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ALL_SCOPES = [LINEITEM, LINEITEM_READ, RESULT_READ, SCORE, NRPS]
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
RESULTS_TYPE = "application/vnd.ims.lis.v2.resultcontainer+json"
NRPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
TIMEOUT = 5


class Platform:
    """The development platform's services as a tool sees them."""

    def __init__(self, site: Any) -> None:
        self.site = site
        self.root = site.url + "/devplatform"
        with site.app.app_context():
            from lti_tool.keys.service import current_signing_key

            self.key = current_signing_key()

    def sign(self, claims: dict[str, Any], key: Any = None, kid: str | None = None) -> str:
        return jwt.encode(
            claims,
            key or self.key.private_key,
            algorithm="RS256",
            headers={"kid": kid or self.key.kid},
        )

    def assertion(self, key: Any = None, kid: str | None = None, **changes: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": CLIENT_ID,
            "sub": CLIENT_ID,
            "aud": self.root + "/token",
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
        }
        for name, value in changes.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return self.sign(claims, key, kid)

    def request_token(self, scopes: list[str], assertion: str | None = None) -> requests.Response:
        return requests.post(
            self.root + "/token",
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion or self.assertion(),
                "scope": " ".join(scopes),
            },
            timeout=TIMEOUT,
        )

    def token(self, scopes: list[str] = ALL_SCOPES) -> str:
        answer = self.request_token(scopes)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def call(
        self,
        method: str,
        url: str,
        token: str | None = None,
        body: Any = None,
        content_type: str | None = None,
        accept: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        headers = {"Authorization": "Bearer " + (token or self.token())}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        url = url if url.startswith("http") else self.root + url
        return requests.request(method, url, headers=headers, data=data, timeout=TIMEOUT, **kwargs)

    def score(self, item_url: str, token: str | None = None, **fields: Any) -> requests.Response:
        body = {
            "userId": PARTICIPANT,
            "scoreGiven": 8,
            "scoreMaximum": 10,
            "activityProgress": "Completed",
            "gradingProgress": "FullyGraded",
            "timestamp": "2026-03-01T10:00:00.000+00:00",
            **fields,
        }
        body = {k: v for k, v in body.items() if v is not None}
        base, _, query = item_url.partition("?")
        return self.call("POST", f"{base}/scores?{query}", token, body, SCORE_TYPE)

    def stored_scores(self) -> list[ScoreRow]:
        with storage.session(self.site.app.instance_path) as db:
            return list(db.execute(select(ScoreRow).order_by(ScoreRow.id)).scalars())

    def counter(self, name: str) -> int:
        return storage.counter(self.site.app, name)


@pytest.fixture
def platform(site: Any) -> Platform:
    from lti_tool.devplatform.token import forget_tool_keys

    storage.reset(site.app)
    forget_tool_keys()
    return Platform(site)


ITEM_301 = "/api/101/lineitems/301/lineitem?type_id=1"  # as the AGS claim has it


# Token endpoint


def test_token_grants_what_was_asked_and_is_allowed(platform):
    answer = platform.request_token([SCORE, NRPS, "https://example.invalid/scope/admin"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"].split() == [SCORE, NRPS]
    assert len(body["access_token"]) >= 32 and "." not in body["access_token"]  # opaque
    assert answer.headers["Cache-Control"] == "no-store"
    assert platform.counter("token_requests") == 1 and platform.counter("tokens_issued") == 1


def test_token_accepts_the_issuer_as_audience(platform):
    answer = platform.request_token([SCORE], platform.assertion(aud=platform.root))
    assert answer.status_code == 200, answer.text


def test_a_rotated_tool_key_is_fetched_again(platform):
    assert platform.request_token([SCORE]).status_code == 200  # the keyset is now cached
    with platform.site.app.app_context():
        from lti_tool.keys.service import current_signing_key, rotate_keys

        rotate_keys()
        new_key = current_signing_key()
    assert new_key.kid != platform.key.kid
    answer = platform.request_token(
        [SCORE], platform.assertion(key=new_key.private_key, kid=new_key.kid)
    )
    assert answer.status_code == 200, answer.text


def test_token_with_no_allowed_scope_is_refused(platform):
    answer = platform.request_token(["https://example.invalid/scope/admin"])
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_scope"
    assert platform.counter("tokens_issued") == 0


def test_bad_client_assertions_get_no_token(platform):
    now = int(time.time())
    cases: list[tuple[dict[str, Any], str]] = [
        ({"aud": "https://moodle.example.invalid/mod/lti/token.php"}, "audience"),
        ({"iss": "someone-else"}, "issuer"),
        ({"sub": "someone-else"}, "sub"),
        ({"exp": now - 120, "iat": now - 180}, "expired"),
        ({"jti": None}, "jti"),
        ({"kid": "no-such-kid"}, "not in the tool's keyset"),
        (
            {"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)},
            "signature verification failed",
        ),
    ]
    for changes, reason in cases:
        answer = platform.request_token([SCORE], platform.assertion(**changes))
        assert answer.status_code == 400, (reason, answer.text)
        assert answer.json()["error"] == "invalid_client"
        assert reason in answer.json()["error_description"].lower(), answer.text
    assert platform.counter("tokens_issued") == 0 and platform.counter("token_requests") == len(
        cases
    )


def test_a_client_assertion_works_once(platform):
    assertion = platform.assertion()
    assert platform.request_token([SCORE], assertion).status_code == 200
    again = platform.request_token([SCORE], assertion)
    assert again.status_code == 400 and "already used" in again.json()["error_description"]
    assert platform.counter("tokens_issued") == 1


def test_malformed_token_requests(platform):
    for data, error in [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"client_assertion_type": "urn:example:other"}, "unsupported_grant_type"),
        ({"scope": ""}, "invalid_request"),
        ({"client_assertion": "not.a.jwt"}, "invalid_client"),
    ]:
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": platform.assertion(),
            "scope": SCORE,
            **data,
        }
        answer = requests.post(platform.root + "/token", data=form, timeout=TIMEOUT)
        assert answer.status_code == 400 and answer.json()["error"] == error, (data, answer.text)
    as_json = requests.post(
        platform.root + "/token", json={"grant_type": "client_credentials"}, timeout=TIMEOUT
    )
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    assert platform.counter("tokens_issued") == 0


# Bearer checks


def test_services_refuse_missing_or_malformed_tokens_with_401(platform):
    for authorization in (
        None,
        "Bearer",
        "Bearer ",
        "Bearer two words",
        "Basic dXNlcjpwYXNz",
        "Bearer unknown-token",
        "garbage",
        "Bearer " + "x" * 5000,
    ):
        headers = {"Authorization": authorization} if authorization is not None else {}
        for url in (ITEM_301, "/api/101/memberships", "/api/101/lineitems/301/lineitem/scores"):
            method = "POST" if url.endswith("scores") else "GET"
            answer = requests.request(method, platform.root + url, headers=headers, timeout=TIMEOUT)
            assert answer.status_code == 401, (authorization, url, answer.text)
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")
            assert "error" in answer.json()


def test_an_expired_token_gets_401(platform):
    token = platform.token([LINEITEM_READ])
    with storage.session(platform.site.app.instance_path, write=True) as db:
        db.execute(update(AccessTokenRow).values(expires_at=time.time() - 1))
    answer = platform.call("GET", ITEM_301, token)
    assert answer.status_code == 401 and "expired" in answer.json()["error"]


def test_a_token_without_the_scope_gets_403(platform):
    token = platform.token([NRPS])
    assert platform.score(ITEM_301, token).status_code == 403
    assert platform.call("GET", ITEM_301, token).status_code == 403
    assert platform.call("GET", "/api/101/memberships", platform.token([SCORE])).status_code == 403
    assert platform.stored_scores() == []


# Line items


def test_the_launch_claims_line_item_exists(platform):
    answer = platform.call("GET", ITEM_301, platform.token([LINEITEM_READ]), accept=LINEITEM_TYPE)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == LINEITEM_TYPE
    assert answer.json() == {
        "id": platform.root + ITEM_301,
        "label": "Suomalainen työelämä",
        "scoreMaximum": 100.0,
        "resourceId": "",
        "tag": "",
        "resourceLinkId": "301",
        "ltiLinkId": "301",
    }


def test_create_list_filter_update_and_delete_line_items(platform):
    token = platform.token([LINEITEM])
    created = platform.call(
        "POST",
        "/api/101/lineitems?type_id=1",
        token,
        {
            "label": "Chapter 1 quiz",
            "scoreMaximum": 20,
            "resourceId": "quiz-1",
            "tag": "quiz",
            "resourceLinkId": "302",
        },
        LINEITEM_TYPE,
    )
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["label"] == "Chapter 1 quiz" and item["id"].endswith("/lineitem?type_id=1")
    listed = platform.call("GET", "/api/101/lineitems", token, accept=CONTAINER_TYPE).json()
    assert [i["label"] for i in listed] == [
        "Suomalainen työelämä",
        "Työnhaku",
        "Kotopaikka (not set up yet)",
        "Chapter 1 quiz",
    ]
    for query, labels in [
        ("resource_link_id=302", ["Työnhaku", "Chapter 1 quiz"]),
        ("resource_id=quiz-1", ["Chapter 1 quiz"]),
        ("tag=quiz", ["Chapter 1 quiz"]),
        ("tag=none", []),
    ]:
        answer = platform.call("GET", "/api/101/lineitems?" + query, token, accept=CONTAINER_TYPE)
        assert [i["label"] for i in answer.json()] == labels, query
    other_course = platform.call("GET", "/api/102/lineitems", token, accept=CONTAINER_TYPE).json()
    assert [i["resourceLinkId"] for i in other_course] == ["311"]

    updated = platform.call(
        "PUT",
        item["id"],
        token,
        {"label": "Quiz 1", "scoreMaximum": 25, "tag": "quiz"},
        LINEITEM_TYPE,
    )
    assert updated.status_code == 200, updated.text
    fetched = platform.call("GET", item["id"], token).json()
    assert fetched["label"] == "Quiz 1" and fetched["scoreMaximum"] == 25.0
    assert fetched["resourceId"] == "" and fetched["resourceLinkId"] == "302"

    assert platform.call("DELETE", item["id"], token).status_code == 204
    assert platform.call("GET", item["id"], token).status_code == 404
    assert platform.call("DELETE", platform.root + ITEM_301, token).status_code == 403


def test_line_items_page_with_a_link_header(platform):
    token = platform.token([LINEITEM])
    for n in range(3):
        body = {"label": f"Extra {n}", "scoreMaximum": 10}
        assert (
            platform.call("POST", "/api/101/lineitems", token, body, LINEITEM_TYPE).status_code
            == 201
        )
    url, labels, pages = platform.root + "/api/101/lineitems?type_id=1&limit=2", [], 0
    while url:
        answer = platform.call("GET", url, token, accept=CONTAINER_TYPE)
        assert answer.status_code == 200
        labels += [i["label"] for i in answer.json()]
        url = answer.links.get("next", {}).get("url")
        pages += 1
    assert pages == 3 and len(labels) == 6 and labels[-3:] == ["Extra 0", "Extra 1", "Extra 2"]


def test_bad_line_items_are_refused(platform):
    token = platform.token([LINEITEM])
    for body, content_type, status in [
        ({"scoreMaximum": 10}, LINEITEM_TYPE, 400),  # no label
        ({"label": "x"}, LINEITEM_TYPE, 400),  # no scoreMaximum
        ({"label": "x", "scoreMaximum": 0}, LINEITEM_TYPE, 400),
        ({"label": "x", "scoreMaximum": "ten"}, LINEITEM_TYPE, 400),
        ("{not json", LINEITEM_TYPE, 400),
        ({"label": "x", "scoreMaximum": 10}, "application/json", 400),  # Moodle: exact type
        ({"label": "x", "scoreMaximum": 10, "resourceLinkId": "311"}, LINEITEM_TYPE, 403),
    ]:
        answer = platform.call("POST", "/api/101/lineitems", token, body, content_type)
        assert answer.status_code == status, (body, answer.text)
    listed = platform.call("GET", "/api/101/lineitems", token, accept=CONTAINER_TYPE).json()
    assert len(listed) == 3  # the three activities' own items only
    assert platform.call("GET", "/api/101/lineitems", token).status_code == 400  # Accept: */*


# Scores and results


def test_a_fully_graded_score_is_stored_and_read_back(platform):
    answer = platform.score(ITEM_301, comment="Hyvin tehty")
    assert answer.status_code == 200, answer.text
    (row,) = platform.stored_scores()
    assert (row.user_id, row.score_given, row.score_maximum, row.comment) == (
        PARTICIPANT,
        8,
        10,
        "Hyvin tehty",
    )
    results = platform.call("GET", "/api/101/lineitems/301/lineitem/results", accept=RESULTS_TYPE)
    assert results.headers["Content-Type"] == RESULTS_TYPE
    (result,) = results.json()
    assert result["userId"] == PARTICIPANT and result["resultScore"] == 80.0  # scaled to 100
    assert result["comment"] == "Hyvin tehty"
    assert result["scoreOf"] == platform.root + ITEM_301


def test_a_pending_score_keeps_progress_only(platform):
    assert platform.score(ITEM_301).status_code == 200
    later = platform.score(
        ITEM_301,
        gradingProgress="Pending",
        activityProgress="Submitted",
        timestamp="2026-03-01T10:00:01Z",
    )
    assert later.status_code == 200
    (row,) = platform.stored_scores()
    assert row.score_given is None  # Moodle ignores scoreGiven unless FullyGraded
    assert (row.activity_progress, row.grading_progress) == ("Submitted", "Pending")
    results = platform.call("GET", "/api/101/lineitems/301/lineitem/results", accept=RESULTS_TYPE)
    assert results.status_code == 200 and results.json() == []


def test_a_score_must_be_newer_than_the_stored_one(platform):
    assert platform.score(ITEM_301, timestamp="2026-03-01T10:00:00.100Z").status_code == 200
    same_second = platform.score(ITEM_301, scoreGiven=9, timestamp="2026-03-01T10:00:00.900Z")
    assert same_second.status_code == 409  # Moodle compares whole seconds
    older = platform.score(ITEM_301, scoreGiven=9, timestamp="2026-02-01T10:00:00Z")
    assert older.status_code == 409
    (row,) = platform.stored_scores()
    assert row.score_given == 8
    assert (
        platform.score(ITEM_301, scoreGiven=9, timestamp="2026-03-01T10:00:01Z").status_code == 200
    )
    assert platform.stored_scores()[0].score_given == 9


def test_scores_moodle_refuses_with_400(platform):
    token = platform.token([SCORE])
    for fields in [
        {"scoreMaximum": None},  # scoreGiven without scoreMaximum
        {"userId": TRAINER},  # not a gradable learner
        {"userId": COORDINATOR},
        {"userId": "2003"},  # a learner, but in another course
        {"userId": "9999"},
        {"userId": None},
        {"activityProgress": None},
        {"gradingProgress": None},
        {"timestamp": None},
        {"timestamp": "yesterday"},
        {"gradingProgress": "Graded"},
        {"scoreGiven": "8"},
    ]:
        answer = platform.score(ITEM_301, token, **fields)
        assert answer.status_code == 400, (fields, answer.text)
    for raw in ("{not json", "[]", ""):
        answer = platform.call(
            "POST", "/api/101/lineitems/301/lineitem/scores", token, raw, SCORE_TYPE
        )
        assert answer.status_code == 400, (raw, answer.text)
    assert platform.stored_scores() == []


def test_scores_need_moodles_exact_media_type(platform):
    body = {
        "userId": PARTICIPANT,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": "2026-03-01T10:00:00Z",
        "scoreGiven": 1,
        "scoreMaximum": 1,
    }
    for content_type in ("application/json", SCORE_TYPE + "; charset=utf-8"):
        url = "/api/101/lineitems/301/lineitem/scores"
        assert platform.call("POST", url, None, body, content_type).status_code == 400
    assert (
        platform.call(
            "POST", "/api/101/lineitems/999/lineitem/scores", None, body, SCORE_TYPE
        ).status_code
        == 404
    )
    assert platform.stored_scores() == []


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
    answer = browser.submit(result.page, title="Työelämän pelisäännöt")
    returned = browser.submit(answer)  # the auto-posting form back to the platform
    assert returned.status_code == 200, returned.text
    assert "Added to course: Työelämän pelisäännöt" in returned.text
    (link,) = _stored_links(platform)
    launcher = browser.get(platform.root + "/")
    assert f'value="101:{link.id}"' in launcher.text
    learner = launch(platform.site.browser(), PARTICIPANT, f"101:{link.id}")
    assert learner.page is not None and learner.page.status_code == 200
    assert "Työelämän pelisäännöt" in learner.page.text


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


# Gradebook


def test_the_gradebook_shows_a_stored_score(platform):
    assert platform.score(ITEM_301, comment="Hyvä alku").status_code == 200
    page = requests.get(platform.root + "/gradebook", timeout=TIMEOUT)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<caption>Grades in Avaimet työelämään, kevät 2026" in page.text
    row = page.text.split('id="lineitem-301"')[1].split("</tr>")[0]
    cell = row.split(f'data-user="{PARTICIPANT}"')[1].split("</td>")[0]
    assert "80 / 100" in cell and "sent 8 / 10" in cell
    assert "Completed, FullyGraded" in cell and "Feedback: Hyvä alku" in cell
    assert "2026-03-01T10:00:00.000+00:00" in cell
    assert 'scope="col"' in page.text and 'scope="row"' in page.text
    assert "style=" not in page.text and "<script>" not in page.text
    assert f'data-user="{TRAINER}"' not in page.text  # trainers are not graded


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
