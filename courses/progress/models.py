"""Progress per learner: pages seen, one summary row per module, the chosen language.

A learner is the tool's user row (``lti_user.id``); this package only needs its key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courses.database import db, utcnow

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"


class PageView(db.Model):
    """A page a learner has opened (once per learner and page: the first time counts)."""

    __tablename__ = "page_view"
    __table_args__ = (UniqueConstraint("learner_id", "page_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", ondelete="CASCADE"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str | None] = mapped_column(String(16))  # the language it was read in


def course_key(context_id: int | None) -> int:
    """The course a record belongs to, as a key that is never NULL: the tool's row id of
    the Moodle course (context), or 0 for a launch that named no course."""
    return context_id or 0


class ModuleProgress(db.Model):
    """Where a learner stands in a module in one course, and their completion record there.

    One row per learner, module and course (``course_key``): the same module in two of a
    learner's courses has two records. Rewritten whenever a page is first seen or an
    attempt is graded; a completed module stays completed.
    """

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("learner_id", "module_id", "course_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("lti_user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    # participant or employer_mentor, as it was when the learner worked on the module.
    audience: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=NOT_STARTED)
    pages_seen: Mapped[int] = mapped_column(default=0)
    pages_total: Mapped[int] = mapped_column(default=0)
    percent: Mapped[int] = mapped_column(default=0)
    # None while the module has no quiz (the quiz package fills this in).
    quiz_passed: Mapped[bool | None]
    last_page_id: Mapped[int | None] = mapped_column(ForeignKey("page.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    best_score: Mapped[float | None]  # the best quiz attempt, 0..1
    attempts_used: Mapped[int] = mapped_column(default=0, server_default="0")
    language: Mapped[str | None] = mapped_column(String(16))  # the one its pages were read in most
    # The course the record belongs to (see course_key); context_id below is the same
    # course as a foreign key, which is emptied if the course row is ever deleted.
    course_key: Mapped[int] = mapped_column(default=0, server_default="0")
    # Where the learner worked on it: the platform, Moodle course and (latest) activity.
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platform.id", ondelete="SET NULL"))
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_context.id", ondelete="SET NULL"), index=True
    )
    resource_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource_link.id", ondelete="SET NULL")
    )


class LearnerPreference(db.Model):
    """The content language a learner chose, and the language of the menus if they chose
    one apart from it (None: the launch's locale, as Moodle sends it); remembered across
    launches."""

    __tablename__ = "learner_preference"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("lti_user.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16))
    interface_language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
