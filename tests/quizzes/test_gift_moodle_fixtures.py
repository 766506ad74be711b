"""Moodle 4.5's import scenarios for GIFT (question/format/gift/tests/behat/
import_export.feature), each with a fixture of our own in tests/quizzes/fixtures/ that has
the same constructs as Moodle's fixture of the same name: Moodle's behat imports
questions.gift.txt as "Importing 9 questions from file" and questions_in_category.gift.txt
as "Importing 4 questions from file", into the category its $CATEGORY line names, and
refuses a Windows-1252 file because GIFT files must be UTF-8."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.gift.parser import parse_gift, read_gift
from quizzes.gift.writer import write_gift
from quizzes.limits import NotUtf8
from quizzes.model import Choice, NumericAnswer, Pair

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str):
    path = FIXTURES / name
    return parse_gift(path.read_bytes(), str(path))  # as an uploaded file is read


def test_questions_gift_imports_nine_questions_of_moodle_s_types():
    questions = read("questions.gift.txt")
    assert [(q.kind, q.title) for q in questions] == [
        ("essay", "R1"),
        ("matching", "Offices"),
        ("single", "S1"),
        ("multiple", "documents"),
        ("numerical", "N1"),
        ("short", "Short answer"),
        ("truefalse", "TF1"),
        ("truefalse", "3-14 TC"),
        ("truefalse", "3-14 TC"),
    ]
    # Moodle's scenario then finds the multiple choice's text and the title "colours".
    assert questions[2].text == "Which card do you need before your first pay day?"
    assert questions[3].title == "documents"
    # Nothing is left out: the preview reads the same nine with no error.
    reading = read_gift((FIXTURES / "questions.gift.txt").read_text(encoding="utf-8"))
    assert (len(reading.questions), reading.errors) == (9, [])
    assert reading.lines == [1, 4, 13, 21, 30, 33, 40, 45, 48]  # each from its comment


def test_questions_gift_keeps_every_format_weight_and_feedback():
    essay, matching, single, multiple, number, short, tf, t, true = read("questions.gift.txt")
    assert (essay.text, essay.text_format) == ("What did you learn this week?", "moodle")
    assert matching.text_format == "html"
    assert [(p.left, matching.format_of(p.format), p.right) for p in matching.pairs] == [
        ("Pays the unemployment benefit.", "html", "Kela"),
        ("Helps you find work and training.", "moodle", "TE Office"),
        ("Collects taxes and issues the tax card.", "plain", "Vero"),
        ("Keeps the register of where people live.", "markdown", "DVV"),
        ("", "html", "Police"),  # a distractor
    ]
    assert single.choices == (
        Choice("tax card", 1.0, "right; well done!"),
        Choice("library card", 0.0, "no, it's the <i>tax</i> card", None, "html"),
        Choice("loyalty card", 0.0, "no, it's the tax card", "plain"),
    )
    assert [(c.text, c.fraction, c.format, c.feedback_format) for c in multiple.choices] == [
        ("passport", 0.5, None, None),
        ("bus ticket", -1.0, None, "html"),
        ("identity card", 0.5, None, None),
        ("receipt", -1.0, "plain", None),
    ]
    assert number.numeric == (NumericAnswer(1.0, value=5.0, tolerance=2.0),)
    assert number.feedback_wrong == "Not at all"
    assert short.choices == (
        Choice("Kela", 1.0, "Right!"),
        Choice("the city", 0.5, "Sometimes, but usually Kela."),
        Choice("*", 0.0, "Not that one."),
    )
    assert (tf.truth, tf.feedback_wrong, tf.feedback_right) == (
        False,
        "No, one is valid for a whole year.",
        "You gave the right answer.",
    )
    assert tf.general_feedback == "A new card is ordered each year in OmaVero."
    assert [(x.truth, x.text) for x in (t, true)] == [(True, "TC is a tax card.")] * 2


def test_a_stray_quote_after_the_block_is_text_after_the_blank_as_moodle_reads_it():
    # Moodle's fixture has '";' after two blocks: the text does not end with '}', so
    # Moodle puts a blank where the block stood and keeps '";' after it.
    questions = read("questions.gift.txt")
    number, tf = questions[4], questions[6]
    assert (number.text, number.text_after) == (
        "How many days a week is full-time work, give or take two?",
        '";',
    )
    assert (tf.text, tf.text_after) == ("You need a new tax card every week.", '";')
    assert all(q.text_after is None for i, q in enumerate(questions) if i not in (4, 6))


def test_questions_gift_is_exported_and_read_back_unchanged():
    # Moodle's scenario exports the imported bank again.
    questions = read("questions.gift.txt")
    assert parse_gift(write_gift(questions)) == questions


def test_questions_in_category_go_into_the_category_the_file_names():
    questions = read("questions_in_category.gift.txt")
    assert [(q.kind, q.title) for q in questions] == [
        ("matching", "Offices"),
        ("single", "Greeting"),
        ("short", "Jobseeker"),
        ("truefalse", "TE"),
    ]
    # $course$/X is the course bank's X, as $course$/top/X is.
    assert {q.category for q in questions} == {"Jobseeking basics"}
    assert write_gift(questions).startswith("$CATEGORY: Jobseeking basics\n\n::Offices::")
    matching, greeting, jobseeker, te = questions
    assert (matching.text, matching.text_format) == ("Match the office to what it does.", "html")
    assert matching.pairs[-1] == Pair("", "Police")
    assert greeting.text == (
        '<a href="https://example.org/media/hei.mp3">Listen to this greeting:</a>'
        "<br /><br />Which language is it?"
    )
    assert [(c.text, c.fraction) for c in greeting.choices] == [
        ("Swedish", 0.0),
        ("Finnish", 1.0),  # the right answer need not come first
        ("Estonian", 0.0),
        ("Russian", 0.0),
    ]
    assert jobseeker.choices == (Choice("jobseeker", 1.0),)  # '=%100%…#': no feedback
    assert te.truth is True
    assert te.text == (
        'TE stands for <span style="font-style: italic;">Työ- ja elinkeinotoimisto</span>.'
    )


def test_a_windows_1252_file_is_refused_because_gift_files_must_be_utf8():
    data = "// Windows-1252\nIt’s a tax card. {T}\n".encode("cp1252")
    with pytest.raises(NotUtf8) as raised:
        parse_gift(data, "questions_encoding_windows-1252.gift.txt")
    assert (raised.value.line, raised.value.column) == (2, 3)
