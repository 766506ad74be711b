"""A learner's standing in a quiz in one course: their attempts and the grade that counts,
and the brief a module page shows (read along with other queries where it can be)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select

from courses.database import db
from quizzes.models import ATTEMPT_IN_PROGRESS, Attempt, Quiz

_A = Attempt.__table__
_Q = Quiz.__table__


@dataclass(frozen=True)
class AttemptSummary:
    id: int
    number: int
    status: str
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None


@dataclass(frozen=True)
class Standing:
    """A learner's record in one quiz: their attempts and the grade they count for."""

    attempts: tuple[AttemptSummary, ...]
    grade: float | None  # by the grading method, over submitted attempts (0..1)
    passed: bool  # any attempt passed: passing is never taken away

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def best(self) -> float | None:
        """The best graded attempt, whatever the grading method (0..1)."""
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def unfinished(self) -> AttemptSummary | None:
        return next((a for a in self.attempts if a.status == ATTEMPT_IN_PROGRESS), None)

    def attempts_left(self, allowed: int) -> int | None:
        """None: unlimited."""
        return None if not allowed else max(0, allowed - self.used)


@functools.cache
def _standing_statement() -> Select:  # type: ignore[type-arg]
    return (
        select(
            _A.c.id, _A.c.number, _A.c.status, _A.c.started_at, _A.c.submitted_at, _A.c.score,
            _A.c.passed,
        )
        .where(
            _A.c.quiz_id == bindparam("quiz"),
            _A.c.learner_id == bindparam("learner"),
            _A.c.course_key == bindparam("course"),
        )
        .order_by(_A.c.number)
    )


def standing(quiz_id: int, learner_id: int, grading_method: str, course: int) -> Standing:
    """The learner's record in the quiz in one course (a ``course_key``)."""
    rows = db.session.execute(
        _standing_statement(), {"quiz": quiz_id, "learner": learner_id, "course": course}
    ).all()
    return standing_of(tuple(AttemptSummary(*row) for row in rows), grading_method)


def standing_of(attempts: tuple[AttemptSummary, ...], grading_method: str) -> Standing:
    """The standing of these attempts (in their number order) by the grading method."""
    graded = [a for a in attempts if a.score is not None]
    if not graded:
        grade_ = None
    elif grading_method == "last":
        grade_ = graded[-1].score
    else:
        grade_ = max(a.score for a in graded if a.score is not None)
    return Standing(attempts, grade_, any(a.passed for a in graded))


def standings(
    grading_methods: dict[int, str], course: int, learner_ids: Any = None
) -> dict[tuple[int, int], Standing]:
    """(learner, quiz) -> standing in one course, for every learner with attempts at these
    quizzes (``grading_methods``: quiz -> its method in the course); one query, whatever
    the number of learners. ``learner_ids``: only these (a list or a subquery)."""
    if not grading_methods:
        return {}
    statement = (
        select(
            _A.c.learner_id, _A.c.quiz_id, _A.c.id, _A.c.number, _A.c.status, _A.c.started_at,
            _A.c.submitted_at, _A.c.score, _A.c.passed,
        )
        .where(_A.c.quiz_id.in_(list(grading_methods)), _A.c.course_key == course)
        .order_by(_A.c.learner_id, _A.c.quiz_id, _A.c.number)
    )
    if learner_ids is not None:
        statement = statement.where(_A.c.learner_id.in_(learner_ids))
    grouped: dict[tuple[int, int], list[AttemptSummary]] = {}
    for learner, quiz, *summary in db.session.execute(statement):
        grouped.setdefault((learner, quiz), []).append(AttemptSummary(*summary))
    return {
        key: standing_of(tuple(attempts), grading_methods[key[1]])
        for key, attempts in grouped.items()
    }


@dataclass(frozen=True)
class QuizBrief:
    """What a module page says about its quiz: one query per page view."""

    quiz_id: int
    used: int
    passed: bool
    unfinished_id: int | None


@functools.cache
def _brief_statement() -> Select:  # type: ignore[type-arg]
    attempts = and_(
        _A.c.quiz_id == _Q.c.id,
        _A.c.learner_id == bindparam("learner"),
        _A.c.course_key == bindparam("course"),
    )
    return (
        select(
            _Q.c.id,
            func.count(_A.c.id),
            func.max(case((_A.c.passed.is_(True), 1), else_=0)),
            func.max(case((_A.c.status == ATTEMPT_IN_PROGRESS, _A.c.id), else_=None)),
        )
        .select_from(_Q.outerjoin(_A, attempts))
        .where(_Q.c.module_id == bindparam("module"))
        .group_by(_Q.c.id)
    )


def brief_columns(module_id: Any, learner_id: Any, course: Any) -> tuple[Any, ...]:
    """The quiz brief of a module in a course as columns another query can carry (four):
    whoever reads a module and its learner anyway gets the brief without a query of its
    own. Read them back with ``brief_from``."""
    # Correlated explicitly: the module and learner columns belong to the outer query,
    # also from inside the nested subqueries (SQLite would otherwise quietly take the
    # first quiz of all).
    quiz = select(_Q.c.id).where(_Q.c.module_id == module_id).correlate_except(_Q).scalar_subquery()
    mine = and_(_A.c.quiz_id == quiz, _A.c.learner_id == learner_id, _A.c.course_key == course)

    def of_mine(column: Any, *also: Any) -> Any:
        return select(column).where(mine, *also).correlate_except(_A).scalar_subquery()

    return (
        quiz,
        of_mine(func.count(_A.c.id)),
        of_mine(func.max(case((_A.c.passed.is_(True), 1), else_=0))),
        of_mine(func.max(_A.c.id), _A.c.status == ATTEMPT_IN_PROGRESS),
    )


def brief_from(values: tuple[Any, ...]) -> QuizBrief | None:
    """The brief from the four ``brief_columns`` values (None: the module has no quiz)."""
    quiz_id, used, passed, unfinished_id = values
    if quiz_id is None:
        return None
    return QuizBrief(quiz_id, used or 0, bool(passed), unfinished_id)


def quiz_brief(module_id: int, learner_id: int, course: int) -> QuizBrief | None:
    """The learner's attempts at the module's quiz in the course; None when the module has
    no quiz."""
    row = db.session.execute(
        _brief_statement(), {"module": module_id, "learner": learner_id, "course": course}
    ).first()
    if row is None:
        return None
    return QuizBrief(row[0], row[1], bool(row[2]), row[3])
