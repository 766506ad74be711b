"""Questions to and from the JSON kept in a question version (lossless both ways)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from quizzes.model import Choice, NumericAnswer, Pair, Question

# Not part of what a question says: where it lives and what it is called in the bank.
_CONTEXT = ("category",)


def to_snapshot(question: Question) -> dict[str, Any]:
    """Plain JSON data (lists, not tuples), so it compares equal to what the database returns."""
    data = asdict(question)
    for name in _CONTEXT:
        data.pop(name, None)
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
