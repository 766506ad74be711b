"""Attempts: start, save answers as the learner goes, submit (graded exactly once), review.

Grading happens once, on the server, whatever the number of submits: the attempt moves
from in progress to submitted with one conditional UPDATE, and only the request whose
UPDATE changed the row grades it.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from courses.database import db, utcnow
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


class AttemptRefused(Exception):
    """A request the attempt rules do not allow; ``code`` names the reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def in_progress(quiz_id: int, learner_id: int) -> Attempt | None:
    return db.session.execute(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id,
            Attempt.learner_id == learner_id,
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
    """A new attempt, or the learner's unfinished one (a second click starts nothing)."""
    settings = settings or settings_for(quiz, context_id)
    rng = rng or random.Random()
    unfinished = in_progress(quiz.id, learner_id)
    if unfinished is not None:
        return unfinished
    used = db.session.execute(
        select(func.count()).where(Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id)
    ).scalar_one()
    if settings.attempts_allowed and used >= settings.attempts_allowed:
        raise AttemptRefused("no_attempts_left", f"{used} of {settings.attempts_allowed} used")
    versions = latest_versions(quiz.id, language)
    if not versions or not any(kind_of(from_snapshot(v.snapshot)).answerable for v in versions):
        raise AttemptRefused("empty_quiz")
    if settings.random_count:
        picked = {v.id for v in rng.sample(versions, min(settings.random_count, len(versions)))}
        versions = [v for v in versions if v.id in picked]
    if settings.shuffle_questions:
        rng.shuffle(versions)
    layout = []
    for version in versions:
        question = from_snapshot(version.snapshot)
        size = len(question.pairs) if question.kind == "matching" else len(question.choices)
        order = list(range(size))
        # Matching always shuffles its right-hand side; short answers are never shown.
        if question.kind == "matching" or (
            settings.shuffle_answers and question.kind in {"single", "multiple"}
        ):
            rng.shuffle(order)
        layout.append({"version": version.id, "order": order})
    attempt = Attempt(
        quiz_id=quiz.id,
        learner_id=learner_id,
        number=used + 1,
        language=language,
        layout=layout,
        context_id=context_id,
        resource_link_id=resource_link_id,
        pass_mark=settings.pass_mark,
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Two tabs started at once: the other one's attempt is the learner's attempt.
        db.session.rollback()
        unfinished = in_progress(quiz.id, learner_id)
        if unfinished is None:
            raise
        return unfinished
    return attempt


def questions_of(attempt: Attempt) -> list[Question]:
    ids = [slot["version"] for slot in attempt.layout]
    snapshots = dict(
        db.session.execute(
            select(QuestionVersion.id, QuestionVersion.snapshot).where(QuestionVersion.id.in_(ids))
        ).all()
    )
    return [from_snapshot(snapshots[i]) for i in ids]


def own_attempt(attempt_id: int, learner_id: int) -> Attempt:
    """The learner's attempt, or AttemptRefused (someone else's attempt is refused)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise AttemptRefused("no_such_attempt", str(attempt_id))
    if attempt.learner_id != learner_id:
        raise AttemptRefused("not_your_attempt", str(attempt_id))
    return attempt


def save_responses(
    attempt: Attempt, responses: dict[int, Any], questions: list[Question] | None = None
) -> None:
    """Keep the learner's answers, by slot and as shown; None clears a slot. Commits.

    Every answer is checked against the question as the attempt showed it before
    anything is written: one bad answer and nothing of the request is kept.
    """
    if attempt.status != ATTEMPT_IN_PROGRESS:
        raise AttemptRefused("already_submitted")
    questions = questions if questions is not None else questions_of(attempt)
    accepted: dict[int, Any] = {}
    for slot, response in responses.items():
        if not isinstance(slot, int) or not 0 <= slot < len(attempt.layout):
            raise AttemptRefused("no_such_question", str(slot))
        if response is None:
            accepted[slot] = None
            continue
        try:
            accepted[slot] = kind_of(questions[slot]).accept(
                questions[slot], attempt.layout[slot]["order"], response
            )
        except ResponseRejected as exc:
            raise AttemptRefused(exc.code, f"slot {slot}") from exc
    existing = {
        r.slot: r
        for r in db.session.execute(
            select(AttemptResponse).where(AttemptResponse.attempt_id == attempt.id)
        ).scalars()
    }
    now = utcnow()
    for slot, value in accepted.items():
        row = existing.get(slot)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(AttemptResponse(attempt_id=attempt.id, slot=slot, response=value))
        elif row.response != value:
            row.response, row.saved_at = value, now
    # Submitted meanwhile (another tab)? Then these answers arrive too late for grading.
    still_open = db.session.execute(
        select(Attempt.status).where(Attempt.id == attempt.id)
    ).scalar_one()
    if still_open != ATTEMPT_IN_PROGRESS:
        db.session.rollback()
        raise AttemptRefused("already_submitted")
    db.session.commit()


def saved_responses(attempt_id: int) -> dict[int, Any]:
    return dict(
        db.session.execute(
            select(AttemptResponse.slot, AttemptResponse.response).where(
                AttemptResponse.attempt_id == attempt_id
            )
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


def _claim(attempt_id: int) -> int:
    """Move the attempt to submitted; 1 if this request did it, 0 if another one had."""
    claim = (
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.status == ATTEMPT_IN_PROGRESS)
        .values(status=ATTEMPT_SUBMITTED, submitted_at=utcnow())
    )
    try:
        return db.session.execute(claim).rowcount  # type: ignore[attr-defined,no-any-return]
    except OperationalError:
        # SQLite: another submit committed after this transaction's snapshot was taken
        # (SQLITE_BUSY_SNAPSHOT); start again from a fresh one. PostgreSQL waits instead.
        db.session.rollback()
        return db.session.execute(claim).rowcount  # type: ignore[attr-defined,no-any-return]


def submit(attempt_id: int, learner_id: int) -> Result:
    """Grade the attempt exactly once; a second submit returns the first result."""
    attempt = own_attempt(attempt_id, learner_id)
    claimed = _claim(attempt_id)
    if claimed != 1:
        db.session.rollback()
        db.session.refresh(attempt)
        assert attempt.score is not None and attempt.passed is not None
        return Result(attempt.id, attempt.score, attempt.passed, graded_now=False)
    responses = {
        r.slot: r
        for r in db.session.execute(
            select(AttemptResponse).where(AttemptResponse.attempt_id == attempt_id)
        ).scalars()
    }
    earned = possible = 0.0
    for slot, question in enumerate(questions_of(attempt)):
        saved = responses.get(slot)
        outcome = grade(question, saved.response if saved else None)
        if saved is not None:
            saved.fraction = outcome.fraction
        if kind_of(question).scored:
            possible += 1
            earned += outcome.fraction or 0.0
    score = earned / possible if possible else 1.0
    passed = score * 100 >= attempt.pass_mark - 1e-9
    db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id).values(score=score, passed=passed)
    )
    db.session.commit()
    return Result(attempt_id, score, passed, graded_now=True)


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
    def unfinished(self) -> AttemptSummary | None:
        return next((a for a in self.attempts if a.status == ATTEMPT_IN_PROGRESS), None)

    def attempts_left(self, allowed: int) -> int | None:
        """None: unlimited."""
        return None if not allowed else max(0, allowed - self.used)


def standing(quiz_id: int, learner_id: int, grading_method: str) -> Standing:
    rows = db.session.execute(
        select(
            Attempt.id,
            Attempt.number,
            Attempt.status,
            Attempt.started_at,
            Attempt.submitted_at,
            Attempt.score,
            Attempt.passed,
        )
        .where(Attempt.quiz_id == quiz_id, Attempt.learner_id == learner_id)
        .order_by(Attempt.number)
    ).all()
    attempts = tuple(AttemptSummary(*row) for row in rows)
    graded = [a for a in attempts if a.score is not None]
    if not graded:
        grade_ = None
    elif grading_method == "last":
        grade_ = graded[-1].score
    else:
        grade_ = max(a.score for a in graded if a.score is not None)
    return Standing(attempts, grade_, any(a.passed for a in graded))


@dataclass(frozen=True)
class QuizBrief:
    """What a module page says about its quiz: one query per page view."""

    quiz_id: int
    used: int
    passed: bool
    unfinished_id: int | None


_A = Attempt.__table__
_Q = Quiz.__table__


@functools.cache
def _brief_statement() -> Select:  # type: ignore[type-arg]
    attempts = and_(_A.c.quiz_id == _Q.c.id, _A.c.learner_id == bindparam("learner"))
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


def quiz_brief(module_id: int, learner_id: int) -> QuizBrief | None:
    """None when the module has no quiz."""
    row = db.session.execute(
        _brief_statement(), {"module": module_id, "learner": learner_id}
    ).first()
    if row is None:
        return None
    return QuizBrief(row[0], row[1], bool(row[2]), row[3])
