"""Record that a learner opened a page, and keep their module record in step.

A page counts as seen the first time it is opened, in whichever course: pages read in one
course count as read in another. The module record (status, percent, quiz, completion,
the page to resume at) belongs to one course: it is written only when something changed,
so reading a page again costs no write. What the writes return is the record as stored,
where completion is final and a passed quiz stays passed, never what one event alone
would make of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, select, text, update

from courses.database import UTCDateTime, db, transaction_for_writes, utcnow
from courses.progress.models import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    ModuleProgress,
    course_key,
)


@dataclass(frozen=True)
class Progress:
    status: str
    pages_seen: int
    pages_total: int
    percent: int
    quiz_passed: bool | None = None


def evaluate(rule: str, pages_seen: int, pages_total: int, quiz_passed: bool | None) -> Progress:
    """A module's status under its completion rule: pure, no database.

    ``quiz_passed`` is None while the module has no quiz; then the pages decide, whatever
    the rule says (the rule names the quiz for when there is one).
    """
    percent = 100 if pages_total == 0 else min(100, pages_seen * 100 // pages_total)
    pages_done = pages_total > 0 and pages_seen >= pages_total
    if quiz_passed is None:
        done = pages_done
    elif rule == "quiz_passed":
        done = quiz_passed
    elif rule == "pages_and_quiz":
        done = pages_done and quiz_passed
    else:
        done = pages_done
    if done:
        status = COMPLETED
    elif pages_seen or quiz_passed is not None and quiz_passed:
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    return Progress(status, pages_seen, pages_total, percent, quiz_passed)


# Insert-if-absent in one statement, the same on SQLite and PostgreSQL; RETURNING gives a row
# only when this request was the first to see the page.
_FIRST_VIEW = text(
    "INSERT INTO page_view (learner_id, page_id, first_seen_at, language) "
    "VALUES (:learner, :page, :now, :language) "
    "ON CONFLICT (learner_id, page_id) DO NOTHING RETURNING id"
).bindparams(bindparam("now", type_=UTCDateTime()))
# The language the module's pages were read in most (the latest one on a tie).
_MOST_USED_LANGUAGE = (
    "(SELECT pv.language FROM page_view pv JOIN page p ON p.id = pv.page_id "
    "WHERE pv.learner_id = :learner AND p.module_id = :module AND pv.language IS NOT NULL "
    "GROUP BY pv.language ORDER BY count(*) DESC, max(pv.id) DESC LIMIT 1)"
)
_SUMMARY = text(
    "INSERT INTO module_progress (learner_id, module_id, audience, status, pages_seen, pages_total, "
    "percent, quiz_passed, last_page_id, started_at, completed_at, updated_at, best_score, "
    "attempts_used, language, platform_id, context_id, resource_link_id, course_key) VALUES (:learner, "
    ":module, :audience, :status, :seen, :total, :percent, :quiz_passed, :page, :now, :completed, "
    f":now, :best_score, COALESCE(:attempts_used, 0), {_MOST_USED_LANGUAGE}, :platform_id, "
    ":context_id, :resource_link_id, :course_key) "
    "ON CONFLICT (learner_id, module_id, course_key) DO UPDATE SET audience = excluded.audience, "
    # Completing is final: a completed module stays completed whatever happens later.
    "status = CASE WHEN module_progress.completed_at IS NULL THEN excluded.status "
    "ELSE module_progress.status END, "
    "pages_seen = excluded.pages_seen, pages_total = excluded.pages_total, "
    # A passed quiz stays passed.
    "percent = excluded.percent, quiz_passed = CASE WHEN module_progress.quiz_passed "
    "THEN module_progress.quiz_passed ELSE excluded.quiz_passed END, "
    "last_page_id = COALESCE(excluded.last_page_id, module_progress.last_page_id), "
    "completed_at = COALESCE(module_progress.completed_at, excluded.completed_at), "
    "updated_at = excluded.updated_at, "
    "best_score = COALESCE(excluded.best_score, module_progress.best_score), "
    "attempts_used = CASE WHEN :attempts_used IS NULL THEN module_progress.attempts_used "
    "ELSE excluded.attempts_used END, "
    "language = COALESCE(excluded.language, module_progress.language), "
    "platform_id = COALESCE(excluded.platform_id, module_progress.platform_id), "
    "context_id = COALESCE(excluded.context_id, module_progress.context_id), "
    "resource_link_id = COALESCE(excluded.resource_link_id, module_progress.resource_link_id) "
    # The record as stored: what the caller shows and scores.
    "RETURNING status, pages_seen, pages_total, percent, quiz_passed"
).bindparams(bindparam("now", type_=UTCDateTime()), bindparam("completed", type_=UTCDateTime()))


@dataclass(frozen=True)
class Place:
    """Where a learner works on a module: the platform, the Moodle course and activity
    (the tool's own row ids; any may be unknown)."""

    platform_id: int | None = None
    context_id: int | None = None
    resource_link_id: int | None = None

    @property
    def course_key(self) -> int:
        return course_key(self.context_id)

    def params(self) -> dict[str, int | None]:
        return {
            "platform_id": self.platform_id,
            "context_id": self.context_id,
            "resource_link_id": self.resource_link_id,
            "course_key": self.course_key,
        }


_PROGRESS = ModuleProgress.__table__
_RESUME_AT = (
    update(_PROGRESS)
    .where(
        _PROGRESS.c.learner_id == bindparam("learner"),
        _PROGRESS.c.module_id == bindparam("module"),
        _PROGRESS.c.course_key == bindparam("course"),
    )
    .values(last_page_id=bindparam("page"), updated_at=bindparam("now"))
)


def _write_summary(
    learner_id: int,
    module_id: int,
    audience: str,
    progress: Progress,
    now: datetime,
    place: Place | None,
    *,
    page_id: int | None = None,
    best_score: float | None = None,
    attempts_used: int | None = None,
) -> Progress:
    """Upsert the learner's record in the place's course (None leaves the stored page,
    score and attempts); the record as stored."""
    stored = db.session.execute(
        _SUMMARY,
        {
            "learner": learner_id,
            "module": module_id,
            "audience": audience,
            "status": progress.status,
            "seen": progress.pages_seen,
            "total": progress.pages_total,
            "percent": progress.percent,
            "quiz_passed": progress.quiz_passed,
            "page": page_id,
            "now": now,
            "completed": now if progress.status == COMPLETED else None,
            "best_score": best_score,
            "attempts_used": attempts_used,
            **(place or Place()).params(),
        },
    ).one()
    status, seen, total, percent, passed = stored  # SQLite gives the boolean as 0 or 1
    return Progress(status, seen, total, percent, None if passed is None else bool(passed))


def record_page_view(
    *,
    learner_id: int,
    module_id: int,
    rule: str,
    audience: str,
    page_id: int,
    seen_before: set[int],
    live_pages: set[int],
    last_page_id: int | None,
    quiz_passed: bool | None = None,
    on_change: Callable[[Progress], None] | None = None,
    language: str | None = None,
    place: Place | None = None,
    recorded: bool = True,
    completed: bool = False,
) -> Progress:
    """Mark ``page_id`` seen and return the learner's record of the module in the place's
    course; commits when it wrote.

    ``seen_before`` and ``live_pages`` come from the outline the caller already read;
    ``quiz_passed`` is the course's quiz standing (None when the module has no quiz);
    ``recorded`` and ``completed`` say whether the course has a record of the module for
    the learner and whether it is completed. ``on_change`` runs in the same transaction,
    before the commit, with the stored record, when the record was written for a page
    seen for the first time (or the first time in this course).
    """
    now = utcnow()
    place = place or Place()
    seen = (seen_before | {page_id}) & live_pages
    progress = evaluate(rule, len(seen), len(live_pages), quiz_passed)
    if completed and progress.status != COMPLETED:  # completing is final
        progress = replace(progress, status=COMPLETED)
    if page_id not in seen_before or not recorded:
        transaction_for_writes()
        first = page_id not in seen_before and db.session.execute(
            _FIRST_VIEW, {"learner": learner_id, "page": page_id, "now": now, "language": language}
        ).first() is not None
        if first or not recorded or last_page_id != page_id:
            progress = _write_summary(
                learner_id, module_id, audience, progress, now, place, page_id=page_id
            )
        if (first or not recorded) and on_change is not None:
            on_change(progress)
    elif last_page_id != page_id:
        transaction_for_writes()
        db.session.execute(
            _RESUME_AT,
            {
                "learner": learner_id,
                "module": module_id,
                "course": place.course_key,
                "page": page_id,
                "now": now,
            },
        )
    else:
        return progress
    db.session.commit()
    return progress


def record_quiz_result(
    *,
    learner_id: int,
    module_id: int,
    rule: str,
    audience: str,
    seen: set[int],
    live_pages: set[int],
    quiz_passed: bool,
    best_score: float | None = None,
    attempts_used: int | None = None,
    place: Place | None = None,
    commit: bool = True,
) -> Progress:
    """Bring the learner's record of the module in the place's course in step with their
    quiz standing there, and return it as stored; commits unless the caller's
    transaction is to (``commit=False``).

    ``quiz_passed`` is the standing (any attempt in the course passed), not the latest
    attempt's outcome; a completed module stays completed whatever a later attempt gives.
    """
    now = utcnow()
    progress = evaluate(rule, len(seen & live_pages), len(live_pages), quiz_passed)
    stored = _write_summary(
        learner_id,
        module_id,
        audience,
        progress,
        now,
        place,
        best_score=best_score,
        attempts_used=attempts_used,
    )
    if commit:
        db.session.commit()
    return stored


_REMEMBER = text(
    "INSERT INTO learner_preference (learner_id, language, updated_at) VALUES (:l, :lang, :now) "
    "ON CONFLICT (learner_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at"
).bindparams(bindparam("now", type_=UTCDateTime()))
_REMEMBER_BOTH = text(
    "INSERT INTO learner_preference (learner_id, language, interface_language, updated_at) "
    "VALUES (:l, :lang, :ui, :now) ON CONFLICT (learner_id) DO UPDATE SET "
    "language = excluded.language, interface_language = excluded.interface_language, "
    "updated_at = excluded.updated_at"
).bindparams(bindparam("now", type_=UTCDateTime()))
KEEP = object()  # remember_language(interface=KEEP): the menus' language stays as it was


def remember_language(learner_id: int, language: str, interface: str | None | object = KEEP) -> None:
    """The pages' language, and the menus' (``None``: as the launch's locale says)."""
    now = utcnow()
    if interface is KEEP:
        db.session.execute(_REMEMBER, {"l": learner_id, "lang": language, "now": now})
    else:
        db.session.execute(
            _REMEMBER_BOTH, {"l": learner_id, "lang": language, "ui": interface, "now": now}
        )
    db.session.commit()


def group_progress(
    learner_ids: list[int], module_ids: list[int], course: int
) -> dict[tuple[int, int], tuple[str, int]]:
    """(learner, module) -> (status, percent) for the pairs that have a record in the
    course (a ``course_key``)."""
    if not learner_ids or not module_ids:
        return {}
    rows = db.session.execute(
        select(
            ModuleProgress.learner_id,
            ModuleProgress.module_id,
            ModuleProgress.status,
            ModuleProgress.percent,
        ).where(
            ModuleProgress.learner_id.in_(learner_ids),
            ModuleProgress.module_id.in_(module_ids),
            ModuleProgress.course_key == course,
        )
    ).all()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


__all__ = [
    "COMPLETED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "Place",
    "Progress",
    "evaluate",
    "group_progress",
    "record_page_view",
    "record_quiz_result",
    "remember_language",
]
