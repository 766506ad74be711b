"""Certificates in tests: a learner's programme completed, the PDF's text read back."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from courses.database import db
from courses.models import Module
from courses.progress.models import COMPLETED, ModuleProgress
from lti_tool.identity.models import LtiContext, LtiUser

COMPLETED_AT = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def learner_and_course(app: Any, sub: str, course: str = "101") -> tuple[int, int]:
    with app.app_context():
        user = db.session.execute(select(LtiUser.id).where(LtiUser.sub == sub)).scalar_one()
        context = db.session.execute(
            select(LtiContext.id).where(LtiContext.context_id == course)
        ).scalar_one()
        return user, context


def complete_modules(
    app: Any,
    sub: str,
    course: str = "101",
    slug: str = "finnish-working-life",
    only: list[str] | None = None,
    when: datetime = COMPLETED_AT,
) -> list[str]:
    """Mark the live modules of ``slug``'s programme (or ``only`` those) completed for the
    learner in the course, as finishing their pages would; returns their slugs."""
    learner, context = learner_and_course(app, sub, course)
    with app.app_context():
        programme = db.session.execute(
            select(Module.programme_id).where(Module.slug == slug)
        ).scalar_one()
        modules = (
            db.session.execute(
                select(Module)
                .where(
                    Module.programme_id == programme,
                    Module.retired_at.is_(None),
                    Module.site_id.is_(None),
                )
                .order_by(Module.position)
            )
            .scalars()
            .all()
        )
        done = []
        for module in modules:
            if only is not None and module.slug not in only:
                continue
            row = db.session.execute(
                select(ModuleProgress).where(
                    ModuleProgress.learner_id == learner,
                    ModuleProgress.module_id == module.id,
                    ModuleProgress.course_key == context,
                )
            ).scalar_one_or_none()
            if row is None:
                row = ModuleProgress(
                    learner_id=learner,
                    module_id=module.id,
                    course_key=context,
                    context_id=context,
                    audience="participant",
                )
                db.session.add(row)
            row.status, row.percent, row.completed_at = COMPLETED, 100, when
            done.append(module.slug)
        db.session.commit()
        return done


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def launch_path(result: Any) -> str:
    """/l/<launch id> of a launch (its landing page's address without the slash)."""
    return result.address.rstrip("/")
