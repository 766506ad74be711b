"""Moodle XML export, read back by a small parser of Moodle's format written for the test."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.model import Choice, NumericAnswer, Pair, Question
from quizzes.moodlexml import BLANK, write_moodle_xml
from tests.quizzes.test_gift import QUESTIONS, TEXT

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
@given(st.lists(QUESTIONS, min_size=1, max_size=5), st.one_of(st.none(), TEXT))
def test_any_quiz_survives_moodle_xml_export(questions, category):
    questions = [q.__class__(**{**q.__dict__, "category": category}) for q in questions]
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
