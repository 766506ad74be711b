"""Attempts: start, save answers as the learner goes, submit (graded exactly once), review.

Grading happens once, on the server, whatever the number of submits: the attempt moves
from in progress to submitted with one conditional UPDATE, and only the request whose
UPDATE changed the row grades it.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from courses.database import db, utcnow
from courses.progress.models import course_key
from quizzes.exceptions import allowance
from quizzes.layouts import build_layout
from quizzes.model import Question
from quizzes.models import (
    ATTEMPT_IN_PROGRESS,
    ATTEMPT_SUBMITTED,
    Attempt,
    AttemptResponse,
    QuestionVersion,
    Quiz,
)
from quizzes.services import latest_versions
from quizzes.settings import Settings, settings_for
from quizzes.snapshot import from_snapshot
from quizzes.types import ResponseRejected, grade, kind_of

_A = Attempt.__table__
_Q = Quiz.__table__


class AttemptRefused(Exception):
    """A request the attempt rules do not allow; ``code`` names the reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def in_progress(quiz_id: int, learner_id: int, course: int) -> Attempt | None:
    """The learner's unfinished attempt at the quiz in the course (a ``course_key``)."""
    return db.session.execute(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id,
            Attempt.learner_id == learner_id,
            Attempt.course_key == course,
            Attempt.status == ATTEMPT_IN_PROGRESS,
        )
    ).scalar_one_or_none()


def start_attempt(
    quiz: Quiz,
    learner_id: int,
    language: str,
    settings: Settings | None = None,
    *,
    context_id: int | None = None,
    resource_link_id: int | None = None,
    rng: random.Random | None = None,
) -> Attempt:
    """A new attempt in the course, or the learner's unfinished one there (a second click
    starts nothing). Attempts are numbered and limited per course."""
    settings = settings or settings_for(quiz, context_id)
    rng = rng or random.Random()
    course = course_key(context_id)
    unfinished = in_progress(quiz.id, learner_id, course)
    if unfinished is not None:
        return unfinished
    # Counted after the learner's last reset, with their extra attempts (quizzes.exceptions);
    # numbered on from every earlier attempt.
    exceptions = allowance(quiz.id, learner_id, course)
    used, last = db.session.execute(
        select(
            func.count(case((Attempt.number > exceptions.reset_after, 1))),
            func.coalesce(func.max(Attempt.number), 0),
        ).where(
            Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id, Attempt.course_key == course
        )
    ).one()
    limit = settings.attempts_allowed + exceptions.extra if settings.attempts_allowed else 0
    if limit and used >= limit:
        raise AttemptRefused("no_attempts_left", f"{used} of {limit} used")
    versions = latest_versions(quiz.id, language)
    if not versions or not any(kind_of(from_snapshot(v.snapshot)).answerable for v in versions):
        raise AttemptRefused("empty_quiz")
    items = [(v.id, from_snapshot(v.snapshot), v.language) for v in versions]
    layout = build_layout(items, settings, rng)
    attempt = Attempt(
        quiz_id=quiz.id,
        learner_id=learner_id,
        number=last + 1,
        language=language,
        layout=layout,
        context_id=context_id,
        course_key=course,
        resource_link_id=resource_link_id,
        pass_mark=settings.pass_mark,
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Two tabs started at once: the other one's attempt is the learner's attempt.
        db.session.rollback()
        unfinished = in_progress(quiz.id, learner_id, course)
        if unfinished is None:
            raise
        return unfinished
    return attempt


_QV = QuestionVersion.__table__
_R = AttemptResponse.__table__


# Question versions never change once written: each is parsed once per process. The key
# holds the version's creation time too, so an id that a database reuses (SQLite may, after
# a delete) is never mistaken for the version it replaced.
_PARSED: dict[tuple[int, Any], Question] = {}
_PARSED_LIMIT = 20_000


def questions_of(attempt: Attempt | AttemptRow) -> list[Question]:
    """The attempt's questions, in the versions and the order it showed them."""
    ids = [slot["version"] for slot in attempt.layout]
    stamps = dict(
        db.session.execute(select(_QV.c.id, _QV.c.created_at).where(_QV.c.id.in_(ids))).all()
    )
    missing = [i for i in ids if (i, stamps[i]) not in _PARSED]
    if missing:
        if len(_PARSED) > _PARSED_LIMIT:
            _PARSED.clear()
        for version_id, snapshot in db.session.execute(
            select(_QV.c.id, _QV.c.snapshot).where(_QV.c.id.in_(missing))
        ):
            _PARSED[(version_id, stamps[version_id])] = from_snapshot(snapshot)
    return [_PARSED[(i, stamps[i])] for i in ids]


@dataclass(frozen=True)
class AttemptRow:
    """An attempt as plain data, with the module its quiz belongs to."""

    id: int
    quiz_id: int
    learner_id: int
    number: int
    language: str
    status: str
    layout: list[dict[str, Any]]
    pass_mark: int
    context_id: int | None
    course_key: int
    score: float | None
    passed: bool | None
    module_id: int
    module_slug: str


@functools.cache
def _attempt_statement() -> Select:  # type: ignore[type-arg]
    from courses.models import Module

    _M = Module.__table__
    return (
        select(
            _A.c.id,
            _A.c.quiz_id,
            _A.c.learner_id,
            _A.c.number,
            _A.c.language,
            _A.c.status,
            _A.c.layout,
            _A.c.pass_mark,
            _A.c.context_id,
            _A.c.course_key,
            _A.c.score,
            _A.c.passed,
            _M.c.id,
            _M.c.slug,
        )
        .join(_Q, _Q.c.id == _A.c.quiz_id)
        .join(_M, _M.c.id == _Q.c.module_id)
        .where(_A.c.id == bindparam("attempt"))
    )


def own_attempt(attempt_id: int, learner_id: int) -> AttemptRow:
    """The learner's attempt, or AttemptRefused (someone else's attempt is refused)."""
    row = db.session.execute(_attempt_statement(), {"attempt": attempt_id}).first()
    if row is None:
        raise AttemptRefused("no_such_attempt", str(attempt_id))
    attempt = AttemptRow(*row)
    if attempt.learner_id != learner_id:
        raise AttemptRefused("not_your_attempt", str(attempt_id))
    return attempt


def accept(
    layout: list[dict[str, Any]], responses: dict[int, Any], questions: list[Question]
) -> dict[int, Any]:
    """Every answer checked against its question as shown, in the question's own terms
    (None: cleared); AttemptRefused for the first that does not fit."""
    accepted: dict[int, Any] = {}
    for slot, response in responses.items():
        if not isinstance(slot, int) or not 0 <= slot < len(layout):
            raise AttemptRefused("no_such_question", str(slot))
        if response is None:
            accepted[slot] = None
            continue
        try:
            accepted[slot] = kind_of(questions[slot]).accept(
                questions[slot], layout[slot]["order"], response
            )
        except ResponseRejected as exc:
            raise AttemptRefused(exc.code, f"slot {slot}") from exc
    return accepted


def _write(attempt_id: int, rows: dict[int, Any], fractions: dict[int, float | None]) -> None:
    """Replace the given slots' answers (None: clear the slot) in one statement each way."""
    cleared = [slot for slot, value in rows.items() if value is None]
    if cleared:
        db.session.execute(delete(_R).where(_R.c.attempt_id == attempt_id, _R.c.slot.in_(cleared)))
    now = utcnow()
    kept = [
        {
            "attempt_id": attempt_id,
            "slot": slot,
            "response": value,
            "fraction": fractions.get(slot),
            "saved_at": now,
        }
        for slot, value in rows.items()
        if value is not None
    ]
    if kept:
        # Insert or replace: two tabs saving the same answer at once cannot collide.
        db.session.execute(_upsert_responses(), kept)


def _still_open(attempt_id: int) -> bool:
    """Whether the attempt is in progress; on PostgreSQL, waits for a submit under way
    (its row lock) so that an answer never lands after grading unseen."""
    status = db.session.execute(
        select(_A.c.status).where(_A.c.id == attempt_id).with_for_update(read=True)
    ).scalar_one()
    return bool(status == ATTEMPT_IN_PROGRESS)


def save_responses(
    attempt: Attempt | AttemptRow,
    responses: dict[int, Any],
    questions: list[Question] | None = None,
) -> None:
    """Keep the learner's answers, by slot and as shown; None clears a slot. Commits.

    Every answer is checked before anything is written: one bad answer and nothing of
    the request is kept.
    """
    if attempt.status != ATTEMPT_IN_PROGRESS:
        raise AttemptRefused("already_submitted")
    questions = questions if questions is not None else questions_of(attempt)
    accepted = accept(attempt.layout, responses, questions)
    if not _still_open(attempt.id):
        db.session.rollback()
        raise AttemptRefused("already_submitted")
    _write(attempt.id, accepted, {})
    db.session.commit()


def _upsert_responses() -> Any:
    return _upsert_statement(db.session.get_bind().dialect.name)


@functools.cache
def _upsert_statement(dialect: str) -> Any:
    """Built once per dialect: a reused statement keeps its compiled form and cache key."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(_R)
    return statement.on_conflict_do_update(
        index_elements=["attempt_id", "slot"],
        set_={
            "response": statement.excluded.response,
            "fraction": statement.excluded.fraction,
            "saved_at": statement.excluded.saved_at,
        },
    )


def saved_responses(attempt_id: int) -> dict[int, Any]:
    return dict(
        db.session.execute(
            select(_R.c.slot, _R.c.response).where(_R.c.attempt_id == attempt_id)
        ).all()
    )


def save_response(attempt_id: int, learner_id: int, slot: int, response: Any) -> None:
    """Keep the learner's answer for one slot (shown order), replacing the previous one."""
    save_responses(own_attempt(attempt_id, learner_id), {slot: response})


@dataclass(frozen=True)
class Result:
    attempt_id: int
    score: float
    passed: bool
    graded_now: bool  # False: an earlier submit had graded it


def _claim(attempt_id: int, graded: dict[str, Any] | None = None) -> int:
    """Move the attempt to submitted (with its grade when known); 1 if this request did
    it, 0 if another one had."""
    graded = graded or {}
    claim = _claim_statement(tuple(sorted(graded)))
    values = {
        "attempt": attempt_id,
        "new_submitted_at": utcnow(),
        **{f"new_{name}": value for name, value in graded.items()},
    }
    try:
        return db.session.execute(claim, values).rowcount  # type: ignore[attr-defined,no-any-return]
    except OperationalError:
        # SQLite: another submit committed after this transaction's snapshot was taken
        # (SQLITE_BUSY_SNAPSHOT); start again from a fresh one. PostgreSQL waits instead.
        db.session.rollback()
        return db.session.execute(claim, values).rowcount  # type: ignore[attr-defined,no-any-return]


@functools.cache
def _claim_statement(graded_columns: tuple[str, ...]) -> Any:
    """The claiming UPDATE for the columns a grade sets, built once per shape; its values
    are bound as ``new_<column>`` (and ``attempt``)."""
    return (
        update(_A)
        .where(_A.c.id == bindparam("attempt"), _A.c.status == ATTEMPT_IN_PROGRESS)
        .values(
            status=ATTEMPT_SUBMITTED,
            submitted_at=bindparam("new_submitted_at"),
            **{name: bindparam(f"new_{name}") for name in graded_columns},
        )
    )


PASS_TOLERANCE = 1e-4  # percent


def grade_all(
    questions: list[Question], answers: dict[int, Any], pass_mark: int
) -> tuple[float, bool, dict[int, float | None]]:
    fractions: dict[int, float | None] = {}
    earned = possible = 0.0
    for slot, question in enumerate(questions):
        outcome = grade(question, answers.get(slot))
        fractions[slot] = outcome.fraction
        if kind_of(question).scored:
            possible += 1
            earned += outcome.fraction or 0.0
    score = earned / possible if possible else 1.0
    # Grades are Moodle's, to 7 places (three answers of 33.33333 % make 0.9999999): a
    # pass mark (whole percents) is met within PASS_TOLERANCE percent.
    return score, score * 100 >= pass_mark - PASS_TOLERANCE, fractions


def submit(
    attempt_id: int,
    learner_id: int,
    responses: dict[int, Any] | None = None,
    *,
    attempt: AttemptRow | None = None,
    questions: list[Question] | None = None,
    on_graded: Callable[[Result], None] | None = None,
) -> Result:
    """Keep the last ``responses`` (as shown) and grade the attempt, exactly once, in one
    transaction; a second submit changes nothing and returns the first result.

    ``on_graded`` runs inside that transaction, after grading and before the commit (the
    caller's progress update commits with the grade, or neither does).
    """
    attempt = attempt or own_attempt(attempt_id, learner_id)
    questions = questions if questions is not None else questions_of(attempt)
    accepted = accept(attempt.layout, responses or {}, questions)  # refused before any write
    answerable = {slot for slot, q in enumerate(questions) if kind_of(q).answerable}
    if answerable <= set(accepted):
        # The whole form came with the submit: grade it, then claim and grade in one UPDATE.
        answers = accepted
        score, passed, fractions = grade_all(questions, answers, attempt.pass_mark)
        claimed = _claim(attempt.id, {"score": score, "passed": passed})
    else:
        # Part of the answers were saved earlier: claim first, so none can arrive unseen.
        claimed = _claim(attempt.id)
        if claimed == 1:
            answers = {**saved_responses(attempt.id), **accepted}
            score, passed, fractions = grade_all(questions, answers, attempt.pass_mark)
            db.session.execute(
                update(_A).where(_A.c.id == attempt.id).values(score=score, passed=passed)
            )
    if claimed != 1:
        db.session.rollback()
        score, passed = db.session.execute(
            select(_A.c.score, _A.c.passed).where(_A.c.id == attempt.id)
        ).one()
        assert score is not None and passed is not None
        return Result(attempt.id, score, passed, graded_now=False)
    _write(attempt.id, answers, fractions)
    result = Result(attempt.id, score, passed, graded_now=True)
    if on_graded is not None:
        on_graded(result)
    db.session.commit()
    return result
