"""A GIFT answer block read as Moodle's qformat_gift reads it (question/format/gift/format.php).

The block's type is decided in Moodle's order: nothing is an essay; ``#`` first is
numerical; a ``~`` anywhere is multiple choice; ``=`` with ``->`` is matching; ``T``,
``TRUE``, ``F`` or ``FALSE`` (as written: ``t`` is an answer) before any ``#`` is
true/false; anything else is short answer, with or without ``=``. Each piece is split
as Moodle splits it, and ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]`` at the
start of an answer, a feedback or a matching item gives that piece its format (the
question text's otherwise). Unlike Moodle, which stops at the first error of a question
without saying where, an error names the line and column of the answer that is wrong.

Texts arrive with their escapes folded into placeholders (quizzes.gift.parser), so an
escaped ``\\~`` or ``\\#`` is never syntax here; ``restore`` turns them back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from quizzes.grades import invalid_grade, moodle_grade
from quizzes.model import Choice, NumericAnswer, Pair, Question

FORMATS = ("moodle", "html", "plain", "markdown")
# Moodle's $giftanswerweightregex; the weight is what stands between the two '%'.
WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
# What PHP's is_numeric takes (Python's float() would take "nan", "inf" and "1_000" too).
NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}

Fail = Callable[[str, int], Exception]  # a message and an index into the folded text


@dataclass(frozen=True)
class Piece:
    """Part of the folded question text: ``text``, which begins at index ``at``, and
    ``mark``, where the answer it belongs to begins (its '=' or '~'), for errors."""

    at: int
    text: str
    mark: int

    def strip(self) -> Piece:
        lead = len(self.text) - len(self.text.lstrip())
        return Piece(self.at + lead, self.text.strip(), self.mark)

    def cut(self, start: int, end: int | None = None) -> Piece:
        end = len(self.text) if end is None else end
        return Piece(self.at + start, self.text[start:end], self.mark)

    def explode(self, separator: str, limit: int = -1) -> list[Piece]:
        """PHP's explode: the pieces between separators (at most ``limit`` splits)."""
        pieces, start = [], 0
        while limit != 0 and (found := self.text.find(separator, start)) >= 0:
            pieces.append(self.cut(start, found))
            start, limit = found + len(separator), limit - 1
        pieces.append(self.cut(start))
        return pieces

    def answers(self, separator: str) -> list[Piece]:
        """Moodle's answer list: explode, the first piece dropped when blank; each
        answer marked where its separator stood (the first where its text begins)."""
        pieces = self.explode(separator)
        marked = [replace(pieces[0].strip(), mark=pieces[0].strip().at)] + [
            replace(p, mark=p.at - len(separator)) for p in pieces[1:]
        ]
        return marked[1:] if not marked[0].text else marked


def formatted(piece: Piece, default: str, restore: Callable[[str], str]) -> tuple[str, str]:
    """Moodle's parse_text_with_format: a known ``[format]`` at the very start, the
    text restored and trimmed."""
    text, text_format = piece.text, default
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in FORMATS:
            text, text_format = text[end + 1 :], text[1:end]
    return restore(text).strip(), text_format


class Reader:
    """The answers of one question (``q`` has its text, formats and general feedback)."""

    def __init__(self, q: Question, restore: Callable[[str], str], fail: Fail) -> None:
        self.q, self.restore, self.fail = q, restore, fail

    def text(self, piece: Piece) -> tuple[str, str | None]:
        """A piece's text and its own format (None: the question text's)."""
        text, text_format = formatted(piece, self.q.text_format, self.restore)
        return text, (None if text_format == self.q.text_format else text_format)

    def comment(self, piece: Piece) -> tuple[Piece, tuple[str, str | None]]:
        """Moodle's commentparser: the answer before the first '#', its feedback after."""
        bits = piece.explode("#", 1)
        feedback = self.text(bits[1].strip()) if len(bits) > 1 else ("", None)
        return bits[0].strip(), feedback

    def weight(self, piece: Piece, default: float) -> tuple[float, Piece]:
        found = WEIGHT.match(piece.text)
        if found is None:
            return default, piece
        raw = piece.text[1 : piece.text.index("%", 1)]
        try:
            fraction = float(raw) / 100
        except ValueError:
            raise self.fail(f"expected a weight like %50% or %-25%, got %{raw}%", piece.mark)
        return self.grade(fraction, piece), piece.cut(found.end())

    def grade(self, fraction: float, piece: Piece) -> float:
        grade = moodle_grade(fraction)
        if grade is None:
            raise self.fail(invalid_grade([fraction]), piece.mark)
        return grade

    def read(self, block: Piece) -> Question:
        answers = block.text
        if not answers:
            return replace(self.q, kind="essay")
        if answers.startswith("#"):
            return self.numerical(block.cut(1))
        if "~" in answers:
            return self.multichoice(block)
        if "=" in answers and "->" in answers:
            return self.matching(block)
        head = answers[: answers.find("#")].strip() if answers.find("#") > 0 else answers
        if head in TRUE_FALSE:
            return self.truefalse(block, TRUE_FALSE[head])
        return self.short(block)

    def multichoice(self, block: Piece) -> Question:
        # Moodle: '=' becomes '~=', then the answers are what stands between the '~'
        # (text before the first marker is an answer too).
        markers = [i for i, char in enumerate(block.text) if char in "~="]
        starts = [(0, None)] + [(i + (block.text[i] == "~"), block.at + i) for i in markers]
        pieces = []
        for (start, mark), end in zip(starts, [*markers, len(block.text)], strict=True):
            piece = block.cut(start, end)
            pieces.append(replace(piece, mark=piece.strip().at if mark is None else mark))
        if not pieces[0].text.strip():
            pieces.pop(0)
        choices = []
        for piece in pieces:
            piece = piece.strip()
            if piece.text.startswith("="):
                fraction, piece = self.grade(1.0, piece), piece.cut(1)
            else:
                fraction, piece = self.weight(piece, 0.0)
            answer, (feedback, feedback_format) = self.comment(piece)
            text, text_format = self.text(answer)
            if text:  # Moodle saves no answer without text
                choices.append(Choice(text, fraction, feedback, text_format, feedback_format))
        if len(choices) < 2:
            raise self.fail(
                "expected at least two answers, each starting with '=' or '~'", block.mark
            )
        kind = "single" if "=" in block.text else "multiple"
        return replace(self.q, kind=kind, choices=tuple(choices))

    def matching(self, block: Piece) -> Question:
        pairs = []
        for piece in block.answers("="):
            piece = piece.strip()
            arrow = piece.text.find("->")
            if arrow < 0:
                raise self.fail("expected matching pairs written '=left -> right'", piece.mark)
            left, left_format = self.text(piece.cut(0, arrow).strip())
            right = self.restore(piece.text[arrow + 2 :]).strip()
            if left and not right:
                raise self.fail("expected a right-hand answer after '->'", piece.mark)
            if left or right:  # Moodle skips a pair with neither
                pairs.append(Pair(left, right, left_format if left else None))
        if len([p for p in pairs if p.left]) < 2:
            raise self.fail(
                "expected at least two matching pairs (a pair without a left side, "
                "'= -> answer', is a distractor)",
                block.mark,
            )
        return replace(self.q, kind="matching", pairs=tuple(pairs))

    def truefalse(self, block: Piece, truth: bool) -> Question:
        bits = block.explode("#", 2)
        wrong, wrong_format = self.text(bits[1].strip()) if len(bits) > 1 else ("", None)
        right, right_format = self.text(bits[2].strip()) if len(bits) > 2 else ("", None)
        return replace(
            self.q,
            kind="truefalse",
            truth=truth,
            feedback_wrong=wrong,
            feedback_right=right,
            feedback_wrong_format=wrong_format,
            feedback_right_format=right_format,
        )

    def short(self, block: Piece) -> Question:
        choices = []
        for piece in block.answers("="):
            fraction, piece = self.weight(piece.strip(), 1.0)
            answer, (feedback, feedback_format) = self.comment(piece)
            text, _ = self.text(answer)  # Moodle keeps an accepted answer as plain text
            if text:
                choices.append(Choice(text, fraction, feedback, None, feedback_format))
        if not choices:
            raise self.fail("expected an accepted answer, for example {=answer}", block.mark)
        return replace(self.q, kind="short", choices=tuple(choices))

    def numerical(self, block: Piece) -> Question:
        wrong: tuple[str, str | None] = ("", None)
        if (tilde := block.text.find("~")) >= 0:  # Moodle: '~#...' is for any other number
            _, wrong = self.comment(block.cut(tilde + 1))
            block = block.cut(0, tilde)
        numeric = []
        for piece in block.answers("="):
            fraction, piece = self.weight(piece.strip(), 1.0)
            answer, (feedback, feedback_format) = self.comment(piece)
            spec, _ = self.text(answer)
            numeric.append(self.number(spec, fraction, feedback, feedback_format, answer))
        if not numeric:
            raise self.fail("expected a number after '#'", block.mark)
        return replace(
            self.q,
            kind="numerical",
            numeric=tuple(numeric),
            feedback_wrong=wrong[0],
            feedback_wrong_format=wrong[1],
        )

    def _value(self, text: str, piece: Piece) -> float:
        if not NUMBER.fullmatch(text):
            raise self.fail(f"expected a number, got {text.strip()!r}", piece.mark)
        return float(text)

    def number(
        self, spec: str, fraction: float, feedback: str, feedback_format: str | None, at: Piece
    ) -> NumericAnswer:
        extra = {"feedback": feedback, "feedback_format": feedback_format}
        if spec.find("..") > 0:
            low, _, high = spec.partition("..")
            # Moodle keeps the midpoint and max - midpoint, and grades with the tolerance's
            # size (qtype_numerical_answer: abs): '5..1' accepts what '1..5' does.
            ends = sorted((self._value(low, at), self._value(high, at)))
            return NumericAnswer(fraction, low=ends[0], high=ends[1], **extra)
        if spec.find(":") > 0:
            value, _, tolerance = spec.partition(":")
            return NumericAnswer(
                fraction,
                value=self._value(value, at),
                tolerance=abs(self._value(tolerance, at)),
                **extra,
            )
        return NumericAnswer(fraction, value=self._value(spec, at), **extra)
