"""Moodle's GIFT format, read into quizzes.model.Question objects.

Follows Moodle's own reader (question/format/gift/format.php): questions are separated
by blank lines; ``//`` lines are comments, where ``[id:...]`` and ``[tag:...]`` give the
question's id number and tags; ``$CATEGORY:`` sets the category of what follows (kept
as its path in the course's bank: ``$course$/top/X`` is ``X``); ``::title::``;
``[markdown]``/``[html]``/``[plain]``/``[moodle]`` text formats; the answer block ``{...}``
at the end or inside the sentence ("missing word"), read by quizzes.gift.answers;
``####`` general feedback; ``\\~ \\= \\# \\{ \\} \\:`` escapes. Unlike Moodle, which skips
a question it cannot read, any error stops the import and names the line and column of
the answer that is wrong and what was expected.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from quizzes.gift.answers import Piece, Reader, formatted
from quizzes.limits import (
    MAX_FILE_BYTES,
    MAX_QUESTION_CHARS,
    MAX_QUESTIONS_PER_QUIZ,
    QuizFileError,
    decode_utf8,
    over_limit,
    too_big,
    too_many_questions,
)
from quizzes.model import Question, bank_path

ESCAPABLE = "\\:#={}~n"
# Escaped characters become private-use code points while parsing, then come back.
_PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(ESCAPABLE)}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
# An annotation's content read possessively (see _annotated), and whether "]" closes it.
_ANNOTATION = {
    key: re.compile(r"\[" + key + r":((?:\\\]|[^\]\x00-\x1f])*+)(\]?)") for key in ("id", "tag")
}


class GiftError(QuizFileError):
    """A GIFT text that cannot be read: where (line, column) and what was expected."""

    def __init__(
        self,
        line: int,
        column: int,
        message: str,
        source: str = "<gift>",
        *,
        limit: str | None = None,
    ) -> None:
        super().__init__(f"{source}:{line}:{column}: {message}", limit=limit)
        self.line, self.column, self.message, self.source = line, column, message, source


_ESCAPE = re.compile(r"\\([" + re.escape(ESCAPABLE) + r"])")
_FOLDED = re.compile("[" + "".join(_RESTORE) + "]")


@dataclass
class _Text:
    """A question's text with escapes folded into placeholders, and where each line of it
    began: the column of a character is found from its line's start and the escapes
    before it (a table per character cost a hundred bytes a character)."""

    chars: str
    starts: list[int]  # where each line begins in ``chars``
    lines: list[int]  # its line number in the file
    escapes: list[int]  # where in ``chars`` an escape (two characters in the file) stands

    def at(self, index: int) -> tuple[int, int]:
        if not self.chars:
            return (1, 1)
        index = min(max(index, 0), len(self.chars) - 1)
        n = bisect.bisect_right(self.starts, index) - 1
        start = self.starts[n]
        escaped = bisect.bisect_left(self.escapes, index) - bisect.bisect_left(self.escapes, start)
        return (self.lines[n], index - start + escaped + 1)


def _restore(text: str) -> str:
    return _FOLDED.sub(lambda m: _RESTORE[m.group()], text)


def _fold(lines: list[tuple[int, str]]) -> _Text:
    parts: list[str] = []
    starts: list[int] = []
    escapes: list[int] = []
    length = 0
    for line_no, line in lines:
        if parts:
            parts.append("\n")
            length += 1
        starts.append(length)
        escapes += (length + m.start() - k for k, m in enumerate(_ESCAPE.finditer(line)))
        folded = _ESCAPE.sub(lambda m: _PLACEHOLDER[m.group(1)], line)
        parts.append(folded)
        length += len(folded)
    return _Text("".join(parts), starts, [n for n, _ in lines], escapes)


# A block: consecutive lines that are not blank (a blank line ends a question).
_BLOCK = re.compile(r"^[^\S\n]*\S.*(?:\n[^\S\n]*\S.*)*+", re.MULTILINE)


def _blocks(source: str, name: str) -> Iterator[list[tuple[int, str]]]:
    """The file's blocks, one at a time, each as (line number, line) pairs; a block longer
    than MAX_QUESTION_CHARS is refused before it is split into lines."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    line, counted = 1, 0
    for match in _BLOCK.finditer(text):
        start, end = match.span()
        line += text.count("\n", counted, start)
        counted = start
        if end - start > MAX_QUESTION_CHARS:
            raise GiftError(
                line,
                1,
                f"the question that starts here is {end - start:,} characters long; a "
                f"question may be at most {MAX_QUESTION_CHARS:,} (MAX_QUESTION_CHARS), "
                "and a blank line ends one",
                name,
                limit="MAX_QUESTION_CHARS",
            )
        yield [(line + n, part) for n, part in enumerate(match.group().split("\n"))]


def parse_gift(source: str | bytes, name: str = "<gift>") -> list[Question]:
    """Every question in a GIFT text (or a UTF-8 file's bytes), or GiftError naming the
    line and column; within the limits of quizzes.limits whatever the input (a file over
    MAX_FILE_BYTES, or bytes that are not UTF-8, are QuizFileError)."""
    return _parse(source, name, None)


@dataclass(frozen=True)
class GiftReading:
    """What a GIFT text holds: its questions, the line each starts on, and every error."""

    questions: list[Question]
    lines: list[int]
    errors: list[GiftError]


def read_gift(source: str | bytes, name: str = "<gift>") -> GiftReading:
    """The questions of a GIFT text and every question's error (line and column each),
    for a preview that names all of them at once: a question that cannot be read is left
    out and the next one read. A file beyond the limits (size, UTF-8, the number of
    questions) is still refused whole (QuizFileError)."""
    reading = GiftReading([], [], [])
    _parse(source, name, reading)
    return reading


def _parse(source: str | bytes, name: str, reading: GiftReading | None) -> list[Question]:
    if isinstance(source, bytes):
        source = decode_utf8(source, name)
    elif len(source) > MAX_FILE_BYTES:
        raise too_big(name, len(source))
    questions: list[Question] = []
    category: str | None = None
    for block in _blocks(source.lstrip("\ufeff"), name):
        comments = [line for _, line in block if line.strip().startswith("//")]
        lines = [(n, line) for n, line in block if not line.strip().startswith("//")]
        if not lines:
            continue
        text = _fold(lines)
        stripped = text.chars.strip()
        if stripped.startswith("$CATEGORY:"):
            category = bank_path(_restore(stripped[len("$CATEGORY:") :]).strip()) or None
            continue
        starts = block[0][0]  # the question's first line, its comments included
        if len(questions) + len(reading.errors if reading else ()) == MAX_QUESTIONS_PER_QUIZ:
            raise GiftError(
                starts, 1, too_many_questions(len(questions) + 1), name,
                limit="MAX_QUESTIONS_PER_QUIZ",
            )  # fmt: skip
        try:
            question = _question(text, name)
            idnumber, tags = _annotations("\n".join(comments))
            question = replace(question, idnumber=idnumber, tags=tags, category=category)
            if (wrong := over_limit(question)) is not None:
                raise GiftError(starts, 1, f"this question: {wrong[0]}", name, limit=wrong[1])
        except GiftError as exc:
            if reading is None:
                raise
            reading.errors.append(exc)
            continue
        questions.append(question)
        if reading is not None:
            reading.questions.append(question)
            reading.lines.append(starts)
    return questions


def _annotated(comment: str, key: str) -> Iterator[str]:
    """The contents of Moodle's ``[key:...]`` annotations, in order: what Moodle's
    pattern finds (an unescaped "]" closes one; on a line with none, the last "\\]"
    does), in one pass. The pattern itself, run by a backtracking engine, reads an
    unclosed annotation to the end of its line again from every "[" (a comment of
    200,000 characters took minutes)."""
    token = _ANNOTATION[key]
    pos = 0
    while (found := token.search(comment, pos)) is not None:
        content, end = found.group(1), found.end()
        if not found.group(2):  # unclosed: the pattern backtracks to the last "\]"
            last = content.rfind("\\]")
            if last < 0:
                pos = end
                continue
            content, end = content[: last + 1], found.start(1) + last + 2
        if content:
            yield content
        pos = end


def _annotations(comment: str) -> tuple[str | None, tuple[str, ...]]:
    found = next(_annotated(comment, "id"), None)
    idnumber = found.replace("\\]", "]").strip() if found is not None else None
    tags = tuple(t.replace("\\]", "]").strip() for t in _annotated(comment, "tag"))
    return idnumber, tags


def _with_format(text: str, default: str) -> tuple[str, str]:
    body, text_format = formatted(Piece(0, text.strip(), 0), default, lambda t: t)
    return body, text_format


def _question(text: _Text, name: str) -> Question:
    s = text.chars
    start = len(s) - len(s.lstrip())
    title = None
    if s.startswith("::", start):
        end = s.find("::", start + 2)
        if end < 0:
            line, col = text.at(start)
            raise GiftError(line, col, "expected '::' to close the question title", name)
        title = _restore(s[start + 2 : end]).strip()
        start = end + 2
    opening = s.find("{", start)
    closing = s.find("}", start)
    if opening < 0 and closing < 0:
        body, fmt = _with_format(s[start:].strip(), "moodle")
        return Question("description", _restore(body), title=title, text_format=fmt)
    if closing < 0:
        line, col = text.at(opening)
        raise GiftError(line, col, "expected '}' to close the answers opened here", name)
    if opening < 0 or closing < opening:
        line, col = text.at(closing)
        raise GiftError(
            line, col, "expected '{' before '}' (write \\} for a brace in the text)", name
        )
    inner = s.find("{", opening + 1)
    if 0 <= inner < closing:
        line, col = text.at(inner)
        raise GiftError(
            line, col, "expected '}' before another '{' (write \\{ for a brace in the text)", name
        )
    after = s[closing + 1 :].strip()
    extra = s.find("{", closing + 1)
    if extra >= 0 or s.find("}", closing + 1) >= 0:
        line, col = text.at(extra if extra >= 0 else s.find("}", closing + 1))
        raise GiftError(line, col, "expected one answer block per question", name)
    before, fmt = _with_format(s[start:opening].strip(), "moodle")

    def fail(message: str, index: int) -> GiftError:
        return GiftError(*text.at(index), message, name)

    block = Piece(opening + 1, s[opening + 1 : closing], opening).strip()
    general = Piece(block.at + len(block.text), "", opening)
    if (separator := block.text.rfind("####")) >= 0:
        general = block.cut(separator + 4)
        block = block.cut(0, separator).strip()
    base = Question(
        "essay",
        _restore(before),
        title=title,
        text_format=fmt,
        text_after=_restore(after) if after else None,
    )
    if not base.text and base.text_after is None:
        line, col = text.at(opening)
        raise GiftError(line, col, "expected question text before '{'", name)
    reader = Reader(base, _restore, fail)
    general_feedback, general_format = reader.text(general)
    reader.q = replace(
        base, general_feedback=general_feedback, general_feedback_format=general_format
    )
    return reader.read(block)
