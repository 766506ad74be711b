"""Which questions an attempt shows, in which order, and each one's choices in the order
shown: drawn from the quiz's questions by its settings. Pure (nothing is read or
written), so that a learner's attempt and a trainer's preview of a draft lay their
questions out by the same rules."""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from typing import Any

from quizzes.model import Question
from quizzes.settings import Settings


def build_layout(
    items: Sequence[tuple[Hashable, Question, str]], settings: Settings, rng: random.Random
) -> list[dict[str, Any]]:
    """The layout of an attempt at ``items`` (each a key, its question and the language
    it is shown in): ``random_count`` of them drawn at random, the questions shuffled when
    the settings say so, the choices too; matching's right-hand side always."""
    chosen = list(items)
    if settings.random_count:
        picked = {id(item) for item in rng.sample(chosen, min(settings.random_count, len(chosen)))}
        chosen = [item for item in chosen if id(item) in picked]
    if settings.shuffle_questions:
        rng.shuffle(chosen)
    layout = []
    for key, question, language in chosen:
        size = len(question.pairs) if question.kind == "matching" else len(question.choices)
        order = list(range(size))
        # Matching always shuffles its right-hand side; short answers are never shown.
        if question.kind == "matching" or (
            settings.shuffle_answers and question.kind in {"single", "multiple"}
        ):
            rng.shuffle(order)
        # The language shown: the attempt's, or Finnish where the translation is missing.
        layout.append({"version": key, "order": order, "language": language})
    return layout
