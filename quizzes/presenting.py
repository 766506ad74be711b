"""What an attempt's page and its review show, as plain data for the templates.

Every text is already safe HTML (quizzes.text); choices are in the order the attempt
showed them, and the review says per question what was answered, what was right and
the feedback that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from quizzes.model import Graded, Question
from quizzes.text import to_html, to_inline_html
from quizzes.types import grade, kind_of


@dataclass(frozen=True)
class Option:
    value: str  # the form value: the position shown
    html: str
    chosen: bool = False
    correct: bool = False  # full or partial credit (review only)
    feedback: str = ""  # per-answer feedback (review only, when chosen)


@dataclass(frozen=True)
class Shown:
    """One question as the learner sees it in an attempt."""

    slot: int
    number: int | None  # None for a description (it is not a question)
    kind: str
    language: str  # of the question's text (Finnish where a translation is missing)
    text: str
    text_after: str | None  # "missing word": the text after the answer
    options: tuple[Option, ...] = ()  # choices, or the right-hand items of matching
    lefts: tuple[str, ...] = ()  # matching: the left-hand items
    answered: bool = False


@dataclass(frozen=True)
class Reviewed:
    """One question after grading: the answer, the mark and what teaches."""

    shown: Shown
    scored: bool
    fraction: float | None
    answered: bool
    your_answer: tuple[str, ...] = ()  # the learner's own words, plain text
    right_answers: tuple[str, ...] = ()
    feedback: tuple[str, ...] = ()  # per-answer feedback of what was answered
    general_feedback: str = ""
    # Matching: (left, the learner's right-hand item, the right one, matched right?) as HTML.
    matches: tuple[tuple[str, str, str, bool], ...] = field(default_factory=tuple)

    @property
    def outcome(self) -> str:
        if not self.scored:
            return "answered" if self.answered else "unanswered"
        if not self.answered:
            return "unanswered"
        assert self.fraction is not None
        # Moodle's question_state::graded_state_for_fraction: three answers of 33.33333%
        # (stored 0.3333333 each) add up to 0.9999999, which is right.
        if self.fraction > 0.999999:
            return "right"
        return "partial" if self.fraction >= 0.000001 else "wrong"


def _fmt(question: Question, text: str, own: str | None = None) -> str:
    """A piece of the question as inline HTML, in its own format (or the text's)."""
    return to_inline_html(text, question.format_of(own))


def shown_question(
    slot: int,
    number: int | None,
    question: Question,
    order: list[int],
    saved: Any,
    language: str,
) -> Shown:
    options: tuple[Option, ...] = ()
    if question.kind in {"single", "multiple"}:
        chosen = set(saved if isinstance(saved, list) else [saved] if saved is not None else [])
        options = tuple(
            Option(
                str(pos),
                _fmt(question, question.choices[i].text, question.choices[i].format),
                i in chosen,
            )
            for pos, i in enumerate(order)
        )
    elif question.kind == "matching":
        options = tuple(
            Option(str(pos), _fmt(question, question.pairs[i].right)) for pos, i in enumerate(order)
        )
    return Shown(
        slot=slot,
        number=number,
        kind=question.kind,
        language=language,
        text=to_html(question.text, question.text_format),
        text_after=(
            to_inline_html(question.text_after, question.text_format)
            if question.text_after
            else None
        ),
        options=options,
        lefts=tuple(_fmt(question, p.left, p.format) for p in question.subquestions),
        answered=saved is not None,
    )


def shown_questions(
    layout: list[dict[str, Any]], questions: list[Question], saved: dict[int, Any], language: str
) -> list[Shown]:
    """The attempt's questions in the order shown, numbered (descriptions are not)."""
    shown, number = [], 0
    for slot, question in enumerate(questions):
        answerable = kind_of(question).answerable
        number += answerable
        shown.append(
            shown_question(
                slot,
                number if answerable else None,
                question,
                layout[slot]["order"],
                saved.get(slot),
                layout[slot].get("language", language),
            )
        )
    return shown


def _right_answers(question: Question) -> tuple[str, ...]:
    if question.kind in {"single", "multiple", "short"}:
        best = max((c.fraction for c in question.choices), default=0)
        wanted = [c for c in question.choices if c.fraction > 0]
        if question.kind != "multiple":
            wanted = [c for c in wanted if c.fraction >= best - 1e-9]
        return tuple(_fmt(question, c.text, c.format) for c in wanted)
    if question.kind == "truefalse":
        return ("true",) if question.truth else ("false",)
    if question.kind == "numerical":
        full = [a for a in question.numeric if a.fraction >= 1 - 1e-9]
        return tuple(
            (f"{a.value:g} ± {a.tolerance:g}" if a.tolerance else f"{a.value:g}")
            if a.value is not None
            else f"{a.low:g}–{a.high:g}"
            for a in full
        )
    return ()


def reviewed(shown: Shown, question: Question, order: list[int], response: Any) -> Reviewed:
    graded: Graded = grade(question, response)
    options = shown.options
    your: tuple[str, ...] = ()
    matches: tuple[tuple[str, str, str, bool], ...] = ()
    if question.kind in {"single", "multiple"}:
        chosen = set(response if isinstance(response, list) else [response])
        options = tuple(
            Option(
                option.value,
                option.html,
                chosen=i in chosen,
                correct=question.choices[i].fraction > 0,
                feedback=(
                    _fmt(
                        question, question.choices[i].feedback, question.choices[i].feedback_format
                    )
                    if i in chosen and question.choices[i].feedback
                    else ""
                ),
            )
            for option, i in zip(options, order, strict=True)
        )
        shown = replace(shown, options=options)
        feedback: tuple[str, ...] = ()  # shown beside the chosen options
    else:
        owns = graded.feedback_formats or (None,) * len(graded.feedback)
        feedback = tuple(
            _fmt(question, f, own) for f, own in zip(graded.feedback, owns, strict=True)
        )
    if question.kind in {"short", "numerical", "essay"} and isinstance(response, str):
        your = (response,)
    if question.kind == "truefalse" and isinstance(response, bool):
        your = ("true" if response else "false",)
    if question.kind == "matching" and isinstance(response, dict):
        matches = tuple(
            (
                _fmt(question, p.left, p.format),
                _fmt(question, response.get(p.left, "")),
                _fmt(question, p.right),
                response.get(p.left) == p.right,
            )
            for p in question.subquestions
        )
    return Reviewed(
        shown=shown,
        scored=kind_of(question).scored,
        fraction=graded.fraction,
        answered=graded.answered and response is not None,
        your_answer=your,
        right_answers=_right_answers(question),
        feedback=feedback,
        general_feedback=to_html(
            question.general_feedback, question.format_of(question.general_feedback_format)
        ),
        matches=matches,
    )


def review(
    layout: list[dict[str, Any]],
    questions: list[Question],
    responses: dict[int, Any],
    language: str,
) -> list[Reviewed]:
    return [
        reviewed(shown, question, layout[shown.slot]["order"], responses.get(shown.slot))
        for shown, question in zip(
            shown_questions(layout, questions, responses, language), questions, strict=True
        )
    ]
