"""Item analysis of a quiz in one course: per question, who answered, the share right,
the most common wrong answers, and Moodle's facility and discrimination indices.

The figures follow Moodle's quiz statistics (question/classes/statistics/questions/
calculator.php), over the attempts its report uses by default: the one attempt per
learner that the grading method counts (highest: the best, the earliest of equals;
last: the latest), all submitted attempts when only one is allowed. Each scored question
is worth one mark, as in the attempt's score; a question shown and not answered scores 0.

- facility = 100 × mean(mark) / max mark
- discrimination = 100 × cov(mark, rest) / √(var(mark) × var(rest)), where rest is the
  attempt's total minus this question's mark, and the (co)variances are sample ones
  (divided by n − 1); none with fewer than two attempts or when either varies not at all.

Reflections are not scored: they get answered counts only; descriptions (text without a
question) are left out. Nothing
here knows about Flask or LTI.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from sqlalchemy import select

from courses.database import db
from quizzes.model import Question
from quizzes.models import (
    ATTEMPT_SUBMITTED,
    Attempt,
    AttemptResponse,
    QuestionVersion,
    QuizQuestion,
)
from quizzes.snapshot import from_snapshot
from quizzes.text import to_html
from quizzes.types import kind_of

RIGHT = 0.999999  # Moodle's question_state::graded_state_for_fraction
TEXT_LIMIT = 140
ANSWER_LIMIT = 200
COMMON_WRONG = 3


@dataclass(frozen=True)
class Slot:
    """One question as one attempt showed it, with the learner's answer."""

    question_id: int
    question: Question
    response: Any  # None: not answered
    fraction: float | None


@dataclass(frozen=True)
class CountedAttempt:
    learner_id: int
    number: int
    score: float | None
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class WrongAnswer:
    text: str  # plain text as the learner saw it ("" for true/false: see ``truth``)
    count: int
    truth: bool | None = None


@dataclass
class ItemStats:
    question_id: int
    kind: str
    text: str  # shortened plain text
    scored: bool
    shown: int = 0  # attempts that showed it
    answered: int = 0
    right: int = 0
    facility: float | None = None  # percent
    discrimination: float | None = None  # percent (a correlation × 100)
    wrong: tuple[WrongAnswer, ...] = field(default_factory=tuple)

    @property
    def right_share(self) -> float | None:
        """Percent of the attempts that showed it."""
        return 100 * self.right / self.shown if self.scored and self.shown else None


def plain(text: str, text_format: str = "moodle", limit: int = TEXT_LIMIT) -> str:
    """Question markup as one line of plain text, shortened with an ellipsis."""
    flat = html.unescape(nh3.clean(to_html(text, text_format), tags=set()))
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _choice(question: Question, index: Any) -> str | None:
    if not isinstance(index, int) or isinstance(index, bool):
        return None
    if not 0 <= index < len(question.choices):
        return None
    choice = question.choices[index]
    return plain(choice.text, question.format_of(choice.format), ANSWER_LIMIT)


def readable(question: Question, response: Any) -> tuple[str, bool | None] | None:
    """A saved answer as the learner saw it: (text, truth for true/false); None if it
    cannot be read (it is then left out of the common answers)."""
    kind = question.kind
    if kind == "single":
        text = _choice(question, response)
        return None if text is None else (text, None)
    if kind == "multiple" and isinstance(response, list):
        texts = sorted(t for t in (_choice(question, i) for i in response) if t is not None)
        return ("; ".join(texts), None) if texts else None
    if kind == "truefalse" and isinstance(response, bool):
        return ("", response)
    if kind in {"short", "numerical"} and isinstance(response, str):
        text = " ".join(response.split())
        return (text[:ANSWER_LIMIT], None) if text else None
    if kind == "matching" and isinstance(response, dict):
        parts = [
            f"{plain(p.left, question.format_of(p.format), 60)} → {str(response.get(p.left) or '–')[:60]}"
            for p in question.subquestions
        ]
        return ("; ".join(parts), None) if parts else None
    return None


def _discrimination(marks: Sequence[float], rests: Sequence[float]) -> float | None:
    n = len(marks)
    if n < 2:
        return None
    mean_mark, mean_rest = sum(marks) / n, sum(rests) / n
    var_mark = sum((m - mean_mark) ** 2 for m in marks) / (n - 1)
    var_rest = sum((r - mean_rest) ** 2 for r in rests) / (n - 1)
    if not var_mark * var_rest:
        return None
    cov = sum((m - mean_mark) * (r - mean_rest) for m, r in zip(marks, rests, strict=True)) / (
        n - 1
    )
    return 100 * cov / math.sqrt(var_mark * var_rest)


def counted(
    attempts: Iterable[CountedAttempt], grading_method: str, allowed: int
) -> list[CountedAttempt]:
    """The attempts Moodle's statistics report uses by default: the grading method's."""
    attempts = list(attempts)
    if allowed == 1:
        return attempts
    chosen: dict[int, CountedAttempt] = {}
    for a in attempts:
        held = chosen.get(a.learner_id)
        if held is None:
            chosen[a.learner_id] = a
        elif grading_method == "last":
            if a.number > held.number:
                chosen[a.learner_id] = a
        elif (a.score or 0.0, -a.number) > (held.score or 0.0, -held.number):
            chosen[a.learner_id] = a
    return sorted(chosen.values(), key=lambda a: (a.learner_id, a.number))


def analyse(attempts: Sequence[CountedAttempt], order: Sequence[int] = ()) -> list[ItemStats]:
    """Per question (by quiz question, across its versions and languages), in ``order``
    (question ids) and then as first shown."""
    items: dict[int, ItemStats] = {}
    marks: dict[int, list[float]] = {}
    rests: dict[int, list[float]] = {}
    wrong: dict[int, Counter[tuple[str, bool | None]]] = {}
    for attempt in attempts:
        total = sum(s.fraction or 0.0 for s in attempt.slots if kind_of(s.question).scored)
        for s in attempt.slots:
            kind = kind_of(s.question)
            if not kind.answerable:  # a description: nothing to answer, nothing to analyse
                continue
            if s.question_id not in items:
                items[s.question_id] = ItemStats(
                    s.question_id,
                    s.question.kind,
                    plain(s.question.title or s.question.text, s.question.text_format),
                    kind.scored,
                )
            item = items[s.question_id]
            item.shown += 1
            answered = s.response is not None
            item.answered += answered
            if not kind.scored:
                continue
            mark = s.fraction or 0.0
            marks.setdefault(s.question_id, []).append(mark)
            rests.setdefault(s.question_id, []).append(total - mark)
            if answered and mark >= RIGHT:
                item.right += 1
            elif answered:
                seen = readable(s.question, s.response)
                if seen is not None:
                    wrong.setdefault(s.question_id, Counter())[seen] += 1
    for qid, item in items.items():
        if not item.scored or not item.shown:
            continue
        item.facility = 100 * sum(marks[qid]) / len(marks[qid])
        item.discrimination = _discrimination(marks[qid], rests[qid])
        common = sorted(wrong.get(qid, Counter()).items(), key=lambda kv: (-kv[1], kv[0][0]))
        item.wrong = tuple(WrongAnswer(t, c, truth) for (t, truth), c in common[:COMMON_WRONG])
    rank = {qid: i for i, qid in enumerate(order)}
    first_seen = {qid: i for i, qid in enumerate(items)}
    return sorted(
        items.values(),
        key=lambda i: (rank.get(i.question_id, len(rank)), first_seen[i.question_id]),
    )


def course_attempts(quiz_id: int, course: int) -> list[CountedAttempt]:
    """The submitted attempts at the quiz in one course (a ``course_key``), as plain data."""
    rows = db.session.execute(
        select(Attempt.id, Attempt.learner_id, Attempt.number, Attempt.score, Attempt.layout)
        .where(
            Attempt.quiz_id == quiz_id,
            Attempt.course_key == course,
            Attempt.status == ATTEMPT_SUBMITTED,
        )
        .order_by(Attempt.id)
    ).all()
    if not rows:
        return []
    responses: dict[int, dict[int, tuple[Any, float | None]]] = {}
    for attempt_id, slot, response, fraction in db.session.execute(
        select(
            AttemptResponse.attempt_id,
            AttemptResponse.slot,
            AttemptResponse.response,
            AttemptResponse.fraction,
        )
        .join(Attempt, Attempt.id == AttemptResponse.attempt_id)
        .where(
            Attempt.quiz_id == quiz_id,
            Attempt.course_key == course,
            Attempt.status == ATTEMPT_SUBMITTED,
        )
    ):
        responses.setdefault(attempt_id, {})[slot] = (response, fraction)
    version_ids = {entry["version"] for row in rows for entry in row.layout}
    versions = {
        vid: (qid, snapshot)
        for vid, qid, snapshot in db.session.execute(
            select(QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.snapshot).where(
                QuestionVersion.id.in_(version_ids)
            )
        )
    }
    parsed = {vid: from_snapshot(snapshot) for vid, (_, snapshot) in versions.items()}
    result = []
    for attempt_id, learner_id, number, score, layout in rows:
        answers = responses.get(attempt_id, {})
        slots = tuple(
            Slot(
                versions[entry["version"]][0],
                parsed[entry["version"]],
                *answers.get(slot, (None, None)),
            )
            for slot, entry in enumerate(layout)
            if entry["version"] in versions
        )
        result.append(CountedAttempt(learner_id, number, score, slots))
    return result


def quiz_item_analysis(
    quiz_id: int, course: int, grading_method: str, attempts_allowed: int
) -> tuple[list[ItemStats], int]:
    """The quiz's items in the course and the number of attempts they are computed from."""
    chosen = counted(course_attempts(quiz_id, course), grading_method, attempts_allowed)
    order = (
        db.session.execute(
            select(QuizQuestion.id)
            .where(QuizQuestion.quiz_id == quiz_id)
            .order_by(QuizQuestion.position)
        )
        .scalars()
        .all()
    )
    return analyse(chosen, order), len(chosen)
