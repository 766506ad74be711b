"""Exceptions a trainer makes for one learner's quiz in one course: extra attempts, or a
reset. Each is a row of its own (who, when, what, why) and nothing else is changed: no
attempt, answer or grade is touched or deleted.

A reset marks the learner's attempts sent so far as "before the reset": the attempt
limit and the grade count only the attempts after it, numbered on from the earlier ones
(an attempt's number stays unique). An attempt left unfinished at the reset is after it:
it is the learner's first fresh attempt, and their saved answers stay. Extra attempts
granted before a reset belong to the attempts it set aside; the reset starts from the
course's limit again.

The grade sent to the platform after a reset: nothing at the reset itself. Moodle wipes
a learner's grade on any score that is not FullyGraded (../shared/moodle.md), and a 0
would be a grade the learner never earned, so the gradebook keeps the grade it has until
the learner's first attempt after the reset is graded. From then on the grade is the
grading method's (highest or last) over the attempts after the reset only, sent
FullyGraded as every score is, so it may be lower than the grade before. Passing is
never taken away: a module completed before the reset stays completed (courses.progress),
and the standing's ``passed`` still counts every attempt.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from courses.database import db, transaction_for_writes
from quizzes.models import (
    ATTEMPT_SUBMITTED,
    EXTRA_ATTEMPTS,
    QUIZ_RESET,
    Attempt,
    LearnerException,
)

EXTRA_MIN, EXTRA_MAX = 1, 10
NOTE_MAX = 500

_E = LearnerException.__table__
_A = Attempt.__table__


class ExceptionRefused(Exception):
    """A request for an exception the rules do not allow; ``code`` names the reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Allowance:
    """What the learner's exceptions change: attempts up to ``reset_after`` no longer
    count, and ``extra`` attempts are allowed on top of the course's limit."""

    reset_after: int = 0
    extra: int = 0


@functools.cache
def _allowance_statement() -> Select:  # type: ignore[type-arg]
    return (
        select(_E.c.kind, _E.c.extra_attempts, _E.c.reset_after)
        .where(
            _E.c.quiz_id == bindparam("quiz"),
            _E.c.learner_id == bindparam("learner"),
            _E.c.course_key == bindparam("course"),
        )
        .order_by(_E.c.id)
    )


def _summed(rows: Any) -> Allowance:
    """Exceptions (kind, extra attempts, reset mark) in the order made, summed up."""
    reset_after = extra = 0
    for kind, count, mark in rows:
        if kind == QUIZ_RESET:
            reset_after, extra = mark, 0
        elif kind == EXTRA_ATTEMPTS:
            extra += count
    return Allowance(reset_after, extra)


def allowance(quiz_id: int, learner_id: int, course: int) -> Allowance:
    """The learner's exceptions at the quiz in the course (a ``course_key``), summed up."""
    return _summed(
        db.session.execute(
            _allowance_statement(), {"quiz": quiz_id, "learner": learner_id, "course": course}
        )
    )


def allowances(
    quiz_ids: list[int], course: int, learner_ids: Any = None
) -> dict[tuple[int, int], Allowance]:
    """(learner, quiz) -> their exceptions in the course, for everyone with any at these
    quizzes; one query (``learner_ids``: only these, a list or a subquery)."""
    statement = (
        select(_E.c.learner_id, _E.c.quiz_id, _E.c.kind, _E.c.extra_attempts, _E.c.reset_after)
        .where(_E.c.quiz_id.in_(quiz_ids), _E.c.course_key == course)
        .order_by(_E.c.learner_id, _E.c.quiz_id, _E.c.id)
    )
    if learner_ids is not None:
        statement = statement.where(_E.c.learner_id.in_(learner_ids))
    grouped: dict[tuple[int, int], list[Any]] = {}
    for learner, quiz, *row in db.session.execute(statement):
        grouped.setdefault((learner, quiz), []).append(row)
    return {key: _summed(rows) for key, rows in grouped.items()}


def _clean_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ExceptionRefused("note_too_long")
    return note


def grant_extra_attempts(
    quiz_id: int,
    learner_id: int,
    course: int,
    count: int,
    *,
    by: int | None,
    context_id: int | None = None,
    note: str | None = "",
) -> LearnerException:
    """Allow the learner ``count`` more attempts (EXTRA_MIN..EXTRA_MAX); commits."""
    if not isinstance(count, int) or not EXTRA_MIN <= count <= EXTRA_MAX:
        raise ExceptionRefused("bad_count")
    row = LearnerException(
        quiz_id=quiz_id,
        learner_id=learner_id,
        course_key=course,
        context_id=context_id,
        kind=EXTRA_ATTEMPTS,
        extra_attempts=count,
        note=_clean_note(note),
        created_by=by,
    )
    transaction_for_writes()
    db.session.add(row)
    db.session.commit()
    return row


def reset_quiz(
    quiz_id: int,
    learner_id: int,
    course: int,
    *,
    by: int | None,
    context_id: int | None = None,
    note: str | None = "",
) -> LearnerException:
    """Let the learner start again from zero attempts; every attempt is kept. Commits.

    The mark is the highest number of a sent attempt: an unfinished one stays open and
    counts after the reset. A reset with nothing sent since the last one is refused."""
    note = _clean_note(note)
    transaction_for_writes()
    sent = db.session.execute(
        select(func.max(_A.c.number)).where(
            _A.c.quiz_id == quiz_id,
            _A.c.learner_id == learner_id,
            _A.c.course_key == course,
            _A.c.status == ATTEMPT_SUBMITTED,
        )
    ).scalar_one()
    if not sent or sent <= allowance(quiz_id, learner_id, course).reset_after:
        db.session.rollback()
        raise ExceptionRefused("nothing_to_reset")
    row = LearnerException(
        quiz_id=quiz_id,
        learner_id=learner_id,
        course_key=course,
        context_id=context_id,
        kind=QUIZ_RESET,
        reset_after=sent,
        note=note,
        created_by=by,
    )
    db.session.add(row)
    db.session.commit()
    return row


@dataclass(frozen=True)
class ExceptionEntry:
    id: int
    quiz_id: int
    kind: str
    extra_attempts: int
    reset_after: int
    note: str
    created_by: int | None
    created_at: datetime


def exceptions_of(learner_id: int, course: int) -> list[ExceptionEntry]:
    """Every exception made for the learner in the course, newest first."""
    rows = db.session.execute(
        select(
            _E.c.id,
            _E.c.quiz_id,
            _E.c.kind,
            _E.c.extra_attempts,
            _E.c.reset_after,
            _E.c.note,
            _E.c.created_by,
            _E.c.created_at,
        )
        .where(_E.c.learner_id == learner_id, _E.c.course_key == course)
        .order_by(_E.c.id.desc())
    ).all()
    return [ExceptionEntry(*row) for row in rows]
