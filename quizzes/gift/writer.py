"""Questions written as Moodle GIFT (what quizzes.gift.parser reads back unchanged)."""

from __future__ import annotations

from collections.abc import Iterable

from quizzes.grades import percent
from quizzes.model import NumericAnswer, Pair, Question

_SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    out = "".join("\\" + c if c in _SPECIAL else c for c in text)
    return out.replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def _weight(fraction: float) -> str:
    return f"%{percent(fraction)}%"


def _formatted(text: str, text_format: str) -> str:
    # A text that starts with '[' would be read as a format marker: always name the format.
    if text_format != "moodle" or text.startswith("["):
        return f"[{text_format}]{escape(text)}"
    return escape(text)


def _piece(q: Question, text: str, own: str | None) -> str:
    """A piece in its own format: marked when it is not the question text's (as Moodle
    writes it), or when it starts with '[' (which would read as a marker)."""
    text_format = q.format_of(own)
    if text and (text_format != q.text_format or text.startswith("[")):
        return f"[{text_format}]{escape(text)}"
    return escape(text)


def _feedback(q: Question, text: str, own: str | None) -> str:
    return f" #{_piece(q, text, own)}" if text else ""


def _choice_answers(q: Question) -> str:
    parts = []
    for c in q.choices:
        text = _piece(q, c.text, c.format)
        if q.kind == "single" and c.fraction == 1.0:
            marker = "="
        elif c.fraction == 0.0 and not text.startswith("%"):
            marker = "~"
        else:  # a text that starts with '%' would read as a weight: write one
            marker = f"~{_weight(c.fraction)}"
        parts.append(f"{marker}{text}{_feedback(q, c.feedback, c.feedback_format)}")
    return " ".join(parts)


def _short_answers(q: Question) -> str:
    parts = []
    for c in q.choices:
        # Moodle keeps an accepted answer as plain text: a marker only protects a '['.
        text = f"[{q.text_format}]{escape(c.text)}" if c.text.startswith("[") else escape(c.text)
        weight = "" if c.fraction == 1.0 and not text.startswith("%") else _weight(c.fraction)
        parts.append(f"={weight}{text}{_feedback(q, c.feedback, c.feedback_format)}")
    return " ".join(parts)


def _numeric(q: Question, answer: NumericAnswer) -> str:
    if answer.value is not None:
        spec = _number(answer.value) + (f":{_number(answer.tolerance)}" if answer.tolerance else "")
    else:
        assert answer.low is not None and answer.high is not None
        spec = f"{_number(answer.low)}..{_number(answer.high)}"
    return spec + _feedback(q, answer.feedback, answer.feedback_format)


def _pair(q: Question, pair: Pair) -> str:
    if "->" in pair.left:
        raise ValueError(f"GIFT cannot write a matching item with '->' in it: {pair.left!r}")
    return f"={_piece(q, pair.left, pair.format)} -> {escape(pair.right)}"


def _answers(q: Question) -> str:
    if q.kind == "essay":
        return ""
    if q.kind in {"single", "multiple"}:
        return _choice_answers(q)
    if q.kind == "short":
        return _short_answers(q)
    if q.kind == "truefalse":
        feedback = ""
        if q.feedback_wrong or q.feedback_right:
            feedback = f"#{_piece(q, q.feedback_wrong, q.feedback_wrong_format)}"
            if q.feedback_right:
                feedback += f"#{_piece(q, q.feedback_right, q.feedback_right_format)}"
        return ("TRUE" if q.truth else "FALSE") + feedback
    if q.kind == "numerical":
        other = ""
        if q.feedback_wrong:
            other = f" ~#{_piece(q, q.feedback_wrong, q.feedback_wrong_format)}"
        if len(q.numeric) == 1 and q.numeric[0].fraction == 1.0:
            return "#" + _numeric(q, q.numeric[0]) + other
        return (
            "#"
            + " ".join(
                f"={'' if a.fraction == 1.0 else _weight(a.fraction)}{_numeric(q, a)}"
                for a in q.numeric
            )
            + other
        )
    if q.kind == "matching":
        return " ".join(_pair(q, p) for p in q.pairs)
    raise ValueError(f"no GIFT form for {q.kind!r}")


def write_question(q: Question) -> str:
    lines = []
    annotations = ([f"[id:{q.idnumber.replace(']', chr(92) + ']')}]"] if q.idnumber else []) + [
        f"[tag:{t.replace(']', chr(92) + ']')}]" for t in q.tags
    ]
    if annotations:
        lines.append("// " + " ".join(annotations))
    head = f"::{escape(q.title)}:: " if q.title else ""
    text = _formatted(q.text, q.text_format)
    if q.kind == "description":
        lines.append(head + text)
        return "\n".join(lines)
    general = ""
    if q.general_feedback:
        general = f"####{_piece(q, q.general_feedback, q.general_feedback_format)}"
    block = "{" + _answers(q) + general + "}"
    after = f" {escape(q.text_after)}" if q.text_after is not None else ""
    lines.append(f"{head}{text} {block}{after}".strip())
    return "\n".join(lines)


def write_gift(questions: Iterable[Question]) -> str:
    """A GIFT text with ``$CATEGORY:`` lines wherever the category changes."""
    parts = []
    category: str | None = None
    for q in questions:
        if q.category is not None and q.category != category:
            # Moodle writes a category as it is and reads it with only '\\' undone
            # (its other escapes would stay placeholders): a backslash is doubled.
            parts.append(f"$CATEGORY: {q.category.replace(chr(92), chr(92) * 2)}")
            category = q.category
        parts.append(write_question(q))
    return "\n\n".join(parts) + "\n"
