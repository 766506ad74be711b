"""A library module's quiz settings (pass mark, attempts, grading method, questions drawn
at random...), set in the draft and published with the module as its quiz's defaults,
which every course using the module gets unless its own trainer sets its own
(quizzes.settings). Without settings of its own, the draft keeps the quiz's: the
published module's, else (before the first publication of an adapted module) the
original's, which publishing copies then (authoring.quiz_publishing)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from authoring.library import own_module
from authoring.models import LibraryModule
from authoring.quiz_models import DraftQuizSettings
from authoring.quiz_publishing import quiz_snapshot
from authoring.refusals import Refusal
from courses.database import db, utcnow
from quizzes.models import SETTING_NAMES, Quiz
from quizzes.settings import Settings

MAX_ATTEMPTS = 100  # as a course's own settings (lti_tool.learning.forms.QuizSettingsForm)


class InvalidSettings(Refusal):
    """Settings that are not saved; ``code`` says why."""


def _of(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in SETTING_NAMES}


def _quiz_of(module_id: int | None) -> Quiz | None:
    if module_id is None:
        return None
    return db.session.execute(select(Quiz).where(Quiz.module_id == module_id)).scalar_one_or_none()


def own_settings(library_module_id: int) -> DraftQuizSettings | None:
    return db.session.execute(
        select(DraftQuizSettings).where(DraftQuizSettings.library_module_id == library_module_id)
    ).scalar_one_or_none()


def draft_settings(library_module: LibraryModule) -> tuple[Settings, str]:
    """The settings the draft's quiz would be published with, and where they come from:
    "draft" (set here), "published" (the published quiz's), "original" (the adapted
    module's, copied on the first publication) or "default"."""
    own = own_settings(library_module.id)
    if own is not None:
        return Settings(**_of(own)), "draft"
    published = _quiz_of(library_module.module_id)
    if published is not None:
        return Settings(**_of(published)), "published"
    if library_module.module_id is None:
        original = _quiz_of(library_module.adapted_from_id)
        if original is not None:
            return Settings(**_of(original)), "original"
    return Settings(), "default"


def question_count(library_module: LibraryModule) -> int:
    """The questions the quiz would be published with (each with its Finnish source)."""
    return len(quiz_snapshot(library_module))


def check(settings: Settings, questions: int) -> None:
    """InvalidSettings unless the settings fit a quiz of ``questions`` questions."""
    if not 0 <= settings.attempts_allowed <= MAX_ATTEMPTS:
        raise InvalidSettings("attempts_out_of_range", str(settings.attempts_allowed))
    if settings.random_count is not None and not 1 <= settings.random_count <= questions:
        raise InvalidSettings("random_out_of_range", f"{settings.random_count} of {questions}")


def save_settings(
    site_id: int, library_module_id: int, settings: object, author_id: int | None
) -> DraftQuizSettings:
    """Keep the draft's quiz settings (NotInLibrary for another site's module). They reach
    learners when the module is published. Commits; nothing is written if refused."""
    library_module = own_module(site_id, library_module_id)
    if not isinstance(settings, Settings):
        raise InvalidSettings("not_settings")
    check(settings, question_count(library_module))
    row = own_settings(library_module.id)
    if row is None:
        row = DraftQuizSettings(library_module_id=library_module.id)
        db.session.add(row)
    for name, value in asdict(settings).items():
        if name in SETTING_NAMES:
            setattr(row, name, value)
    row.updated_at, row.updated_by = utcnow(), author_id
    library_module.draft_changed_at = row.updated_at
    db.session.commit()
    return row


def snapshot(library_module: LibraryModule) -> dict[str, Any] | None:
    """The draft's own settings as a version keeps them (None: it has none)."""
    own = own_settings(library_module.id)
    return _of(own) if own is not None else None


def apply(module_id: int, settings: dict[str, Any] | None) -> None:
    """A version's settings into the published module's quiz, in the caller's transaction
    (nothing when the version has none, or the module no quiz)."""
    quiz = _quiz_of(module_id)
    if settings is None or quiz is None:
        return
    for name in SETTING_NAMES:
        if name in settings:
            setattr(quiz, name, settings[name])


def restore(
    library_module: LibraryModule, settings: dict[str, Any] | None, author_id: int | None
) -> bool:
    """A version's settings as the draft's, in the caller's transaction; True if changed.
    A version without settings of its own leaves the draft's as they are."""
    if settings is None:
        return False
    row = own_settings(library_module.id)
    if row is not None and _of(row) == {name: settings.get(name) for name in SETTING_NAMES}:
        return False
    if row is None:
        row = DraftQuizSettings(library_module_id=library_module.id)
        db.session.add(row)
    for name in SETTING_NAMES:
        setattr(row, name, settings.get(name, getattr(Settings(), name)))
    row.updated_at, row.updated_by = utcnow(), author_id
    return True
