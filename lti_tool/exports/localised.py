"""Completion exports a coordinator can hand on: in an interface language, in Finnish time.

The machine form (lti_tool.exports.completions) is for scripts: English column names,
codes, UTC. This one is for people and for Finnish Excel:

- headers and values (status, learner group, yes/no, language) in the chosen interface
  language, and the programme's and module's titles in it;
- times in Europe/Helsinki (daylight saving included) unless UTC is asked for; the time
  columns' headers name the zone, since neither a CSV nor an XLSX cell carries one;
- the technical columns (issuer URL, course and activity ids, slugs, learner ids) only
  when asked; a pseudonymised export keeps its learner code, the only way to tell two
  learners apart in it;
- CSV: UTF-8 with a byte order mark, ``;`` between cells and a decimal comma (what Excel
  with Finnish regional settings opens as columns and numbers), dates as the language
  writes them and as Excel reads them (``DATE_FORMS``); every text cell formula-safe as
  in the machine form (lti_tool.exports.cells);
- XLSX: numbers and datetimes as typed cells (naive local times with a date format),
  words as text, a frozen header with a filter, and columns as wide as what they hold.

Both stream as the machine form does: one record at a time from the database, and the
per-record work is a tuple reordered in C plus the few cells that need a conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter
from babel import Locale, UnknownLocaleError
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from courses.database import db
from courses.models import Programme
from courses.progress.models import COMPLETED, IN_PROGRESS, NOT_STARTED
from lti_tool.exports.cells import looks_like_formula
from lti_tool.exports.completions import COLUMNS, text_safe_chunks
from lti_tool.i18n import UI_LOCALES

HELSINKI = ZoneInfo("Europe/Helsinki")
_ZERO = timedelta(0)
_AT = {column.key: index for index, column in enumerate(COLUMNS)}

# How each language writes a date and time in a CSV cell, in a form Excel with Finnish
# regional settings turns into a date-time when it opens the file. Finnish and Swedish
# in Finland write 4.12.2026, Russian and Ukrainian 04.12.2026 (both read as
# day.month.year); English gets ISO 8601 (2026-12-04), which no English reader takes
# for 12 April and which Excel reads in every regional setting. The time always has a
# colon: Finnish writes 13.05, but with "." as the date separator Excel reads "13.05"
# as the 13th of May, and a colon is a time separator Excel accepts in every locale.
# (f-strings: a million rows, and str.format or strftime cost four to ten times more.)
DATE_FORMS: dict[str, Callable[[datetime], str]] = {
    "fi": lambda d: f"{d.day}.{d.month}.{d.year} {d.hour}:{d.minute:02}",
    "sv": lambda d: f"{d.day}.{d.month}.{d.year} {d.hour}:{d.minute:02}",
    "ru": lambda d: f"{d.day:02}.{d.month:02}.{d.year} {d.hour:02}:{d.minute:02}",
    "uk": lambda d: f"{d.day:02}.{d.month:02}.{d.year} {d.hour:02}:{d.minute:02}",
    "en": lambda d: f"{d.year}-{d.month:02}-{d.day:02} {d.hour:02}:{d.minute:02}",
}
# The same in XLSX, as Excel number formats (the cell holds the date-time itself).
XLSX_DATE_FORMATS = {
    "fi": "d.m.yyyy h:mm",
    "sv": "d.m.yyyy h:mm",
    "ru": "dd.mm.yyyy hh:mm",
    "uk": "dd.mm.yyyy hh:mm",
    "en": "yyyy-mm-dd hh:mm",
}

STATUSES = {
    NOT_STARTED: _l("Not started"),
    IN_PROGRESS: _l("In progress"),
    COMPLETED: _l("Completed"),
}
AUDIENCES = {"participant": _l("Participant"), "employer_mentor": _l("Employer mentor")}


@dataclass(frozen=True)
class Column:
    key: str  # what it shows: a machine column's key, or "programme_title"
    header: Any  # a lazy string; "%(zone)s" for a time column
    kind: str = "text"  # text, number, decimal, bool, datetime, word
    technical: bool = False


# The localised columns in order; the technical ones next to what they identify.
LOCAL_COLUMNS = (
    Column("organisation", _l("Organisation")),
    Column("platform", _l("Moodle (issuer URL)"), technical=True),
    Column("course", _l("Course")),
    Column("course_id", _l("Course id"), technical=True),
    Column("activity", _l("Activity")),
    Column("activity_id", _l("Activity id"), technical=True),
    Column("programme_title", _l("Programme")),
    Column("programme", _l("Programme (slug)"), technical=True),
    Column("module_title", _l("Module")),
    Column("module", _l("Module (slug)"), technical=True),
    Column("audience", _l("Learner group"), "word"),
    Column("learner_id", _l("Learner id"), technical=True),
    Column("name", _l("Name")),
    Column("email", _l("E-mail")),
    Column("status", _l("Status"), "word"),
    Column("pages_seen", _l("Pages read"), "number"),
    Column("pages_total", _l("Pages in the module"), "number"),
    Column("percent", _l("Pages read, %"), "number"),
    Column("quiz_passed", _l("Quiz passed"), "bool"),
    Column("best_score", _l("Best quiz score, %"), "decimal"),
    Column("attempts_used", _l("Quiz attempts"), "number"),
    Column("language", _l("Language used"), "word"),
    Column("started_at", _l("Started (%(zone)s)"), "datetime"),
    Column("completed_at", _l("Completed (%(zone)s)"), "datetime"),
    Column("programme_completed", _l("Programme completed"), "bool"),
    Column("programme_completed_at", _l("Programme completed (%(zone)s)"), "datetime"),
)


@dataclass(frozen=True)
class Options:
    language: str = "fi"
    utc: bool = False
    technical: bool = False
    pseudonymised: bool = False  # the learner code stays in, as "Learner code"


@dataclass(frozen=True)
class Layout:
    """The columns of one export and the words they are written with, in its language."""

    columns: tuple[Column, ...]
    headers: tuple[str, ...]
    words: dict[str, dict[Any, Any]]  # a word column's key: value -> the word
    language: str
    zone: ZoneInfo | None  # None: UTC
    sheet: str  # the XLSX sheet's name

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)


def _language_names(language: str) -> dict[Any, Any]:
    """The interface languages' names in ``language`` (CLDR's, through Babel); another
    content language is written as its code."""
    names: dict[Any, Any] = {None: None}
    for code in UI_LOCALES:
        try:
            names[code] = Locale.parse(code).get_language_name(language) or code
        except (UnknownLocaleError, ValueError):
            names[code] = code
    return names


def layout(options: Options) -> Layout:
    """The columns and words of an export with these options (translated here, once)."""
    if options.language not in UI_LOCALES:
        raise ValueError(f"not an interface language: {options.language}")
    columns = tuple(
        c
        for c in LOCAL_COLUMNS
        if not c.technical or options.technical or (c.key == "learner_id" and options.pseudonymised)
    )
    with force_locale(options.language):
        zone = gettext("UTC") if options.utc else gettext("Finnish time")
        headers = []
        for column in columns:
            if column.key == "learner_id" and options.pseudonymised:
                headers.append(gettext("Learner code"))
            else:
                headers.append(
                    str(column.header) % {"zone": zone}
                    if column.kind == "datetime"
                    else str(column.header)
                )
        yes, no = gettext("yes"), gettext("no")
        words = {
            "status": {key: str(word) for key, word in STATUSES.items()},
            "audience": {key: str(word) for key, word in AUDIENCES.items()},
            "language": _language_names(options.language),
            "bool": {True: yes, False: no, None: None},
        }
        sheet = gettext("Completions")[:31]  # Excel's longest sheet name
    return Layout(
        columns, tuple(headers), words, options.language, None if options.utc else HELSINKI, sheet
    )


def _programme_titles(language: str) -> dict[Any, str]:
    titles: dict[Any, str] = {None: ""}
    for slug, title in db.session.execute(select(Programme.slug, Programme.title)):
        title = title or {}
        titles[slug] = title.get(language) or title.get("fi") or slug
    return titles


def _stamps(
    zone: ZoneInfo | None, form: Callable[[datetime], str] | None
) -> Callable[[datetime], Any]:
    """A stored time (aware, or naive UTC from SQLite) in the zone: as text in ``form``
    (CSV), or as a naive datetime (XLSX has no zones).

    The zone's offset is looked up once per hour of UTC (Helsinki changes it on the hour)
    and added: converting each time with ``astimezone`` cost a third of the CSV's time.
    """
    utc = UTC
    target = zone or utc
    offsets: dict[tuple[int, int, int, int], timedelta] = {}

    def local(v: datetime) -> datetime:
        if v.tzinfo is not None:
            v = v.astimezone(utc)
        key = (v.year, v.month, v.day, v.hour)
        offset = offsets.get(key)
        if offset is None:
            offset = offsets[key] = (
                datetime(*key, tzinfo=utc).astimezone(target).utcoffset() or _ZERO
            )
        return v + offset

    if form is None:
        return lambda v: local(v).replace(tzinfo=None)
    return lambda v: form(local(v))


def _cells(
    records: Iterable[tuple[Any, ...]], layout: Layout, csv: bool
) -> Iterator[tuple[Any, ...]]:
    """Each record as the layout's cells: words for codes, times in the zone, and for
    the CSV the times and decimals as text (numbers with a decimal comma)."""
    titles = _programme_titles(layout.language)
    words = layout.words
    when = _stamps(layout.zone, DATE_FORMS[layout.language] if csv else None)

    def decimal(v: float) -> str:
        return str(int(v)) if v == int(v) else str(v).replace(".", ",")

    number: Callable[[Any], Any] = decimal if csv else (lambda v: v)
    # Every value the layout may show, in one list; itemgetter picks and orders them.
    shown = ("programme_title", *(c.key for c in COLUMNS))
    pick = itemgetter(*(shown.index(key) for key in layout.keys))
    statuses, audiences, languages, yes_no = (
        words["status"], words["audience"], words["language"], words["bool"]
    )  # fmt: skip
    # Where each converted value goes in the list: after the programme's title (+1).
    at = {key: index + 1 for key, index in _AT.items()}
    i_programme, i_audience, i_status, i_passed, i_best, i_language = (
        at["programme"], at["audience"], at["status"], at["quiz_passed"], at["best_score"],
        at["language"],
    )  # fmt: skip
    i_started, i_completed, i_done, i_done_at = (
        at["started_at"], at["completed_at"], at["programme_completed"], at["programme_completed_at"]
    )  # fmt: skip
    for record in records:
        row = [None, *record]
        row[0] = titles.get(programme := row[i_programme], programme)
        row[i_audience] = audiences.get(value := row[i_audience], value)
        row[i_status] = statuses.get(value := row[i_status], value)
        row[i_passed] = yes_no[row[i_passed]]
        row[i_done] = yes_no[row[i_done]]
        row[i_language] = languages.get(value := row[i_language], value)
        if (value := row[i_best]) is not None:
            row[i_best] = number(value)
        if (value := row[i_started]) is not None:
            row[i_started] = when(value)
        if (value := row[i_completed]) is not None:
            row[i_completed] = when(value)
        if (value := row[i_done_at]) is not None:
            row[i_done_at] = when(value)
        yield pick(row)


def csv_chunks(records: Iterable[tuple[Any, ...]], layout: Layout) -> Iterator[bytes]:
    """The localised CSV: UTF-8 with a BOM, ``;``, decimal commas, formula-safe text."""
    text = [i for i, c in enumerate(layout.columns) if c.kind in ("text", "word")]
    return text_safe_chunks(layout.headers, _cells(records, layout, csv=True), ";", text)


_MIN_WIDTH, _MAX_WIDTH = 8, 60
_KIND_WIDTH = {"number": 8, "decimal": 8, "datetime": 16, "bool": 6}


def write_xlsx(records: Iterable[tuple[Any, ...]], layout: Layout, target: str | BinaryIO) -> int:
    """The localised workbook, a row at a time (constant memory); returns how many rows.

    Column widths follow the longest text written into each column (set when the rows
    are done: XlsxWriter writes the column widths when it closes the file).
    """
    workbook = xlsxwriter.Workbook(
        target, {"constant_memory": True, "remove_timezone": True, "in_memory": False}
    )
    sheet = workbook.add_worksheet(layout.sheet)
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E7F1FF", "border": 1, "text_wrap": True, "valign": "top"}
    )
    when = workbook.add_format({"num_format": XLSX_DATE_FORMATS[layout.language]})
    as_text = workbook.add_format({"quote_prefix": True})  # Excel's leading apostrophe
    kinds = [c.kind for c in layout.columns]
    widths = [
        max(_KIND_WIDTH.get(kind, _MIN_WIDTH), *(len(word) + 1 for word in title.split()))
        for kind, title in zip(kinds, layout.headers, strict=True)
    ]
    sheet.set_row(0, 45)  # three lines of a wrapped header
    for col, title in enumerate(layout.headers):
        sheet.write_string(0, col, title, header)
    sheet.freeze_panes(1, 0)
    count = 0
    write_string, write_number, write_datetime = (
        sheet.write_string,
        sheet.write_number,
        sheet.write_datetime,
    )
    for count, row in enumerate(_cells(records, layout, csv=False), 1):
        for col, value in enumerate(row):
            if value is None:
                continue
            kind = kinds[col]
            if kind in ("number", "decimal"):
                write_number(count, col, value)
            elif kind == "datetime":
                write_datetime(count, col, value, when)
            else:
                value = str(value)
                write_string(count, col, value, as_text if looks_like_formula(value) else None)
                if len(value) >= widths[col]:
                    widths[col] = len(value) + 1
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, _MAX_WIDTH))
    sheet.autofilter(0, 0, max(count, 1), len(layout.columns) - 1)
    workbook.close()
    return count
