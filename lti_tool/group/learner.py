"""One learner of a course as their trainer sees them: their modules, the pages they have
read, their attempts with the answers and feedback, and their reflections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from courses.database import db
from courses.languages import SOURCE_LANGUAGE
from courses.models import Page, PageText
from courses.progress.models import PageView
from lti_tool.group.queries import (
    DEFAULT_STUCK_DAYS,
    LearnerRow,
    ModuleColumn,
    as_utc,
    learner_rows,
)
from quizzes import attempts as attempt_service
from quizzes.models import ATTEMPT_SUBMITTED, Attempt
from quizzes.presenting import Reviewed, review


@dataclass(frozen=True)
class ReadPage:
    position: int
    title: str
    language: str | None  # the language it was read in (and its title's)
    first_seen_at: datetime


@dataclass(frozen=True)
class AttemptReview:
    id: int
    number: int
    submitted: bool
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None
    pass_mark: int
    reviewed: tuple[Reviewed, ...]  # empty while the attempt is not sent


@dataclass(frozen=True)
class Reflection:
    attempt_number: int
    submitted_at: datetime | None
    question: str  # HTML (quizzes.text): the question as shown
    language: str
    answer: str  # the learner's own words, plain text


@dataclass(frozen=True)
class ModuleRecord:
    module: ModuleColumn
    pages: tuple[ReadPage, ...]
    attempts: tuple[AttemptReview, ...]
    reflections: tuple[Reflection, ...]


@dataclass(frozen=True)
class LearnerRecord:
    row: LearnerRow
    modules: tuple[ModuleRecord, ...]


def _pages_read(learner_id: int, module_ids: list[int]) -> dict[int, list[ReadPage]]:
    read_in = aliased(PageText)
    source = aliased(PageText)
    rows = db.session.execute(
        select(
            Page.module_id,
            Page.position,
            PageView.first_seen_at,
            PageView.language,
            read_in.title,
            source.title,
        )
        .join(Page, Page.id == PageView.page_id)
        .outerjoin(read_in, and_(read_in.page_id == Page.id, read_in.language == PageView.language))
        .outerjoin(source, and_(source.page_id == Page.id, source.language == SOURCE_LANGUAGE))
        .where(PageView.learner_id == learner_id, Page.module_id.in_(module_ids))
        .order_by(Page.module_id, Page.position)
    ).all()
    pages: dict[int, list[ReadPage]] = {}
    for module_id, position, seen, language, title, source_title in rows:
        pages.setdefault(module_id, []).append(
            ReadPage(
                position,
                title or source_title or "",
                language if title else SOURCE_LANGUAGE,
                as_utc(seen),  # type: ignore[arg-type]
            )
        )
    return pages


def _reviewed_attempt(attempt: Attempt) -> tuple[AttemptReview, list[Reflection]]:
    submitted = attempt.status == ATTEMPT_SUBMITTED
    reviewed: list[Reviewed] = []
    reflections = []
    if submitted:
        questions = attempt_service.questions_of(attempt)
        responses = attempt_service.saved_responses(attempt.id)
        reviewed = review(attempt.layout, questions, responses, attempt.language)
        for item in reviewed:
            answer = responses.get(item.shown.slot)
            if item.shown.kind == "essay" and isinstance(answer, str) and answer.strip():
                reflections.append(
                    Reflection(
                        attempt.number,
                        as_utc(attempt.submitted_at),
                        item.shown.text,
                        item.shown.language,
                        answer,
                    )
                )
    summary = AttemptReview(
        attempt.id,
        attempt.number,
        submitted,
        as_utc(attempt.started_at),  # type: ignore[arg-type]
        as_utc(attempt.submitted_at),
        attempt.score,
        attempt.passed,
        attempt.pass_mark,
        tuple(reviewed),
    )
    return summary, reflections


def learner_record(
    context_id: int,
    course: int,
    learner_id: int,
    now: datetime,
    stuck_days: int = DEFAULT_STUCK_DAYS,
) -> LearnerRecord | None:
    """The learner's record in the course; None when they are not one of its learners
    (whichever course or platform they belong to)."""
    modules, rows = learner_rows(context_id, course, now, stuck_days, learner_id=learner_id)
    if not rows:
        return None
    (row,) = rows
    pages = _pages_read(learner_id, [m.id for m in modules]) if modules else {}
    by_quiz: dict[int, list[Any]] = {}
    quiz_ids = [m.quiz_id for m in modules if m.quiz_id is not None]
    if quiz_ids:
        for attempt in db.session.execute(
            select(Attempt)
            .where(
                Attempt.learner_id == learner_id,
                Attempt.course_key == course,
                Attempt.quiz_id.in_(quiz_ids),
            )
            .order_by(Attempt.number)
        ).scalars():
            by_quiz.setdefault(attempt.quiz_id, []).append(_reviewed_attempt(attempt))
    records = []
    for module in modules:
        reviewed = by_quiz.get(module.quiz_id, []) if module.quiz_id else []
        records.append(
            ModuleRecord(
                module,
                tuple(pages.get(module.id, [])),
                tuple(summary for summary, _ in reviewed),
                tuple(r for _, reflections in reviewed for r in reflections),
            )
        )
    return LearnerRecord(row, tuple(records))
