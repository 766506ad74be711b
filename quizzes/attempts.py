"""Attempts: start, save answers as the learner goes, submit (graded exactly once), review.

Grading happens once, on the server, whatever the number of submits: the attempt moves
from in progress to submitted with one conditional UPDATE, and only the request whose
UPDATE changed the row grades it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

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
from quizzes.snapshot import from_snapshot
from quizzes.types import grade, kind_of

MAX_RESPONSE_CHARS = 5000


class AttemptRefused(Exception):
    """A request the attempt rules do not allow; ``code`` names the reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def start_attempt(
    quiz: Quiz, learner_id: int, language: str, rng: random.Random | None = None
) -> Attempt:
    rng = rng or random.Random()
    used = db.session.execute(
        select(func.count()).where(Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id)
    ).scalar_one()
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise AttemptRefused("no_attempts_left", f"{used} of {quiz.attempts_allowed} used")
    versions = latest_versions(quiz.id, language)
    if not versions:
        raise AttemptRefused("empty_quiz")
    if quiz.random_count:
        versions = rng.sample(versions, min(quiz.random_count, len(versions)))
    elif quiz.shuffle_questions:
        rng.shuffle(versions)
    layout = []
    for version in versions:
        question = from_snapshot(version.snapshot)
        size = (
            len(question.choices)
            if question.kind in {"single", "multiple"}
            else len(question.pairs)
        )
        order = list(range(size))
        if (
            quiz.shuffle_answers or question.kind == "matching"
        ):  # matching: always shuffle the right side
            rng.shuffle(order)
        layout.append({"version": version.id, "order": order})
    attempt = Attempt(
        quiz_id=quiz.id, learner_id=learner_id, number=used + 1, language=language, layout=layout
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def questions_of(attempt: Attempt) -> list[Question]:
    ids = [slot["version"] for slot in attempt.layout]
    snapshots = dict(
        db.session.execute(
            select(QuestionVersion.id, QuestionVersion.snapshot).where(QuestionVersion.id.in_(ids))
        ).all()
    )
    return [from_snapshot(snapshots[i]) for i in ids]


def _own(attempt_id: int, learner_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise AttemptRefused("no_such_attempt", str(attempt_id))
    if attempt.learner_id != learner_id:
        raise AttemptRefused("not_your_attempt", str(attempt_id))
    return attempt


def _valid(question: Question, order: list[int], response: Any) -> Any:
    """The response in terms of the question's own answers, or AttemptRefused."""
    if isinstance(response, str) and len(response) > MAX_RESPONSE_CHARS:
        raise AttemptRefused("response_too_long")
    if question.kind == "single":
        if not isinstance(response, int) or not 0 <= response < len(order):
            raise AttemptRefused("bad_choice")
        return order[response]
    if question.kind == "multiple":
        if not isinstance(response, list) or any(
            not isinstance(i, int) or not 0 <= i < len(order) for i in response
        ):
            raise AttemptRefused("bad_choice")
        return sorted({order[i] for i in response})
    if question.kind == "truefalse":
        if not isinstance(response, bool):
            raise AttemptRefused("bad_choice")
        return response
    if question.kind == "matching":
        lefts = {p.left for p in question.pairs}
        rights = {p.right for p in question.pairs}
        if (
            not isinstance(response, dict)
            or not set(response) <= lefts
            or not set(response.values()) <= rights
        ):
            raise AttemptRefused("bad_choice")
        return response
    if question.kind in {"short", "numerical", "essay"}:
        if not isinstance(response, str):
            raise AttemptRefused("bad_answer")
        return response
    raise AttemptRefused("nothing_to_answer")


def save_response(attempt_id: int, learner_id: int, slot: int, response: Any) -> None:
    """Keep the learner's answer for one slot (shown order), replacing the previous one."""
    attempt = _own(attempt_id, learner_id)
    if attempt.status != ATTEMPT_IN_PROGRESS:
        raise AttemptRefused("already_submitted")
    if not 0 <= slot < len(attempt.layout):
        raise AttemptRefused("no_such_question", str(slot))
    question = questions_of(attempt)[slot]
    value = _valid(question, attempt.layout[slot]["order"], response)
    existing = db.session.execute(
        select(AttemptResponse).where(
            AttemptResponse.attempt_id == attempt.id, AttemptResponse.slot == slot
        )
    ).scalar_one_or_none()
    if existing is None:
        db.session.add(AttemptResponse(attempt_id=attempt.id, slot=slot, response=value))
    else:
        existing.response, existing.saved_at = value, utcnow()
    db.session.commit()


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


def submit(attempt_id: int, learner_id: int, pass_mark: int) -> Result:
    """Grade the attempt exactly once; a second submit returns the first result."""
    attempt = _own(attempt_id, learner_id)
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
    passed = score * 100 >= pass_mark - 1e-9
    db.session.execute(
        update(Attempt).where(Attempt.id == attempt_id).values(score=score, passed=passed)
    )
    db.session.commit()
    return Result(attempt_id, score, passed, graded_now=True)
