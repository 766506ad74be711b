"""Which type a GIFT answer block is, decided as Moodle 4.5's qformat_gift decides it
(question/format/gift/format.php, readquestion): an empty block is an essay, '#' first is
numerical, any '~' multiple choice, '=' with '->' matching, T/TRUE/F/FALSE (in capitals,
before any '#') true/false, and anything else a short answer, with or without '='."""

from __future__ import annotations

import pytest

from quizzes.gift.parser import parse_gift
from quizzes.model import Choice, NumericAnswer, Pair
from quizzes.types import grade


def one(source: str):
    (question,) = parse_gift(source)
    return question


def test_a_short_answer_written_without_equals_has_one_accepted_answer_at_full_marks():
    q = one("How do you write 1? {One}")
    assert (q.kind, q.text, q.text_after) == ("short", "How do you write 1?", None)
    assert q.choices == (Choice("One", 1.0),)
    # Moodle's short answer ignores case unless told otherwise.
    assert grade(q, "One").fraction == grade(q, "one").fraction == 1.0
    assert grade(q, "Two").fraction == 0.0


@pytest.mark.parametrize(
    ("block", "choices"),
    [
        ("{One #Right.}", (Choice("One", 1.0, "Right."),)),
        ("{One =Two}", (Choice("One", 1.0), Choice("Two", 1.0))),
        ("{%50%half}", (Choice("half", 0.5),)),  # a weight on the first answer too
        ("{One =%50%Uno #Close.}", (Choice("One", 1.0), Choice("Uno", 0.5, "Close."))),
    ],
)
def test_the_first_answer_of_a_short_answer_needs_no_equals(block, choices):
    q = one(f"How do you write 1? {block}")
    assert (q.kind, q.choices) == ("short", choices)


@pytest.mark.parametrize(
    ("block", "answer", "feedback"),
    [
        ("{t}", "t", ""),
        ("{f}", "f", ""),
        ("{true}", "true", ""),
        ("{false}", "false", ""),
        ("{True}", "True", ""),
        ("{t#Right.}", "t", "Right."),
        ("{false #No.}", "false", "No."),
    ],
)
def test_true_and_false_in_lower_case_are_a_short_answer_as_in_moodle(block, answer, feedback):
    q = one(f"Is the sky blue? {block}")
    assert q.kind == "short" and q.truth is None
    assert q.choices == (Choice(answer, 1.0, feedback),)


@pytest.mark.parametrize("block", ["{T}", "{TRUE}", "{ T }", "{T #No. #Yes.}", "{TRUE#}"])
def test_true_in_capitals_before_any_hash_is_true_false(block):
    q = one(f"Is the sky blue? {block}")
    assert (q.kind, q.truth) == ("truefalse", True)


@pytest.mark.parametrize("block", ["{F}", "{FALSE}", "{FALSE#No.#Yes.}"])
def test_false_in_capitals_before_any_hash_is_true_false(block):
    q = one(f"Is the sky green? {block}")
    assert (q.kind, q.truth) == ("truefalse", False)


# Each block is read by the first rule of Moodle's order it meets, even when a later
# rule's sign is in it too.
@pytest.mark.parametrize(
    ("block", "kind"),
    [
        ("{}", "essay"),
        ("{####Only a general feedback.}", "essay"),  # the block is empty without it
        ("{#5}", "numerical"),
        ("{#=5 ~#Not five.}", "numerical"),  # numerical before the '~' of multiple choice
        ("{=T ~F}", "single"),  # a '~' before true/false
        ("{~T ~F}", "multiple"),
        ("{=a -> 1 ~b -> 2}", "single"),  # a '~' before matching
        ("{=a -> 1 =b -> 2}", "matching"),
        ("{=T -> 1 =F -> 2}", "matching"),  # matching before true/false
        ("{T}", "truefalse"),
        ("{=T}", "short"),  # '=T' is not T: an accepted answer 'T'
        ("{T =x}", "short"),  # 'T =x' is not T either: two accepted answers
        ("{a -> b}", "short"),  # '->' without '=' is not matching
        ("{One}", "short"),
    ],
)
def test_a_block_s_type_is_decided_in_moodle_s_order(block, kind):
    assert one(f"Q {block}").kind == kind


def test_what_each_rule_makes_of_the_other_rules_signs():
    assert one("Q {=a -> 1 ~b -> 2}").choices == (Choice("a -> 1", 1.0), Choice("b -> 2", 0.0))
    assert one("Q {=T -> 1 =F -> 2}").pairs == (Pair("T", "1"), Pair("F", "2"))
    assert one("Q {T =x}").choices == (Choice("T", 1.0), Choice("x", 1.0))
    assert one("Q {=T}").choices == (Choice("T", 1.0),)
    assert one("Q {a -> b}").choices == (Choice("a -> b", 1.0),)
    q = one("Q {#=5 ~#Not five.}")
    assert (q.numeric, q.feedback_wrong) == ((NumericAnswer(1.0, value=5.0),), "Not five.")
    assert one("Q {####Only a general feedback.}").general_feedback == "Only a general feedback."
