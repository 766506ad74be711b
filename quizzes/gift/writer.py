"""Questions written as Moodle GIFT (what quizzes.gift.parser reads back unchanged)."""

from __future__ import annotations

from collections.abc import Iterable

from quizzes.model import Choice, NumericAnswer, Question

_SPECIAL = "\\~=#{}:"


def escape(text: str) -> str:
    out = "".join("\\" + c if c in _SPECIAL else c for c in text)
    return out.replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def _weight(fraction: float) -> str:
    percent = fraction * 100
    return f"%{_number(round(percent, 5))}%"


def _feedback(text: str) -> str:
    return f" #{escape(text)}" if text else ""


def _formatted(text: str, text_format: str) -> str:
    # A text that starts with '[' would be read as a format marker: always name the format.
    if text_format != "moodle" or text.startswith("["):
        return f"[{text_format}]{escape(text)}"
    return escape(text)


def _choice_answers(choices: Iterable[Choice], single: bool) -> str:
    parts = []
    for c in choices:
        if single and c.fraction == 1.0:
            parts.append(f"={escape(c.text)}{_feedback(c.feedback)}")
        elif c.fraction == 0.0:
            parts.append(f"~{escape(c.text)}{_feedback(c.feedback)}")
        else:
            parts.append(f"~{_weight(c.fraction)}{escape(c.text)}{_feedback(c.feedback)}")
    return " ".join(parts)


def _numeric(answer: NumericAnswer) -> str:
    if answer.value is not None:
        spec = _number(answer.value) + (f":{_number(answer.tolerance)}" if answer.tolerance else "")
    else:
        assert answer.low is not None and answer.high is not None
        spec = f"{_number(answer.low)}..{_number(answer.high)}"
    return spec + _feedback(answer.feedback)


def _answers(q: Question) -> str:
    if q.kind == "essay":
        return ""
    if q.kind in {"single", "multiple"}:
        return _choice_answers(q.choices, q.kind == "single")
    if q.kind == "short":
        return " ".join(
            f"={'' if c.fraction == 1.0 else _weight(c.fraction)}{escape(c.text)}{_feedback(c.feedback)}"
            for c in q.choices
        )
    if q.kind == "truefalse":
        feedback = ""
        if q.feedback_wrong or q.feedback_right:
            feedback = f"#{escape(q.feedback_wrong)}"
            if q.feedback_right:
                feedback += f"#{escape(q.feedback_right)}"
        return ("TRUE" if q.truth else "FALSE") + feedback
    if q.kind == "numerical":
        other = f" ~#{escape(q.feedback_wrong)}" if q.feedback_wrong else ""
        if len(q.numeric) == 1 and q.numeric[0].fraction == 1.0:
            return "#" + _numeric(q.numeric[0]) + other
        return (
            "#"
            + " ".join(
                f"={'' if a.fraction == 1.0 else _weight(a.fraction)}{_numeric(a)}"
                for a in q.numeric
            )
            + other
        )
    if q.kind == "matching":
        return " ".join(f"={escape(p.left)} -> {escape(p.right)}" for p in q.pairs)
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
    general = f"####{escape(q.general_feedback)}" if q.general_feedback else ""
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
            parts.append(f"$CATEGORY: {q.category}")
            category = q.category
        parts.append(write_question(q))
    return "\n\n".join(parts) + "\n"
