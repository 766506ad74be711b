"""Question kinds: a registry of classes keyed by the stored kind name.

Each kind grades a response as a pure function of the question snapshot and the
response. A response is plain data: a choice index, a list of them, a text, a number,
or a mapping of left-hand items to right-hand ones.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    FieldList,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from quizzes.model import Graded, Question

REGISTRY: dict[str, QuestionType] = {}

MAX_SHORT_CHARS = 200
MAX_RESPONSE_CHARS = 5000


class ResponseRejected(ValueError):
    """A response that does not fit the question as shown (a tampered or stale form)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class QuestionType(ABC):
    """A kind of question: its form field, how an answer is read and checked, its grading.

    A response arrives "as shown": choice numbers in the shuffled order the attempt
    showed (``order[i]`` is the question's own index of the i-th choice shown).
    ``accept`` turns it into the question's own terms, which is what is stored and graded.
    """

    kind: ClassVar[str]
    scored: ClassVar[bool] = True
    answerable: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.kind] = cls()

    @abstractmethod
    def grade(self, question: Question, response: Any) -> Graded:
        """Grade ``response`` (None: not answered)."""

    def field(self, question: Question, order: list[int]) -> Field | None:
        """An unbound WTForms field for the answer (None: nothing to answer)."""
        return None

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        """The field's data as a response as shown (None: not answered)."""
        return None

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        """The response in the question's own terms, or ResponseRejected."""
        raise ResponseRejected("nothing_to_answer")

    def field_data(self, question: Question, order: list[int], stored: Any) -> Any:
        """A stored response as the field shows it again (prefilled after a reload)."""
        return stored


def _shown_index(order: list[int], response: Any) -> int:
    if (
        isinstance(response, bool)
        or not isinstance(response, int)
        or not 0 <= response < len(order)
    ):
        raise ResponseRejected("bad_choice")
    return order[response]


def _text(response: Any, limit: int) -> str:
    if not isinstance(response, str):
        raise ResponseRejected("bad_answer")
    if len(response) > limit:
        raise ResponseRejected("response_too_long")
    return response


def _blank_to_none(data: Any) -> Any:
    return data if isinstance(data, str) and data.strip() else None


def kind_of(question: Question) -> QuestionType:
    return REGISTRY[question.kind]


def grade(question: Question, response: Any) -> Graded:
    return kind_of(question).grade(question, response)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


class SingleChoice(QuestionType):
    kind = "single"

    def field(self, question: Question, order: list[int]) -> Field:
        return RadioField(choices=[str(i) for i in range(len(order))], validators=[Optional()])

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        return int(data) if data not in (None, "", "None") else None

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        return _shown_index(order, response)

    def field_data(self, question: Question, order: list[int], stored: Any) -> Any:
        return str(order.index(stored)) if stored in order else None

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, int) or not 0 <= response < len(question.choices):
            return Graded(0.0, False)
        choice = question.choices[response]
        if not choice.feedback:
            return Graded(_clamp(choice.fraction), True)
        return Graded(_clamp(choice.fraction), True, (choice.feedback,), (choice.feedback_format,))


class MultipleResponse(QuestionType):
    """Several answers may be right; weights add up, never below zero in total."""

    kind = "multiple"

    def field(self, question: Question, order: list[int]) -> Field:
        return SelectMultipleField(choices=[str(i) for i in range(len(order))])

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        return [int(i) for i in data] if data else None

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        if not isinstance(response, list):
            raise ResponseRejected("bad_choice")
        return sorted({_shown_index(order, i) for i in response})

    def field_data(self, question: Question, order: list[int], stored: Any) -> Any:
        return [str(order.index(i)) for i in stored or () if i in order]

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, (list, tuple, set, frozenset)) or not response:
            return Graded(0.0, False)
        chosen = sorted(
            {i for i in response if isinstance(i, int) and 0 <= i < len(question.choices)}
        )
        if not chosen:
            return Graded(0.0, False)
        total = sum(question.choices[i].fraction for i in chosen)
        with_feedback = [question.choices[i] for i in chosen if question.choices[i].feedback]
        return Graded(
            _clamp(total),
            True,
            tuple(c.feedback for c in with_feedback),
            tuple(c.feedback_format for c in with_feedback),
        )


class TrueFalse(QuestionType):
    kind = "truefalse"

    def field(self, question: Question, order: list[int]) -> Field:
        return RadioField(choices=["true", "false"], validators=[Optional()])

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        return {"true": True, "false": False}.get(data)

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        if not isinstance(response, bool):
            raise ResponseRejected("bad_choice")
        return response

    def field_data(self, question: Question, order: list[int], stored: Any) -> Any:
        return None if stored is None else ("true" if stored else "false")

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, bool):
            return Graded(0.0, False)
        right = response == question.truth
        feedback = question.feedback_right if right else question.feedback_wrong
        own = question.feedback_right_format if right else question.feedback_wrong_format
        return Graded(1.0 if right else 0.0, True, *(((feedback,), (own,)) if feedback else ()))


def normalise(text: str, case_sensitive: bool = False) -> str:
    """Compare short answers as people mean them: Unicode NFC, single spaces, any case."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return text if case_sensitive else text.casefold()


def matches_answer(given: str, pattern: str, case_sensitive: bool = False) -> bool:
    """Moodle's short-answer comparison: ``*`` in an accepted answer stands for any
    characters (``\\*`` for an asterisk), and the whole answer must match."""
    given, pattern = normalise(given, case_sensitive), normalise(pattern, case_sensitive)
    if "*" not in pattern:
        return given == pattern
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.fullmatch(regexp, given, re.DOTALL) is not None


class ShortAnswer(QuestionType):
    kind = "short"

    def field(self, question: Question, order: list[int]) -> Field:
        too_long = _l("Write at most %(max)d characters.", max=MAX_SHORT_CHARS)
        return StringField(validators=[Length(max=MAX_SHORT_CHARS, message=too_long)])

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        return _blank_to_none(data)

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        return _text(response, MAX_SHORT_CHARS)

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, str) or not response.strip():
            return Graded(0.0, False)
        best = None
        for choice in question.choices:  # the first that matches, as in Moodle
            if matches_answer(response, choice.text, question.case_sensitive):
                best = choice
                break
        if best is None:
            return Graded(0.0, True)
        if not best.feedback:
            return Graded(_clamp(best.fraction), True)
        return Graded(_clamp(best.fraction), True, (best.feedback,), (best.feedback_format,))


def number_text(text: str) -> str | None:
    """A number as a person in Finland may write it, as Python reads one (None: not a
    number): ``1,5`` and ``1.5``, spaces as thousands separators (``1 500``), a leading
    minus or the Unicode minus sign."""
    cleaned = text.strip().replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    cleaned = re.sub(r"(?<=\d) (?=\d{3}\b)", "", cleaned)
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", cleaned):
        return None
    return cleaned


def parse_number(text: str) -> float | None:
    """A number as a person in Finland may write it (see number_text)."""
    cleaned = number_text(text)
    return None if cleaned is None else float(cleaned)


def _a_number(form: Any, field: Field) -> None:
    if field.data and field.data.strip() and parse_number(field.data) is None:
        raise ValidationError(_l("Write a number, for example 1,5 or 12."))


class Numerical(QuestionType):
    kind = "numerical"

    def field(self, question: Question, order: list[int]) -> Field:
        return StringField(validators=[Length(max=MAX_SHORT_CHARS), _a_number])

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        return _blank_to_none(data)

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        text = _text(response, MAX_SHORT_CHARS)
        if parse_number(text) is None:
            raise ResponseRejected("not_a_number")
        return text

    def grade(self, question: Question, response: Any) -> Graded:
        number = parse_number(response) if isinstance(response, str) else None
        if number is None and isinstance(response, (int, float)) and not isinstance(response, bool):
            number = float(response)
        if number is None:
            return Graded(0.0, False)
        matches = [a for a in question.numeric if a.accepts(number)]
        if not matches:
            other = question.feedback_wrong
            if not other:
                return Graded(0.0, True)
            return Graded(0.0, True, (other,), (question.feedback_wrong_format,))
        best = max(matches, key=lambda a: a.fraction)
        if not best.feedback:
            return Graded(_clamp(best.fraction), True)
        return Graded(_clamp(best.fraction), True, (best.feedback,), (best.feedback_format,))


class Matching(QuestionType):
    """Each left-hand item gets a right-hand one; the mark is the share matched right.
    A pair without a left-hand item (Moodle's distractor) only adds a right-hand answer."""

    kind = "matching"

    def field(self, question: Question, order: list[int]) -> Field:
        # One list per left-hand item (in the question's order), its options the
        # right-hand items in the shuffled order; "" while not chosen.
        options = ["", *(str(i) for i in range(len(order)))]
        entry = SelectField(choices=options, validate_choice=True, validators=[Optional()])
        items = len(question.subquestions)
        return FieldList(entry, min_entries=items, max_entries=items)

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        chosen = {
            pair.left: question.pairs[order[int(value)]].right
            for pair, value in zip(question.subquestions, data or (), strict=False)
            if value not in (None, "")
        }
        return chosen or None

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        lefts = {p.left for p in question.subquestions}
        rights = {p.right for p in question.pairs}
        if (
            not isinstance(response, dict)
            or not set(response) <= lefts
            or not all(isinstance(v, str) and v in rights for v in response.values())
        ):
            raise ResponseRejected("bad_choice")
        return response

    def field_data(self, question: Question, order: list[int], stored: Any) -> Any:
        shown_rights = [question.pairs[i].right for i in order]
        stored = stored or {}
        return [
            str(shown_rights.index(stored[p.left])) if stored.get(p.left) in shown_rights else ""
            for p in question.subquestions
        ]

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, dict) or not response:
            return Graded(0.0, False)
        items = question.subquestions
        right = sum(1 for pair in items if response.get(pair.left) == pair.right)
        return Graded(right / len(items) if items else 0.0, True)


class Essay(QuestionType):
    """Open reflection: free text, not scored; it counts as answered."""

    kind = "essay"
    scored = False

    def field(self, question: Question, order: list[int]) -> Field:
        too_long = _l("Write at most %(max)d characters.", max=MAX_RESPONSE_CHARS)
        return TextAreaField(validators=[Length(max=MAX_RESPONSE_CHARS, message=too_long)])

    def from_field(self, question: Question, order: list[int], data: Any) -> Any:
        return _blank_to_none(data)

    def accept(self, question: Question, order: list[int], response: Any) -> Any:
        return _text(response, MAX_RESPONSE_CHARS)

    def grade(self, question: Question, response: Any) -> Graded:
        answered = isinstance(response, str) and bool(response.strip())
        return Graded(None, answered)


class Description(QuestionType):
    """Text only; nothing to answer."""

    kind = "description"
    scored = False
    answerable = False

    def grade(self, question: Question, response: Any) -> Graded:
        return Graded(None, True)
