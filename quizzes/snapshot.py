"""Questions to and from the JSON kept in a question version (lossless both ways)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from quizzes.model import Choice, NumericAnswer, Pair, Question

# Not part of what a question says: where it lives and what it is called in the bank.
_CONTEXT = ("category",)
# Formats of a question's pieces: None ("as the question text") is left out, so a version
# stored before pieces had formats of their own is the same snapshot as it is read now.
_FORMATS = (
    "format",
    "feedback_format",
    "general_feedback_format",
    "feedback_wrong_format",
    "feedback_right_format",
)


def _without_default_formats(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not (k in _FORMATS and v is None)}


def to_snapshot(question: Question) -> dict[str, Any]:
    """Plain JSON data (lists, not tuples), so it compares equal to what the database returns."""
    data = _without_default_formats(asdict(question))
    for name in _CONTEXT:
        data.pop(name, None)
    for many in ("choices", "pairs", "numeric"):
        data[many] = [_without_default_formats(item) for item in data[many]]
    return json.loads(json.dumps(data))


def from_snapshot(data: dict[str, Any]) -> Question:
    return Question(
        **{
            **data,
            "tags": tuple(data.get("tags", ())),
            "choices": tuple(Choice(**c) for c in data.get("choices", ())),
            "pairs": tuple(Pair(**p) for p in data.get("pairs", ())),
            "numeric": tuple(NumericAnswer(**n) for n in data.get("numeric", ())),
        }
    )
