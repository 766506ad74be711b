"""A Moodle XML export with bad questions: every one is named with the line and column of
its ``<question>`` element or of the child that is wrong, and the others are read on (as
the GIFT reader reads on past a bad question); the raising reader stops at the first."""

from __future__ import annotations

import pytest

from quizzes.model import Choice, Question
from quizzes.moodlexml import MoodleXmlError, read_moodle_xml, read_moodle_xml_all, write_moodle_xml

BANK = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Hyvä</text></name>
    <questiontext format="html"><text>Onko koeaika laillinen?</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Huono arvo</text></name>
    <questiontext format="html"><text>Mikä?</text></questiontext>
    <answer fraction="100"><text>a</text></answer>
      <answer fraction="x"><text>b</text></answer>
  </question>
  <question type="cloze"><name><text>Aukot</text></name></question>
  <question type="matching"><name><text>Parit</text></name>
    <subquestion><text>a</text><answer><text>b</text></answer></subquestion>
    <subquestion><text>c</text><answer><text></text></answer></subquestion>
  </question>
  <question type="multichoice"><name><text>Kolmannes</text></name>
    <questiontext><text>Kumpi?</text></questiontext>
    <answer fraction="100"><text>a</text></answer><answer fraction="33"><text>b</text></answer>
  </question>
  <question type="essay">
    <name><text>Pohdi</text></name>
    <questiontext format="html"><text>Pohdi ensimmäistä päivääsi.</text></questiontext>
  </question>
</quiz>
"""


def test_every_bad_question_is_named_where_it_is_and_the_others_are_read():
    reading = read_moodle_xml_all(BANK, "bank.xml")
    assert [q.title for q in reading.questions] == ["Hyvä", "Pohdi"]
    assert reading.places == [(3, 3), (24, 3)]  # each <question> element's start tag
    assert [(e.line, e.column) for e in reading.errors] == [
        (13, 7),  # the <answer> whose fraction is not a number (indented by 6)
        (15, 3),  # the <question> of a type this tool does not take
        (18, 5),  # the <subquestion> with no right-hand answer
        (22, 51),  # the <answer> of 33%, not a grade Moodle takes (the second on its line)
    ]
    messages = [e.message for e in reading.errors]
    assert messages[0] == "question 2 (Huono arvo): an answer's fraction 'x' is not a number"
    assert "'cloze' is not supported" in messages[1] and "the item 'c' has no right-hand answer" in messages[2]
    assert "33%: not a grade Moodle" in messages[3]
    assert str(reading.errors[0]).startswith("bank.xml:13:7: question 2 (Huono arvo)")


def test_the_raising_reader_stops_at_the_first_and_says_where():
    with pytest.raises(MoodleXmlError) as raised:
        read_moodle_xml(BANK, "bank.xml")
    assert (raised.value.line, raised.value.column) == (13, 7)
    assert str(raised.value) == "bank.xml:13:7: question 2 (Huono arvo): an answer's fraction 'x' is not a number"


def test_a_syntax_error_ends_the_reading_and_keeps_what_came_before():
    broken = BANK.replace("</quiz>\n", "").replace("<question type=\"essay\">", "<question type=\"essay\" x=>")
    reading = read_moodle_xml_all(broken, "bank.xml")
    assert [q.title for q in reading.questions] == ["Hyvä"]
    assert [(e.line, e.column) for e in reading.errors][-1] == (24, 28)
    assert reading.errors[-1].message == "not well-formed (invalid token)"
    assert len(reading.errors) == 5  # the four bad questions, then the syntax error


def test_a_bank_written_by_the_tool_reads_with_each_question_placed():
    questions = [
        Question("single", f"Kysymys {n}?", idnumber=f"q-{n}", choices=(Choice("a", 1.0), Choice("b", 0.0)))
        for n in range(3)
    ]
    text = write_moodle_xml(questions)
    reading = read_moodle_xml_all(text)
    assert reading.errors == [] and [q.idnumber for q in reading.questions] == ["q-0", "q-1", "q-2"]
    lines = text.splitlines()
    for line, column in reading.places:
        assert lines[line - 1][column - 1 :].startswith("<question type=\"multichoice\"")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<questions/>", "expected a <quiz> root"),
        ('<!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><quiz>&b;</quiz>', "refused"),
    ],
)
def test_a_file_that_is_no_question_bank_is_still_refused_whole(source, message):
    with pytest.raises(MoodleXmlError, match=message):
        read_moodle_xml_all(source, "bank.xml")


def test_an_empty_bank_has_nothing_to_read_and_nothing_wrong():
    reading = read_moodle_xml_all("<quiz></quiz>")
    assert (reading.questions, reading.errors) == ([], [])
    with pytest.raises(MoodleXmlError, match="no questions"):
        read_moodle_xml("<quiz></quiz>")
