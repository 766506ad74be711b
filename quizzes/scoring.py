"""An attempt's score from its answers: each question graded by its type, scored
questions weighing one each, and whether the pass mark is met (used by the attempts and by
a trainer's preview, which records nothing)."""

from __future__ import annotations

from typing import Any

from quizzes.model import Question
from quizzes.types import grade, kind_of

PASS_TOLERANCE = 1e-4  # percent


def grade_all(
    questions: list[Question], answers: dict[int, Any], pass_mark: int
) -> tuple[float, bool, dict[int, float | None]]:
    fractions: dict[int, float | None] = {}
    earned = possible = 0.0
    for slot, question in enumerate(questions):
        outcome = grade(question, answers.get(slot))
        fractions[slot] = outcome.fraction
        if kind_of(question).scored:
            possible += 1
            earned += outcome.fraction or 0.0
    score = earned / possible if possible else 1.0
    # Grades are Moodle's, to 7 places (three answers of 33.33333 % make 0.9999999): a
    # pass mark (whole percents) is met within PASS_TOLERANCE percent.
    return score, score * 100 >= pass_mark - PASS_TOLERANCE, fractions
