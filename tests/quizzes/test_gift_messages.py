"""What the GIFT reader accepts where Moodle does: a range written larger end first is
the same range."""

from __future__ import annotations

import pytest

from quizzes.gift.parser import parse_gift
from quizzes.model import NumericAnswer
from quizzes.moodlexml import read_moodle_xml
from quizzes.types import grade


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
