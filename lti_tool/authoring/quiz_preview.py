"""Questions as a learner sees them, for a trainer's preview: the learner's own data
(quizzes.presenting) and form (lti_tool.learning.forms.attempt_form), no attempt made."""

from __future__ import annotations

import random
from typing import Any

from lti_tool.learning.forms import attempt_form
from quizzes.model import Question
from quizzes.presenting import Shown, shown_questions

_PLACE = Question("description", "")


def as_learner(questions: list[tuple[Question, str]], language: str, first_slot: int = 0) -> tuple[list[Shown], Any]:
    """The questions (each with the language it is shown in) numbered as an attempt
    shows them; matching's right-hand side shuffled as it always is for a learner.
    Slots (and so the fields' ids) begin at ``first_slot``, for several on one page."""
    layout: list[dict[str, Any]] = [{"order": [], "language": language}] * first_slot
    questions = [(_PLACE, language)] * first_slot + questions
    for question, shown_in in questions[first_slot:]:
        size = len(question.pairs) if question.kind == "matching" else len(question.choices)
        order = list(range(size))
        if question.kind == "matching":
            random.Random(question.idnumber or question.text).shuffle(order)
        layout.append({"order": order, "language": shown_in})
    plain = [q for q, _ in questions]
    form = attempt_form(layout, plain, meta={"csrf": False})
    return shown_questions(layout, plain, {}, language)[first_slot:], form
