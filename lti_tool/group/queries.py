"""The group overview of one course: each learner × the course's modules, read in a fixed
number of queries whatever the number of learners (no query per learner or module).

A cell is the learner's record of the module in this course (courses.progress) and their
standing in its quiz there (quizzes.standing, by the course's grading method). The
learners are the course's members with a learner or mentor role (lti_tool.identity).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from courses.database import db
from courses.models import Module, Page, Programme
from courses.progress.models import COMPLETED, IN_PROGRESS, NOT_STARTED, ModuleProgress
from lti_tool.identity.models import LtiUser, Membership, ResourceLink
from quizzes.models import Quiz
from quizzes.settings import Settings, settings_of_quizzes
from quizzes.standing import Standing, standings

SHOWS = ("all", "not_started", "in_progress", "stuck", "failed", "completed")
SORTS = ("name", "last_activity", "progress")
DIRECTIONS = ("asc", "desc")
DEFAULT_STUCK_DAYS = 7
PAGE_SIZE = 50  # learners per page: a 500-learner course is ten pages, not one 1.5 MB page


@dataclass(frozen=True)
class Filters:
    """Which learners the overview lists, and in which order."""

    show: str = "all"
    stuck_days: int = DEFAULT_STUCK_DAYS
    sort: str = "name"
    direction: str = "asc"
    page: int = 1  # past the last page: the last page

    def __post_init__(self) -> None:
        if self.show not in SHOWS or self.sort not in SORTS or self.direction not in DIRECTIONS:
            raise ValueError(f"unknown filter {self}")
        if not 1 <= self.stuck_days <= 365:
            raise ValueError("stuck_days must be 1..365")
        if self.page < 1:
            raise ValueError("page must be 1 or more")


@dataclass(frozen=True)
class ModuleColumn:
    id: int
    slug: str
    title: dict[str, str]
    languages: list[str]
    pages_total: int  # its live pages
    quiz_id: int | None
    settings: Settings | None  # the quiz's settings in this course


@dataclass(frozen=True)
class Cell:
    """One learner in one module of the course."""

    module: ModuleColumn
    status: str
    pages_seen: int
    pages_total: int
    percent: int
    last_activity: datetime | None  # UTC
    standing: Standing | None  # None: the module has no quiz, or no attempt yet
    stuck: bool = False

    @property
    def grade(self) -> float | None:
        """The grade that counts, by the course's grading method (0..1)."""
        return self.standing.grade if self.standing else None

    @property
    def best(self) -> float | None:
        return self.standing.best if self.standing else None

    @property
    def attempts_used(self) -> int:
        return self.standing.used if self.standing else 0

    @property
    def attempts_left(self) -> int | None:
        """None: unlimited (or no quiz)."""
        if self.module.settings is None:
            return None
        limit = self.module.settings.attempts_allowed
        if self.standing is not None:
            return self.standing.attempts_left(limit)  # with the learner's extra attempts
        return limit or None

    @property
    def passed(self) -> bool:
        return bool(self.standing and self.standing.passed)

    @property
    def failed(self) -> bool:
        """Graded attempts, none of them passed."""
        if self.standing is None or self.standing.passed:
            return False
        return any(a.passed is False for a in self.standing.attempts)


@dataclass(frozen=True)
class LearnerRow:
    id: int  # lti_user.id
    name: str | None
    sub: str
    is_mentor: bool
    cells: tuple[Cell, ...]
    last_activity: datetime | None
    progress: int  # percent, over the course's modules
    stuck: bool

    @property
    def status(self) -> str:
        if self.cells and all(c.status == COMPLETED for c in self.cells):
            return COMPLETED
        if any(c.status != NOT_STARTED or c.attempts_used for c in self.cells):
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def failed(self) -> bool:
        return any(c.failed for c in self.cells)


@dataclass(frozen=True)
class Overview:
    modules: tuple[ModuleColumn, ...]
    rows: tuple[LearnerRow, ...]  # filtered and sorted: this page's
    counts: dict[str, int] = field(default_factory=dict)  # learners per ``show``
    shown: int = 0  # learners the filter shows, on every page
    page: int = 1
    pages: int = 1


def as_utc(value: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite and PostgreSQL give them back naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in (as_utc(v) for v in values) if v is not None]
    return max(present) if present else None


def course_modules(context_id: int) -> tuple[ModuleColumn, ...]:
    """The modules the course's activities are bound to, with their quizzes' settings."""
    live_pages = (
        select(Page.module_id, func.count(Page.id).label("pages"))
        .where(Page.retired_at.is_(None))
        .group_by(Page.module_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Module.id, Module.slug, Module.title, Programme.languages, live_pages.c.pages, Quiz.id
        )
        .join(Programme, Programme.id == Module.programme_id)
        .outerjoin(live_pages, live_pages.c.module_id == Module.id)
        .outerjoin(Quiz, Quiz.module_id == Module.id)
        .where(
            Module.id.in_(
                select(ResourceLink.module_id).where(ResourceLink.context_pk == context_id)
            )
        )
        .order_by(Programme.slug, Module.position)
    ).all()
    settings = settings_of_quizzes([r[5] for r in rows if r[5] is not None], context_id)
    return tuple(
        ModuleColumn(m_id, slug, title, languages, pages or 0, quiz, settings.get(quiz))
        for m_id, slug, title, languages, pages, quiz in rows
    )


def _members(context_id: int, learner_id: int | None) -> Any:
    statement = (
        select(LtiUser.id, LtiUser.name, LtiUser.sub, Membership.is_mentor)
        .join(Membership, Membership.user_pk == LtiUser.id)
        .where(Membership.context_pk == context_id, (Membership.is_learner | Membership.is_mentor))
    )
    if learner_id is not None:
        statement = statement.where(LtiUser.id == learner_id)
    return statement


def _cells(
    modules: tuple[ModuleColumn, ...],
    records: dict[int, Any],
    quiz_standings: dict[tuple[int, int], Standing],
    learner_id: int,
) -> list[Cell]:
    cells = []
    for module in modules:
        record = records.get(module.id)
        standing = quiz_standings.get((learner_id, module.quiz_id)) if module.quiz_id else None
        attempts = standing.attempts if standing else ()
        last = _latest(
            record.updated_at if record else None,
            *(a.submitted_at or a.started_at for a in attempts),
        )
        status = record.status if record else (IN_PROGRESS if attempts else NOT_STARTED)
        cells.append(
            Cell(
                module=module,
                status=status,
                pages_seen=record.pages_seen if record else 0,
                pages_total=record.pages_total
                if record and record.pages_total
                else module.pages_total,
                percent=100 if status == COMPLETED else (record.percent if record else 0),
                last_activity=last,
                standing=standing,
            )
        )
    return cells


def learner_rows(
    context_id: int,
    course: int,
    now: datetime,
    stuck_days: int = DEFAULT_STUCK_DAYS,
    learner_id: int | None = None,
    modules: tuple[ModuleColumn, ...] | None = None,
) -> tuple[tuple[ModuleColumn, ...], list[LearnerRow]]:
    """Every learner of the course (or the one ``learner_id``) with their cells."""
    modules = course_modules(context_id) if modules is None else modules
    members = db.session.execute(_members(context_id, learner_id)).all()
    ids = select(_members(context_id, learner_id).subquery().c.id)
    records: dict[int, dict[int, Any]] = {}
    if modules and members:
        for record in db.session.execute(
            select(
                ModuleProgress.learner_id,
                ModuleProgress.module_id,
                ModuleProgress.status,
                ModuleProgress.pages_seen,
                ModuleProgress.pages_total,
                ModuleProgress.percent,
                ModuleProgress.updated_at,
            ).where(
                ModuleProgress.course_key == course,
                ModuleProgress.module_id.in_([m.id for m in modules]),
                ModuleProgress.learner_id.in_(ids),
            )
        ):
            records.setdefault(record.learner_id, {})[record.module_id] = record
    methods = {m.quiz_id: m.settings.grading_method for m in modules if m.quiz_id and m.settings}
    quiz_standings = standings(methods, course, ids) if members else {}
    since = as_utc(now) - timedelta(days=stuck_days)  # type: ignore[operator]
    rows = []
    for learner, name, sub, is_mentor in members:
        cells = _cells(modules, records.get(learner, {}), quiz_standings, learner)
        last = _latest(*(c.last_activity for c in cells))
        progress = round(sum(c.percent for c in cells) / len(cells)) if cells else 0
        row = LearnerRow(learner, name, sub, is_mentor, tuple(cells), last, progress, False)
        stuck = row.status == IN_PROGRESS and (last is None or last < since)
        if stuck:
            stuck_cells = tuple(replace(c, stuck=c.status == IN_PROGRESS) for c in cells)
            row = replace(row, cells=stuck_cells, stuck=True)
        rows.append(row)
    return modules, rows


def _shown(row: LearnerRow, show: str) -> bool:
    if show == "all":
        return True
    if show == "stuck":
        return row.stuck
    if show == "failed":
        return row.failed
    return row.status == show


def _sort_key(sort: str) -> Any:
    never = datetime.min.replace(tzinfo=UTC)
    if sort == "last_activity":
        return lambda r: (r.last_activity or never, _name_key(r))
    if sort == "progress":
        return lambda r: (r.progress, _name_key(r))
    return _name_key


def _name_key(row: LearnerRow) -> tuple[bool, str, str]:
    return (row.name is None, (row.name or row.sub).casefold(), row.sub)


def group_overview(context_id: int, course: int, filters: Filters, now: datetime) -> Overview:
    """The course's learners that ``filters`` show, in its order; ``now`` for "stuck"."""
    modules, rows = learner_rows(context_id, course, now, filters.stuck_days)
    counts = {show: sum(1 for r in rows if _shown(r, show)) for show in SHOWS}
    shown = [r for r in rows if _shown(r, filters.show)]
    shown.sort(key=_sort_key(filters.sort), reverse=filters.direction == "desc")
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(filters.page, pages)
    rows = tuple(shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return Overview(modules, rows, counts, len(shown), page, pages)
