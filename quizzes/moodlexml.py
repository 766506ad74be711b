"""Questions as Moodle XML: written for a trainer to import into a Moodle question bank,
and read from a Moodle question bank export.

Moodle's own element names and conventions (question/format/xml): fractions in percent,
``_____`` where a missing-word answer block stood, ranges as a midpoint and tolerance,
matching pairs as ``subquestion`` elements, reflections as ``essay``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from quizzes.limits import (
    MAX_FILE_BYTES,
    MAX_QUESTIONS_PER_QUIZ,
    MAX_XML_ELEMENTS_PER_QUESTION,
    QUESTIONS_LIMIT,
    QuizFileError,
    over_limit,
    too_big,
)
from quizzes.model import Choice, NumericAnswer, Pair, Question

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


# ------------------------------------------------------------------ reading


class MoodleXmlError(QuizFileError):
    """A Moodle XML file this tool cannot import; the message says where and why."""


KIND = {moodle: ours for ours, moodle in TYPE.items() if ours not in {"single", "multiple"}}
TEXT_FORMAT = {moodle: ours for ours, moodle in FORMAT.items()}
CATEGORY_PREFIXES = ("$course$/top/", "$course$/", "$system$/top/", "$system$/", "top/")


def _read_text(element: ET.Element | None, tag: str) -> str:
    found = element.find(tag) if element is not None else None
    if found is None:
        return ""
    inner = found.find("text")
    return (inner.text if inner is not None else found.text) or ""


def _fraction(answer: ET.Element, where: str) -> float:
    raw = answer.get("fraction", "0")
    try:
        return round(float(raw) / 100, 7)
    except ValueError:
        raise MoodleXmlError(f"{where}: an answer's fraction {raw!r} is not a number") from None


def _split_blank(text: str) -> tuple[str, str | None]:
    """A missing-word text as Moodle writes it (``_____``) back to text and text after."""
    if BLANK not in text:
        return text, None
    before, _, after = text.partition(BLANK)
    return before.rstrip(" "), after.lstrip(" ")


def _read_question(element: ET.Element, number: int, category: str | None) -> Question:
    moodle_type = element.get("type", "")
    name = _read_text(element, "name")
    where = f"question {number} ({name or moodle_type})"
    if moodle_type == "multichoice":
        kind = "single" if (element.findtext("single") or "true").strip() == "true" else "multiple"
    elif moodle_type in KIND:
        kind = KIND[moodle_type]
    else:
        supported = ", ".join(sorted({*KIND, "multichoice"}))
        raise MoodleXmlError(
            f"{where}: type {moodle_type!r} is not supported (supported: {supported})"
        )
    text_element = element.find("questiontext")
    text_format = TEXT_FORMAT.get(
        text_element.get("format", "html") if text_element is not None else "html", "html"
    )
    text = _read_text(element, "questiontext")
    text_after = None
    if kind in {"single", "multiple", "short"}:
        text, text_after = _split_blank(text)
    tags = tuple(t.findtext("text") or "" for t in element.findall("tags/tag"))
    full_text = text if text_after is None else f"{text} {BLANK} {text_after}".strip()
    fields: dict[str, object] = {
        "kind": kind,
        "text": text,
        "text_after": text_after,
        "title": name if name and name != full_text[:80] else None,
        "idnumber": (element.findtext("idnumber") or "").strip() or None,
        "tags": tuple(t for t in tags if t),
        "text_format": text_format,
        "general_feedback": _read_text(element, "generalfeedback"),
        "category": category,
    }
    answers = element.findall("answer")
    if kind in {"single", "multiple", "short"}:
        if not answers:
            raise MoodleXmlError(f"{where}: no answers")
        fields["choices"] = tuple(
            Choice(a.findtext("text") or "", _fraction(a, where), _read_text(a, "feedback"))
            for a in answers
        )
        if kind == "short":
            fields["case_sensitive"] = (element.findtext("usecase") or "0").strip() == "1"
    elif kind == "truefalse":
        right = next((a for a in answers if _fraction(a, where) >= 1), None)
        wrong = next((a for a in answers if a is not right), None)
        if right is None or (right.findtext("text") or "").strip() not in {"true", "false"}:
            raise MoodleXmlError(
                f"{where}: a true/false question needs a right answer 'true' or 'false'"
            )
        fields["truth"] = (right.findtext("text") or "").strip() == "true"
        fields["feedback_right"] = _read_text(right, "feedback")
        fields["feedback_wrong"] = _read_text(wrong, "feedback")
    elif kind == "numerical":
        numeric = []
        for a in answers:
            value = (a.findtext("text") or "").strip()
            if value == "*":
                fields["feedback_wrong"] = _read_text(a, "feedback")
                continue
            try:
                numeric.append(
                    NumericAnswer(
                        _fraction(a, where),
                        value=float(value),
                        tolerance=float((a.findtext("tolerance") or "0").strip() or 0),
                        feedback=_read_text(a, "feedback"),
                    )
                )
            except ValueError:
                raise MoodleXmlError(f"{where}: answer {value!r} is not a number") from None
        if not numeric:
            raise MoodleXmlError(f"{where}: no numerical answer")
        fields["numeric"] = tuple(numeric)
    elif kind == "matching":
        pairs = []
        for sub in element.findall("subquestion"):
            left, right = _read_text(sub, "."), sub.findtext("answer/text") or ""
            if not left.strip():
                raise MoodleXmlError(
                    f"{where}: a right-hand answer without a question ({right!r}) is not supported"
                )
            pairs.append(Pair(left, right))
        if len(pairs) < 2:
            raise MoodleXmlError(f"{where}: a matching question needs at least two pairs")
        fields["pairs"] = tuple(pairs)
    question = Question(**fields)  # type: ignore[arg-type]
    if (wrong := over_limit(question)) is not None:
        raise MoodleXmlError(f"{where}: {wrong[0]}", limit=wrong[1])
    return question


def read_moodle_xml(source: str | bytes, name: str = "<moodle xml>") -> list[Question]:
    """The questions of a Moodle XML export, or MoodleXmlError naming what is wrong
    (QuizFileError for a file over MAX_FILE_BYTES).

    Parsed with defusedxml (a file from anywhere cannot expand entities or reach out), a
    question at a time: each is read when it ends and then dropped from the tree, and
    the limits of quizzes.limits are checked as the elements arrive, so memory holds one
    question whatever the file holds.
    """
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    if len(source) > MAX_FILE_BYTES:
        raise too_big(name, len(source))
    stream = io.BytesIO(source) if isinstance(source, bytes) else io.StringIO(source)
    reader = _Reader(name)
    try:
        for event, element in SafeET.iterparse(stream, events=("start", "end")):
            if event == "start":
                reader.start(element)
            else:
                reader.end(element)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise MoodleXmlError(f"{name}:{line}:{column + 1}: {reason}") from None
    except DefusedXmlException as exc:
        raise MoodleXmlError(f"{name}: refused: {type(exc).__name__}") from None
    if not reader.questions:
        raise MoodleXmlError(f"{name}: no questions")
    return reader.questions


class _Reader:
    """The questions of a <quiz>, read as its elements start and end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.questions: list[Question] = []
        self.category: str | None = None
        self.root: ET.Element | None = None
        self.depth = 0
        self.number = 0  # of the <question> elements, categories included
        self.inside = 0  # elements inside the current <question>

    def start(self, element: ET.Element) -> None:
        self.depth += 1
        if self.depth == 1:
            if element.tag != "quiz":
                raise MoodleXmlError(
                    f"{self.name}: expected a <quiz> root element, found <{element.tag}>"
                )
            self.root = element
        elif self.depth == 2:
            self.number += element.tag == "question"
            self.inside = 0
        else:
            self.inside += 1
            if self.inside > MAX_XML_ELEMENTS_PER_QUESTION:
                raise MoodleXmlError(
                    f"{self.name}: question {self.number}: more than "
                    f"{MAX_XML_ELEMENTS_PER_QUESTION:,} XML elements in one question "
                    "(MAX_XML_ELEMENTS_PER_QUESTION)",
                    limit="MAX_XML_ELEMENTS_PER_QUESTION",
                )

    def end(self, element: ET.Element) -> None:
        self.depth -= 1
        if self.depth != 1:
            return
        assert self.root is not None
        self.root.clear()  # the element is read: the tree keeps nothing of it
        if element.tag != "question":
            return
        if element.get("type") == "category":
            path = _read_text(element, "category")
            for prefix in CATEGORY_PREFIXES:
                if path.startswith(prefix):
                    path = path[len(prefix) :]
                    break
            self.category = path or None
            return
        try:
            question = _read_question(element, self.number, self.category)
        except MoodleXmlError as exc:
            raise MoodleXmlError(f"{self.name}: {exc}", limit=exc.limit) from None
        if len(self.questions) == MAX_QUESTIONS_PER_QUIZ:
            raise MoodleXmlError(
                f"{self.name}: question {self.number} ({_read_text(element, 'name')}) is one "
                f"too many: {QUESTIONS_LIMIT}",
                limit="MAX_QUESTIONS_PER_QUIZ",
            )
        self.questions.append(question)
