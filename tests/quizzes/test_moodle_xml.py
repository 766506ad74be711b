"""Moodle XML: the export read back by a small parser written for the test, and the import."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.model import Choice, NumericAnswer, Pair, Question
from quizzes.moodlexml import BLANK, MoodleXmlError, question_text, write_moodle_xml
from quizzes.moodlexml import read_moodle_xml as read_moodle_xml_questions
from tests.quizzes.test_gift import CATEGORY, QUESTIONS, canonical

FORMATS = {
    "moodle_auto_format": "moodle",
    "html": "html",
    "plain_text": "plain",
    "markdown": "markdown",
}
KINDS = {
    "truefalse": "truefalse",
    "shortanswer": "short",
    "numerical": "numerical",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
}


def _t(element, tag: str) -> str:
    found = element.find(f"{tag}/text")
    return found.text or "" if found is not None else ""


def read_moodle_xml(text: str) -> list[dict]:
    """What Moodle would import, as comparable plain data."""
    result, category = [], None
    for element in ET.fromstring(text).findall("question"):
        kind = element.get("type")
        if kind == "category":
            category = _t(element, "category").removeprefix("$course$/top/")
            continue
        if kind == "multichoice":
            kind = "single" if element.findtext("single") == "true" else "multiple"
        else:
            kind = KINDS[kind]
        answers = [
            (
                float(a.get("fraction")) / 100,
                a.findtext("text") or "",
                _t(a, "feedback"),
                a.findtext("tolerance"),
            )
            for a in element.findall("answer")
        ]
        result.append(
            {
                "kind": kind,
                "category": category,
                "text": _t(element, "questiontext"),
                "format": FORMATS[element.find("questiontext").get("format")],
                "general": _t(element, "generalfeedback"),
                "idnumber": element.findtext("idnumber") or None,
                "tags": tuple(t.findtext("text") for t in element.findall("tags/tag")),
                "answers": answers,
                "pairs": [
                    (s.findtext("text"), s.findtext("answer/text"))
                    for s in element.findall("subquestion")
                ],
            }
        )
    return result


def expected(q: Question) -> dict:
    text = q.text if q.text_after is None else f"{q.text} {BLANK} {q.text_after}".strip()
    answers: list = []
    if q.kind in {"single", "multiple", "short"}:
        answers = [(c.fraction, c.text, c.feedback, None) for c in q.choices]
    elif q.kind == "truefalse":
        answers = [
            (1.0, "true" if q.truth else "false", q.feedback_right, None),
            (0.0, "false" if q.truth else "true", q.feedback_wrong, None),
        ]
    elif q.kind == "numerical":
        for a in q.numeric:
            value, tol = (
                (a.value, a.tolerance)
                if a.value is not None
                else ((a.low + a.high) / 2, (a.high - a.low) / 2)
            )
            answers.append((a.fraction, value, a.feedback, tol))
        if q.feedback_wrong:
            answers.append((0.0, "*", q.feedback_wrong, "0"))
    return {
        "kind": q.kind,
        "category": q.category,
        "text": text,
        "format": q.text_format,
        "general": q.general_feedback,
        "idnumber": q.idnumber,
        "tags": q.tags,
        "answers": answers,
        "pairs": [(p.left, p.right) for p in q.pairs],
    }


def _normalise(item: dict) -> dict:
    if item["kind"] == "numerical":
        item = {
            **item,
            "answers": [
                (f, v if v == "*" else float(v), fb, float(t)) for f, v, fb, t in item["answers"]
            ],
        }
    return {**item, "answers": [(round(a[0], 5), *a[1:]) for a in item["answers"]]}


@settings(max_examples=200, deadline=None)
@given(st.lists(QUESTIONS, min_size=1, max_size=5), CATEGORY)
def test_any_quiz_survives_moodle_xml_export(questions, category):
    questions = [canonical(replace(q, category=category)) for q in questions]
    assert [_normalise(x) for x in read_moodle_xml(write_moodle_xml(questions))] == [
        _normalise(expected(q)) for q in questions
    ]


def test_a_missing_word_question_reads_as_moodle_writes_it():
    q = Question(
        "single",
        "Grant is",
        choices=(Choice("entombed", 1.0), Choice("buried", 0.0)),
        text_after="in the tomb.",
    )
    (read,) = read_moodle_xml(write_moodle_xml([q]))
    assert read["text"] == "Grant is _____ in the tomb."


def test_a_numerical_range_becomes_a_midpoint_and_tolerance():
    q = Question("numerical", "How many?", numeric=(NumericAnswer(1.0, low=1.0, high=3.0),))
    (read,) = read_moodle_xml(write_moodle_xml([q]))
    assert read["answers"] == [(1.0, "2", "", "1")]


def test_matching_pairs_are_subquestions():
    q = Question(
        "matching", "Match.", pairs=(Pair("EA1", "first aid"), Pair("Hygiene passport", "food"))
    )
    assert read_moodle_xml(write_moodle_xml([q]))[0]["pairs"] == [
        ("EA1", "first aid"),
        ("Hygiene passport", "food"),
    ]


# ------------------------------------------------------------------ import


def _as_moodle_keeps_it(q: Question) -> Question:
    """What survives Moodle XML by design: a range is a midpoint and a tolerance, and a
    title that repeats the question's opening reads as no title (Moodle needs a name, and
    the export writes the opening when there is no title)."""
    numeric = tuple(
        a
        if a.value is not None
        else replace(
            a, value=(a.low + a.high) / 2, tolerance=(a.high - a.low) / 2, low=None, high=None
        )
        for a in q.numeric
    )
    title = None if q.title == question_text(q)[:80] else q.title
    return replace(q, numeric=numeric, title=title)


def _rounded(q: Question) -> Question:
    return replace(
        q,
        choices=tuple(replace(c, fraction=round(c.fraction, 5)) for c in q.choices),
        numeric=tuple(
            replace(
                a,
                fraction=round(a.fraction, 5),
                value=round(a.value, 6),
                tolerance=round(a.tolerance, 6),
            )
            for a in q.numeric
        ),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(QUESTIONS, min_size=1, max_size=5), CATEGORY)
def test_any_quiz_survives_moodle_xml_export_and_import(questions, category):
    questions = [canonical(replace(q, category=category)) for q in questions]
    back = read_moodle_xml_questions(write_moodle_xml(questions))
    assert [_rounded(q) for q in back] == [_rounded(_as_moodle_keeps_it(q)) for q in questions]


MOODLE_EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Oletus kurssille Avaimet/Palkka</text>
    </category>
    <info format="html">
      <text></text>
    </info>
    <idnumber></idnumber>
  </question>
<!-- question: 1041  -->
  <question type="multichoice">
    <name>
      <text>Verokortti</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr">Mistä saat <strong>verokortin</strong>?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Verokortin saa Verohallinnolta, OmaVerosta.</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>verokortti</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text>Oikea vastaus.</text>
    </correctfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Verohallinnolta</p>]]></text>
      <feedback format="html">
        <text><![CDATA[<p>Kyllä.</p>]]></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>Pankista</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <tags>
      <tag><text>palkka</text>
</tag>
    </tags>
  </question>
<!-- question: 1042  -->
  <question type="truefalse">
    <name>
      <text>Koeaika</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Koeaikana työnantaja saa purkaa sopimuksen syrjivästä syystä.</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text>Ei saa: syrjintä on kielletty myös koeaikana.</text>
      </feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text>Oikein.</text>
      </feedback>
    </answer>
  </question>
<!-- question: 1043  -->
  <question type="numerical">
    <name>
      <text>Ilman verokorttia</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Kuinka monta prosenttia?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>60</text>
      <feedback format="html"><text>Niin: 60 %.</text></feedback>
      <tolerance>0</tolerance>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>*</text>
      <feedback format="html"><text>Ilman verokorttia pidätys on 60 %.</text></feedback>
      <tolerance>0</tolerance>
    </answer>
    <units></units>
    <unitgradingtype>0</unitgradingtype>
  </question>
</quiz>
"""


def test_a_moodle_question_bank_export_imports():
    tax, trial, number = read_moodle_xml_questions(MOODLE_EXPORT)
    assert (tax.kind, tax.title, tax.idnumber, tax.text_format) == (
        "single",
        "Verokortti",
        "verokortti",
        "html",
    )
    assert tax.category == "Oletus kurssille Avaimet/Palkka" and tax.tags == ("palkka",)
    assert [c.fraction for c in tax.choices] == [1.0, 0.0]
    assert tax.choices[0].feedback == "<p>Kyllä.</p>"
    assert (trial.kind, trial.truth, trial.feedback_right) == ("truefalse", False, "Oikein.")
    assert trial.feedback_wrong.startswith("Ei saa")
    assert number.numeric[0].value == 60 and number.feedback_wrong.startswith("Ilman")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<quiz><question type='multichoice'>", ":1:"),
        (
            "<quiz><question type='cloze'><name><text>Aukot</text></name></question></quiz>",
            "'cloze' is not supported",
        ),
        (
            "<quiz><question type='matching'><name><text>M</text></name><subquestion><text>a</text><answer><text>b</text></answer></subquestion></question></quiz>",
            "at least two pairs",
        ),
        ("<quiz></quiz>", "no questions"),
        ("<questions/>", "expected a <quiz> root"),
        ('<!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><quiz>&b;</quiz>', "refused"),
    ],
)
def test_a_file_moodle_xml_import_cannot_take_is_refused_with_the_reason(source, message):
    with pytest.raises(MoodleXmlError, match=message):
        read_moodle_xml_questions(source, "bank.xml")
