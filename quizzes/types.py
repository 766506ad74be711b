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

from quizzes.model import Graded, Question

REGISTRY: dict[str, QuestionType] = {}


class QuestionType(ABC):
    kind: ClassVar[str]
    scored: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.kind] = cls()

    @abstractmethod
    def grade(self, question: Question, response: Any) -> Graded:
        """Grade ``response`` (None: not answered)."""


def kind_of(question: Question) -> QuestionType:
    return REGISTRY[question.kind]


def grade(question: Question, response: Any) -> Graded:
    return kind_of(question).grade(question, response)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


class SingleChoice(QuestionType):
    kind = "single"

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, int) or not 0 <= response < len(question.choices):
            return Graded(0.0, False)
        choice = question.choices[response]
        return Graded(_clamp(choice.fraction), True, tuple(f for f in (choice.feedback,) if f))


class MultipleResponse(QuestionType):
    """Several answers may be right; weights add up, never below zero in total."""

    kind = "multiple"

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, (list, tuple, set, frozenset)) or not response:
            return Graded(0.0, False)
        chosen = sorted(
            {i for i in response if isinstance(i, int) and 0 <= i < len(question.choices)}
        )
        if not chosen:
            return Graded(0.0, False)
        total = sum(question.choices[i].fraction for i in chosen)
        feedback = tuple(
            question.choices[i].feedback for i in chosen if question.choices[i].feedback
        )
        return Graded(_clamp(total), True, feedback)


class TrueFalse(QuestionType):
    kind = "truefalse"

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, bool):
            return Graded(0.0, False)
        right = response == question.truth
        feedback = question.feedback_right if right else question.feedback_wrong
        return Graded(1.0 if right else 0.0, True, (feedback,) if feedback else ())


def normalise(text: str, case_sensitive: bool = False) -> str:
    """Compare short answers as people mean them: Unicode NFC, single spaces, any case."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return text if case_sensitive else text.casefold()


class ShortAnswer(QuestionType):
    kind = "short"

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, str) or not response.strip():
            return Graded(0.0, False)
        given = normalise(response, question.case_sensitive)
        best = None
        for choice in question.choices:
            if normalise(choice.text, question.case_sensitive) == given and (
                best is None or choice.fraction > best.fraction
            ):
                best = choice
        if best is None:
            return Graded(0.0, True)
        return Graded(_clamp(best.fraction), True, (best.feedback,) if best.feedback else ())


def parse_number(text: str) -> float | None:
    """A number as a person in Finland may write it: ``1,5`` and ``1.5``, spaces as
    thousands separators (``1 500``), a leading minus or the Unicode minus sign."""
    cleaned = text.strip().replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    cleaned = re.sub(r"(?<=\d) (?=\d{3}\b)", "", cleaned)
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", cleaned):
        return None
    return float(cleaned)


class Numerical(QuestionType):
    kind = "numerical"

    def grade(self, question: Question, response: Any) -> Graded:
        number = parse_number(response) if isinstance(response, str) else None
        if number is None and isinstance(response, (int, float)) and not isinstance(response, bool):
            number = float(response)
        if number is None:
            return Graded(0.0, False)
        matches = [a for a in question.numeric if a.accepts(number)]
        if not matches:
            other = question.feedback_wrong
            return Graded(0.0, True, (other,) if other else ())
        best = max(matches, key=lambda a: a.fraction)
        return Graded(_clamp(best.fraction), True, (best.feedback,) if best.feedback else ())


class Matching(QuestionType):
    """Each left-hand item gets a right-hand one; the mark is the share matched right."""

    kind = "matching"

    def grade(self, question: Question, response: Any) -> Graded:
        if not isinstance(response, dict) or not response:
            return Graded(0.0, False)
        right = sum(1 for pair in question.pairs if response.get(pair.left) == pair.right)
        return Graded(right / len(question.pairs) if question.pairs else 0.0, True)


class Essay(QuestionType):
    """Open reflection: free text, not scored; it counts as answered."""

    kind = "essay"
    scored = False

    def grade(self, question: Question, response: Any) -> Graded:
        answered = isinstance(response, str) and bool(response.strip())
        return Graded(None, answered)


class Description(QuestionType):
    """Text only; nothing to answer."""

    kind = "description"
    scored = False

    def grade(self, question: Question, response: Any) -> Graded:
        return Graded(None, True)
