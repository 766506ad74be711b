"""Completion records as rows: one per learner, module and course, filtered, streamed.

A record counts when its learner is a learner (Moodle's student role) in the course it
happened in; a trainer's own look at the pages is not exported.

The rows come from the database in batches (a server-side cursor on PostgreSQL) and go
out as they come: CSV a line at a time, XLSX through XlsxWriter's constant-memory mode,
so memory does not grow with the number of records. Names and e-mail addresses are in
the export only when the platform shared them; ``pseudonymise`` replaces them, and the
learner's platform id, with a stable keyed hash.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any, BinaryIO

import xlsxwriter
from sqlalchemy import DateTime, Select, and_, func, select, text, type_coerce

from courses.database import db
from courses.models import Module, Programme
from courses.progress.models import COMPLETED, ModuleProgress
from lti_tool.exports.cells import csv_text, looks_like_formula, may_hold_formulas
from lti_tool.identity.models import LtiContext, LtiUser, Membership, ResourceLink
from lti_tool.registry.models import Platform


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, number, percent, datetime, bool


# The export's columns, in order (documented in README.md, "Completion exports").
COLUMNS = (
    Column("organisation", "organisation"),
    Column("platform", "platform_issuer"),
    Column("course_id", "course_id"),
    Column("course", "course"),
    Column("activity_id", "activity_id"),
    Column("activity", "activity"),
    Column("programme", "programme"),
    Column("module", "module"),
    Column("module_title", "module_title"),
    Column("audience", "audience"),
    Column("learner_id", "learner_id"),
    Column("name", "name"),
    Column("email", "email"),
    Column("status", "status"),
    Column("pages_seen", "pages_seen", "number"),
    Column("pages_total", "pages_total", "number"),
    Column("percent", "pages_percent", "number"),
    Column("quiz_passed", "quiz_passed", "bool"),
    Column("best_score", "best_score_percent", "number"),
    Column("attempts_used", "attempts_used", "number"),
    Column("language", "language"),
    Column("started_at", "started_at", "datetime"),
    Column("completed_at", "completed_at", "datetime"),
    Column("programme_completed", "programme_completed", "bool"),
    Column("programme_completed_at", "programme_completed_at", "datetime"),
)


@dataclass(frozen=True)
class Filters:
    programme: str | None = None  # slug
    audience: str | None = None  # participant or employer_mentor
    platform_ids: tuple[int, ...] | None = None  # None: every platform
    context_ids: tuple[int, ...] | None = None  # the tool's course rows; None: every course
    organisation: str | None = None  # the platform's registered name
    completed_from: date | None = None  # completion date range (inclusive)
    completed_to: date | None = None
    only_completed: bool = False


_MP, _M, _P = ModuleProgress.__table__, Module.__table__, Programme.__table__
_MS = Membership.__table__
_PLAIN_TIME = DateTime(timezone=True)
_U, _C, _L, _PL = (
    LtiUser.__table__,
    LtiContext.__table__,
    ResourceLink.__table__,
    Platform.__table__,
)


def _programme_done() -> Any:
    """Per learner, course and programme: when they completed its last live module in that
    course, if all are."""
    live = (
        select(_M.c.programme_id, func.count().label("modules"))
        .where(_M.c.retired_at.is_(None))
        .group_by(_M.c.programme_id)
        .subquery()
    )
    done = (
        select(
            _MP.c.learner_id,
            _MP.c.course_key,
            _M.c.programme_id,
            func.count().label("completed"),
            func.max(_MP.c.completed_at).label("at"),
        )
        .join(_M, _M.c.id == _MP.c.module_id)
        .where(_MP.c.status == COMPLETED, _M.c.retired_at.is_(None))
        .group_by(_MP.c.learner_id, _MP.c.course_key, _M.c.programme_id)
        .subquery()
    )
    return (
        select(done.c.learner_id, done.c.course_key, done.c.programme_id, done.c.at)
        .join(
            live,
            and_(live.c.programme_id == done.c.programme_id, live.c.modules == done.c.completed),
        )
        .subquery()
    )


def query(filters: Filters) -> Select[Any]:
    finished = _programme_done()
    statement = (
        select(
            _PL.c.name,
            _PL.c.issuer,
            _C.c.context_id,
            _C.c.title,
            _L.c.resource_link_id,
            _L.c.title,
            _P.c.slug,
            _M.c.slug,
            _M.c.id,
            _MP.c.audience,
            _U.c.sub,
            _U.c.name,
            _U.c.email,
            _MP.c.status,
            _MP.c.pages_seen,
            _MP.c.pages_total,
            _MP.c.percent,
            _MP.c.quiz_passed,
            _MP.c.best_score,
            _MP.c.attempts_used,
            _MP.c.language,
            # The plain type: no per-value conversion (a million rows); UTC either way.
            type_coerce(_MP.c.started_at, _PLAIN_TIME),
            type_coerce(_MP.c.completed_at, _PLAIN_TIME),
            type_coerce(finished.c.at, _PLAIN_TIME),
        )
        .select_from(_MP)
        .join(_M, _M.c.id == _MP.c.module_id)
        .join(_P, _P.c.id == _M.c.programme_id)
        .join(_U, _U.c.id == _MP.c.learner_id)
        .join(_PL, _PL.c.id == _U.c.platform_id)
        # Learners only: a trainer's own look at the pages is not a completion.
        .join(
            _MS,
            and_(
                _MS.c.user_pk == _MP.c.learner_id,
                _MS.c.context_pk == _MP.c.context_id,
                _MS.c.is_learner.is_(True),
            ),
        )
        .outerjoin(_C, _C.c.id == _MP.c.context_id)
        .outerjoin(_L, _L.c.id == _MP.c.resource_link_id)
        .outerjoin(
            finished,
            and_(
                finished.c.learner_id == _MP.c.learner_id,
                finished.c.course_key == _MP.c.course_key,
                finished.c.programme_id == _M.c.programme_id,
            ),
        )
        .order_by(_MP.c.id)
    )
    if filters.programme:
        statement = statement.where(_P.c.slug == filters.programme)
    if filters.audience:
        statement = statement.where(_MP.c.audience == filters.audience)
    if filters.platform_ids is not None:
        statement = statement.where(_U.c.platform_id.in_(filters.platform_ids))
    if filters.context_ids is not None:
        statement = statement.where(_MP.c.context_id.in_(filters.context_ids))
    if filters.organisation:
        statement = statement.where(_PL.c.name == filters.organisation)
    if filters.only_completed:
        statement = statement.where(_MP.c.status == COMPLETED)
    if filters.completed_from:
        start = datetime.combine(filters.completed_from, time.min, timezone.utc)
        statement = statement.where(_MP.c.completed_at >= start)
    if filters.completed_to:
        end = datetime.combine(filters.completed_to, time.max, timezone.utc)
        statement = statement.where(_MP.c.completed_at <= end)
    return statement


def pseudonym(secret: str, issuer: str, value: str) -> str:
    """A stable stand-in for a person: the same learner gets the same one in every export."""
    digest = hmac.new(secret.encode(), f"{issuer}\x1f{value}".encode(), hashlib.sha256)
    return "p-" + digest.hexdigest()[:16]


def _title(titles: dict[str, str] | None, language: str) -> str:
    if not titles:
        return ""
    return titles.get(language) or titles.get("fi") or next(iter(titles.values()), "")


def records(
    filters: Filters,
    *,
    pseudonymise: bool = False,
    secret: str = "",
    language: str = "fi",
    batch: int = 5000,
) -> Iterator[tuple[Any, ...]]:
    """Each matching completion record: a tuple of plain values in COLUMNS' order."""
    titles = {
        module_id: _title(title, language)
        for module_id, title in db.session.execute(select(_M.c.id, _M.c.title))
    }
    if db.session.get_bind().dialect.name == "postgresql":
        # A server-side cursor is planned for its first rows (nested loops); this one is
        # read to the end: plan for all of them (hash joins).
        db.session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    result = db.session.execute(
        query(filters).execution_options(yield_per=batch, stream_results=True)
    )
    for row in result:
        (
            organisation, issuer, course_id, course, activity_id, activity, programme, module,
            module_id, audience, sub, name, email, status, seen, total, percent, passed,
            best, attempts, used_language, started, completed, programme_done,
        ) = row  # fmt: skip
        if pseudonymise:
            sub = pseudonym(secret, issuer, sub)
            name = email = None
        title = titles.get(module_id, "")
        yield (
            organisation, issuer, course_id, course, activity_id, activity, programme, module,
            title, audience, sub, name, email, status, seen, total, percent, passed,
            None if best is None else round(best * 100, 1), attempts, used_language,
            started, completed, programme_done is not None, programme_done,
        )  # fmt: skip


def as_dict(record: tuple[Any, ...]) -> dict[str, Any]:
    return {column.key: value for column, value in zip(COLUMNS, record, strict=True)}


def utc(value: datetime) -> datetime:
    """A timestamp read with the plain type, as naive UTC (SQLite gives naive UTC already)."""
    return value if value.tzinfo is None else value.astimezone(timezone.utc).replace(tzinfo=None)


_TEXT_COLUMNS = tuple(index for index, c in enumerate(COLUMNS) if c.kind == "text")


def _csv_bool(value: Any) -> Any:
    return value if value is None else ("yes" if value else "no")


def _csv_datetime(value: Any) -> Any:
    return value if value is None else utc(value).isoformat(" ", "seconds")


def csv_chunks(
    rows: Iterable[tuple[Any, ...]], delimiter: str = ",", every: int = 500
) -> Iterator[bytes]:
    """The machine form's CSV: the yes/no and date columns converted (the csv module
    writes None as empty), the rest as the records hold it."""
    converters = [
        (index, _csv_bool if column.kind == "bool" else _csv_datetime)
        for index, column in enumerate(COLUMNS)
        if column.kind in {"bool", "datetime"}
    ]

    def converted() -> Iterator[list[Any]]:
        for record in rows:
            row = list(record)
            for index, convert in converters:
                row[index] = convert(row[index])
            yield row

    header = [c.header for c in COLUMNS]
    return text_safe_chunks(header, converted(), delimiter, _TEXT_COLUMNS, every)


def text_safe_chunks(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    delimiter: str,
    text_columns: Sequence[int],
    every: int = 500,
) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (so Excel reads the letters right), a few hundred rows a chunk.

    A text cell that a spreadsheet could read as a formula gets a quote (see
    lti_tool.exports.cells): each chunk is checked once as written, and written again
    cell by cell only when it may hold one.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")

    def written(batch: list[Sequence[Any]]) -> bytes:
        writer.writerows(batch)
        data = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return data

    def safe(batch: list[Sequence[Any]]) -> bytes:
        data = written(batch)
        if not may_hold_formulas(data, len(batch)):
            return data
        for number, row in enumerate(batch):
            batch[number] = row = list(row)
            for index in text_columns:
                if isinstance(value := row[index], str):
                    row[index] = csv_text(value)
        return written(batch)

    yield "\ufeff".encode() + written([list(header)])
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == every:
            yield safe(batch)
            batch = []
    if batch:
        yield safe(batch)


def write_xlsx(rows: Iterable[tuple[Any, ...]], target: str | BinaryIO) -> int:
    """An XLSX workbook: typed date and number cells, text always as a string (never a
    formula; one that looks like a formula is quote-prefixed as well), the header row
    frozen. Rows are written one at a time (constant memory); returns how many."""
    workbook = xlsxwriter.Workbook(
        target, {"constant_memory": True, "remove_timezone": True, "in_memory": False}
    )
    sheet = workbook.add_worksheet("completions")
    header = workbook.add_format({"bold": True, "bg_color": "#E7F1FF", "border": 1})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    as_text = workbook.add_format({"quote_prefix": True})  # Excel's leading apostrophe
    sheet.freeze_panes(1, 0)
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.header, header)
        sheet.set_column(col, col, 20 if column.kind == "datetime" else 14)
    count = 0
    kinds = [c.kind for c in COLUMNS]
    for count, row in enumerate(rows, 1):
        for col, (kind, value) in enumerate(zip(kinds, row)):  # noqa: B905 - same length
            if value is None:
                continue
            if kind == "datetime":
                sheet.write_datetime(
                    count, col, value.astimezone(timezone.utc).replace(tzinfo=None), when
                )
            elif kind == "number":
                sheet.write_number(count, col, value)
            elif kind == "bool":
                sheet.write_boolean(count, col, bool(value))
            else:
                text = str(value)
                sheet.write_string(count, col, text, as_text if looks_like_formula(text) else None)
    sheet.autofilter(0, 0, max(count, 1), len(COLUMNS) - 1)
    workbook.close()
    return count
