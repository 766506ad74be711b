"""What the learner's pages show, read in few queries and returned as plain data.

Each function is one SELECT; a page view needs the module (with the learner's progress
row), the outline (with the pages the learner has seen) and the page's text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, null, or_, select

from courses.database import Precompiled, db
from courses.languages import SOURCE_LANGUAGE
from courses.models import Module, Page, PageText, Programme
from courses.progress.models import ModuleProgress, PageView


def pick(texts: dict[str, str], language: str) -> tuple[str, str]:
    """(text, language it is in): the wanted language, else the Finnish source."""
    if language in texts:
        return texts[language], language
    return texts.get(SOURCE_LANGUAGE, next(iter(texts.values()), "")), SOURCE_LANGUAGE


@dataclass(frozen=True)
class ModuleInfo:
    id: int
    slug: str
    position: int
    title: dict[str, str]
    summary: dict[str, str]
    estimated_minutes: int
    completion_rule: str
    retired: bool
    programme_id: int
    programme_slug: str
    programme_title: dict[str, str]
    audience: str
    languages: tuple[str, ...]
    # The learner's record of the module in the course asked about, if they have one.
    last_page_id: int | None = None
    completed_at: datetime | None = None
    recorded: bool = False


# Table columns, not ORM attributes: plain Core selects skip the ORM's per-execution setup.
_M, _P, _PG, _PT, _MP, _PV = (
    m.__table__ for m in (Module, Programme, Page, PageText, ModuleProgress, PageView)
)
_MODULE_COLUMNS = (
    _M.c.id,
    _M.c.slug,
    _M.c.position,
    _M.c.title,
    _M.c.summary,
    _M.c.estimated_minutes,
    _M.c.completion_rule,
    _M.c.retired_at,
    _M.c.programme_id,
    _P.c.slug,
    _P.c.title,
    _P.c.audience,
    _P.c.languages,
)


# A module with this learner's record in a course: columns and joins shared with queries
# that find the module some other way (the launch session joins its activity's module).
MODULE_WITH_PROGRESS = (*_MODULE_COLUMNS, _MP.c.last_page_id, _MP.c.completed_at, _MP.c.id)
MODULE, MODULE_PROGRAMME, MODULE_PROGRESS = _M, _P, _MP


def module_info(row: tuple) -> ModuleInfo:  # type: ignore[type-arg]
    """A ModuleInfo from a row that starts with MODULE_WITH_PROGRESS."""
    return ModuleInfo(
        id=row[0],
        slug=row[1],
        position=row[2],
        title=row[3],
        summary=row[4],
        estimated_minutes=row[5],
        completion_rule=row[6],
        retired=row[7] is not None,
        programme_id=row[8],
        programme_slug=row[9],
        programme_title=row[10],
        audience=row[11],
        languages=tuple(row[12]),
        last_page_id=row[13] if len(row) > 13 else None,
        completed_at=row[14] if len(row) > 14 else None,
        recorded=len(row) > 15 and row[15] is not None,
    )


@functools.cache
def _module_query() -> Select[Any]:
    """Built once: a reused statement keeps its compiled form and cache key."""
    return (
        select(*MODULE_WITH_PROGRESS)
        .select_from(_M)
        .join(_P, _P.c.id == _M.c.programme_id)
        .outerjoin(
            _MP,
            and_(
                _MP.c.module_id == _M.c.id,
                _MP.c.learner_id == bindparam("learner"),
                _MP.c.course_key == bindparam("course"),
            ),
        )
        .where(_M.c.slug == bindparam("slug"), _in_site(_M.c.site_id, bindparam("site")))
    )


def _in_site(column: Any, site: Any) -> Any:
    """A shipped module (no site), or one of this site's own (authoring)."""
    return or_(column.is_(None), column == site)


def find_module(learner_id: int, *, slug: str, course: int, site: int) -> ModuleInfo | None:
    """A module by slug, shipped or the site's own, with its programme and this learner's
    record of it in the course (a ``course_key``)."""
    row = db.session.execute(
        _module_query(), {"learner": learner_id, "slug": slug, "course": course, "site": site}
    ).first()
    return module_info(tuple(row)) if row else None


@dataclass(frozen=True)
class OutlineEntry:
    id: int
    slug: str
    position: int
    title: str
    title_language: str
    seen: bool


@functools.cache
def _outline_query() -> Precompiled:
    # The body comes along only for the page the caller is about to show (by slug or id):
    # the common page view needs no query of its own for it. Compiled once and run on the
    # session's connection (Precompiled): every page view reads it.
    wanted = or_(_PG.c.slug == bindparam("wanted_slug"), _PG.c.id == bindparam("wanted_id"))
    return Precompiled(
        select(
            _PG.c.id,
            _PG.c.slug,
            _PG.c.position,
            _PT.c.language,
            _PT.c.title,
            _PV.c.id,
            case((wanted, _PT.c.body_html), else_=null()),
        )
        .select_from(_PG)
        .join(_PT, _PT.c.page_id == _PG.c.id)
        .outerjoin(_PV, and_(_PV.c.page_id == _PG.c.id, _PV.c.learner_id == bindparam("learner")))
        .where(
            _PG.c.module_id == bindparam("module"),
            _PG.c.retired_at.is_(None),
            _PT.c.language.in_([bindparam("language"), bindparam("source")]),
        )
        .order_by(_PG.c.position)
    )


@dataclass(frozen=True)
class PageContent:
    title: str
    html: str
    language: str


@dataclass(frozen=True)
class Outline:
    entries: list[OutlineEntry]
    # The texts of the page asked for (by language), when the outline found it.
    bodies: dict[int, dict[str, PageContent]]

    def content(self, page_id: int, language: str) -> PageContent | None:
        texts = self.bodies.get(page_id, {})
        return texts.get(language) or texts.get(SOURCE_LANGUAGE)


def outline(
    module_id: int,
    language: str,
    learner_id: int,
    *,
    wanted_slug: str | None = None,
    wanted_id: int | None = None,
) -> Outline:
    """The module's live pages in order, titled in ``language`` (or Finnish), seen or not;
    with the text of the page named by ``wanted_slug`` or ``wanted_id``."""
    rows = _outline_query().all(
        {
            "learner": learner_id,
            "module": module_id,
            "language": language,
            "source": SOURCE_LANGUAGE,
            "wanted_slug": wanted_slug,
            "wanted_id": wanted_id,
        }
    )
    entries: dict[int, OutlineEntry] = {}
    bodies: dict[int, dict[str, PageContent]] = {}
    for page_id, slug, position, text_language, title, view_id, body in rows:
        if body is not None:
            bodies.setdefault(page_id, {})[text_language] = PageContent(title, body, text_language)
        if page_id in entries and text_language != language:
            continue  # the wanted language wins over the Finnish fallback
        entries[page_id] = OutlineEntry(
            page_id, slug, position, title, text_language, view_id is not None
        )
    return Outline(list(entries.values()), bodies)


@functools.cache
def _pages_seen_query() -> Select[Any]:
    seen = and_(_PV.c.page_id == _PG.c.id, _PV.c.learner_id == bindparam("learner"))
    return (
        select(_PG.c.id, _PV.c.id)
        .select_from(_PG.outerjoin(_PV, seen))
        .where(_PG.c.module_id == bindparam("module"), _PG.c.retired_at.is_(None))
    )


def pages_seen(module_id: int, learner_id: int) -> tuple[set[int], set[int]]:
    """(the module's live pages the learner has seen, all its live pages)."""
    rows = db.session.execute(_pages_seen_query(), {"module": module_id, "learner": learner_id})
    live, seen = set(), set()
    for page_id, view_id in rows:
        live.add(page_id)
        if view_id is not None:
            seen.add(page_id)
    return seen, live


@functools.cache
def _page_query() -> Select[Any]:
    return select(_PT.c.language, _PT.c.title, _PT.c.body_html).where(
        _PT.c.page_id == bindparam("page"),
        _PT.c.language.in_([bindparam("language"), bindparam("source")]),
    )


def page_content(page_id: int, language: str) -> PageContent | None:
    """The page in ``language``, or in Finnish when that translation does not exist."""
    rows = db.session.execute(
        _page_query(), {"page": page_id, "language": language, "source": SOURCE_LANGUAGE}
    ).all()
    by_language = {row[0]: row for row in rows}
    row = by_language.get(language) or by_language.get(SOURCE_LANGUAGE)
    return PageContent(title=row[1], html=row[2], language=row[0]) if row else None


def programme_modules(
    programme_id: int, learner_id: int, course: int, site: int
) -> list[tuple[ModuleInfo, str, int]]:
    """Every live module of a programme, shipped or the site's own, with the learner's
    status and percent in the course (a ``course_key``)."""
    rows = db.session.execute(
        select(
            *_MODULE_COLUMNS,
            ModuleProgress.last_page_id,
            ModuleProgress.completed_at,
            ModuleProgress.id,
            ModuleProgress.status,
            ModuleProgress.percent,
        )
        .join(Programme, Programme.id == Module.programme_id)
        .outerjoin(
            ModuleProgress,
            and_(
                ModuleProgress.module_id == Module.id,
                ModuleProgress.learner_id == learner_id,
                ModuleProgress.course_key == course,
            ),
        )
        .where(
            Module.programme_id == programme_id,
            Module.retired_at.is_(None),
            _in_site(Module.site_id, site),
        )
        .order_by(Module.position)
    ).all()
    return [(module_info(tuple(r)[:16]), r[16] or "not_started", r[17] or 0) for r in rows]


@dataclass(frozen=True)
class CatalogModule:
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    estimated_minutes: int
    pages: int


@dataclass(frozen=True)
class CatalogProgramme:
    slug: str
    title: dict[str, str]
    languages: tuple[str, ...]
    modules: list[CatalogModule]


@functools.cache
def _catalogue_queries() -> tuple[Precompiled, Precompiled]:
    """Built and compiled once, run on the session's connection (Precompiled): a trainer's
    module picker asks them on every launch into an activity not yet set up."""
    live_pages = (
        select(func.count())
        .where(_PG.c.module_id == _M.c.id, _PG.c.retired_at.is_(None))
        .scalar_subquery()
    )
    programmes = select(_P.c.id, _P.c.slug, _P.c.title, _P.c.languages).order_by(_P.c.slug)
    modules = (
        select(
            _M.c.programme_id,
            _M.c.slug,
            _M.c.title,
            _M.c.summary,
            _M.c.estimated_minutes,
            live_pages,
        )
        .where(_M.c.retired_at.is_(None), _in_site(_M.c.site_id, bindparam("site")))
        .order_by(_M.c.programme_id, _M.c.position)
    )
    return Precompiled(programmes), Precompiled(modules)


def all_programmes(site: int) -> list[CatalogProgramme]:
    """Every programme with its live modules, shipped and the site's own, and their page
    counts: two queries."""
    programme_query, module_query = _catalogue_queries()
    programmes = {
        row[0]: CatalogProgramme(row[1], row[2], tuple(row[3]), [])
        for row in programme_query.all({})
    }
    for programme_id, *fields in module_query.all({"site": site}):
        programmes[programme_id].modules.append(CatalogModule(*fields))
    return list(programmes.values())
