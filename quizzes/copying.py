"""An adapted module's quiz comes from its original: the original's settings (copied to
the new module's quiz when it is first published), and its live questions with each
language's latest version (copied into the draft when the module is adapted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from courses.database import db
from quizzes.models import SETTING_NAMES, QuestionVersion, Quiz, QuizQuestion


@dataclass(frozen=True)
class LiveQuestion:
    idnumber: str
    kind: str
    snapshots: dict[str, dict[str, Any]]  # language: the latest version's snapshot


def copy_settings(from_module_id: int, to_module_id: int) -> Quiz | None:
    """A quiz for a module that has none, with the settings of another module's quiz, in
    the caller's transaction; None when the other has no quiz. Past attempts stay there."""
    original = db.session.execute(
        select(Quiz).where(Quiz.module_id == from_module_id)
    ).scalar_one_or_none()
    if original is None:
        return None
    copy = Quiz(module_id=to_module_id, **{name: getattr(original, name) for name in SETTING_NAMES})
    db.session.add(copy)
    db.session.flush()
    return copy


def live_questions(module_id: int) -> list[LiveQuestion]:
    """A module's live quiz questions in quiz order, each language's latest version."""
    quiz_id = db.session.execute(select(Quiz.id).where(Quiz.module_id == module_id)).scalar()
    if quiz_id is None:
        return []
    latest = (
        select(QuestionVersion.question_id, QuestionVersion.language, func.max(QuestionVersion.version))
        .join(QuizQuestion, QuizQuestion.id == QuestionVersion.question_id)
        .where(QuizQuestion.quiz_id == quiz_id, QuizQuestion.retired_at.is_(None))
        .group_by(QuestionVersion.question_id, QuestionVersion.language)
    ).subquery()
    versions = db.session.execute(
        select(QuestionVersion.question_id, QuestionVersion.language, QuestionVersion.snapshot).join(
            latest,
            (latest.c.question_id == QuestionVersion.question_id)
            & (latest.c.language == QuestionVersion.language)
            & (latest.c[2] == QuestionVersion.version),
        )
    ).all()
    by_question: dict[int, dict[str, dict[str, Any]]] = {}
    for question_id, language, snapshot in versions:
        by_question.setdefault(question_id, {})[language] = snapshot
    questions = db.session.execute(
        select(QuizQuestion)
        .where(QuizQuestion.quiz_id == quiz_id, QuizQuestion.retired_at.is_(None))
        .order_by(QuizQuestion.position, QuizQuestion.id)
    ).scalars()
    return [LiveQuestion(q.idnumber, q.kind, by_question.get(q.id, {})) for q in questions]
