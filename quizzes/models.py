"""Quizzes in the database: one per module, its questions, and their versions.

A question's text is kept per language as immutable versions (a JSON snapshot of
quizzes.model.Question). Editing or re-importing a question adds a version; an attempt
will point at the versions it showed, so a past result never changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import db, utcnow

GRADING_METHODS = ("highest", "last")
REVIEW_POLICIES = ("after_each", "after_passing", "never")
SETTING_NAMES = (
    "pass_mark",
    "attempts_allowed",
    "grading_method",
    "shuffle_questions",
    "shuffle_answers",
    "random_count",
    "review_policy",
)


class Quiz(db.Model):
    """A module's quiz; its settings here are the package's defaults for every course."""

    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), unique=True)
    pass_mark: Mapped[int] = mapped_column(default=60)  # percent
    attempts_allowed: Mapped[int] = mapped_column(default=0)  # 0: unlimited
    grading_method: Mapped[str] = mapped_column(String(16), default="highest")
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_answers: Mapped[bool] = mapped_column(default=True)
    random_count: Mapped[int | None]  # show N questions drawn from the pool
    review_policy: Mapped[str] = mapped_column(String(16), default="after_each")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    questions: Mapped[list[QuizQuestion]] = relationship(
        back_populates="quiz", order_by="QuizQuestion.position"
    )


class CourseQuizSettings(db.Model):
    """A course's own settings for a quiz, chosen by its trainer (see quizzes.settings)."""

    __tablename__ = "quiz_course_settings"
    __table_args__ = (UniqueConstraint("quiz_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    pass_mark: Mapped[int]
    attempts_allowed: Mapped[int]
    grading_method: Mapped[str] = mapped_column(String(16))
    shuffle_questions: Mapped[bool]
    shuffle_answers: Mapped[bool]
    random_count: Mapped[int | None]
    review_policy: Mapped[str] = mapped_column(String(16))
    # Overall feedback by score band: [{"from": percent, "text": "..."}], highest first.
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))


class QuizQuestion(db.Model):
    """A question of a quiz, the same in every language (its idnumber ties them)."""

    __tablename__ = "quiz_question"
    __table_args__ = (UniqueConstraint("quiz_id", "idnumber"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    idnumber: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    retired_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.version"
    )


class QuestionVersion(db.Model):
    """One language of a question as it was at one time; never changed once written."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_question.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[QuizQuestion] = relationship(back_populates="versions")


ATTEMPT_IN_PROGRESS, ATTEMPT_SUBMITTED = "in_progress", "submitted"


class Attempt(db.Model):
    """One try at a quiz by one learner in one course, with the exact question versions it
    showed. Attempts are numbered, limited and graded per course (``course_key``)."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("quiz_id", "learner_id", "course_key", "number"),
        Index("ix_quiz_attempt_learner_id_quiz_id_course_key", "learner_id", "quiz_id", "course_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lti_user.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    language: Mapped[str] = mapped_column(String(16))
    # The course it belongs to: the course row's id, 0 without one (courses.progress
    # .models.course_key); never emptied, unlike context_id.
    course_key: Mapped[int] = mapped_column(default=0, server_default="0")
    # Where it was taken: the Moodle course and activity (None when they are gone).
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_context.id", ondelete="SET NULL")
    )
    resource_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource_link.id", ondelete="SET NULL")
    )
    pass_mark: Mapped[int] = mapped_column(default=60)  # as it was when the attempt started
    status: Mapped[str] = mapped_column(String(16), default=ATTEMPT_IN_PROGRESS)
    # [{"version": id, "order": [choice or pair indexes as shown]}] in the order shown.
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None]  # 0..1 of the scored questions
    passed: Mapped[bool | None]


class AttemptResponse(db.Model):
    """The learner's latest answer to one slot of an attempt, saved as they go."""

    __tablename__ = "quiz_response"
    __table_args__ = (UniqueConstraint("attempt_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    slot: Mapped[int]
    response: Mapped[Any] = mapped_column(JSON)
    fraction: Mapped[float | None]  # set when the attempt is graded
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReflectionReply(db.Model):
    """A trainer's written reply to one reflection (an essay answer: attempt and slot).

    Editing a reply adds a row and marks the one it replaces (``replaced_at``): the
    earlier text is kept. The learner sees the current reply on their next visit, and
    ``seen_at`` records when it was first shown to them."""

    __tablename__ = "quiz_reflection_reply"
    __table_args__ = (Index("ix_quiz_reflection_reply_attempt_id_slot", "attempt_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    slot: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_at: Mapped[datetime | None]
    seen_at: Mapped[datetime | None]


EXTRA_ATTEMPTS, QUIZ_RESET = "extra_attempts", "reset"


class LearnerException(db.Model):
    """An exception a trainer made for one learner's quiz in one course: extra attempts,
    or a reset (attempts numbered up to ``reset_after`` no longer count). Never changed
    or deleted: the list is the record of who did what, when and why."""

    __tablename__ = "quiz_learner_exception"
    __table_args__ = (
        Index("ix_quiz_learner_exception_learner", "learner_id", "quiz_id", "course_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    course_key: Mapped[int]
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_context.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(16))
    extra_attempts: Mapped[int] = mapped_column(default=0)
    reset_after: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
