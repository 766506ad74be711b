"""A module's quiz copied to another module: an adapted module starts with its original's
quiz (the settings, the live questions, each language's latest version)."""

from __future__ import annotations

from sqlalchemy import func, select

from courses.database import db
from quizzes.models import QuestionVersion, Quiz, QuizQuestion

_SETTINGS = (
    "pass_mark",
    "attempts_allowed",
    "grading_method",
    "shuffle_questions",
    "shuffle_answers",
    "random_count",
    "review_policy",
)


def copy_quiz(from_module_id: int, to_module_id: int) -> Quiz | None:
    """Copy the quiz of one module to another that has none, in the caller's
    transaction; None when the first has no quiz. Past attempts stay with the original."""
    original = db.session.execute(
        select(Quiz).where(Quiz.module_id == from_module_id)
    ).scalar_one_or_none()
    if original is None:
        return None
    copy = Quiz(module_id=to_module_id, **{name: getattr(original, name) for name in _SETTINGS})
    db.session.add(copy)
    db.session.flush()
    latest = (
        select(QuestionVersion.question_id, QuestionVersion.language, func.max(QuestionVersion.version))
        .join(QuizQuestion, QuizQuestion.id == QuestionVersion.question_id)
        .where(QuizQuestion.quiz_id == original.id, QuizQuestion.retired_at.is_(None))
        .group_by(QuestionVersion.question_id, QuestionVersion.language)
    ).subquery()
    versions = db.session.execute(
        select(QuestionVersion).join(
            latest,
            (latest.c.question_id == QuestionVersion.question_id)
            & (latest.c.language == QuestionVersion.language)
            & (latest.c[2] == QuestionVersion.version),
        )
    ).scalars()
    by_question: dict[int, list[QuestionVersion]] = {}
    for version in versions:
        by_question.setdefault(version.question_id, []).append(version)
    questions = db.session.execute(
        select(QuizQuestion)
        .where(QuizQuestion.quiz_id == original.id, QuizQuestion.retired_at.is_(None))
        .order_by(QuizQuestion.position)
    ).scalars()
    for question in questions:
        new = QuizQuestion(
            quiz_id=copy.id, idnumber=question.idnumber, position=question.position, kind=question.kind
        )
        db.session.add(new)
        db.session.flush()
        for version in by_question.get(question.id, []):
            db.session.add(
                QuestionVersion(
                    question_id=new.id, language=version.language, version=1, snapshot=version.snapshot
                )
            )
    return copy
