"""What the GIFT reader refuses, in the words of docs/design.md's GIFT section: each
message word for word with its line and column, the design notes' list of them checked
against the reader, and what it accepts where Moodle does (a '%' that makes no weight is
text, a range written larger end first is the same range)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizzes.gift.parser import GiftError, parse_gift
from quizzes.model import Choice, NumericAnswer
from quizzes.moodlexml import read_moodle_xml
from quizzes.types import grade

DESIGN = Path(__file__).resolve().parents[2] / "docs" / "design.md"
GRADES = (
    "; use one of 100%, 90%, 83.33333%, 80%, 75%, 70%, 66.66667%, 60%, 50%, 40%, 33.33333%, "
    "30%, 25%, 20%, 16.66667%, 14.28571%, 12.5%, 11.11111%, 10%, 5%, 0% or one of them negative"
)
NOT_A_GRADE = "not a grade Moodle accepts (its import refuses the file)" + GRADES


def refusal(source: str) -> GiftError:
    with pytest.raises(GiftError) as raised:
        parse_gift(source, "quiz.gift")
    return raised.value


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("Q {=a ~%200%b}", 1, 7, "200%: " + NOT_A_GRADE),
        ("Q {\n  =a #fine\n  ~%33%b\n}", 3, 3, "33%: " + NOT_A_GRADE),
        ("Q {=%--5%a}", 1, 4, "expected a weight like %50% or %-25%, got %--5%"),
        ("Q {#=1:0 =%50%x}", 1, 10, "expected a number, got 'x'"),
        ("Q {#abc}", 1, 5, "expected a number, got 'abc'"),
        ("Q {#1..x}", 1, 5, "expected a number, got 'x'"),
        ("Q {~only}", 1, 3, "expected at least two answers, each starting with '=' or '~'"),
        ("Q {=}", 1, 3, "expected an accepted answer, for example {=answer}"),
        ("Q {\n =}", 1, 3, "expected an accepted answer, for example {=answer}"),
        ("Q {#}", 1, 3, "expected a number after '#'"),
        (
            "Q {=a -> b}",
            1,
            3,
            "expected at least two matching pairs (a pair without a left side, "
            "'= -> answer', is a distractor)",
        ),
        ("Q {=a -> b =c}", 1, 12, "expected matching pairs written '=left -> right'"),
        ("Q {=a -> b\n =c -> d\n =e f}", 3, 2, "expected matching pairs written '=left -> right'"),
        ("Q {=a -> b =c ->}", 1, 12, "expected a right-hand answer after '->'"),
        ("Q {=a ~b", 1, 3, "expected '}' to close the answers opened here"),
        ("// c\n\nQuestion {=a ~b", 3, 10, "expected '}' to close the answers opened here"),
        ("Q1 {T}\n\nQ2\n  {=a\n  ~b", 4, 3, "expected '}' to close the answers opened here"),
        ("Q =a ~b}", 1, 8, "expected '{' before '}' (write \\} for a brace in the text)"),
        ("Q } {T}", 1, 3, "expected '{' before '}' (write \\} for a brace in the text)"),
        ("Q {=a {~b}", 1, 7, "expected '}' before another '{' (write \\{ for a brace in the text)"),
        ("Q {T} and {F}", 1, 11, "expected one answer block per question"),
        ("Q {T} }", 1, 7, "expected one answer block per question"),
        ("Q {T}\nthen\n  {F}", 3, 3, "expected one answer block per question"),
        ("::Title Q {T}", 1, 1, "expected '::' to close the question title"),
        ("Q1 {T}\n\n  ::Title Q {T}", 3, 3, "expected '::' to close the question title"),
        ("{T}", 1, 1, "expected question text before '{'"),
        ("::Title:: {T}", 1, 11, "expected question text before '{'"),
        ("// [id:x]\n::T::\n{=a ~b}", 3, 1, "expected question text before '{'"),
    ],
)
def test_each_refusal_names_its_line_column_and_message_word_for_word(
    source, line, column, message
):
    error = refusal(source)
    assert (error.line, error.column, error.message) == (line, column, message)
    assert str(error) == f"quiz.gift:{line}:{column}: {message}"


def _unescape(markdown: str) -> str:
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", markdown)


def documented_refusals() -> list[tuple[str, int, int, str]]:
    """The design notes' list: '- `question`, line:column: "message"', each item perhaps
    wrapped over two lines."""
    text = DESIGN.read_text(encoding="utf-8")
    section = text[text.index("**GIFT.**") : text.index("**Moodle XML.**")]
    items = re.findall(r'^- `([^`]+)`, (\d+):(\d+): "([^"]+)"', section, re.MULTILINE | re.DOTALL)
    return [
        (src, int(line), int(col), _unescape(" ".join(msg.split())))
        for src, line, col, msg in items
    ]


def test_the_design_notes_list_every_refusal_in_the_reader_s_own_words():
    documented = documented_refusals()
    messages = {message for _, _, _, message in documented}
    assert len(documented) == 15, documented
    for source, line, column, message in documented:
        error = refusal(source)
        assert (error.line, error.column) == (line, column), (source, str(error))
        # The grade message ends with the list of grades, which the notes give above it.
        assert error.message in (message, message + GRADES), (source, error.message)
    # Every message the reader can give is in the list.
    reader = Path(__file__).resolve().parents[2] / "quizzes" / "gift"
    written = set()
    for path in reader.glob("*.py"):
        for literal in re.findall(r'"(expected [^"]*)"', path.read_text(encoding="utf-8")):
            # up to an f-string's first value, with Python's escapes read
            written.add(re.split(r"\{[a-z_]", literal)[0].replace("\\\\", "\\"))
    assert len(written) == 14, written
    for start in written:
        assert any(m.startswith(start) for m in messages), start


@pytest.mark.parametrize(
    ("block", "text"),
    [
        ("{=a ~%abc%x}", "%abc%x"),  # no digits between the '%'
        ("{=a ~%5.5.5%x}", "%5.5.5%x"),  # Moodle's pattern: digits, one '.', digits, '%'
        ("{=a ~%%x}", "%%x"),
        ("{=a ~%50x}", "%50x"),  # no closing '%'
    ],
)
def test_a_percent_sign_that_makes_no_weight_is_part_of_the_answer(block, text):
    (q,) = parse_gift(f"Q {block}")
    assert q.choices == (Choice("a", 1.0), Choice(text, 0.0))


def test_a_percent_sign_that_makes_no_weight_is_part_of_a_short_answer():
    (q,) = parse_gift("Q {=%abc%x =%50%half}")
    assert q.choices == (Choice("%abc%x", 1.0), Choice("half", 0.5))


@pytest.mark.parametrize(
    ("block", "low", "high"),
    [
        ("{#5..1}", 1.0, 5.0),
        ("{#1..5}", 1.0, 5.0),
        ("{#-1..-5}", -5.0, -1.0),
        ("{#2..2}", 2.0, 2.0),
    ],
)
def test_a_range_is_the_same_whichever_end_comes_first_as_moodle_grades_it(block, low, high):
    # Moodle stores '5..1' as 3 with tolerance 1 - 3 = -2, and its numerical answer takes
    # the tolerance's size (qtype_numerical_answer: abs), so it accepts 1 to 5.
    (q,) = parse_gift(f"Pick one. {block}")
    assert q.numeric == (NumericAnswer(1.0, low=low, high=high),)
    assert grade(q, str(low)).fraction == grade(q, str(high)).fraction == 1.0
    assert grade(q, str(high + 1)).fraction == 0.0


def test_a_negative_tolerance_in_moodle_xml_is_its_size():
    # What Moodle exports for a question it imported from GIFT '{#5..1}'.
    (q,) = read_moodle_xml(
        "<quiz><question type='numerical'><name><text>N</text></name>"
        "<questiontext format='html'><text>Pick one.</text></questiontext>"
        "<answer fraction='100'><text>3</text><tolerance>-2</tolerance></answer>"
        "</question></quiz>"
    )
    assert q.numeric == (NumericAnswer(1.0, value=3.0, tolerance=2.0),)
    assert grade(q, "1").fraction == grade(q, "5").fraction == 1.0
