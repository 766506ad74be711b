"""The development platform's AGS line items, scores, results and gradebook, over HTTP."""



from __future__ import annotations

import time

import pytest
import requests

from lti_tool.devplatform import storage

from tests.devplatform.conftest import (
    CONTAINER_TYPE,
    ITEM_301,
    LINEITEM,
    LINEITEM_READ,
    LINEITEM_TYPE,
    RESULTS_TYPE,
    SCORE,
    SCORE_TYPE,
    TIMEOUT,
)
from tests.lti import COORDINATOR, PARTICIPANT, TRAINER

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


def test_every_accepted_score_write_is_a_history_row(platform):
    """As Moodle's grade_grades_history: refused scores leave no row, accepted ones each one."""
    for fields, status in [
        ({"comment": "Alku", "timestamp": "2026-03-01T10:00:00Z"}, 200),
        ({"scoreGiven": 9, "timestamp": "2026-03-01T10:00:00.5Z"}, 409),  # the same second
        ({"scoreGiven": 9, "timestamp": "2026-03-01T10:00:01Z"}, 200),
        ({"gradingProgress": "Pending", "timestamp": "2026-03-01T10:00:02Z"}, 200),
        ({"userId": TRAINER, "timestamp": "2026-03-01T10:00:03Z"}, 400),
    ]:
        assert platform.score(ITEM_301, **fields).status_code == status, fields
    history = storage.grade_history(platform.site.app)
    assert [
        (h.line_item_id, h.user_id, h.score_given, h.grading_progress, h.timestamp, h.comment)
        for h in history
    ] == [
        (301, PARTICIPANT, 8, "FullyGraded", "2026-03-01T10:00:00Z", "Alku"),
        (301, PARTICIPANT, 9, "FullyGraded", "2026-03-01T10:00:01Z", None),
        (301, PARTICIPANT, None, "Pending", "2026-03-01T10:00:02Z", None),  # a null grade
    ]
    assert [h.timestamp_seconds for h in history] == [1772359200, 1772359201, 1772359202]
    (stored,) = platform.stored_scores()
    assert stored.timestamp == history[-1].timestamp  # the gradebook holds the last write


def test_a_lost_answer_stores_the_score_and_answers_504(platform):
    from lti_tool.devplatform import faults

    faults.inject(platform.site.app, "scores", "lost_answer", seconds=0.2)
    started = time.monotonic()
    assert platform.score(ITEM_301).status_code == 504
    assert time.monotonic() - started >= 0.2
    assert [s.score_given for s in platform.stored_scores()] == [8]  # it arrived all the same
    assert platform.score(ITEM_301).status_code == 409  # sent again with its timestamp
    assert len(storage.grade_history(platform.site.app)) == 1
    with pytest.raises(ValueError, match="scores endpoint only"):
        faults.inject(platform.site.app, "token", "lost_answer")
    answer = requests.post(
        platform.root + "/faults", json={"endpoint": "jwks", "mode": "lost_answer"}, timeout=TIMEOUT
    )
    assert answer.status_code == 400 and "scores endpoint only" in answer.json()["error"]


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
