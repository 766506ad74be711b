"""A certificate as issued, and a course's choice of what earns one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courses.database import db, utcnow

PROGRAMME, MODULE = "programme", "module"


class Certificate(db.Model):
    """What was certified, copied at issue: later content changes (a module renamed,
    retired or removed, a learner renamed in Moodle) never change or remove it.

    One per learner, course and subject (``subject_key``: the programme or the module), so
    downloading again gives the same record and the same code.
    """

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("learner_id", "course_key", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised: 16 characters of Crockford's base 32 (certificates.codes).
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # Who and where it was earned; the references are emptied (never cascaded) if those
    # rows go, and the certificate stays verifiable as issued.
    learner_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_user.id", ondelete="SET NULL"), index=True
    )
    course_key: Mapped[int] = mapped_column(default=0)
    context_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_context.id", ondelete="SET NULL")
    )
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platform.id", ondelete="SET NULL"))
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="SET NULL")
    )
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="SET NULL"))
    # "programme:<id>" or "module:<id>": never NULL, so the unique constraint holds.
    subject_key: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(16))  # PROGRAMME or MODULE
    # The face of the certificate, as at issue.
    learner_name: Mapped[str] = mapped_column(String(255))
    organisation: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(16))  # the learner's interface language
    # {interface language: text} for the learner's language and Finnish.
    programme_title: Mapped[dict[str, str]] = mapped_column(JSON)
    modules: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    completed_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateSetting(db.Model):
    """A course's choice (its trainer's): a certificate per module instead of one for
    the whole programme. No row: the default, the programme."""

    __tablename__ = "certificate_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), unique=True
    )
    per_module: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
