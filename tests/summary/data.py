"""A crafted set of completion records whose figures are worked out by hand below."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from courses.database import db
from courses.models import Module
from courses.progress.models import ModuleProgress
from lti_tool.identity.models import LtiContext, LtiUser, Membership
from lti_tool.registry.models import Platform

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
FWL, JS = "finnish-working-life", "job-search"
OTHER_ISSUER = "https://moodle.other.example.invalid"

# (platform, course, learner, audience, module, status, days to complete or None,
#  is a learner in the course, days after T0 it started)
RECORDS = [
    ("dev", "101", "2001", "participant", FWL, "completed", 1, True, 0),
    ("dev", "101", "c-2", "participant", FWL, "completed", 3, True, 0),
    ("dev", "101", "c-3", "participant", FWL, "completed", 2, True, 7),
    ("dev", "101", "c-4", "participant", FWL, "in_progress", None, True, 8),
    ("dev", "101", "c-5", "participant", FWL, "not_started", None, True, 8),
    ("dev", "101", "c-trainer", "participant", FWL, "completed", 0.01, False, 0),  # no learner
    ("dev", "101", "2001", "participant", JS, "in_progress", None, True, 1),
    ("dev", "101", "c-2", "participant", JS, "completed", 0.5, True, 1),
    ("dev", "101", "c-3", "participant", JS, "completed", 1.5, True, 14),
    ("dev", "103", "2001", "participant", FWL, "completed", 10, True, 2),
    ("dev", "102", "2003", "employer_mentor", FWL, "completed", 4, True, 3),
    ("dev", "102", "c-m2", "employer_mentor", FWL, "in_progress", None, True, 3),
    ("other", "101", "x-1", "participant", FWL, "completed", 100, True, 0),
]
# Hand-computed (days). The development platform's Moodle:
#   FWL: started 7 (101: four; 103: one; 102: two), completed 5 (1, 3, 2, 10, 4): median 3
#   JS: started 3, completed 2 (0.5, 1.5): median 1 (the mean of the middle two)
#   FWL participants: 5 started, 4 completed (1, 3, 2, 10): median 2.5; mentors 2, 1, 4
#   FWL by course: 101: 4, 3, 2; 102: 2, 1, 4; 103: 1, 1, 10
# Every platform (the operator): FWL 8 started, 6 completed (1, 2, 3, 4, 10, 100): 3.5


def _platform(name: str, dev_issuer: str | None = None) -> Platform:
    if name == "dev":
        return db.session.execute(
            select(Platform).where(Platform.name == "Kotopaikka development platform")
        ).scalar_one()
    found = db.session.execute(select(Platform).where(Platform.issuer == OTHER_ISSUER)).scalar()
    if found is None:
        found = Platform(
            issuer=OTHER_ISSUER, name="Toinen Moodle", auth_login_url=OTHER_ISSUER + "/auth",
            auth_token_url=OTHER_ISSUER + "/token", key_set_url=OTHER_ISSUER + "/jwks",
        )  # fmt: skip
        db.session.add(found)
        db.session.flush()
    return found


def _get(model: Any, defaults: dict[str, Any] | None = None, **keys: Any) -> Any:
    found = db.session.execute(select(model).filter_by(**keys)).scalar()
    if found is None:
        found = model(**keys, **(defaults or {}))
        db.session.add(found)
        db.session.flush()
    return found


def add_records(app: Any) -> None:
    """The RECORDS above, added to what launches have created (or made here)."""
    with app.app_context():
        for platform_name, course, sub, audience, slug, status, days, learner, start in RECORDS:
            platform = _platform(platform_name)
            # The other Moodle's course title looks like a formula: a spreadsheet must not run it.
            title = f"Kurssi {course}"
            if platform_name == "other":
                title = '=HYPERLINK("https://x.invalid") <b>'
            context = _get(LtiContext, {"title": title}, platform_id=platform.id, context_id=course)
            user = _get(LtiUser, {"name": f"Oppija {sub}"}, platform_id=platform.id, sub=sub)
            membership = _get(Membership, user_pk=user.id, context_pk=context.id)
            membership.is_learner = membership.is_learner or learner
            if not learner:
                membership.is_trainer = True
            module = db.session.execute(select(Module).where(Module.slug == slug)).scalar_one()
            started = T0 + timedelta(days=start)
            existing = db.session.execute(
                select(ModuleProgress).filter_by(
                    learner_id=user.id, module_id=module.id, course_key=context.id
                )
            ).scalar()
            if existing is not None:
                db.session.delete(existing)
                db.session.flush()
            db.session.add(
                ModuleProgress(
                    learner_id=user.id, module_id=module.id, audience=audience, status=status,
                    pages_seen=5 if status == "completed" else 1, pages_total=5,
                    percent=100 if status == "completed" else 20, started_at=started,
                    completed_at=None if days is None else started + timedelta(days=days),
                    updated_at=started, course_key=context.id, platform_id=platform.id,
                    context_id=context.id, best_score=_SCORES.get((sub, slug, course)),
                )
            )  # fmt: skip
        db.session.commit()


# Quiz results for the score distribution (course 101's FWL): bands 9, 9, 6 and 0 (the
# trainer's, not a learner's, is left out).
_SCORES = {
    ("2001", FWL, "101"): 1.0,
    ("c-2", FWL, "101"): 0.9,
    ("c-3", FWL, "101"): 0.6,
    ("c-4", FWL, "101"): 0.05,
    ("c-trainer", FWL, "101"): 0.5,
    ("2001", FWL, "103"): 0.3,
}
