"""Exceptions and replies as services: limits per learner, a reset that keeps every row,
replies kept on edit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courses.database import db
from lti_tool.identity.models import LtiUser
from lti_tool.registry.models import Platform
from quizzes.attempts import AttemptRefused, save_response, start_attempt, submit
from quizzes.exceptions import (
    ExceptionRefused,
    allowance,
    exceptions_of,
    grant_extra_attempts,
    reset_quiz,
)
from quizzes.gift.parser import parse_gift
from quizzes.models import Attempt, AttemptResponse, Quiz, ReflectionReply
from quizzes.reflections import (
    REPLY_MAX,
    ReplyRefused,
    course_reflections,
    learner_reflections,
    mark_seen,
    write_reply,
)
from quizzes.services import import_questions
from quizzes.settings import Settings
from quizzes.standing import quiz_brief, standing

GIFT = """// [id:a]
Written contract? {T}

// [id:e]
What will you check first? {}
"""
LIMIT = Settings(attempts_allowed=1)
COURSE = 0


@pytest.fixture
def quiz(site):
    with site.app.app_context():
        import_questions("finnish-working-life", "fi", parse_gift(GIFT))
        quiz = db.session.execute(select(Quiz)).scalar_one()
        platform = db.session.execute(select(Platform)).scalars().first()
        people = []
        for sub in ("learner-1", "learner-2", "trainer-1"):
            user = LtiUser(platform_id=platform.id, sub=sub)
            db.session.add(user)
            db.session.flush()
            people.append(user.id)
        db.session.commit()
        yield quiz, people


def _take(quiz, learner, right=True, essay="Minä kysyn."):
    attempt = start_attempt(quiz, learner, "fi", LIMIT)
    slots = {q: i for i, q in enumerate(a["version"] for a in attempt.layout)}
    assert len(slots) == 2
    for slot in range(2):
        if slot == _essay_slot(attempt):
            save_response(attempt.id, learner, slot, essay)
        else:
            save_response(attempt.id, learner, slot, right)
    return submit(attempt.id, learner), attempt


def _essay_slot(attempt):
    from quizzes.attempts import questions_of

    return next(i for i, q in enumerate(questions_of(attempt)) if q.kind == "essay")


def test_extra_attempts_raise_the_limit_for_that_learner_only(quiz):
    quiz, (one, two, trainer) = quiz
    _take(quiz, one)
    _take(quiz, two)
    with pytest.raises(AttemptRefused):
        start_attempt(quiz, one, "fi", LIMIT)
    grant_extra_attempts(quiz.id, one, COURSE, 2, by=trainer, note="ill on the day")
    assert allowance(quiz.id, one, COURSE).extra == 2
    record = standing(quiz.id, one, "highest", COURSE)
    assert (record.allowed(1), record.attempts_left(1)) == (3, 2)
    _take(quiz, one)
    _take(quiz, one)
    with pytest.raises(AttemptRefused):
        start_attempt(quiz, one, "fi", LIMIT)
    with pytest.raises(AttemptRefused):  # the other learner's limit is the course's
        start_attempt(quiz, two, "fi", LIMIT)
    (entry,) = exceptions_of(one, COURSE)
    assert (entry.kind, entry.extra_attempts, entry.note, entry.created_by) == (
        "extra_attempts",
        2,
        "ill on the day",
        trainer,
    )


@pytest.mark.parametrize("count", [0, 11, -1])
def test_extra_attempts_are_bounded(quiz, count):
    quiz, (one, _two, trainer) = quiz
    with pytest.raises(ExceptionRefused):
        grant_extra_attempts(quiz.id, one, COURSE, count, by=trainer)
    with pytest.raises(ExceptionRefused):
        grant_extra_attempts(quiz.id, one, COURSE, 1, by=trainer, note="x" * 501)
    assert exceptions_of(one, COURSE) == []


def test_a_reset_keeps_every_row_and_counts_from_zero(quiz):
    quiz, (one, _two, trainer) = quiz
    first, _ = _take(quiz, one, right=True)
    assert first.passed
    rows_before = db.session.execute(select(func.count()).select_from(AttemptResponse)).scalar()
    with pytest.raises(ExceptionRefused):  # nothing to reset for someone without attempts
        reset_quiz(quiz.id, _two, COURSE, by=trainer)
    reset_quiz(quiz.id, one, COURSE, by=trainer, note="new start")
    with pytest.raises(ExceptionRefused):  # nothing sent since
        reset_quiz(quiz.id, one, COURSE, by=trainer)
    record = standing(quiz.id, one, "highest", COURSE)
    assert record.used == 0 and record.grade is None and len(record.earlier) == 1
    assert record.passed  # passing is never taken away
    assert record.attempts_left(1) == 1
    second, attempt = _take(quiz, one, right=False)
    assert attempt.number == 2  # numbered on: the earlier attempt keeps its number
    record = standing(quiz.id, one, "highest", COURSE)
    assert record.used == 1 and record.grade == pytest.approx(second.score)  # not the old 100 %
    with pytest.raises(AttemptRefused):
        start_attempt(quiz, one, "fi", LIMIT)
    assert db.session.execute(select(func.count()).select_from(Attempt)).scalar() == 2
    assert (
        db.session.execute(select(func.count()).select_from(AttemptResponse)).scalar()
        == rows_before + 2
    )
    # The trainer still sees the earlier reflection, marked as before the reset.
    (entry,) = course_reflections(quiz.id, COURSE)
    assert entry.latest.number == 2 and not entry.latest.before_reset
    assert [a.before_reset for a in entry.earlier] == [True]


def test_extra_attempts_before_a_reset_do_not_carry_over(quiz):
    quiz, (one, _two, trainer) = quiz
    _take(quiz, one)
    grant_extra_attempts(quiz.id, one, COURSE, 3, by=trainer)
    reset_quiz(quiz.id, one, COURSE, by=trainer)
    assert allowance(quiz.id, one, COURSE) == (allowance(quiz.id, one, COURSE).__class__(1, 0))


def test_a_reply_is_kept_on_edit_and_shown_once_as_new(quiz):
    quiz, (one, two, trainer) = quiz
    _result, attempt = _take(quiz, one)
    slot = _essay_slot(attempt)
    with pytest.raises(ReplyRefused):
        write_reply(attempt.id, slot, "   ", trainer)
    with pytest.raises(ReplyRefused):
        write_reply(attempt.id, slot, "x" * (REPLY_MAX + 1), trainer)
    with pytest.raises(ReplyRefused):  # not an open question
        write_reply(attempt.id, 1 - slot, "Hyvä!", trainer)
    write_reply(attempt.id, slot, "Hyvä ajatus.", trainer)
    assert quiz_brief(quiz.module_id, one, COURSE).unseen_replies == 1
    assert quiz_brief(quiz.module_id, two, COURSE).unseen_replies == 0
    write_reply(attempt.id, slot, "Hyvä ajatus. Kysy myös lomista.", trainer)
    write_reply(attempt.id, slot, "Hyvä ajatus. Kysy myös lomista.", trainer)  # the same: no row
    texts = db.session.execute(
        select(ReflectionReply.text, ReflectionReply.replaced_at.is_(None)).order_by(
            ReflectionReply.id
        )
    ).all()
    assert texts == [("Hyvä ajatus.", False), ("Hyvä ajatus. Kysy myös lomista.", True)]
    (answer,) = learner_reflections(quiz.id, one, COURSE)
    assert answer.reply.text == "Hyvä ajatus. Kysy myös lomista." and len(answer.replies) == 2
    assert quiz_brief(quiz.module_id, one, COURSE).unseen_replies == 1
    mark_seen([answer])
    assert quiz_brief(quiz.module_id, one, COURSE).unseen_replies == 0
    (answer,) = learner_reflections(quiz.id, one, COURSE)
    assert answer.reply.seen_at is not None
