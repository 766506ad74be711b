"""Moodle 4.5's own test cases for its GIFT reader (question/format/gift/tests/
giftformat_test.php), one here for each, with the same expectation in this tool's terms.

Moodle's import tests read a GIFT text and check the question; its export tests write a
question and check the GIFT text, which is GIFT too: here that text is read back and must
be the question Moodle wrote it from. What Moodle's question object has that this tool's
has not (penalty, default mark, numbering style, combined feedback) is not compared.
"""

from __future__ import annotations

import pytest

from quizzes.gift.parser import _annotations, parse_gift
from quizzes.model import Choice, NumericAnswer, Pair
from quizzes.types import grade


def one(source: str):
    (question,) = parse_gift(source)
    return question


def test_import_essay():
    q = one("\n// essay\n::Q8:: How are you? {}")
    assert (q.kind, q.title, q.text, q.text_format) == ("essay", "Q8", "How are you?", "moodle")
    assert (q.general_feedback, q.format_of(q.general_feedback_format)) == ("", "moodle")


def test_export_essay():
    q = one("// question: 666  name: Q8\n::Q8::How are you?{}\n\n")
    assert (q.kind, q.title, q.text) == ("essay", "Q8", "How are you?")


MATCH = """
// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}"""


def test_import_match():
    q = one(MATCH)
    assert (q.kind, q.title, q.text) == (
        "matching",
        "Moodle activities",
        "Match the <b>activity</b> to the description.",
    )
    assert q.text_format == "html" and q.format_of(q.general_feedback_format) == "html"
    assert [(p.left, q.format_of(p.format), p.right) for p in q.pairs] == [
        ("An activity supporting asynchronous discussions.", "html", "Forum"),
        (
            "A teacher asks a question and specifies a choice of multiple responses.",
            "moodle",
            "Choice",
        ),
        ("A bank of record entries which participants can add to.", "plain", "Database"),
        ("A collection of web pages that anyone can add to or edit.", "markdown", "Wiki"),
        ("", "html", "Chat"),  # a distractor: Moodle's subquestion with empty text
    ]
    # The distractor is offered as an answer but is not an item to match.
    assert len(q.subquestions) == 4
    right = {p.left: p.right for p in q.subquestions}
    assert grade(q, right).fraction == 1.0


def test_export_match():
    q = one(
        "// question: 666  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        '\t=<div class\\="frog">An activity supporting asynchronous discussions.</div> -> Forum\n'
        "\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "\t=[plain]A bank of record entries which participants can add to. -> Database\n"
        "\t=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "\t= -> Chat\n}\n\n"
    )
    assert q.pairs[0] == Pair(
        '<div class="frog">An activity supporting asynchronous discussions.</div>', "Forum"
    )
    assert [q.format_of(p.format) for p in q.pairs[1:4]] == ["moodle", "plain", "markdown"]
    assert q.pairs[4] == Pair("", "Chat")


MULTICHOICE = """
// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}"""


def test_import_multichoice():
    q = one(MULTICHOICE)
    assert (q.kind, q.title, q.text) == (
        "single",
        "Q2",
        "What's between orange and green in the spectrum?",
    )
    assert [(c.text, q.format_of(c.format)) for c in q.choices] == [
        ("yellow", "moodle"),
        ("red", "moodle"),
        ("blue", "plain"),
    ]
    assert [c.fraction for c in q.choices] == [1, 0, 0]
    assert [(c.feedback, q.format_of(c.feedback_format)) for c in q.choices] == [
        ("right; good!", "moodle"),
        ("wrong, it's yellow", "html"),
        ("wrong, it's yellow", "moodle"),
    ]


def test_import_multichoice_multi():
    q = one(
        "\n// multiple choice, multiple response with specified feedback for right and wrong answers\n"
        "::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}"
    )
    assert q.kind == "multiple"
    assert [(c.text, q.format_of(c.format)) for c in q.choices] == [
        ("yellow", "moodle"),
        ("red", "moodle"),
        ("off-beige", "moodle"),
        ("blue", "plain"),
    ]
    assert [c.fraction for c in q.choices] == [0.5, -1, 0.5, -1]
    assert [(c.feedback, q.format_of(c.feedback_format)) for c in q.choices] == [
        ("right; good!", "moodle"),
        ("wrong", "html"),
        ("right; good!", "moodle"),
        ("wrong", "moodle"),
    ]


def test_import_multichoice_multi_tricky():
    q = one(
        "\n// multiple choice, multiple response\n"
        "::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%100%yellow # right; good!\n    ~%-50%red # wrong\n    ~%-50%blue # wrong\n}"
    )
    assert q.kind == "multiple"  # no '=': several may be chosen, even with a 100% answer
    assert q.choices == (
        Choice("yellow", 1.0, "right; good!"),
        Choice("red", -0.5, "wrong"),
        Choice("blue", -0.5, "wrong"),
    )


def test_export_multichoice():
    q = one(
        "// question: 666  name: Q8\n::Q8::What's between orange and green in the spectrum?{\n"
        "\t=yellow#right; good!\n\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n}\n"
    )
    assert q.choices == (
        Choice("yellow", 1.0, "right; good!"),
        Choice("red", 0.0, "wrong, it's yellow", feedback_format="html"),
        Choice("blue", 0.0, "wrong, it's yellow", format="plain"),
    )


def test_export_multichoice_multi_tricky():
    q = one(
        "// question: 666  name: Q8\n::Q8::What's between orange and green in the spectrum?{\n"
        "\t~%100%yellow#right; good!\n\t~%-50%red#wrong, it's yellow\n"
        "\t~%-50%blue#wrong, it's yellow\n}\n"
    )
    assert (q.kind, [c.fraction for c in q.choices]) == ("multiple", [1.0, -0.5, -0.5])


def test_import_numerical():
    q = one(
        "\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}"
    )
    assert (q.kind, q.title, q.text) == ("numerical", "Q5", "What is a number from 1 to 5?")
    # Moodle: answers '3' (tolerance 2, 100%) and '*' (any other, 0%, the feedback).
    assert q.numeric == (NumericAnswer(1.0, value=3.0, tolerance=2.0),)
    assert (q.feedback_wrong, q.format_of(q.feedback_wrong_format)) == (
        "Completely wrong",
        "moodle",
    )


def test_export_numerical():
    q = one(
        "// question: 666  name: Q5\n::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2#\n\t~#Completely wrong\n}\n"
    )
    assert q.numeric == (NumericAnswer(1.0, value=3.0, tolerance=2.0),)
    assert q.feedback_wrong == "Completely wrong"


SHORT = """
// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
}"""


def test_import_shortanswer():
    q = one(SHORT)
    assert (q.kind, q.title, q.text) == ("short", "Shortanswer", "Which is the best animal?")
    assert q.choices == (
        Choice("Frog", 1.0, "Good!"),
        Choice("Cat", 0.5, "What is it with Moodlers and cats?"),
        Choice("*", 0.0, "Completely wrong"),
    )
    # '*' is Moodle's wildcard: any other answer gets its feedback.
    assert (grade(q, "frog").fraction, grade(q, "dog").feedback) == (1.0, ("Completely wrong",))


def test_import_shortanswer_with_general_feedback():
    q = one(SHORT[:-1] + "    ####[html]Here is some general feedback!\n}")
    assert q.general_feedback == "Here is some general feedback!"
    assert q.format_of(q.general_feedback_format) == "html" and q.text_format == "moodle"
    assert [c.fraction for c in q.choices] == [1.0, 0.5, 0.0]


def test_export_shortanswer():
    q = one(
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
        "\t=%100%Frog#Good!\n\t=%50%Cat#What is it with Moodlers and cats?\n"
        "\t=%0%*#Completely wrong\n}\n"
    )
    assert [(c.text, c.fraction) for c in q.choices] == [("Frog", 1.0), ("Cat", 0.5), ("*", 0.0)]


def test_export_shortanswer_with_general_feedback():
    q = one(
        "::Shortanswer::Which is the best animal?{\n\t=%100%Frog#Good!\n"
        "\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n"
        "\t####[html]Here is some general feedback!\n}\n"
    )
    assert (q.general_feedback, q.general_feedback_format) == (
        "Here is some general feedback!",
        "html",
    )


def test_import_truefalse():
    q = one(
        "\n// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert (q.kind, q.title, q.truth) == ("truefalse", "Q1", False)
    # Moodle's feedbacktrue is shown to who answered true: here, the wrong answer.
    assert (q.feedback_wrong, q.feedback_right) == (
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )


@pytest.mark.parametrize("answer", ["T", "TRUE"])
def test_import_truefalse_true_answer(answer):
    q = one("// name 0-11\n::2-08 TSL::TSL is blablabla.{" + answer + "}")
    assert (q.kind, q.title, q.text, q.truth) == (
        "truefalse",
        "2-08 TSL",
        "TSL is blablabla.",
        True,
    )
    assert (q.feedback_wrong, q.feedback_right) == ("", "")


def test_export_truefalse():
    q = one(
        "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate Answer."
        "#You gave the right answer.}"
    )
    assert (q.truth, q.feedback_wrong, q.feedback_wrong_format, q.feedback_right) == (
        True,
        "42 is the Ultimate Answer.",
        "html",
        "You gave the right answer.",
    )


def test_export_backslash():
    assert one("::backslash::A \\\\ B \\\\\\\\ C{}").text == "A \\ B \\\\ C"


def test_import_backslash():
    q = one("\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert (q.kind, q.title, q.text) == ("essay", "double backslash", "A \\ B \\\\ C")


def test_import_pre_content():
    q = one(
        "\n::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n"
        "    public void test() \\{\n        method1();\n        method2();\n"
        "        method3();\n    \\}\n</pre>\n{}"
    )
    assert (q.kind, q.text_format) == ("essay", "html")
    assert q.text == (
        "<p>What would running the test method print?</p>\n<pre>\n    public void test() {\n"
        "        method1();\n        method2();\n        method3();\n    }\n</pre>"
    )


def test_import_question_with_tags():
    q = one(
        "\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid].\n::Question name:: How are you? {}"
    )
    assert (q.kind, q.title, q.tags, q.idnumber) == (
        "essay",
        "Question name",
        ("tag", "other-tag"),
        "myid",
    )


@pytest.mark.parametrize(
    ("idnumber", "tags", "comment"),
    [
        (None, (), ""),  # blank comment
        (None, (), "// A basic comment."),  # nothing in comment
        ("frog", (), "// A comment with [id:frog] <-- an idnumber."),
        (None, ("frog", "toad"), "// Look tags: [tag:frog] [tag:toad]."),
        ("four", ("add", "basic"), "// [tag:add] [tag:basic] [id:four]"),
        (
            "four",
            ("basic", "add"),
            "// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.",
        ),
        (None, (), "// Ceci n'est pas une [tag:\n\\ frog]."),  # split over line
        ("i]d", (), "// [id:i\\]d]."),  # escape ] idnumber
        (None, ("t]ag",), "// [tag:t\\]ag]."),  # escape ] tag
    ],
)
def test_extract_idnumber_and_tags_from_comment(idnumber, tags, comment):
    assert _annotations(comment) == (idnumber, tags)


def test_export_question_with_tags_and_idnumber():
    q = one(
        "// question: 1  name: True/false question\n// [id:myid] [tag:tag1] [tag:tag2]\n"
        "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer."
        "#This is the right answer.####You should have selected true.}\n"
    )
    assert (q.idnumber, q.tags, q.text_format, q.truth) == ("myid", ("tag1", "tag2"), "html", True)
    assert (q.feedback_wrong, q.feedback_right, q.general_feedback) == (
        "This is the wrong answer.",
        "This is the right answer.",
        "You should have selected true.",
    )
