"""The summary as views a coordinator can hand on: translated headers, typed values, the
charts for the screen, and a workbook with one sheet per view."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import xlsxwriter
from flask_babel import gettext as _

from charts import Bar, Chart, bar_chart
from charts.core import number, percent
from courses import catalog
from courses.languages import CONTENT_LANGUAGES, language_for_locale
from lti_tool.exports.cells import looks_like_formula
from lti_tool.summary.queries import AUDIENCE, COURSE, MODULE, Figure, Scope, figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT, COUNT, SHARE, DAYS = "text", "count", "share", "days"


@dataclass(frozen=True)
class View:
    key: str
    title: str  # also the sheet's name (Excel allows 31 characters)
    headers: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass
class Section:
    """A programme on screen: its title and its charts."""

    title: str
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    locale: str
    views: list[View]
    sections: list[Section]

    def formatted(self, view: View) -> list[tuple[str, ...]]:
        """A view's rows as text in the report's locale, for a page."""
        return [
            tuple(
                _display(kind, value, self.locale)
                for kind, value in zip(view.kinds, row, strict=True)
            )
            for row in view.rows
        ]


def _display(kind: str, value: Any, locale: str) -> str:
    if value is None:
        return "–"
    if kind == COUNT:
        return number(value, locale)
    if kind == SHARE:
        return percent(value, locale, 1)
    if kind == DAYS:
        return number(value, locale, 1)
    return str(value)


def audience_name(audience: str | None) -> str:
    return {"participant": _("Participants"), "employer_mentor": _("Employer mentors")}.get(
        audience or "", audience or ""
    )


def _figures_columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        (_("Started"), _("Completed"), _("Completion rate"), _("Median days to complete")),
        (COUNT, COUNT, SHARE, DAYS),
    )


def _values(f: Figure) -> tuple[Any, ...]:
    median = None if f.median_days is None else round(f.median_days, 2)
    return (f.started, f.completed, f.rate, median)


def build_report(scope: Scope, locale: str, wanted_language: str | None) -> Report:
    """The three views (by module, by audience, by course) and each programme's charts:
    three grouped queries. Titles are in the language nearest ``wanted_language``."""

    def title(texts: dict[str, str]) -> str:
        languages = list(texts) or list(CONTENT_LANGUAGES)
        return catalog.pick(texts, language_for_locale(wanted_language, languages))[0]

    numbers, kinds = _figures_columns()
    programme, module = _("Programme"), _("Module")
    by_module = figures(scope, MODULE)
    views = [
        View(
            MODULE, _("By module"), (programme, module, *numbers), (TEXT, TEXT, *kinds),
            [(title(f.programme_title), title(f.module_title), *_values(f)) for f in by_module],
        ),
        View(
            AUDIENCE, _("By audience"), (programme, module, _("Audience"), *numbers),
            (TEXT, TEXT, TEXT, *kinds),
            [
                (title(f.programme_title), title(f.module_title), audience_name(f.audience), *_values(f))
                for f in figures(scope, AUDIENCE)
            ],
        ),
        View(
            COURSE, _("By course"),
            (_("Organisation"), _("Course"), _("Course id"), programme, module, *numbers),
            (TEXT, TEXT, TEXT, TEXT, TEXT, *kinds),
            [
                (
                    f.organisation or "", f.course_title or _("No course"), f.course_id or "",
                    title(f.programme_title), title(f.module_title), *_values(f),
                )
                for f in figures(scope, COURSE)
            ],
        ),
    ]  # fmt: skip
    return Report(locale, views, _sections(by_module, title, locale))


def _sections(
    by_module: Sequence[Figure], title: Callable[[dict[str, str]], str], locale: str
) -> list[Section]:
    sections: dict[str, Section] = {}
    bars: dict[str, list[Bar]] = {}
    for f in by_module:
        section = sections.setdefault(f.programme, Section(title(f.programme_title)))
        bars.setdefault(f.programme, []).append(
            Bar(
                title(f.module_title),
                f.rate or 0.0,
                _("%(completed)d of %(started)d", completed=f.completed, started=f.started),
            )
        )
    for slug, section in sections.items():
        section.charts.append(
            bar_chart(
                f"summary-{slug}",
                _("Completion rate per module: %(programme)s", programme=section.title),
                _(
                    "The share of the learners who started each module of the programme "
                    "and have completed it, in every course of this report."
                ),
                bars[slug],
                locale=locale,
                headers=(_("Module"), _("Completion rate"), _("Completed of started")),
            )
        )
    return list(sections.values())


def write_workbook(report: Report, target: str | BinaryIO) -> None:
    """One sheet per view: a bold frozen header, numbers as numbers (a rate as a
    percentage, days with one decimal), text never a formula, widths from the content."""
    workbook = xlsxwriter.Workbook(target, {"in_memory": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E7F1FF", "border": 1, "text_wrap": True}
    )
    formats = {
        SHARE: workbook.add_format({"num_format": "0.0%"}),
        DAYS: workbook.add_format({"num_format": "0.0"}),
        COUNT: workbook.add_format({"num_format": "0"}),
    }
    as_text = workbook.add_format({"quote_prefix": True})
    for view in report.views:
        sheet = workbook.add_worksheet(view.title[:31])
        sheet.freeze_panes(1, 0)
        widths = [len(h) for h in view.headers]
        for col, text in enumerate(view.headers):
            sheet.write_string(0, col, text, header)
        for row_number, row in enumerate(view.rows, 1):
            for col, (kind, value) in enumerate(zip(view.kinds, row, strict=True)):
                if value is None:
                    continue
                if kind == TEXT:
                    text = str(value)
                    sheet.write_string(
                        row_number, col, text, as_text if looks_like_formula(text) else None
                    )
                    widths[col] = max(widths[col], len(text))
                else:
                    sheet.write_number(row_number, col, value, formats[kind])
        for col, width in enumerate(widths):
            kind = view.kinds[col]
            sheet.set_column(col, col, min(max(width if kind == TEXT else 12, 10), 50) + 2)
        sheet.autofilter(0, 0, max(len(view.rows), 1), len(view.headers) - 1)
    workbook.close()


def workbook_bytes(report: Report) -> bytes:
    buffer = io.BytesIO()
    write_workbook(report, buffer)
    return buffer.getvalue()
