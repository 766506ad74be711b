"""GIFT and Moodle XML together, as a trainer moves questions between Moodle and the tool:
the same meaning either way, Moodle's grades, distractors, blanks and categories."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.gift.parser import GiftError, parse_gift
from quizzes.gift.writer import write_gift
from quizzes.model import Choice, Pair, Question
from quizzes.moodlexml import MoodleXmlError, read_moodle_xml, write_moodle_xml
from quizzes.presenting import review, shown_questions
from quizzes.snapshot import from_snapshot, to_snapshot
from quizzes.types import grade
from tests.quizzes.test_gift import CATEGORY, QUESTIONS, canonical
from tests.quizzes.test_moodle_xml import _as_moodle_keeps_it


@settings(max_examples=200, deadline=None)
@given(st.lists(QUESTIONS, min_size=1, max_size=5), CATEGORY)
def test_every_type_survives_gift_to_moodle_xml_and_back_to_gift(questions, category):
    """GIFT → tool → Moodle XML → tool → GIFT: formats on answers and feedback, matching
    distractors, blanks inside sentences and categories mean the same at the end."""
    questions = [canonical(replace(q, category=category)) for q in questions]
    read = parse_gift(write_gift(questions))
    through_moodle = read_moodle_xml(write_moodle_xml(read))
    again = parse_gift(write_gift(through_moodle))
    assert again == [_as_moodle_keeps_it(q) for q in read]


def test_a_matching_distractor_is_a_subquestion_with_empty_text_both_ways():
    (q,) = parse_gift("Match. {=Forum -> discussion =Wiki -> pages = -> Chat}")
    xml = write_moodle_xml([q])
    assert '<subquestion format="moodle_auto_format">\n      <text />' in xml
    (back,) = read_moodle_xml(xml)
    assert back.pairs == (Pair("Forum", "discussion"), Pair("Wiki", "pages"), Pair("", "Chat"))
    moodle = (
        "<quiz><question type='matching'><name><text>M</text></name>"
        "<questiontext format='html'><text>Match.</text></questiontext>"
        "<subquestion format='html'><text>a</text><answer><text>1</text></answer></subquestion>"
        "<subquestion format='html'><text>b</text><answer><text>2</text></answer></subquestion>"
        "<subquestion format='html'><text></text><answer><text>3</text></answer></subquestion>"
        "</question></quiz>"
    )
    (from_moodle,) = read_moodle_xml(moodle)
    assert from_moodle.pairs[2] == Pair("", "3") and len(from_moodle.subquestions) == 2


def test_a_distractor_is_offered_but_is_no_item_on_the_learner_s_page():
    (q,) = parse_gift("Match. {=Forum -> discussion =Wiki -> pages = -> Chat}")
    layout = [{"order": [2, 0, 1]}]
    (shown,) = shown_questions(layout, [q], {}, "fi")
    assert shown.lefts == ("Forum", "Wiki")
    assert [o.html for o in shown.options] == ["Chat", "discussion", "pages"]
    assert grade(q, {"Forum": "discussion", "Wiki": "Chat"}).fraction == 0.5
    (reviewed,) = review(layout, [q], {0: {"Forum": "discussion", "Wiki": "pages"}}, "fi")
    assert reviewed.fraction == 1.0 and [m[0] for m in reviewed.matches] == ["Forum", "Wiki"]


@pytest.mark.parametrize(
    ("gift", "kind"),
    [
        ("The card is valid for {#5} years.", "numerical"),
        ("The card is {TRUE} valid for five years.", "truefalse"),
        ("Write {} here.", "essay"),
        ("Match {=a -> 1 =b -> 2} these.", "matching"),
    ],
)
def test_a_blank_inside_the_sentence_comes_back_as_a_blank(gift, kind):
    (q,) = parse_gift(gift)
    (back,) = read_moodle_xml(write_moodle_xml([q]))
    assert (back.kind, back.text, back.text_after) == (kind, q.text, q.text_after)
    assert "_____" not in back.text + (back.text_after or "")


@pytest.mark.parametrize(
    ("written", "kept", "in_moodle_xml"),
    [
        ("$course$/top/Työnhaku", "Työnhaku", "$course$/top/Työnhaku"),
        ("top/Työnhaku", "Työnhaku", "$course$/top/Työnhaku"),
        ("Työnhaku/CV", "Työnhaku/CV", "$course$/top/Työnhaku/CV"),
        ("$system$/top/Yhteiset", "$system$/top/Yhteiset", "$system$/top/Yhteiset"),
    ],
)
def test_a_category_is_written_once_with_its_context(written, kept, in_moodle_xml):
    (q,) = parse_gift(f"$CATEGORY: {written}\n\nQ {{T}}")
    assert q.category == kept
    xml = write_moodle_xml([q])
    assert f"<text>{in_moodle_xml}</text>" in xml and xml.count("$course$") <= 1
    assert read_moodle_xml(xml)[0].category == kept
    assert f"$CATEGORY: {kept}\n" in write_gift([q])


def test_a_reflection_is_exported_with_no_mark():
    xml = write_moodle_xml(parse_gift("Reflect. {}\n\nQ {T}"))
    essay, truefalse = xml.split('<question type="truefalse">')
    assert "<defaultgrade>0</defaultgrade>" in essay
    assert "<defaultgrade>1</defaultgrade>" in truefalse


def _xml_choice(fraction: str) -> str:
    return (
        "<quiz><question type='multichoice'><name><text>Q</text></name>"
        "<questiontext format='html'><text>Q</text></questiontext><single>false</single>"
        f"<answer fraction='{fraction}'><text>a</text></answer>"
        "<answer fraction='0'><text>b</text></answer></question></quiz>"
    )


def test_a_grade_moodle_flags_as_invalid_is_refused_by_both_readers():
    with pytest.raises(MoodleXmlError, match=r"question 1 \(Q\): 33%: not a grade Moodle"):
        read_moodle_xml(_xml_choice("33"))
    with pytest.raises(GiftError, match="33%: not a grade Moodle accepts"):
        parse_gift("Q {~%33%a ~b}")
    with pytest.raises(GiftError, match="110%: not a grade"):
        parse_gift("Q {=%110%a}")


def test_a_weight_read_two_ways_is_the_same_version():
    (from_xml,) = read_moodle_xml(_xml_choice("33.33333"))
    (from_gift,) = parse_gift("[html]Q {~%33.33333%a ~b}")
    assert from_xml.choices[0].fraction == from_gift.choices[0].fraction == 0.3333333
    assert to_snapshot(from_xml) == to_snapshot(from_gift)
    # Within Moodle's 0.00001 of a grade on its list is that grade.
    assert parse_gift("Q {~%33.333%a ~b}")[0].choices[0].fraction == 0.3333333


def test_formats_on_answers_and_feedback_go_to_moodle_xml_and_back():
    (q,) = parse_gift(
        "[html]Pick. {=[markdown]**yes** #[plain]<b>is</b> literal ~no #[html]<i>x</i>"
        "####[markdown]_general_}"
    )
    xml = write_moodle_xml([q])
    assert '<answer fraction="100" format="markdown">' in xml
    assert '<feedback format="plain_text">' in xml
    assert '<generalfeedback format="markdown">' in xml
    (back,) = read_moodle_xml(xml)
    assert back.choices == q.choices and back.general_feedback_format == "markdown"
    assert from_snapshot(to_snapshot(back)) == back


def test_stored_versions_without_formats_are_the_same_snapshot():
    old = {
        "kind": "single",
        "text": "Q",
        "choices": [{"text": "a", "fraction": 1.0, "feedback": ""}],
    }
    q = from_snapshot(old)
    assert q.choices == (Choice("a", 1.0),)
    snapshot = to_snapshot(q)
    assert snapshot["choices"] == old["choices"] and "general_feedback_format" not in snapshot


def test_the_learner_s_page_renders_each_answer_in_its_own_format_through_the_sanitiser():
    (q,) = parse_gift(
        "Pick. {=[html]<strong>bold</strong><script>alert(1)</script> #[markdown]**well done**"
        " ~[plain]<b>not bold</b> #[html]<em>no</em><img src=x onerror=alert(1)>"
        "####[plain]<u>as written</u>}"
    )
    layout = [{"order": [0, 1]}]
    (shown,) = shown_questions(layout, [q], {}, "fi")
    assert shown.options[0].html == "<strong>bold</strong>"
    assert shown.options[1].html == "&lt;b&gt;not bold&lt;/b&gt;"
    (reviewed,) = review(layout, [q], {0: 1}, "fi")
    assert reviewed.shown.options[1].feedback == "<em>no</em>"
    assert reviewed.general_feedback == "&lt;u&gt;as written&lt;/u&gt;"
    (right,) = review(layout, [q], {0: 0}, "fi")
    assert right.shown.options[0].feedback == "<strong>well done</strong>"


def test_true_false_and_numerical_feedback_are_shown_in_their_own_format():
    tf, number = parse_gift(
        "Q {T#[html]<em>no</em>#[markdown]*yes*}\n\nN {#5 ~#[html]<strong>five</strong>}"
    )
    layout = [{"order": []}, {"order": []}]
    reviewed = review(layout, [tf, number], {0: False, 1: "4"}, "fi")
    assert reviewed[0].feedback == ("<em>no</em>",)
    assert reviewed[1].feedback == ("<strong>five</strong>",)


@pytest.mark.parametrize(
    ("accepted", "given", "right"),
    [
        ("*", "anything at all", True),
        ("Frog*", "frogs", True),
        ("Fr*g", "Frolic", False),
        ("Fr*g", "Froggg", True),
        ("5\\*3", "5*3", True),
        ("5\\*3", "513", False),
        ("a.b", "axb", False),  # the rest of the answer is literal, not a pattern
    ],
)
def test_a_short_answer_s_asterisk_matches_as_in_moodle(accepted, given, right):
    q = Question("short", "Q", choices=(Choice(accepted, 1.0),))
    assert (grade(q, given).fraction == 1.0) is right


def test_three_thirds_are_right_as_moodle_shows_them():
    (q,) = parse_gift("Pick. {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    (reviewed,) = review([{"order": [0, 1, 2, 3]}], [q], {0: [0, 1, 2]}, "fi")
    assert reviewed.fraction == pytest.approx(0.9999999) and reviewed.outcome == "right"
