"""Reflections: learners' answers to a quiz's open questions (essays), and the trainer's
written replies to them.

A course's reflections are read as one entry per learner and question: the latest
answer, with the learner's earlier answers to the same question (other attempts, other
versions of the question) behind it. A reply belongs to one answer (attempt and slot);
editing it adds a row and marks the earlier one replaced, so no text is lost. The
learner sees the current reply on their next visit; ``seen_at`` says when it was first
shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update

from courses.database import db, transaction_for_writes, utcnow
from quizzes.attempts import questions_of
from quizzes.model import Question
from quizzes.models import (
    ATTEMPT_SUBMITTED,
    QUIZ_RESET,
    Attempt,
    AttemptResponse,
    LearnerException,
    QuestionVersion,
    ReflectionReply,
)

REPLY_MAX = 2000  # characters

_A, _R, _RR, _E = (
    Attempt.__table__,
    AttemptResponse.__table__,
    ReflectionReply.__table__,
    LearnerException.__table__,
)


class ReplyRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Reply:
    id: int
    text: str
    author_id: int | None
    created_at: datetime
    replaced_at: datetime | None
    seen_at: datetime | None


@dataclass
class Answer:
    """One reflection: a learner's answer to an open question in one attempt."""

    attempt_id: int
    number: int
    slot: int
    text: str
    submitted_at: datetime | None
    before_reset: bool
    question: Question
    replies: list[Reply] = field(default_factory=list)  # newest first

    @property
    def reply(self) -> Reply | None:
        """The current reply (an edited one's earlier texts follow it in ``replies``)."""
        return self.replies[0] if self.replies and self.replies[0].replaced_at is None else None


@dataclass
class Entry:
    """A learner's reflections on one question: the latest answer and the earlier ones."""

    learner_id: int
    question_id: int
    latest: Answer
    earlier: list[Answer] = field(default_factory=list)  # newest first


def clean_reply(text: str | None) -> str:
    """The reply as stored (trimmed, line ends unified), or ReplyRefused."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ReplyRefused("empty_reply")
    if len(text) > REPLY_MAX:
        raise ReplyRefused("reply_too_long")
    return text


def _replies(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Reply]]:
    attempt_ids = {attempt for attempt, _ in keys}
    found: dict[tuple[int, int], list[Reply]] = {}
    if not attempt_ids:
        return found
    rows = db.session.execute(
        select(
            _RR.c.attempt_id,
            _RR.c.slot,
            _RR.c.id,
            _RR.c.text,
            _RR.c.author_id,
            _RR.c.created_at,
            _RR.c.replaced_at,
            _RR.c.seen_at,
        )
        .where(_RR.c.attempt_id.in_(attempt_ids))
        .order_by(_RR.c.id.desc())
    )
    for attempt, slot, *rest in rows:
        found.setdefault((attempt, slot), []).append(Reply(*rest))
    return found


def _answers(attempts: list[Attempt], marks: dict[int, int]) -> list[tuple[int, Answer]]:
    """Every essay answer of the attempts, with the id of the question it answers."""
    if not attempts:
        return []
    by_id = {a.id: a for a in attempts}
    responses = db.session.execute(
        select(_R.c.attempt_id, _R.c.slot, _R.c.response).where(_R.c.attempt_id.in_(by_id))
    ).all()
    version_ids = {slot["version"] for a in attempts for slot in a.layout}
    question_of = dict(
        db.session.execute(
            select(QuestionVersion.id, QuestionVersion.question_id).where(
                QuestionVersion.id.in_(version_ids)
            )
        ).all()
    )
    shown: dict[int, list[Question]] = {}
    found = []
    for attempt_id, slot, response in responses:
        attempt = by_id[attempt_id]
        if attempt_id not in shown:
            shown[attempt_id] = questions_of(attempt)
        question = shown[attempt_id][slot]
        if question.kind != "essay" or not isinstance(response, str) or not response.strip():
            continue
        answer = Answer(
            attempt_id,
            attempt.number,
            slot,
            response,
            attempt.submitted_at,
            attempt.number <= marks.get(attempt.learner_id, 0),
            question,
        )
        found.append((question_of[attempt.layout[slot]["version"]], answer))
    replies = _replies((a.attempt_id, a.slot) for _, a in found)
    for _, answer in found:
        answer.replies = replies.get((answer.attempt_id, answer.slot), [])
    return found


def reset_marks(quiz_id: int, course: int) -> dict[int, int]:
    """Per learner, the attempt number their last reset set aside (0: none)."""
    return dict(
        db.session.execute(
            select(_E.c.learner_id, func.max(_E.c.reset_after))
            .where(_E.c.quiz_id == quiz_id, _E.c.course_key == course, _E.c.kind == QUIZ_RESET)
            .group_by(_E.c.learner_id)
        ).all()
    )


def _sent_attempts(quiz_id: int, course: int, learner_id: int | None = None) -> list[Attempt]:
    statement = (
        select(Attempt)
        .execution_options(populate_existing=True)
        .where(
            Attempt.quiz_id == quiz_id,
            Attempt.course_key == course,
            Attempt.status == ATTEMPT_SUBMITTED,
        )
    )
    if learner_id is not None:
        statement = statement.where(Attempt.learner_id == learner_id)
    return list(db.session.execute(statement.order_by(Attempt.number)).scalars())


def course_reflections(quiz_id: int, course: int) -> list[Entry]:
    """One entry per learner and question in the course (a ``course_key``), the latest
    answer first in each and the entries newest first."""
    attempts = _sent_attempts(quiz_id, course)
    entries: dict[tuple[int, int], Entry] = {}
    answers = _answers(attempts, reset_marks(quiz_id, course))
    # Newest first: by attempt number per learner (numbers grow), then the slot.
    answers.sort(key=lambda qa: (qa[1].number, -qa[1].slot), reverse=True)
    learner_of = {a.id: a.learner_id for a in attempts}
    for question_id, answer in answers:
        key = (learner_of[answer.attempt_id], question_id)
        if key in entries:
            entries[key].earlier.append(answer)
        else:
            entries[key] = Entry(key[0], question_id, answer)
    return sorted(
        entries.values(),
        key=lambda e: (
            e.latest.submitted_at is not None,
            e.latest.submitted_at,
            e.latest.attempt_id,
        ),
        reverse=True,
    )


def learner_reflections(quiz_id: int, learner_id: int, course: int) -> list[Answer]:
    """The learner's own reflections at the quiz in the course, newest first."""
    attempts = _sent_attempts(quiz_id, course, learner_id)
    answers = [a for _, a in _answers(attempts, reset_marks(quiz_id, course))]
    return sorted(answers, key=lambda a: (a.number, -a.slot), reverse=True)


def reflection_of(attempt_id: int, slot: int) -> tuple[Attempt, Question]:
    """The sent attempt and the open question at ``slot`` (ReplyRefused otherwise)."""
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if attempt is None or attempt.status != ATTEMPT_SUBMITTED:
        raise ReplyRefused("no_such_reflection")
    questions = questions_of(attempt)
    if not 0 <= slot < len(questions) or questions[slot].kind != "essay":
        raise ReplyRefused("no_such_reflection")
    answer = db.session.execute(
        select(_R.c.response).where(_R.c.attempt_id == attempt_id, _R.c.slot == slot)
    ).scalar_one_or_none()
    if not isinstance(answer, str) or not answer.strip():
        raise ReplyRefused("no_such_reflection")
    return attempt, questions[slot]


def write_reply(attempt_id: int, slot: int, text: str | None, author_id: int | None) -> Reply:
    """Reply to a reflection, or edit the reply (the earlier text is kept); commits. The
    same text again changes nothing. The caller checks whose reflection it is."""
    text = clean_reply(text)
    reflection_of(attempt_id, slot)
    transaction_for_writes()
    current = db.session.execute(
        select(ReflectionReply)
        .where(
            ReflectionReply.attempt_id == attempt_id,
            ReflectionReply.slot == slot,
            ReflectionReply.replaced_at.is_(None),
        )
        .with_for_update()
    ).scalar_one_or_none()
    if current is not None and current.text == text:
        db.session.rollback()
        return _reply(current)
    now = utcnow()
    if current is not None:
        current.replaced_at = now
    row = ReflectionReply(
        attempt_id=attempt_id, slot=slot, text=text, author_id=author_id, created_at=now
    )
    db.session.add(row)
    db.session.commit()
    return _reply(row)


def _reply(row: ReflectionReply) -> Reply:
    return Reply(row.id, row.text, row.author_id, row.created_at, row.replaced_at, row.seen_at)


def mark_seen(answers: Iterable[Answer]) -> None:
    """Note that the learner has now been shown these answers' current replies."""
    unseen = [a.reply.id for a in answers if a.reply is not None and a.reply.seen_at is None]
    if not unseen:
        return
    transaction_for_writes()
    db.session.execute(
        update(_RR).where(_RR.c.id.in_(unseen), _RR.c.seen_at.is_(None)).values(seen_at=utcnow())
    )
    db.session.commit()
