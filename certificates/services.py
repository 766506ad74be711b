"""Issue a certificate once and keep it; find one by its code; a course's setting.

Every write is its own transaction. What goes on a certificate's face is decided by the
caller (the web part knows the learner's language and name); this package keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certificates import codes
from certificates.models import MODULE, PROGRAMME, Certificate, CertificateSetting
from courses.database import db, transaction_for_writes, utcnow

try:  # the date on a certificate is the learners' own (Finland's), not UTC's
    LOCAL_TIME: ZoneInfo | None = ZoneInfo("Europe/Helsinki")
except ZoneInfoNotFoundError:  # pragma: no cover (a system without the time zone files)
    LOCAL_TIME = None


@dataclass(frozen=True)
class Standing:
    """One module of the programme and the learner's record of it in the course."""

    module_id: int
    completed_at: datetime | None


def programme_complete(modules: Sequence[Standing]) -> bool:
    """Every live module of the programme completed (and there is at least one)."""
    return bool(modules) and all(m.completed_at is not None for m in modules)


def completion_date(completed: Sequence[datetime]) -> date:
    """The day the last of them was completed, in Finnish time."""
    last = max(completed)
    return (last.astimezone(LOCAL_TIME) if LOCAL_TIME else last).date()


@dataclass(frozen=True)
class Subject:
    """What a certificate is for: a programme, or one module of it."""

    programme_id: int
    module_id: int | None = None

    @property
    def key(self) -> str:
        return f"module:{self.module_id}" if self.module_id else f"programme:{self.programme_id}"

    @property
    def scope(self) -> str:
        return MODULE if self.module_id else PROGRAMME


@dataclass(frozen=True)
class Face:
    """What the certificate says: copied into the record at issue."""

    learner_name: str
    organisation: str
    language: str
    programme_title: dict[str, str]
    modules: list[dict[str, str]]
    completed_on: date


@dataclass(frozen=True)
class Earner:
    """Who earned it, and in which course and site."""

    learner_id: int
    course_key: int
    context_id: int | None
    platform_id: int | None


def existing(earner: Earner, subject: Subject) -> Certificate | None:
    return db.session.execute(
        select(Certificate).where(
            Certificate.learner_id == earner.learner_id,
            Certificate.course_key == earner.course_key,
            Certificate.subject_key == subject.key,
        )
    ).scalar_one_or_none()


def issue(earner: Earner, subject: Subject, face: Face) -> Certificate:
    """The learner's certificate for the subject: the one issued before, unchanged, or a
    new one with a fresh code. The caller has checked that the learner earned it."""
    found = existing(earner, subject)
    if found is not None:
        return found
    transaction_for_writes()
    certificate = Certificate(
        code=codes.new_code(),
        learner_id=earner.learner_id,
        course_key=earner.course_key,
        context_id=earner.context_id,
        platform_id=earner.platform_id,
        programme_id=subject.programme_id,
        module_id=subject.module_id,
        subject_key=subject.key,
        scope=subject.scope,
        learner_name=face.learner_name,
        organisation=face.organisation,
        language=face.language,
        programme_title=dict(face.programme_title),
        modules=[dict(m) for m in face.modules],
        completed_on=face.completed_on,
        issued_at=utcnow(),
    )
    db.session.add(certificate)
    try:
        db.session.commit()
    except IntegrityError:  # the same download in another tab was first: that one stands
        db.session.rollback()
        found = existing(earner, subject)
        if found is None:
            raise
        return found
    return certificate


def find(typed_code: str) -> Certificate | None:
    """The certificate with this code (as a person typed it), if any."""
    code = codes.normalise(typed_code)
    if code is None:
        return None
    return db.session.execute(
        select(Certificate).where(Certificate.code == code)
    ).scalar_one_or_none()


def per_module(context_id: int | None) -> bool:
    """Whether the course gives a certificate per module (default: per programme)."""
    if context_id is None:
        return False
    value = db.session.execute(
        select(CertificateSetting.per_module).where(CertificateSetting.context_id == context_id)
    ).scalar_one_or_none()
    return bool(value)


def set_per_module(context_id: int, value: bool, by: int | None) -> None:
    """A trainer's choice for their course; certificates already issued stay as they are."""
    transaction_for_writes()
    setting = db.session.execute(
        select(CertificateSetting).where(CertificateSetting.context_id == context_id)
    ).scalar_one_or_none()
    if setting is None:
        setting = CertificateSetting(context_id=context_id)
        db.session.add(setting)
    setting.per_module = value
    setting.updated_by = by
    setting.updated_at = utcnow()
    db.session.commit()
