"""What the Moodle XML writer and reader share: Moodle's names for types and formats."""

from __future__ import annotations

from quizzes.limits import QuizFileError
from quizzes.model import Question, bank_path

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
DEFAULT_CONTEXT = "$course$/top/"


class MoodleXmlError(QuizFileError):
    """A Moodle XML file this tool cannot import, or one question of it; the message says
    where and why. ``line`` and ``column`` (from 1) place the element it is about, when
    known: a question's error names its ``<question>`` element, or the child that is
    wrong (an ``<answer>``, a ``<subquestion>``); ``message`` is the reason alone."""

    def __init__(
        self, text: str, *, limit: str | None = None, line: int | None = None,
        column: int | None = None, message: str | None = None,
    ) -> None:
        super().__init__(text, limit=limit)
        self.line, self.column, self.message = line, column, text if message is None else message


def question_text(q: Question) -> str:
    if q.text_after is None:
        return q.text
    return f"{q.text} {BLANK} {q.text_after}".strip()


def moodle_path(category: str) -> str:
    """A category as Moodle XML writes it (never ``$course$/top/`` twice)."""
    return category if category.startswith("$") else DEFAULT_CONTEXT + bank_path(category)
