"""Questions as plain, immutable data: what a quiz shows and what grading reads.

A question is a snapshot: an attempt keeps the exact questions it showed, so editing a
quiz later never changes a past result. Nothing here knows about Flask or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
# A piece of a question (an answer, a feedback, a matching item) written in a format of
# its own keeps it in a ``*format`` field; None there means "the question text's format",
# which is what the readers store when the two are the same (so that one meaning has one
# form, and versions stored before these fields existed compare equal).


@dataclass(frozen=True)
class Choice:
    """An answer of a choice or short-answer question; ``fraction`` of the mark, -1..1."""

    text: str
    fraction: float
    feedback: str = ""
    format: str | None = None
    feedback_format: str | None = None


@dataclass(frozen=True)
class Pair:
    """One pair of a matching question; an empty ``left`` is a distractor (Moodle's
    subquestion with no text): a right-hand answer offered for none of the items."""

    left: str
    right: str
    format: str | None = None  # of ``left``; the right-hand answers are plain text


@dataclass(frozen=True)
class NumericAnswer:
    """A numerical answer: ``value`` ± ``tolerance``, or the range ``low``..``high``."""

    fraction: float
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    feedback: str = ""
    feedback_format: str | None = None

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
    general_feedback_format: str | None = None
    feedback_wrong_format: str | None = None
    feedback_right_format: str | None = None

    def format_of(self, own: str | None) -> str:
        """The format a piece of this question is shown in (its own, or the text's)."""
        return own or self.text_format

    @property
    def subquestions(self) -> tuple[Pair, ...]:
        """Matching: the pairs with an item to match (the others are distractors)."""
        return tuple(p for p in self.pairs if p.left)


@dataclass(frozen=True)
class Graded:
    """The outcome of grading one response: ``fraction`` of the mark (None: not scored)."""

    fraction: float | None
    answered: bool
    feedback: tuple[str, ...] = field(default_factory=tuple)
    # The format of each feedback, as its piece of the question has it (None: the text's).
    feedback_formats: tuple[str | None, ...] = field(default_factory=tuple)


# The start of a category path that names the course's own question bank (Moodle's
# $course$ context and its "top" category, which a path without a context means too).
COURSE_BANK = ("$course$/top/", "$course$/", "top/")


def bank_path(category: str) -> str:
    """A category as this tool keeps it: its path in the course's question bank ("X" for
    Moodle's ``$course$/top/X`` and ``top/X``); a path in another context, such as
    ``$system$/top/X``, is kept whole."""
    for prefix in COURSE_BANK:
        if category.startswith(prefix):
            return category[len(prefix) :]
    return category
