"""What a quiz file may hold, and reading one: far above any quiz a trainer makes in good
faith, so that a file within them is read in bounded time and memory, and one beyond
them is refused with the limit's name and where it was passed.

The readers (quizzes.gift.parser.parse_gift, quizzes.moodlexml.read_moodle_xml) enforce
them on whatever they are given, from the command line or, later, a browser's upload.
"""

from __future__ import annotations

import codecs
import os
from typing import BinaryIO

from quizzes.model import Question

# A Moodle XML export carries its images base64-encoded (this tool skips them); GIFT is
# text only. 20 MiB holds a question bank of several hundred questions with pictures.
MAX_FILE_BYTES = 20 * 1024 * 1024
# A module's quiz, or the pool it draws from.
MAX_QUESTIONS_PER_QUIZ = 1_000
# One text: a question's text or title, an answer, a feedback, a tag, the category. What
# Moodle on MySQL keeps in a TEXT column, so no text a Moodle can export is refused.
MAX_TEXT_CHARS = 65_535
# Choices, accepted answers, numerical answers or matching pairs of one question.
MAX_ANSWERS_PER_QUESTION = 100
# A question's id number, as Moodle's (and the quiz_question.idnumber column) holds it.
MAX_IDNUMBER_CHARS = 100
# GIFT: one question's lines (blank-line separated), comments included.
MAX_QUESTION_CHARS = 200_000
# Moodle XML: the elements inside one <question> (answers, feedback, tags, files...).
MAX_XML_ELEMENTS_PER_QUESTION = 5_000


class QuizFileError(ValueError):
    """A quiz file that cannot be imported; the message says where and why. ``limit``
    names the limit it passed (one of the constants above), if that is the reason."""

    def __init__(self, message: str, *, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit


def too_big(name: str, size: int | None = None) -> QuizFileError:
    found = f"{size:,} bytes" if size is not None else "larger than that"
    return QuizFileError(
        f"{name}: the file is {found}; a quiz file may be at most {MAX_FILE_BYTES:,} bytes "
        f"({MAX_FILE_BYTES // (1024 * 1024)} MB, MAX_FILE_BYTES)",
        limit="MAX_FILE_BYTES",
    )


def read_quiz_file(source: str | os.PathLike[str] | BinaryIO, name: str | None = None) -> bytes:
    """A quiz file's bytes, reading no more than MAX_FILE_BYTES and one byte."""
    if hasattr(source, "read"):
        data = source.read(MAX_FILE_BYTES + 1)
        label = name or str(getattr(source, "name", "<upload>"))
    else:
        label = name or os.fspath(source)
        with open(source, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise too_big(label, size)
            data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_big(label)
    return data


class NotUtf8(QuizFileError):
    """A text file that is not UTF-8: where its first bad byte is."""

    def __init__(self, name: str, line: int, column: int, offset: int, byte: int) -> None:
        super().__init__(
            f"{name}:{line}:{column}: byte {offset:,} (0x{byte:02x}) is not UTF-8; "
            "save the file as UTF-8"
        )
        self.line, self.column, self.offset = line, column, offset


def decode_utf8(data: bytes, name: str) -> str:
    """The text of a UTF-8 file (a byte order mark is dropped), or NotUtf8."""
    if len(data) > MAX_FILE_BYTES:
        raise too_big(name, len(data))
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(data)[bom:], "utf-8")
    except UnicodeDecodeError as exc:
        start = bom + exc.start
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8-sig", errors="replace")) + 1
    raise NotUtf8(name, line, column, start, data[start])


def _texts(q: Question) -> list[tuple[str, str]]:
    """Every text of a question with what a trainer would call it."""
    texts = [("the question text", q.text), ("the general feedback", q.general_feedback)]
    texts += [("the title", q.title or ""), ("the text after the answers", q.text_after or "")]
    texts += [("the category", q.category or ""), ("the feedback", q.feedback_wrong)]
    texts += [("the feedback for a right answer", q.feedback_right)]
    texts += [(f"tag {n}", tag) for n, tag in enumerate(q.tags, 1)]
    for n, choice in enumerate(q.choices, 1):
        texts += [(f"answer {n}", choice.text), (f"the feedback of answer {n}", choice.feedback)]
    for n, numeric in enumerate(q.numeric, 1):
        texts.append((f"the feedback of answer {n}", numeric.feedback))
    for n, pair in enumerate(q.pairs, 1):
        texts += [(f"the question of pair {n}", pair.left), (f"the answer of pair {n}", pair.right)]
    return texts


def over_limit(q: Question) -> tuple[str, str] | None:
    """The first limit a question passes: (what is wrong, the limit's name), or None."""
    answers = max(len(q.choices), len(q.numeric), len(q.pairs))
    if answers > MAX_ANSWERS_PER_QUESTION:
        return (
            f"{answers:,} answers; a question may have at most {MAX_ANSWERS_PER_QUESTION:,} "
            "(MAX_ANSWERS_PER_QUESTION)",
            "MAX_ANSWERS_PER_QUESTION",
        )
    if q.idnumber is not None and len(q.idnumber) > MAX_IDNUMBER_CHARS:
        return (
            f"the id number is {len(q.idnumber):,} characters long; at most "
            f"{MAX_IDNUMBER_CHARS:,} (MAX_IDNUMBER_CHARS)",
            "MAX_IDNUMBER_CHARS",
        )
    for what, text in _texts(q):
        if len(text) > MAX_TEXT_CHARS:
            return (
                f"{what} is {len(text):,} characters long; a text may be at most "
                f"{MAX_TEXT_CHARS:,} (MAX_TEXT_CHARS)",
                "MAX_TEXT_CHARS",
            )
    return None


QUESTIONS_LIMIT = (
    f"a quiz may have at most {MAX_QUESTIONS_PER_QUIZ:,} questions (MAX_QUESTIONS_PER_QUIZ)"
)


def too_many_questions(number: int) -> str:
    return f"question {number:,} is one too many: {QUESTIONS_LIMIT}"
