"""Questions written as Moodle XML, as Moodle's own export writes them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from quizzes.grades import percent
from quizzes.model import Question
from quizzes.moodlexml.common import FORMAT, TYPE, moodle_path, question_text


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def _text(parent: ET.Element, tag: str, value: str, text_format: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text_format is not None:
        element.set("format", FORMAT[text_format])
    ET.SubElement(element, "text").text = value
    return element


def _answer(
    parent: ET.Element,
    fraction: float,
    text: str,
    text_format: str,
    feedback: str,
    feedback_format: str,
) -> ET.Element:
    answer = ET.SubElement(parent, "answer", fraction=percent(fraction), format=FORMAT[text_format])
    ET.SubElement(answer, "text").text = text
    _text(answer, "feedback", feedback, feedback_format)
    return answer


def _question(root: ET.Element, q: Question) -> None:
    element = ET.SubElement(root, "question", type=TYPE[q.kind])
    _text(element, "name", q.title or question_text(q)[:80])
    _text(element, "questiontext", question_text(q), q.text_format)
    _text(element, "generalfeedback", q.general_feedback, q.format_of(q.general_feedback_format))
    # A reflection is not marked: with a mark, a Moodle quiz would wait for manual grading.
    scored = q.kind not in {"description", "essay"}
    ET.SubElement(element, "defaultgrade").text = "1" if scored else "0"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = q.idnumber or ""
    if q.kind in {"single", "multiple", "short"}:
        if q.kind == "short":
            ET.SubElement(element, "usecase").text = "1" if q.case_sensitive else "0"
        else:
            ET.SubElement(element, "single").text = "true" if q.kind == "single" else "false"
            ET.SubElement(element, "shuffleanswers").text = "true"
            ET.SubElement(element, "answernumbering").text = "abc"
        for c in q.choices:
            # Moodle writes a short answer's accepted answer as plain text.
            own = "moodle" if q.kind == "short" else q.format_of(c.format)
            _answer(element, c.fraction, c.text, own, c.feedback, q.format_of(c.feedback_format))
    elif q.kind == "truefalse":
        right, wrong = ("true", "false") if q.truth else ("false", "true")
        _answer(
            element, 1.0, right, "moodle", q.feedback_right, q.format_of(q.feedback_right_format)
        )
        _answer(
            element, 0.0, wrong, "moodle", q.feedback_wrong, q.format_of(q.feedback_wrong_format)
        )
    elif q.kind == "numerical":
        for a in q.numeric:
            if a.value is not None:
                value, tolerance = a.value, a.tolerance
            else:
                assert a.low is not None and a.high is not None
                value, tolerance = (a.low + a.high) / 2, (a.high - a.low) / 2
            answer = _answer(
                element, a.fraction, _number(value), "moodle", a.feedback,
                q.format_of(a.feedback_format),
            )  # fmt: skip
            ET.SubElement(answer, "tolerance").text = _number(tolerance)
        if q.feedback_wrong:  # Moodle's "*": any other answer
            other = _answer(
                element, 0.0, "*", "moodle", q.feedback_wrong, q.format_of(q.feedback_wrong_format)
            )
            ET.SubElement(other, "tolerance").text = "0"
    elif q.kind == "matching":
        ET.SubElement(element, "shuffleanswers").text = "true"
        for pair in q.pairs:  # a distractor is a subquestion with empty text, as in Moodle
            sub = _text(element, "subquestion", pair.left, q.format_of(pair.format))
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = pair.right
    elif q.kind == "essay":
        ET.SubElement(element, "responseformat").text = "editor"
        ET.SubElement(element, "responserequired").text = "1"
        ET.SubElement(element, "responsefieldlines").text = "10"
    if q.tags:
        tags = ET.SubElement(element, "tags")
        for tag in q.tags:
            _text(tags, "tag", tag)


def write_moodle_xml(questions: Iterable[Question]) -> str:
    root = ET.Element("quiz")
    category: str | None = None
    for q in questions:
        if q.category is not None and q.category != category:
            category = q.category
            holder = ET.SubElement(root, "question", type="category")
            _text(holder, "category", moodle_path(category))
        _question(root, q)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
