"""Grading is a pure function of the question snapshot and the response."""

from __future__ import annotations

import pytest

from quizzes.gift.parser import parse_gift
from quizzes.types import REGISTRY, grade, parse_number


def q(source: str):
    (question,) = parse_gift(source)
    return question


def test_every_kind_is_a_registered_class():
    assert set(REGISTRY) == {
        "single",
        "multiple",
        "truefalse",
        "short",
        "numerical",
        "matching",
        "essay",
        "description",
    }


def test_single_choice_gives_the_chosen_answers_credit_and_feedback():
    question = q("Q {=right #Yes. ~%50%half #Partly. ~wrong #No.}")
    assert grade(question, 0).fraction == 1.0 and grade(question, 0).feedback == ("Yes.",)
    assert grade(question, 1).fraction == 0.5
    assert grade(question, 2).fraction == 0.0
    assert not grade(question, 7).answered  # a tampered index is not an answer


def test_multiple_response_adds_weights_and_never_goes_below_zero():
    question = q("Q {~%50%a ~%50%b ~%-100%c}")
    assert grade(question, [0, 1]).fraction == 1.0
    assert grade(question, [0, 2]).fraction == 0.0  # 0.5 - 1.0, floored
    assert grade(question, [0]).fraction == 0.5
    assert grade(question, [0, 0, 1]).fraction == 1.0  # a repeated choice counts once
    assert not grade(question, []).answered


def test_true_false_feedback_depends_on_being_right():
    question = q("The sky is blue. {T#Look again.#Yes.}")
    assert grade(question, True).fraction == 1.0 and grade(question, True).feedback == ("Yes.",)
    assert grade(question, False).feedback == ("Look again.",)
    assert not grade(question, "true").answered


@pytest.mark.parametrize("given", ["Vero", " vero ", "VERO", "Ve\u0301ro".replace("e\u0301", "e")])
def test_short_answer_ignores_case_and_spacing(given):
    assert grade(q("Who? {=Vero =%50%the state}"), given).fraction == 1.0


def test_short_answer_partial_credit_and_wrong_answers():
    question = q("Who? {=Vero =%50%the  state}")
    assert grade(question, "The State").fraction == 0.5
    assert grade(question, "bank").fraction == 0.0 and grade(question, "bank").answered


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,5", 1.5),
        ("1.5", 1.5),
        ("-2", -2.0),
        ("\u22122,25", -2.25),
        ("1 500", 1500.0),
        ("abc", None),
        ("1,2,3", None),
        ("", None),
    ],
)
def test_numbers_as_people_in_finland_write_them(text, number):
    assert parse_number(text) == number


def test_numerical_tolerance_and_ranges():
    assert grade(q("A {#60:5}"), "64,5").fraction == 1.0
    assert grade(q("A {#60:5}"), "66").fraction == 0.0
    assert grade(q("A {#1..3}"), "2,5").fraction == 1.0
    assert grade(q("A {#=10:0 =%50%10:2}"), "11").fraction == 0.5
    assert not grade(q("A {#60:5}"), "sixty").answered


def test_matching_scores_the_share_of_right_pairs():
    question = q("M {=a -> 1 =b -> 2 =c -> 3 =d -> 4}")
    assert grade(question, {"a": "1", "b": "2", "c": "4", "d": "3"}).fraction == 0.5


def test_reflection_is_answered_but_not_scored():
    question = q("How will you use this? {}")
    assert grade(question, "At my next job I will ask.").fraction is None
    assert grade(question, "At my next job I will ask.").answered
    assert not grade(question, "   ").answered


def test_numerical_feedback_for_any_other_number():
    question = q("Years? {#5 #Right. ~#Not quite: five.}".replace(": ", "\\: "))
    assert grade(question, "4").feedback == ("Not quite: five.",)
    assert grade(question, "5").feedback == ("Right.",)


def test_three_thirds_meet_a_pass_mark_of_100_percent():
    """Moodle's grades have 7 places: three answers of 33.33333 % make 0.9999999, which
    a pass mark of 100 % must accept (and 99.9 % of the answers must not)."""
    from quizzes.attempts import grade_all

    question = q("Q {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    score, passed, _ = grade_all([question], {0: [0, 1, 2]}, pass_mark=100)
    assert score == pytest.approx(0.9999999) and passed
    score, passed, _ = grade_all([question], {0: [0, 1]}, pass_mark=67)
    assert not passed  # 66.66666 % is not 67 %
