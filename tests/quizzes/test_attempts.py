"""Attempts: saved as the learner goes, graded exactly once, limited, and refused clearly."""

from __future__ import annotations

import random
import threading

import pytest
from sqlalchemy import select

from courses.database import db
from lti_tool.identity.models import LtiUser
from lti_tool.registry.models import Platform
from quizzes.attempts import (
    AttemptRefused,
    questions_of,
    save_response,
    start_attempt,
    submit,
)
from quizzes.gift.parser import parse_gift
from quizzes.models import Attempt, AttemptResponse, Quiz
from quizzes.services import import_questions
from quizzes.settings import Settings
from quizzes.standing import standing

GIFT = """// [id:a]
Written contract? {T#It is safest in writing.#Right.}

// [id:b]
The tax card comes from {=the Tax Administration ~the bank ~the police} online.

// [id:c]
Pick the two things a pay slip shows. {~%50%gross pay ~%50%tax withheld ~%-100%your address}

// [id:d]
How many hours is a full week at most? {#40:0}

// [id:e]
What will you check first? {}
"""


@pytest.fixture
def quiz(site):
    with site.app.app_context():
        import_questions("finnish-working-life", "fi", parse_gift(GIFT))
        quiz = db.session.execute(select(Quiz)).scalar_one()
        platform = db.session.execute(select(Platform)).scalars().first()
        learners = []
        for sub in ("learner-1", "learner-2"):
            user = LtiUser(platform_id=platform.id, sub=sub)
            db.session.add(user)
            db.session.flush()
            learners.append(user.id)
        db.session.commit()
        yield quiz, learners


def _answer_all_right(attempt, learner):
    questions = questions_of(attempt)
    for slot, question in enumerate(questions):
        order = attempt.layout[slot]["order"]
        if question.kind == "truefalse":
            save_response(attempt.id, learner, slot, True)
        elif question.kind == "single":
            right = next(i for i, c in enumerate(question.choices) if c.fraction == 1.0)
            save_response(attempt.id, learner, slot, order.index(right))
        elif question.kind == "multiple":
            shown = [order.index(i) for i, c in enumerate(question.choices) if c.fraction > 0]
            save_response(attempt.id, learner, slot, shown)
        elif question.kind == "numerical":
            save_response(attempt.id, learner, slot, "40,0")
        elif question.kind == "essay":
            save_response(attempt.id, learner, slot, "The contract and the tax card.")


def test_an_attempt_keeps_answers_as_they_are_saved_and_grades_on_submit(quiz):
    quiz, (learner, _) = quiz
    attempt = start_attempt(quiz, learner, "fi", rng=random.Random(4))
    assert len(attempt.layout) == 5
    _answer_all_right(attempt, learner)
    save_response(attempt.id, learner, 0, False)  # changed their mind, then back
    save_response(attempt.id, learner, 0, True)
    assert db.session.execute(select(AttemptResponse)).scalars().all().__len__() == 5
    result = submit(attempt.id, learner)
    assert (result.score, result.passed, result.graded_now) == (1.0, True, True)


def test_shuffled_choices_are_mapped_back_before_grading(quiz):
    quiz, (learner, _) = quiz
    attempt = start_attempt(quiz, learner, "fi", rng=random.Random(1))
    slot = next(i for i, q in enumerate(questions_of(attempt)) if q.kind == "single")
    order = attempt.layout[slot]["order"]
    wrong_shown = next(i for i, original in enumerate(order) if original != 0)
    save_response(attempt.id, learner, slot, wrong_shown)
    result = submit(attempt.id, learner)
    assert result.score == 0.0  # only a wrong answer was given


def test_a_second_submit_returns_the_first_result(quiz):
    quiz, (learner, _) = quiz
    attempt = start_attempt(quiz, learner, "fi")
    first = submit(attempt.id, learner)
    second = submit(attempt.id, learner)
    assert first.graded_now and not second.graded_now
    assert second.score == first.score == 0.0
    with pytest.raises(AttemptRefused, match="already_submitted"):
        save_response(attempt.id, learner, 0, True)


def test_concurrent_submits_grade_exactly_once(site, quiz):
    quiz, (learner, _) = quiz
    attempt = start_attempt(quiz, learner, "fi")
    _answer_all_right(attempt, learner)
    results, errors = [], []
    barrier = threading.Barrier(6)

    def submit_in_another_request():
        try:
            with site.app.app_context():
                barrier.wait()
                results.append(submit(attempt.id, learner))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit_in_another_request) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sum(r.graded_now for r in results) == 1
    assert {r.score for r in results} == {1.0}


def test_no_attempt_beyond_the_limit(quiz):
    quiz, (learner, other) = quiz
    quiz.attempts_allowed = 2
    db.session.commit()
    for _ in range(2):
        submit(start_attempt(quiz, learner, "fi").id, learner)
    with pytest.raises(AttemptRefused, match="no_attempts_left"):
        start_attempt(quiz, learner, "fi")
    assert db.session.query(Attempt).filter_by(learner_id=learner).count() == 2
    start_attempt(quiz, other, "fi")  # the limit is per learner


@pytest.mark.parametrize(
    ("slot", "response", "code"),
    [
        (9, True, "no_such_question"),
        (0, "yes", "bad_choice"),
        (1, 99, "bad_choice"),
        (3, "x" * 6000, "response_too_long"),
    ],
)
def test_tampered_answers_are_refused_and_nothing_is_saved(quiz, slot, response, code):
    quiz, (learner, _) = quiz
    attempt = start_attempt(quiz, learner, "fi", rng=random.Random(0))
    attempt.layout = sorted(attempt.layout, key=lambda s: s["version"])  # slots in file order
    db.session.commit()
    with pytest.raises(AttemptRefused, match=code):
        save_response(attempt.id, learner, slot, response)
    assert db.session.execute(select(AttemptResponse)).first() is None


def test_another_learners_attempt_is_refused(quiz):
    quiz, (learner, other) = quiz
    attempt = start_attempt(quiz, learner, "fi")
    with pytest.raises(AttemptRefused, match="not_your_attempt"):
        save_response(attempt.id, other, 0, True)
    with pytest.raises(AttemptRefused, match="not_your_attempt"):
        submit(attempt.id, other)


def test_an_attempt_keeps_the_versions_it_showed(quiz):
    quiz, (learner, _) = quiz
    attempt = start_attempt(quiz, learner, "fi")
    import_questions(
        "finnish-working-life", "fi", parse_gift(GIFT.replace("the bank", "your bank"))
    )
    assert "the bank" in [c.text for q in questions_of(attempt) for c in q.choices]


def test_a_random_selection_shows_n_questions_in_quiz_order(quiz):
    quiz, (learner, _) = quiz
    settings = Settings(random_count=3, shuffle_answers=False)
    shown = set()
    for seed in range(6):
        attempt = start_attempt(quiz, learner, "fi", settings, rng=random.Random(seed))
        ids = [slot["version"] for slot in attempt.layout]
        assert len(ids) == 3 and ids == sorted(ids)  # drawn, then kept in the quiz's order
        shown |= set(ids)
        submit(attempt.id, learner)
    assert len(shown) > 3  # different draws show different questions


def test_shuffled_questions_keep_every_question_once(quiz):
    quiz, (learner, _) = quiz
    orders = set()
    for seed in range(5):
        attempt = start_attempt(
            quiz, learner, "fi", Settings(shuffle_questions=True), rng=random.Random(seed)
        )
        ids = tuple(slot["version"] for slot in attempt.layout)
        assert len(set(ids)) == len(ids) == 5
        orders.add(ids)
        submit(attempt.id, learner)
    assert len(orders) > 1


@pytest.mark.parametrize(("method", "expected"), [("highest", 1.0), ("last", 0.0)])
def test_the_grade_that_counts_follows_the_grading_method(quiz, method, expected):
    quiz, (learner, _) = quiz
    first = start_attempt(quiz, learner, "fi")
    _answer_all_right(first, learner)
    submit(first.id, learner)
    submit(start_attempt(quiz, learner, "fi").id, learner)  # nothing answered: 0
    record = standing(quiz.id, learner, method, 0)  # attempts started without a course
    assert record.grade == expected
    assert record.passed  # a pass is never taken away
    assert [a.number for a in record.attempts] == [1, 2]


def test_starting_again_returns_the_unfinished_attempt(quiz):
    quiz, (learner, _) = quiz
    first = start_attempt(quiz, learner, "fi")
    again = start_attempt(quiz, learner, "fi")
    assert again.id == first.id
    assert db.session.query(Attempt).count() == 1


def test_submitting_with_the_answers_keeps_earlier_saved_ones(quiz):
    quiz, (learner, _) = quiz
    attempt = start_attempt(quiz, learner, "fi", Settings(shuffle_answers=False))
    slots = {q.kind: slot for slot, q in enumerate(questions_of(attempt))}
    save_response(attempt.id, learner, slots["truefalse"], True)
    result = submit(attempt.id, learner, {slots["numerical"]: "40"})
    with_fraction = dict(
        db.session.execute(
            select(AttemptResponse.slot, AttemptResponse.fraction).where(
                AttemptResponse.attempt_id == attempt.id
            )
        ).all()
    )
    assert with_fraction == {slots["truefalse"]: 1.0, slots["numerical"]: 1.0}
    assert result.score == pytest.approx(2 / 4)  # four scored questions, the essay is not
