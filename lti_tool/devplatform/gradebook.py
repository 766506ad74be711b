"""The platform's gradebook page: what the tool has sent, per course, line item and user."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from sqlalchemy import select

from lti_tool.devplatform import directory, storage
from lti_tool.devplatform.scores import gradable, scaled
from lti_tool.devplatform.storage import LineItemRow, ScoreRow
from lti_tool.devplatform.views import bp


@dataclass(frozen=True)
class Cell:
    grade: float | None  # scaled to the line item's maximum, as Moodle's gradebook shows it
    maximum: float
    score_given: float | None  # as the tool sent it
    score_maximum: float | None
    activity_progress: str
    grading_progress: str
    timestamp: str
    comment: str | None


@dataclass(frozen=True)
class CourseGrades:
    course: directory.DevCourse
    learners: list[directory.DevUser]
    items: list[LineItemRow]
    cells: dict[tuple[int, str], Cell]


def course_grades(course: directory.DevCourse) -> CourseGrades:
    with storage.session(write=True) as db:
        storage.ensure_activity_items(db, course.id)
        items = list(
            db.execute(
                select(LineItemRow)
                .where(LineItemRow.course_id == course.id)
                .order_by(LineItemRow.id)
            ).scalars()
        )
        by_id = {item.id: item for item in items}
        scores = db.execute(select(ScoreRow).where(ScoreRow.line_item_id.in_(by_id))).scalars()
        cells = {
            (s.line_item_id, s.user_id): Cell(
                scaled(s, by_id[s.line_item_id]),
                by_id[s.line_item_id].score_maximum,
                s.score_given,
                s.score_maximum,
                s.activity_progress,
                s.grading_progress,
                s.timestamp,
                s.comment,
            )
            for s in scores
        }
    learners = [u for u in directory.USERS if gradable(u.id, course.id)]
    return CourseGrades(course, learners, items, cells)


@bp.get("/gradebook")
def gradebook() -> str:
    return render_template(
        "devplatform/gradebook.html", courses=[course_grades(c) for c in directory.COURSES]
    )
