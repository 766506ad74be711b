"""AGS scores and results, with Moodle 4.5's rules (gradebookservices scores.php, results.php)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import Response, request
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lti_tool.devplatform import directory, faults, storage
from lti_tool.devplatform.ags import (
    TYPE_ID,
    find_item,
    item_in_course,
    json_response,
    lineitem_url,
    number,
    page_links,
    paging_params,
    read_json_object,
    require_accept,
    require_content_type,
)
from lti_tool.devplatform.faults import fault_response
from lti_tool.devplatform.storage import LineItemRow, ScoreRow
from lti_tool.devplatform.token import SCOPE_RESULT_READ, SCOPE_SCORE, check_bearer, service_error
from lti_tool.devplatform.views import bp

SCORE = "application/vnd.ims.lis.v1.score+json"
RESULT_CONTAINER = "application/vnd.ims.lis.v2.resultcontainer+json"
ACTIVITY_PROGRESS = frozenset({"Initialized", "Started", "InProgress", "Submitted", "Completed"})
GRADING_PROGRESS = frozenset({"FullyGraded", "Pending", "PendingManual", "Failed", "NotReady"})
ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def gradable(user_id: str, course_id: str) -> bool:
    """Moodle's is_user_gradable_in_course: enrolled with a gradebook (student) role."""
    user = directory.user(user_id)
    return user is not None and "Learner" in user.course_roles.get(course_id, ())


def parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not ISO_8601.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def scaled(score: ScoreRow, item: LineItemRow) -> float | None:
    """The grade as Moodle stores it: scoreGiven rescaled to the grade item's maximum."""
    if score.score_given is None:
        return None
    maximum = score.score_maximum or 1.0
    if maximum != item.score_maximum and maximum != 0:
        return score.score_given * item.score_maximum / maximum
    return score.score_given


def _check_score(data: dict[str, Any] | None, course_id: str) -> str | None:
    """Why Moodle would answer 400 to this score, or None."""
    if data is None:
        return "the body must be a JSON object"
    missing = [
        name
        for name in ("userId", "activityProgress", "gradingProgress", "timestamp")
        if data.get(name) is None
    ]
    if missing:
        return "missing " + ", ".join(missing)
    if parse_timestamp(data["timestamp"]) is None:
        return "timestamp must be an ISO 8601 date and time"
    if "scoreGiven" in data and data["scoreGiven"] is not None:
        if not number(data["scoreGiven"]):
            return "scoreGiven must be a number"
        if data.get("scoreMaximum") is None:
            return "scoreGiven needs scoreMaximum"
    if data.get("scoreMaximum") is not None and not number(data["scoreMaximum"]):
        return "scoreMaximum must be a number"
    # Stricter than Moodle, which stores any string: a misspelt value there silently
    # drops the grade, so say so here.
    if data["activityProgress"] not in ACTIVITY_PROGRESS:
        return "activityProgress must be one of " + ", ".join(sorted(ACTIVITY_PROGRESS))
    if data["gradingProgress"] not in GRADING_PROGRESS:
        return "gradingProgress must be one of " + ", ".join(sorted(GRADING_PROGRESS))
    if not gradable(str(data["userId"]), course_id):
        return f"user {data['userId']} is not a gradable learner in course {course_id}"
    return None


# The user's latest score on the item, unless the stored one is not older. Moodle compares
# strtotime(timestamp), whole seconds: two scores within one second conflict (no row comes
# back, and the answer is 409). One statement, built once.
_STORE_SCORE = text(
    "INSERT INTO score (line_item_id, user_id, score_given, score_maximum, activity_progress,"
    " grading_progress, timestamp, timestamp_seconds, comment)"
    " VALUES (:line_item_id, :user_id, :score_given, :score_maximum, :activity_progress,"
    " :grading_progress, :timestamp, :timestamp_seconds, :comment)"
    " ON CONFLICT (line_item_id, user_id) DO UPDATE SET score_given = excluded.score_given,"
    " score_maximum = excluded.score_maximum, activity_progress = excluded.activity_progress,"
    " grading_progress = excluded.grading_progress, timestamp = excluded.timestamp,"
    " timestamp_seconds = excluded.timestamp_seconds, comment = excluded.comment"
    " WHERE score.timestamp_seconds < excluded.timestamp_seconds RETURNING id"
)
# What the upsert accepted, kept as Moodle's grade_grades_history does.
_RECORD_HISTORY = text(
    "INSERT INTO grade_history (line_item_id, user_id, score_given, score_maximum,"
    " activity_progress, grading_progress, timestamp, timestamp_seconds, comment)"
    " VALUES (:line_item_id, :user_id, :score_given, :score_maximum, :activity_progress,"
    " :grading_progress, :timestamp, :timestamp_seconds, :comment)"
)


@bp.post("/api/<course_id>/lineitems/<item_id>/lineitem/scores")
def scores(course_id: str, item_id: str) -> Response:
    """Receive one score for one user: one write transaction, unless a fault is injected."""
    with storage.session(write=True) as db:
        taken = faults.take(db, "scores")
        if taken is None:
            return _receive(db, course_id, item_id)
        if faults.after_the_work(taken):  # stored with this commit; the answer is lost
            _receive(db, course_id, item_id)
    if (fault := faults.answer(taken)) is not None:  # after the commit: it may sleep
        return fault
    with storage.session(write=True) as db:  # a slow answer, given normally
        return _receive(db, course_id, item_id)


def _receive(db: Session, course_id: str, item_id: str) -> Response:
    if (refused := check_bearer(SCOPE_SCORE, db=db)) is not None:
        return refused
    if (media := require_content_type(SCORE)) is not None:
        return media
    if directory.course(course_id) is None:
        return service_error(404, f"course {course_id} does not exist")
    data = read_json_object()
    item_pk = item_in_course(db, course_id, item_id)
    if item_pk is None:
        return service_error(404, f"line item {item_id} does not exist in course {course_id}")
    problem = _check_score(data, course_id)
    if problem is not None:
        return service_error(400, "incorrect score received: " + problem)
    assert data is not None
    user_id = str(data["userId"])
    stamp = parse_timestamp(data["timestamp"])
    assert stamp is not None
    graded = data["gradingProgress"] == "FullyGraded"
    values = {
        "line_item_id": item_pk,
        "user_id": user_id,
        # Moodle ignores scoreGiven unless FullyGraded: the stored grade is then empty.
        "score_given": (
            float(data["scoreGiven"]) if graded and data.get("scoreGiven") is not None else None
        ),
        "score_maximum": (
            float(data["scoreMaximum"]) if data.get("scoreMaximum") is not None else 1.0
        ),
        "activity_progress": data["activityProgress"],
        "grading_progress": data["gradingProgress"],
        "timestamp": data["timestamp"],
        "timestamp_seconds": int(stamp.timestamp()),
        # Moodle keeps the comment as feedback, and clears it when a score has none.
        "comment": str(data["comment"]) if data.get("comment") else None,
    }
    if db.execute(_STORE_SCORE, values).first() is None:
        return service_error(
            409,
            f"refusing score with an earlier timestamp for item {item_pk} and user {user_id}",
        )
    db.execute(_RECORD_HISTORY, values)
    return Response(status=200, content_type=SCORE)


def result_json(score: ScoreRow, item: LineItemRow) -> dict[str, Any]:
    """Moodle's result_for_json, quirks included."""
    base = lineitem_url(item, query=False)
    body: dict[str, Any] = {
        "id": f"{base}/results?type_id={TYPE_ID}&user_id={score.user_id}",
        "userId": score.user_id,
    }
    grade = scaled(score, item)
    # PHP's empty(): a grade of 0 is sent without resultScore, as Moodle does.
    if grade:
        body["resultScore"] = grade
        # resultMaximum is the scoreMaximum the tool sent, not the item's (Moodle's rawgrademax).
        body["resultMaximum"] = score.score_maximum
        if score.comment:
            body["comment"] = score.comment
        body["scoreOf"] = f"{base}?type_id={TYPE_ID}"
        body["timestamp"] = datetime.fromtimestamp(score.timestamp_seconds, UTC).isoformat()
    return body


@bp.get("/api/<course_id>/lineitems/<item_id>/lineitem/results")
def results(course_id: str, item_id: str) -> Response:
    """The results of one line item (graded users only), optionally for one user."""
    if (fault := fault_response("lineitems")) is not None:
        return fault
    if (refused := check_bearer(SCOPE_RESULT_READ)) is not None:
        return refused
    if (media := require_accept(RESULT_CONTAINER)) is not None:
        return media
    if directory.course(course_id) is None:
        return service_error(404, f"course {course_id} does not exist")
    paging = paging_params()
    if isinstance(paging, Response):
        return paging
    limit, start = paging
    with storage.session(write=True) as db:
        item = find_item(db, course_id, item_id)
        if item is None:
            return service_error(404, f"line item {item_id} does not exist in course {course_id}")
        query = select(ScoreRow).where(
            ScoreRow.line_item_id == item.id, ScoreRow.score_given.is_not(None)
        )
        if user_filter := request.args.get("user_id"):
            query = query.where(ScoreRow.user_id == user_filter)
        rows = list(db.execute(query.order_by(ScoreRow.user_id)).scalars())
    total = len(rows)
    if limit:
        rows = rows[start : start + limit]
    response = json_response([result_json(row, item) for row in rows], RESULT_CONTAINER)
    if limit:
        base = lineitem_url(item, query=False) + "/results"
        response.headers["Link"] = page_links(base, {"type_id": TYPE_ID}, start, limit, total)
    return response
