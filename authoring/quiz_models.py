"""A library module's quiz as a draft: its questions, and each one's text per language.

Like the pages, nothing here reaches learners until the module is published
(authoring.quiz_publishing writes the published module's quiz through quizzes' own
import, so a changed question becomes a new QuestionVersion and attempts keep theirs).
A question's text in a language is a snapshot of quizzes.model.Question (quizzes.snapshot);
``revision`` counts its saves, and a save made over an older one is a conflict, never an
overwrite (as authoring.drafts does for page texts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import db, utcnow


class DraftQuestion(db.Model):
    """A question of a draft quiz, the same in every language (its idnumber ties them)."""

    __tablename__ = "draft_question"
    __table_args__ = (UniqueConstraint("library_module_id", "idnumber"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_module_id: Mapped[int] = mapped_column(
        ForeignKey("library_module.id", ondelete="CASCADE"), index=True
    )
    idnumber: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    # A removed question stays (with its texts); publishing retires it for learners.
    removed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    texts: Mapped[list[DraftQuestionText]] = relationship(
        back_populates="question", order_by="DraftQuestionText.language"
    )


class DraftQuestionText(db.Model):
    """A question in one language, as last saved (a quizzes.snapshot JSON)."""

    __tablename__ = "draft_question_text"
    __table_args__ = (UniqueConstraint("draft_question_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_question_id: Mapped[int] = mapped_column(
        ForeignKey("draft_question.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(16))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1)
    # A translation: the revision of the Finnish question it was written against.
    source_revision: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))

    question: Mapped[DraftQuestion] = relationship(back_populates="texts")


class QuestionRevision(db.Model):
    """Every saved text of a question in one language, kept, as for pages
    (authoring.models.TextRevision): a save over an older revision is kept aside here
    (``revision`` NULL), so nothing either of two trainers wrote is lost."""

    __tablename__ = "draft_question_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_question_text_id: Mapped[int] = mapped_column(
        ForeignKey("draft_question_text.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int | None]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))


class DraftQuestionForm(db.Model):
    """A trainer's question form as they left it, when it is not a question yet: what an
    autosave could not save (a grade missing, a number half typed, a conflict with
    someone's newer save). Never published nor a revision; kept per trainer, so one
    trainer's unfinished form never shows up in another's, and the next launch finds it.
    ``key`` is "<question id>/<language>", or "new/<token>" for a new question's form (its
    ``draft_question_id`` set once the question is added, fields emptied)."""

    __tablename__ = "draft_question_form"
    __table_args__ = (UniqueConstraint("library_module_id", "author_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    library_module_id: Mapped[int] = mapped_column(
        ForeignKey("library_module.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    draft_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_question.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    # The form's fields by name, as posted (no CSRF token, no button).
    fields: Mapped[dict[str, str]] = mapped_column(JSON)
    # Why it is not a question yet (an authoring.quiz_drafts code, or "conflict").
    problem: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DraftQuizSettings(db.Model):
    """A library module's own quiz settings (quizzes.models.SETTING_NAMES) in the draft:
    published with the module into its quiz's defaults, which every course gets unless
    its trainer sets its own. No row: the draft keeps what the quiz has (authoring
    .quiz_settings.draft_settings)."""

    __tablename__ = "draft_quiz_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    library_module_id: Mapped[int] = mapped_column(
        ForeignKey("library_module.id", ondelete="CASCADE"), unique=True
    )
    pass_mark: Mapped[int]
    attempts_allowed: Mapped[int]
    grading_method: Mapped[str] = mapped_column(String(16))
    shuffle_questions: Mapped[bool]
    shuffle_answers: Mapped[bool]
    random_count: Mapped[int | None]
    review_policy: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
