"""Questions written as Moodle XML, for a trainer to import into a Moodle question bank.

Moodle's own element names and conventions (question/format/xml): fractions in percent,
``_____`` where a missing-word answer block stood, ranges as a midpoint and tolerance,
matching pairs as ``subquestion`` elements, reflections as ``essay``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from quizzes.model import Question

FORMAT = {
    "moodle": "moodle_auto_format",
    "html": "html",
    "plain": "plain_text",
    "markdown": "markdown",
}
TYPE = {
    "single": "multichoice",
    "multiple": "multichoice",
    "truefalse": "truefalse",
    "short": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "essay": "essay",
    "description": "description",
}
BLANK = "_____"


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def _percent(fraction: float) -> str:
    return _number(round(fraction * 100, 5))


def _text(parent: ET.Element, tag: str, value: str, text_format: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text_format is not None:
        element.set("format", FORMAT[text_format])
    ET.SubElement(element, "text").text = value
    return element


def _answer(parent: ET.Element, fraction: float, text: str, feedback: str, fmt: str) -> ET.Element:
    answer = ET.SubElement(parent, "answer", fraction=_percent(fraction), format=FORMAT[fmt])
    ET.SubElement(answer, "text").text = text
    _text(answer, "feedback", feedback, fmt)
    return answer


def question_text(q: Question) -> str:
    if q.text_after is None:
        return q.text
    return f"{q.text} {BLANK} {q.text_after}".strip()


def _question(root: ET.Element, q: Question) -> None:
    element = ET.SubElement(root, "question", type=TYPE[q.kind])
    _text(element, "name", q.title or question_text(q)[:80])
    _text(element, "questiontext", question_text(q), q.text_format)
    _text(element, "generalfeedback", q.general_feedback, q.text_format)
    ET.SubElement(element, "defaultgrade").text = "0" if q.kind == "description" else "1"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = q.idnumber or ""
    fmt = q.text_format
    if q.kind in {"single", "multiple"}:
        ET.SubElement(element, "single").text = "true" if q.kind == "single" else "false"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "abc"
        for c in q.choices:
            _answer(element, c.fraction, c.text, c.feedback, fmt)
    elif q.kind == "truefalse":
        right, wrong = ("true", "false") if q.truth else ("false", "true")
        _answer(element, 1.0, right, q.feedback_right, fmt)
        _answer(element, 0.0, wrong, q.feedback_wrong, fmt)
    elif q.kind == "short":
        ET.SubElement(element, "usecase").text = "1" if q.case_sensitive else "0"
        for c in q.choices:
            _answer(element, c.fraction, c.text, c.feedback, fmt)
    elif q.kind == "numerical":
        for a in q.numeric:
            if a.value is not None:
                value, tolerance = a.value, a.tolerance
            else:
                assert a.low is not None and a.high is not None
                value, tolerance = (a.low + a.high) / 2, (a.high - a.low) / 2
            answer = _answer(element, a.fraction, _number(value), a.feedback, fmt)
            ET.SubElement(answer, "tolerance").text = _number(tolerance)
        if q.feedback_wrong:  # Moodle's "*": any other answer
            ET.SubElement(_answer(element, 0.0, "*", q.feedback_wrong, fmt), "tolerance").text = "0"
    elif q.kind == "matching":
        ET.SubElement(element, "shuffleanswers").text = "true"
        for pair in q.pairs:
            sub = _text(element, "subquestion", pair.left, fmt)
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
            _text(holder, "category", f"$course$/top/{category}")
        _question(root, q)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
