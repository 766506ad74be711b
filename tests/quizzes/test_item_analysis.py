"""Item analysis figures against a hand-computed example, as Moodle's quiz statistics
compute them (question/classes/statistics/questions/calculator.php)."""

from __future__ import annotations

import pytest

from quizzes.item_analysis import CountedAttempt, Slot, analyse, counted, plain, readable
from quizzes.model import Choice, Pair, Question

TF = Question(kind="truefalse", text="Is a trial period <b>usual</b>?", truth=True)
SINGLE = Question(
    kind="single",
    text="Who signs the contract?",
    choices=(
        Choice("You and the employer", 1.0),
        Choice("Only you", 0.0),
        Choice("The union", 0.0),
    ),
)
MULTI = Question(
    kind="multiple",
    text="Which are benefits?",
    choices=(Choice("Lunch", 0.5), Choice("Sport", 0.5), Choice("Nothing", -1.0)),
)
ESSAY = Question(kind="essay", text="What will you ask first?")


def _attempt(learner, number, *marks, essay=None):
    """``marks``: (response, fraction) for TF, SINGLE, MULTI in that order."""
    slots = tuple(
        Slot(qid, q, response, fraction)
        for qid, q, (response, fraction) in zip((1, 2, 3), (TF, SINGLE, MULTI), marks, strict=True)
    ) + (Slot(4, ESSAY, essay, None),)
    total = sum(f or 0 for _, f in marks)
    return CountedAttempt(learner, number, total / 3, slots)


# Five learners; marks per question (q1, q2, q3) and attempt totals:
#   A 1 1 1   = 3      B 1 0 1   = 2      C 1 1 0   = 2
#   D 0 0 0.5 = 0.5    E 0 0 –   = 0 (q3 not answered)
FIVE = [
    _attempt(1, 1, (True, 1.0), (0, 1.0), ([0, 1], 1.0), essay="Työvuorot"),
    _attempt(2, 1, (True, 1.0), (1, 0.0), ([0, 1], 1.0), essay="Lomat"),
    _attempt(3, 1, (True, 1.0), (0, 1.0), ([2], 0.0)),
    _attempt(4, 1, (False, 0.0), (1, 0.0), ([0], 0.5)),
    _attempt(5, 1, (False, 0.0), (2, 0.0), (None, None)),
]


def test_facility_and_discrimination_match_the_hand_computed_example():
    q1, q2, q3, essay = analyse(FIVE, order=[1, 2, 3, 4])
    # q1: marks 1 1 1 0 0 (mean .6); the rest of the test 2 1 1 .5 0 (mean .9).
    # Deviations .4 .4 .4 -.6 -.6 and 1.1 .1 .1 -.4 -.9: sums of products 1.3,
    # of squares 1.2 and 2.2; over n-1 = 4: cov .325, var .3 and .55.
    # 100 × .325 / √(.3 × .55) = 80.0
    assert round(q1.facility, 1) == 60.0
    assert round(q1.discrimination, 1) == 80.0
    # q2: marks 1 0 1 0 0 (mean .4); rest 2 2 1 .5 0 (mean 1.1).
    # Deviations .6 -.4 .6 -.4 -.4 and .9 .9 -.1 -.6 -1.1: products .54 -.36 -.06 .24 .44
    # = .8, squares 1.2 and 3.2: 100 × .2 / √(.3 × .8) = 40.8
    assert round(q2.facility, 1) == 40.0
    assert round(q2.discrimination, 1) == 40.8
    # q3: marks 1 1 0 .5 0 (mean .5); rest 2 1 2 0 0 (mean 1).
    # Deviations .5 .5 -.5 0 -.5 and 1 0 1 -1 -1: products .5 0 -.5 0 .5 = .5,
    # squares 1.0 and 4.0: 100 × .125 / √(.25 × 1) = 25.0
    assert round(q3.facility, 1) == 50.0
    assert round(q3.discrimination, 1) == 25.0
    # Answered, right, and the share right of the attempts that showed it.
    assert [(q.shown, q.answered, q.right) for q in (q1, q2, q3)] == [
        (5, 5, 3),
        (5, 5, 2),
        (5, 4, 2),
    ]
    assert (q1.right_share, q3.right_share) == (60.0, 40.0)
    # A reflection is not scored: answered counts only.
    assert (essay.scored, essay.shown, essay.answered, essay.facility, essay.discrimination) == (
        False,
        5,
        2,
        None,
        None,
    )


def test_common_wrong_answers_read_as_the_learner_saw_them():
    q1, q2, q3, _ = analyse(FIVE)
    assert [(w.truth, w.count) for w in q1.wrong] == [(False, 2)]
    assert [(w.text, w.count) for w in q2.wrong] == [("Only you", 2), ("The union", 1)]
    # Partial credit is not right; an unanswered question is no wrong answer.
    assert [(w.text, w.count) for w in q3.wrong] == [("Lunch", 1), ("Nothing", 1)]
    assert q1.text == "Is a trial period usual?"


def test_at_most_three_wrong_answers_most_common_first():
    short = Question(kind="short", text="Capital?", choices=(Choice("Helsinki", 1.0),))
    answers = ["Turku", "Turku", "Tampere", "Oulu", "Oulu", "Oulu", "Espoo", "Helsinki"]
    attempts = [
        CountedAttempt(i, 1, None, (Slot(9, short, a, 1.0 if a == "Helsinki" else 0.0),))
        for i, a in enumerate(answers)
    ]
    (item,) = analyse(attempts)
    assert [(w.text, w.count) for w in item.wrong] == [("Oulu", 3), ("Turku", 2), ("Espoo", 1)]
    assert item.discrimination is None  # the rest of a one-question test never varies


def test_fewer_than_two_attempts_or_no_variation_gives_no_discrimination():
    (q1, q2, q3, _) = analyse(FIVE[:1])
    assert [(q.facility, q.discrimination) for q in (q1, q2, q3)] == [(100.0, None)] * 3
    everyone_right = [_attempt(i, 1, (True, 1.0), (0, 1.0), ([0, 1], 1.0)) for i in range(3)]
    assert all(q.discrimination is None for q in analyse(everyone_right)[:3])


@pytest.mark.parametrize(
    ("method", "allowed", "expected"),
    [
        ("highest", 0, [(1, 2), (2, 1)]),  # the best; of equals, the earliest
        ("last", 0, [(1, 3), (2, 2)]),
        ("highest", 1, [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)]),  # one allowed: all
    ],
)
def test_the_attempts_counted_are_the_grading_methods(method, allowed, expected):
    attempts = [
        CountedAttempt(1, 1, 0.2, ()),
        CountedAttempt(1, 2, 0.9, ()),
        CountedAttempt(1, 3, 0.5, ()),
        CountedAttempt(2, 1, 0.7, ()),
        CountedAttempt(2, 2, 0.7, ()),
    ]
    chosen = counted(attempts, method, allowed)
    assert [(a.learner_id, a.number) for a in chosen] == expected


def test_hostile_or_odd_responses_are_left_out_not_crashed_on():
    assert readable(SINGLE, 7) is None
    assert readable(SINGLE, True) is None
    assert readable(SINGLE, "0") is None
    assert readable(MULTI, [9, "x"]) is None
    assert readable(TF, "yes") is None
    matching = Question(
        kind="matching", text="Match", pairs=(Pair("Kela", "benefits"), Pair("TE", "jobs"))
    )
    assert readable(matching, {"Kela": "jobs"}) == ("Kela → jobs; TE → –", None)
    assert plain("x" * 500).endswith("…") and len(plain("x" * 500)) == 140
    assert plain("<script>alert(1)</script>Hi &amp; bye") == "Hi & bye"


def test_a_description_is_left_out():
    description = Question(kind="description", text="Lue ensin tämä.")
    with_text = [
        CountedAttempt(a.learner_id, a.number, a.score, (Slot(9, description, None, None), *a.slots))
        for a in FIVE
    ]
    items = analyse(with_text, order=[9, 1, 2, 3, 4])
    assert [i.question_id for i in items] == [1, 2, 3, 4]
