"""Questions as plain, immutable data: what a quiz shows and what grading reads.

A question is a snapshot: an attempt keeps the exact questions it showed, so editing a
quiz later never changes a past result. Nothing here knows about Flask or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")


@dataclass(frozen=True)
class Choice:
    """An answer of a choice or short-answer question; ``fraction`` of the mark, -1..1."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    """One pair of a matching question."""

    left: str
    right: str


@dataclass(frozen=True)
class NumericAnswer:
    """A numerical answer: ``value`` ± ``tolerance``, or the range ``low``..``high``."""

    fraction: float
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    feedback: str = ""

    def accepts(self, number: float) -> bool:
        if self.value is not None:
            return abs(number - self.value) <= self.tolerance + 1e-9 * max(1.0, abs(self.value))
        assert self.low is not None and self.high is not None
        return self.low <= number <= self.high


@dataclass(frozen=True)
class Question:
    """One question of any kind (see quizzes.types for the kinds and their grading).

    ``text`` is the question text; in GIFT's "missing word" form, the answer block stood
    between ``text`` and ``text_after`` (None when the block ends the question).
    """

    kind: str
    text: str
    title: str | None = None
    idnumber: str | None = None
    tags: tuple[str, ...] = ()
    text_format: str = "moodle"
    general_feedback: str = ""
    choices: tuple[Choice, ...] = ()
    pairs: tuple[Pair, ...] = ()
    numeric: tuple[NumericAnswer, ...] = ()
    truth: bool | None = None
    # True/false: shown to those who answered wrong; numerical: for any other number.
    feedback_wrong: str = ""
    feedback_right: str = ""
    text_after: str | None = None
    category: str | None = None
    # Short answer: accepted answers compared as written (default: ignore case and spacing).
    case_sensitive: bool = False


@dataclass(frozen=True)
class Graded:
    """The outcome of grading one response: ``fraction`` of the mark (None: not scored)."""

    fraction: float | None
    answered: bool
    feedback: tuple[str, ...] = field(default_factory=tuple)
