"""Publishing a draft quiz: the draft's questions written into the published module's
quiz through quizzes' own path (quizzes.services.write_quiz), in the caller's
transaction. A changed question becomes a new QuestionVersion; attempts already made keep
the versions they showed, so their grades never change; a removed question is retired.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from authoring.models import LibraryModule
from authoring.quiz_drafts import draft_questions
from authoring.quiz_models import DraftQuestionText
from courses.database import db
from courses.languages import SOURCE_LANGUAGE
from courses.models import Module
from quizzes.copying import copy_settings
from quizzes.model import Question
from quizzes.models import Quiz, QuizQuestion
from quizzes.services import write_quiz
from quizzes.snapshot import from_snapshot


def quiz_snapshot(library_module: LibraryModule) -> list[dict[str, Any]]:
    """The draft quiz as published: each live question, in order, with its texts by
    language (a translation of another kind than its source is left out: learners get
    the Finnish question until it is translated again)."""
    questions = draft_questions(library_module.id)
    texts: dict[int, dict[str, dict[str, Any]]] = {}
    for row in db.session.execute(
        select(DraftQuestionText).where(DraftQuestionText.draft_question_id.in_([q.id for q in questions]))
    ).scalars():
        texts.setdefault(row.draft_question_id, {})[row.language] = row.snapshot
    found = []
    for question in questions:
        by_language = {
            language: snapshot
            for language, snapshot in texts.get(question.id, {}).items()
            if snapshot.get("kind") == question.kind
        }
        if SOURCE_LANGUAGE in by_language:
            found.append({"idnumber": question.idnumber, "kind": question.kind, "texts": by_language})
    return found


def published_kinds(library_module: LibraryModule) -> dict[str, str]:
    """The kind of each question learners have now, by id number (empty: not published).
    A draft question of another kind becomes a new question when published (quizzes
    .services): attempts made on the old one keep it."""
    if library_module.module_id is None:
        return {}
    return dict(db.session.execute(
        select(QuizQuestion.idnumber, QuizQuestion.kind)
        .join(Quiz, Quiz.id == QuizQuestion.quiz_id)
        .where(Quiz.module_id == library_module.module_id, QuizQuestion.retired_at.is_(None))
    ).all())


def publish_quiz(library_module: LibraryModule, module: Module, snapshot: list[dict[str, Any]],
                 *, first: bool) -> None:
    """Write the quiz learners take. On the first publication of an adapted module its
    quiz starts with the original's settings (pass mark, attempts...)."""
    if first and library_module.adapted_from_id is not None:
        copy_settings(library_module.adapted_from_id, module.id)
    has_quiz = db.session.execute(select(Quiz.id).where(Quiz.module_id == module.id)).scalar() is not None
    if not snapshot and not has_quiz:
        return
    by_language: dict[str, list[Question]] = {}
    for question in snapshot:
        for language, data in question["texts"].items():
            by_language.setdefault(language, []).append(from_snapshot(data))
    write_quiz(module.slug, by_language)
