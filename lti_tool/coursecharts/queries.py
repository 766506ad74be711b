"""A course's figures for its charts, counted by the database: its learners' completion
per module, modules started and completed per day, and quiz results in ten bands.

Only the records of the course's learners (Moodle's student role in this course) count,
as in the completion export and the summary (lti_tool.summary.queries).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from charts import SCORE_BANDS
from courses.database import db
from courses.models import Module, Programme
from courses.progress.models import COMPLETED, NOT_STARTED, ModuleProgress
from lti_tool.identity.models import Membership, ResourceLink
from lti_tool.summary.queries import Scope, learner_records
from quizzes.models import Quiz

_MP = ModuleProgress.__table__
FINLAND = ZoneInfo("Europe/Helsinki")
EPSILON = 1e-9  # 0.3 × 10 is 2.9999999999999996 in floating point


@dataclass(frozen=True)
class ModuleFigures:
    id: int
    slug: str
    title: dict[str, str]
    programme_languages: tuple[str, ...]
    has_quiz: bool
    started: int = 0
    completed: int = 0
    bands: tuple[int, ...] = (0,) * SCORE_BANDS


@dataclass(frozen=True)
class CourseFigures:
    learners: int
    modules: list[ModuleFigures]
    # Monday (in Finland's time), modules started and completed by the end of its week.
    weeks: list[tuple[date, int, int]]


def _hour(column: Any) -> Any:
    """The UTC hour a timestamp falls in: the finest grouping the weeks need, as days and
    weeks are counted in Finland's time (an hour in UTC is in one Finnish day)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return func.strftime("%Y-%m-%d %H", column)


def _local_day(value: str) -> date:
    hour = datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return hour.astimezone(FINLAND).date()


def _band() -> Any:
    """The ten-point band of a 0..1 score, 100 % in the top one, the same on both backends."""
    return case(
        *((_MP.c.best_score + EPSILON >= band / SCORE_BANDS, band) for band in range(9, 0, -1)),
        else_=0,
    )


def _per_day(scope: Scope, column: Any, *conditions: Any) -> dict[date, int]:
    """How many records per day in Finland's time (a few thousand hours at most)."""
    hours = (
        learner_records(scope)
        .add_columns(_hour(column).label("hour"))
        .where(column.is_not(None), *conditions)
        .subquery()
    )
    counts: dict[date, int] = defaultdict(int)
    for hour, count in db.session.execute(
        select(hours.c.hour, func.count()).group_by(hours.c.hour)
    ):
        counts[_local_day(hour)] += count
    return counts


def weekly(started: dict[date, int], completed: dict[date, int]) -> list[tuple[date, int, int]]:
    """Cumulative counts at the end of each week (Monday to Sunday), from the first week
    with anything in it to the last, every week in between included."""
    days = [*started, *completed]
    if not days:
        return []
    first = min(days) - timedelta(days=min(days).weekday())
    last = max(days) - timedelta(days=max(days).weekday())
    in_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for index, counts in enumerate((started, completed)):
        for day, count in counts.items():
            in_week[day - timedelta(days=day.weekday())][index] += count
    weeks, running = [], [0, 0]
    monday = first
    while monday <= last:
        running = [running[0] + in_week[monday][0], running[1] + in_week[monday][1]]
        weeks.append((monday, running[0], running[1]))
        monday += timedelta(days=7)
    return weeks


def course_figures(platform_id: int, context_id: int) -> CourseFigures:
    """What the course's charts show: a handful of grouped queries."""
    scope = Scope((platform_id,), (context_id,))
    learners = db.session.execute(
        select(func.count())
        .select_from(Membership)
        .where(Membership.context_pk == context_id, Membership.is_learner.is_(True))
    ).scalar_one()
    with_records = learner_records(scope).add_columns(_MP.c.module_id).distinct()
    linked = select(ResourceLink.module_id).where(
        ResourceLink.context_pk == context_id, ResourceLink.module_id.is_not(None)
    )
    modules = db.session.execute(
        select(Module.id, Module.slug, Module.title, Programme.languages, Quiz.id)
        .join(Programme, Programme.id == Module.programme_id)
        .outerjoin(Quiz, Quiz.module_id == Module.id)
        .where(Module.id.in_(linked.union(with_records)))
        .order_by(Programme.slug, Module.position, Module.slug)
    ).all()
    done = _MP.c.status == COMPLETED
    counts = {
        module_id: (started, completed)
        for module_id, started, completed in db.session.execute(
            learner_records(scope)
            .add_columns(_MP.c.module_id, func.count(), func.sum(case((done, 1), else_=0)))
            .where(_MP.c.status != NOT_STARTED)
            .group_by(_MP.c.module_id)
        )
    }
    bands: dict[int, list[int]] = defaultdict(lambda: [0] * SCORE_BANDS)
    # Grouped outside: PostgreSQL would see the CASE's parameters twice, as two expressions.
    scored = (
        learner_records(scope)
        .add_columns(_MP.c.module_id, _band().label("band"))
        .where(_MP.c.best_score.is_not(None))
        .subquery()
    )
    for module_id, number, count in db.session.execute(
        select(scored.c.module_id, scored.c.band, func.count()).group_by(
            scored.c.module_id, scored.c.band
        )
    ):
        bands[module_id][int(number)] += count
    figures = [
        ModuleFigures(
            module_id, slug, title, tuple(languages), quiz_id is not None,
            *(int(n or 0) for n in counts.get(module_id, (0, 0))),
            tuple(bands[module_id]) if module_id in bands else (0,) * SCORE_BANDS,
        )
        for module_id, slug, title, languages, quiz_id in modules
    ]  # fmt: skip
    started = _per_day(scope, _MP.c.started_at, _MP.c.status != NOT_STARTED)
    completed = _per_day(scope, _MP.c.completed_at, done)
    return CourseFigures(learners, figures, weekly(started, completed))
