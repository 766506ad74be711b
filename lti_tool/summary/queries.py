"""The summary's figures, counted by the database: per module (and audience, or course),
learners who started, who completed, and the median time from first activity to
completion.

A record counts when its learner is a learner (Moodle's student role) in the course it
happened in, as in the completion export. Everything is aggregated in SQL (the median
too, with window functions that SQLite and PostgreSQL share): a million records come
back as a few hundred rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, case, cast, extract, func, literal, select

from courses.database import db
from courses.models import Module, Programme
from courses.progress.models import COMPLETED, NOT_STARTED, ModuleProgress
from lti_tool.identity.models import LtiContext, LtiUser, Membership
from lti_tool.registry.models import Platform

MODULE, AUDIENCE, COURSE = "module", "audience", "course"
VIEWS = (MODULE, AUDIENCE, COURSE)

_MP, _M, _P = ModuleProgress.__table__, Module.__table__, Programme.__table__
_MS, _U, _C, _PL = Membership.__table__, LtiUser.__table__, LtiContext.__table__, Platform.__table__


@dataclass(frozen=True)
class Scope:
    """Whose records: the platforms' (None: every platform, for the operator) and, within
    them, these courses only (the tool's course row ids; None: every course)."""

    platform_ids: tuple[int, ...] | None
    context_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Figure:
    programme: str  # slug
    programme_title: dict[str, str]
    module: str  # slug
    module_title: dict[str, str]
    audience: str | None  # by audience: participant or employer_mentor
    course_key: int | None  # by course: the tool's course row id (0: no course)
    course_title: str | None
    course_id: str | None  # Moodle's
    organisation: str | None  # the course's platform
    started: int
    completed: int
    median_seconds: float | None  # first activity → completion, of those who completed

    @property
    def rate(self) -> float | None:
        return self.completed / self.started if self.started else None

    @property
    def median_days(self) -> float | None:
        return None if self.median_seconds is None else self.median_seconds / 86400


def _seconds(start: Any, end: Any) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def learner_records(scope: Scope) -> Any:
    """A select from module_progress of the scope's learners' records (add columns)."""
    statement = (
        select()
        .select_from(_MP)
        .join(
            _MS,
            and_(
                _MS.c.user_pk == _MP.c.learner_id,
                _MS.c.context_pk == _MP.c.context_id,
                _MS.c.is_learner.is_(True),
            ),
        )
    )
    if scope.platform_ids is not None:
        statement = statement.join(_U, _U.c.id == _MP.c.learner_id).where(
            _U.c.platform_id.in_(scope.platform_ids)
        )
    if scope.context_ids is not None:
        statement = statement.where(_MP.c.context_id.in_(scope.context_ids))
    return statement


def _keys(view: str) -> list[Any]:
    keys = [_MP.c.module_id]
    if view == AUDIENCE:
        keys.append(_MP.c.audience)
    elif view == COURSE:
        keys.append(_MP.c.course_key)
    return keys


def figures(scope: Scope, view: str = MODULE) -> list[Figure]:
    """One figure per module (and audience or course), in programme and module order."""
    if view not in VIEWS:
        raise ValueError(f"no such view: {view}")
    keys = _keys(view)
    done = _MP.c.status == COMPLETED
    counts = (
        learner_records(scope)
        .add_columns(
            *keys,
            func.count().label("started"),
            func.coalesce(func.sum(case((done, 1), else_=0)), 0).label("completed"),
        )
        .where(_MP.c.status != NOT_STARTED)
        .group_by(*keys)
        .subquery("counts")
    )
    duration = cast(_seconds(_MP.c.started_at, _MP.c.completed_at), Float)
    ranked = (
        learner_records(scope)
        .add_columns(
            *keys,
            duration.label("seconds"),
            func.row_number().over(partition_by=keys, order_by=duration).label("place"),
            func.count().over(partition_by=keys).label("of"),
        )
        .where(done, _MP.c.completed_at.is_not(None))
        .subquery("ranked")
    )
    # The middle one of an odd count, the mean of the middle two of an even one.
    middle = ranked.c.place.in_([(ranked.c.of + 1) // 2, (ranked.c.of + 2) // 2])
    ranked_keys = [ranked.c[k.name] for k in keys]
    medians = (
        select(*ranked_keys, func.avg(ranked.c.seconds).label("median"))
        .where(middle)
        .group_by(*ranked_keys)
        .subquery("medians")
    )
    joined = and_(*(medians.c[k.name] == counts.c[k.name] for k in keys))
    by_course = view == COURSE
    statement = (
        select(
            _P.c.slug,
            _P.c.title,
            _M.c.slug,
            _M.c.title,
            counts.c.audience if view == AUDIENCE else literal(None),
            counts.c.course_key if by_course else literal(None),
            _C.c.title if by_course else literal(None),
            _C.c.context_id if by_course else literal(None),
            _PL.c.name if by_course else literal(None),
            counts.c.started,
            counts.c.completed,
            medians.c.median,
        )
        .select_from(counts)
        .join(_M, _M.c.id == counts.c.module_id)
        .join(_P, _P.c.id == _M.c.programme_id)
        .outerjoin(medians, joined)
    )
    order = [_P.c.slug, _M.c.position, _M.c.slug]
    if by_course:
        statement = statement.outerjoin(_C, _C.c.id == counts.c.course_key).outerjoin(
            _PL, _PL.c.id == _C.c.platform_id
        )
        order = [_PL.c.name, _C.c.title, counts.c.course_key, *order]
    elif view == AUDIENCE:
        order.append(counts.c.audience)
    rows = db.session.execute(statement.order_by(*order)).all()
    return [
        Figure(
            programme, programme_title or {}, module, module_title or {}, audience,
            course_key, course_title, course_id, organisation, int(started), int(completed),
            None if median is None else float(median),
        )
        for (
            programme, programme_title, module, module_title, audience, course_key,
            course_title, course_id, organisation, started, completed, median,
        ) in rows
    ]  # fmt: skip
