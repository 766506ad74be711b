"""Questions read from a Moodle XML export, as Moodle's qformat_xml reads them."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from quizzes.grades import invalid_grade, moodle_grade
from quizzes.limits import (
    MAX_FILE_BYTES,
    MAX_QUESTIONS_PER_QUIZ,
    MAX_XML_ELEMENTS_PER_QUESTION,
    QUESTIONS_LIMIT,
    over_limit,
    too_big,
)
from quizzes.model import Choice, NumericAnswer, Pair, Question, bank_path
from quizzes.moodlexml.common import BLANK, FORMAT, TYPE, MoodleXmlError


class _Wrong(Exception):
    """A question that cannot be read, and the element that says why (None: the
    <question> itself), so that the error names that element's line and column."""

    def __init__(self, message: str, element: ET.Element | None = None, limit: str | None = None) -> None:
        super().__init__(message)
        self.message, self.element, self.limit = message, element, limit


KIND = {moodle: ours for ours, moodle in TYPE.items() if ours not in {"single", "multiple"}}
TEXT_FORMAT = {moodle: ours for ours, moodle in FORMAT.items()}


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
        raise _Wrong(f"{where}: an answer's fraction {raw!r} is not a number", answer) from None


def _graded(answers: list[ET.Element], where: str) -> list[float]:
    """The answers' grades as Moodle stores them, or the question refused as Moodle's
    import refuses one with a grade not on its list."""
    fractions = [_fraction(a, where) for a in answers]
    grades = [moodle_grade(f) for f in fractions]
    wrong = [f for f, g in zip(fractions, grades, strict=True) if g is None]
    if wrong:
        first = next(a for a, g in zip(answers, grades, strict=True) if g is None)
        raise _Wrong(f"{where}: {invalid_grade(wrong)}", first)
    return [g for g in grades if g is not None]


def _split_blank(text: str) -> tuple[str, str | None]:
    """A missing-word text as Moodle writes it (``_____``) back to text and text after."""
    if BLANK not in text:
        return text, None
    before, _, after = text.partition(BLANK)
    return before.rstrip(" "), after.lstrip(" ")


def _format(element: ET.Element | None, default: str) -> str:
    """Moodle's trans_format: a format name it does not know is its own auto-format."""
    if element is None or element.get("format") is None:
        return default
    return TEXT_FORMAT.get(element.get("format", ""), "moodle")


class _Question:
    """One <question> element read into a Question's fields."""

    def __init__(self, element: ET.Element, where: str, kind: str) -> None:
        self.element, self.where, self.kind = element, where, kind
        self.text_format = _format(element.find("questiontext"), "html")

    def own(self, element: ET.Element | None) -> str | None:
        """An element's own format (None: the question text's, which is its default)."""
        text_format = _format(element, self.text_format)
        return None if text_format == self.text_format else text_format

    def feedback(self, answer: ET.Element | None) -> tuple[str, str | None]:
        found = answer.find("feedback") if answer is not None else None
        return _read_text(answer, "feedback"), self.own(found)

    def answers(self) -> dict[str, object]:
        element, where, kind = self.element, self.where, self.kind
        answers = element.findall("answer")
        if kind in {"single", "multiple", "short"}:
            if not answers:
                raise _Wrong(f"{where}: no answers")
            choices = []
            for a, grade in zip(answers, _graded(answers, where), strict=True):
                feedback, feedback_format = self.feedback(a)
                # A short answer's accepted answer is plain text, whatever its format says.
                own = None if kind == "short" else self.own(a)
                choices.append(
                    Choice(a.findtext("text") or "", grade, feedback, own, feedback_format)
                )
            fields: dict[str, object] = {"choices": tuple(choices)}
            if kind == "short":
                fields["case_sensitive"] = (element.findtext("usecase") or "0").strip() == "1"
            return fields
        if kind == "truefalse":
            right = next((a for a in answers if _fraction(a, where) >= 1), None)
            wrong = next((a for a in answers if a is not right), None)
            if right is None or (right.findtext("text") or "").strip() not in {"true", "false"}:
                raise _Wrong(
                    f"{where}: a true/false question needs a right answer 'true' or 'false'", right
                )
            (right_text, right_format), (wrong_text, wrong_format) = (
                self.feedback(right),
                self.feedback(wrong),
            )
            return {
                "truth": (right.findtext("text") or "").strip() == "true",
                "feedback_right": right_text,
                "feedback_right_format": right_format,
                "feedback_wrong": wrong_text,
                "feedback_wrong_format": wrong_format,
            }
        if kind == "numerical":
            return self.numerical(answers)
        if kind == "matching":
            return self.matching()
        return {}

    def numerical(self, answers: list[ET.Element]) -> dict[str, object]:
        fields: dict[str, object] = {}
        numeric = []
        for a, grade in zip(answers, _graded(answers, self.where), strict=True):
            value = (a.findtext("text") or "").strip()
            feedback, feedback_format = self.feedback(a)
            if value == "*":
                fields["feedback_wrong"], fields["feedback_wrong_format"] = (
                    feedback,
                    feedback_format,
                )
                continue
            try:
                numeric.append(
                    NumericAnswer(
                        grade,
                        value=float(value),
                        # Moodle grades with the tolerance's size (a GIFT '5..1' is
                        # stored as 3 with tolerance -2): qtype_numerical_answer's abs.
                        tolerance=abs(float((a.findtext("tolerance") or "0").strip() or 0)),
                        feedback=feedback,
                        feedback_format=feedback_format,
                    )
                )
            except ValueError:
                raise _Wrong(f"{self.where}: answer {value!r} is not a number", a) from None
        if not numeric:
            raise _Wrong(f"{self.where}: no numerical answer")
        fields["numeric"] = tuple(numeric)
        return fields

    def matching(self) -> dict[str, object]:
        pairs = []
        for sub in self.element.findall("subquestion"):
            left, right = _read_text(sub, "."), sub.findtext("answer/text") or ""
            if not left.strip() and not right.strip():
                continue  # Moodle skips a subquestion with neither
            if left.strip() and not right.strip():
                raise _Wrong(f"{self.where}: the item {left!r} has no right-hand answer", sub)
            # Empty text: a distractor, a right-hand answer offered for no item.
            if not left.strip():
                pairs.append(Pair("", right))
            else:
                pairs.append(Pair(left, right, self.own(sub)))
        if len([p for p in pairs if p.left]) < 2:
            raise _Wrong(f"{self.where}: a matching question needs at least two pairs")
        return {"pairs": tuple(pairs)}


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
        raise _Wrong(f"{where}: type {moodle_type!r} is not supported (supported: {supported})")
    reader = _Question(element, where, kind)
    text = _read_text(element, "questiontext")
    text_after = None
    if kind != "description":  # the blank stands where the answers did, whatever the type
        text, text_after = _split_blank(text)
    tags = tuple(t.findtext("text") or "" for t in element.findall("tags/tag"))
    full_text = text if text_after is None else f"{text} {BLANK} {text_after}".strip()
    general = element.find("generalfeedback")
    fields: dict[str, object] = {
        "kind": kind,
        "text": text,
        "text_after": text_after,
        "title": name if name and name != full_text[:80] else None,
        "idnumber": (element.findtext("idnumber") or "").strip() or None,
        "tags": tuple(t for t in tags if t),
        "text_format": reader.text_format,
        "general_feedback": _read_text(element, "generalfeedback"),
        "general_feedback_format": reader.own(general),
        "category": category,
        **reader.answers(),
    }
    question = Question(**fields)  # type: ignore[arg-type]
    if (wrong := over_limit(question)) is not None:
        raise _Wrong(f"{where}: {wrong[0]}", limit=wrong[1])
    return question


@dataclass(frozen=True)
class MoodleXmlReading:
    """What a Moodle XML export holds: its questions, where each ``<question>`` element
    starts (line and column), and every question's error."""

    questions: list[Question] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)
    errors: list[MoodleXmlError] = field(default_factory=list)


def read_moodle_xml(source: str | bytes, name: str = "<moodle xml>") -> list[Question]:
    """The questions of a Moodle XML export, or MoodleXmlError naming the first thing that
    is wrong (QuizFileError for a file over MAX_FILE_BYTES)."""
    reading = _read(source, name, MoodleXmlReading(), keep_going=False)
    if not reading.questions:
        raise MoodleXmlError(f"{name}: no questions")
    return reading.questions


def read_moodle_xml_all(source: str | bytes, name: str = "<moodle xml>") -> MoodleXmlReading:
    """The questions of a Moodle XML export and every question's error (line and column
    each), for a preview that names all of them at once: a question that cannot be read
    is left out and the next one read; an XML syntax error ends the reading there (the
    parser cannot go on) and is one more error. A file beyond the limits (size, elements
    in a question, number of questions), with entities, or without a <quiz> root is
    still refused whole (MoodleXmlError, QuizFileError)."""
    return _read(source, name, MoodleXmlReading(), keep_going=True)


def _read(source: str | bytes, name: str, reading: MoodleXmlReading, keep_going: bool) -> MoodleXmlReading:
    """Parsed with defusedxml (a file from anywhere cannot expand entities or reach out), a
    question at a time: each is read when it ends and then dropped from the tree, and
    the limits of quizzes.limits are checked as the elements arrive, so memory holds one
    question whatever the file holds. Expat tells where each element starts (a Python
    ElementTree element has no line of its own), so an error can say where."""
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    if len(source) > MAX_FILE_BYTES:
        raise too_big(name, len(source))
    stream = io.BytesIO(source) if isinstance(source, bytes) else io.StringIO(source)
    builder = _PlacingBuilder()
    parser = SafeET.DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    reader = _Reader(name, reading, builder.places, keep_going)
    try:
        for event, element in ET.iterparse(stream, events=("start", "end"), parser=parser):
            if event == "start":
                reader.start(element)
            else:
                reader.end(element)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        error = MoodleXmlError(f"{name}:{line}:{column + 1}: {reason}", line=line, column=column + 1, message=reason)
        if not keep_going:
            raise error from None
        reading.errors.append(error)
    except DefusedXmlException as exc:
        raise MoodleXmlError(f"{name}: refused: {type(exc).__name__}") from None
    return reading


class _PlacingBuilder(ET.TreeBuilder):
    """A tree builder that notes where each element starts, asked of expat as the
    element opens (its line, and its column counted from 1)."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.places: dict[ET.Element, tuple[int, int]] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:  # type: ignore[override]
        element = super().start(tag, attrs)
        self.places[element] = (self.expat.CurrentLineNumber, self.expat.CurrentColumnNumber + 1)
        return element


class _Reader:
    """The questions of a <quiz>, read as its elements start and end."""

    def __init__(
        self, name: str, reading: MoodleXmlReading, places: dict[ET.Element, tuple[int, int]], keep_going: bool
    ) -> None:
        self.name, self.reading, self.places, self.keep_going = name, reading, places, keep_going
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
                    f"{self.name}: expected a <quiz> root element, found <{element.tag}>",
                    **self._at(element),
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
                    limit="MAX_XML_ELEMENTS_PER_QUESTION", **self._at(element),
                )

    def _at(self, element: ET.Element) -> dict[str, int | None]:
        line, column = self.places.get(element, (None, None))
        return {"line": line, "column": column}

    def end(self, element: ET.Element) -> None:
        self.depth -= 1
        if self.depth != 1:
            return
        assert self.root is not None
        self.root.clear()  # the element is read: the tree keeps nothing of it
        try:
            self._question(element)
        finally:  # the parser may be ahead, placing the next question's elements already
            for inner in element.iter():
                self.places.pop(inner, None)

    def _question(self, element: ET.Element) -> None:
        if element.tag != "question":
            return
        if element.get("type") == "category":
            self.category = bank_path(_read_text(element, "category").strip()) or None
            return
        reading = self.reading
        if len(reading.questions) + len(reading.errors) == MAX_QUESTIONS_PER_QUIZ:
            raise MoodleXmlError(
                f"{self.name}: question {self.number} ({_read_text(element, 'name')}) is one "
                f"too many: {QUESTIONS_LIMIT}",
                limit="MAX_QUESTIONS_PER_QUIZ", **self._at(element),
            )
        try:
            question = _read_question(element, self.number, self.category)
        except _Wrong as wrong:
            line, column = self.places.get(
                wrong.element if wrong.element is not None else element, (None, None)
            )
            where = f"{line}:{column}:" if line is not None else ""
            error = MoodleXmlError(
                f"{self.name}:{where} {wrong.message}", limit=wrong.limit, line=line, column=column,
                message=wrong.message,
            )
            if not self.keep_going:
                raise error from None
            reading.errors.append(error)
            return
        reading.questions.append(question)
        reading.places.append(self.places.get(element, (0, 0)))
