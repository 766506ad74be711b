"""A learner's standing in a quiz in one course: their attempts and the grade that counts,
and the brief a module page shows (read along with other queries where it can be)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select

from courses.database import db
from quizzes.exceptions import Allowance, allowance, allowances
from quizzes.models import ATTEMPT_IN_PROGRESS, Attempt, Quiz, ReflectionReply

_A = Attempt.__table__
_Q = Quiz.__table__
_RR = ReflectionReply.__table__


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

    attempts: tuple[AttemptSummary, ...]  # those that count: after the last reset
    grade: float | None  # by the grading method, over submitted attempts (0..1)
    passed: bool  # any attempt passed (also before a reset): passing is never taken away
    earlier: tuple[AttemptSummary, ...] = ()  # before the last reset (quizzes.exceptions)
    extra: int = 0  # extra attempts a trainer granted since then

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

    def allowed(self, limit: int) -> int:
        """The learner's own limit: the course's and their extra attempts (0: unlimited)."""
        return limit + self.extra if limit else 0

    def attempts_left(self, limit: int) -> int | None:
        """None: unlimited."""
        return None if not limit else max(0, self.allowed(limit) - self.used)


# An AttemptSummary's columns, in its fields' order.
_SUMMARY_COLUMNS = (
    _A.c.id, _A.c.number, _A.c.status, _A.c.started_at, _A.c.submitted_at, _A.c.score,
    _A.c.passed,
)  # fmt: skip


@functools.cache
def _standing_statement() -> Select:  # type: ignore[type-arg]
    return (
        select(*_SUMMARY_COLUMNS)
        .where(
            _A.c.quiz_id == bindparam("quiz"),
            _A.c.learner_id == bindparam("learner"),
            _A.c.course_key == bindparam("course"),
        )
        .order_by(_A.c.number)
    )


def standing(quiz_id: int, learner_id: int, grading_method: str, course: int) -> Standing:
    """The learner's record in the quiz in one course (a ``course_key``): the attempts
    after their last reset count (see quizzes.exceptions for what a reset does)."""
    rows = db.session.execute(
        _standing_statement(), {"quiz": quiz_id, "learner": learner_id, "course": course}
    ).all()
    every = tuple(AttemptSummary(*row) for row in rows)
    return standing_of(every, grading_method, allowance(quiz_id, learner_id, course))


def standing_of(
    every: tuple[AttemptSummary, ...], grading_method: str, exceptions: Allowance
) -> Standing:
    """The standing of all these attempts (in number order) by the grading method, with
    the learner's exceptions applied."""
    attempts = tuple(a for a in every if a.number > exceptions.reset_after)
    earlier = tuple(a for a in every if a.number <= exceptions.reset_after)
    graded = [a for a in attempts if a.score is not None]
    if not graded:
        grade_ = None
    elif grading_method == "last":
        grade_ = graded[-1].score
    else:
        grade_ = max(a.score for a in graded if a.score is not None)
    passed = any(a.passed for a in every if a.score is not None)
    return Standing(attempts, grade_, passed, earlier, exceptions.extra)


def standings(
    grading_methods: dict[int, str], course: int, learner_ids: Any = None
) -> dict[tuple[int, int], Standing]:
    """(learner, quiz) -> standing in one course, for every learner with attempts or
    exceptions at these quizzes (``grading_methods``: quiz -> its method in the course),
    exceptions applied; two queries, whatever the number of learners. ``learner_ids``:
    only these (a list or a subquery)."""
    if not grading_methods:
        return {}
    statement = (
        select(_A.c.learner_id, _A.c.quiz_id, *_SUMMARY_COLUMNS)
        .where(_A.c.quiz_id.in_(list(grading_methods)), _A.c.course_key == course)
        .order_by(_A.c.learner_id, _A.c.quiz_id, _A.c.number)
    )
    if learner_ids is not None:
        statement = statement.where(_A.c.learner_id.in_(learner_ids))
    grouped: dict[tuple[int, int], list[AttemptSummary]] = {}
    for learner, quiz, *summary in db.session.execute(statement):
        grouped.setdefault((learner, quiz), []).append(AttemptSummary(*summary))
    exceptions = allowances(list(grading_methods), course, learner_ids)
    none = Allowance()
    return {
        key: standing_of(
            tuple(grouped.get(key, ())), grading_methods[key[1]], exceptions.get(key, none)
        )
        for key in grouped.keys() | exceptions.keys()  # extra attempts before any attempt too
    }


@dataclass(frozen=True)
class QuizBrief:
    """What a module page says about its quiz: one query per page view."""

    quiz_id: int
    used: int
    passed: bool
    unfinished_id: int | None
    unseen_replies: int = 0  # a trainer's replies to the learner's reflections not shown yet


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
            _unseen_replies(_Q.c.id, bindparam("learner"), bindparam("course")),
        )
        .select_from(_Q.outerjoin(_A, attempts))
        .where(_Q.c.module_id == bindparam("module"))
        .group_by(_Q.c.id)
    )


def _unseen_replies(quiz_id: Any, learner_id: Any, course: Any) -> Any:
    """How many current replies to the learner's reflections they have not been shown."""
    return (
        select(func.count(_RR.c.id))
        .select_from(_RR.join(_A, _A.c.id == _RR.c.attempt_id))
        .where(
            _A.c.quiz_id == quiz_id,
            _A.c.learner_id == learner_id,
            _A.c.course_key == course,
            _RR.c.replaced_at.is_(None),
            _RR.c.seen_at.is_(None),
        )
        .correlate_except(_RR, _A)
        .scalar_subquery()
    )


def brief_columns(module_id: Any, learner_id: Any, course: Any) -> tuple[Any, ...]:
    """The quiz brief of a module in a course as columns another query can carry (five):
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
        _unseen_replies(quiz, learner_id, course),
    )


def brief_from(values: tuple[Any, ...]) -> QuizBrief | None:
    """The brief from the five ``brief_columns`` values (None: the module has no quiz)."""
    quiz_id, used, passed, unfinished_id, unseen = values
    if quiz_id is None:
        return None
    return QuizBrief(quiz_id, used or 0, bool(passed), unfinished_id, unseen or 0)


def quiz_brief(module_id: int, learner_id: int, course: int) -> QuizBrief | None:
    """The learner's attempts at the module's quiz in the course; None when the module has
    no quiz."""
    row = db.session.execute(
        _brief_statement(), {"module": module_id, "learner": learner_id, "course": course}
    ).first()
    if row is None:
        return None
    return QuizBrief(row[0], row[1], bool(row[2]), row[3], row[4] or 0)
