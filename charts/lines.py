"""Values over dates (progress per week, cumulative): one step line per series, each with
its own marker and dash as well as its colour, and its last value written at its end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date, format_skeleton

from charts.core import (
    AXIS,
    GRID,
    PALETTE,
    Chart,
    Table,
    count_maximum,
    element_id,
    label_lines,
    number,
    svg_document,
    text,
    ticks,
)

WIDTH = 400
LEFT, RIGHT, BOTTOM = 40, 36, 34
PLOT_HEIGHT = 160
DASHES = ("", "6 3", "2 3")
MAX_DATE_LABELS = 5


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[tuple[date, float], ...]  # in date order


def _marker(kind: int, x: float, y: float, colour: str) -> str:
    if kind % 3 == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if kind % 3 == 1:
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    return (
        f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y + 3.5:.1f} L{x - 4.5:.1f} '
        f'{y + 3.5:.1f} Z" fill="{colour}"/>'
    )


def short_date(day: date, locale: str) -> str:
    """Day and month as the language writes them: 2.3. (fi), 2 mars (sv), Mar 2 (en)."""
    return format_skeleton("MMMd", day, locale=locale)


def _anchor(index: int, count: int) -> str:
    """The first and last labels stay inside the picture."""
    if count > 1 and index == 0:
        return "start"
    return "end" if count > 1 and index == count - 1 else "middle"


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[Series],
    *,
    locale: str,
    date_header: str,
    y_label: str,
    step: bool = True,
) -> Chart:
    """Step lines (or straight ones) over a shared date axis; the table has a row per date
    and a column per series."""
    chart_id = element_id(chart_id)
    days = sorted({day for s in series for day, _ in s.points})
    maximum = count_maximum(max((v for s in series for _, v in s.points), default=0))
    legend_lines = len(series)
    top = 8 + legend_lines * 18 + 14
    plot_w = WIDTH - LEFT - RIGHT
    base = top + PLOT_HEIGHT
    height = base + BOTTOM
    first, last = (days[0], days[-1]) if days else (date.today(), date.today())
    span = max((last - first).days, 1)

    def x_of(day: date) -> float:
        if len(days) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y_of(value: float) -> float:
        return base - PLOT_HEIGHT * value / maximum

    body: list[str] = []
    for index, s in enumerate(series):  # the legend: marker, dash and name
        colour = PALETTE[index % len(PALETTE)]
        y = 8 + index * 18 + 6
        dash = f' stroke-dasharray="{DASHES[index % 3]}"' if DASHES[index % 3] else ""
        body.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + 24}" y2="{y}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/>'
        )
        body.append(_marker(index, LEFT + 12, y, colour))
        body.append(label_lines(LEFT + 32, y + 4, [s.name], 12))
    body.append(label_lines(4, top - 6, [y_label], 11, fill=AXIS))
    for tick in ticks(maximum):
        y = y_of(tick)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" fill="{AXIS}" '
            f'text-anchor="end">{text(number(tick, locale))}</text>'
        )
    body.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{LEFT + plot_w}" y2="{base}" stroke="{AXIS}" '
        'stroke-width="1.5"/>'
    )
    every = max(1, -(-len(days) // MAX_DATE_LABELS))
    for index, day in enumerate(days):
        x = x_of(day)
        body.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="{AXIS}"/>'
        )
        if index == len(days) - 1 or (index % every == 0 and len(days) - 1 - index >= every):
            anchor = _anchor(index, len(days))
            body.append(
                f'<text x="{x:.1f}" y="{base + 17}" font-size="11" fill="{AXIS}" '
                f'text-anchor="{anchor}">{text(short_date(day, locale))}</text>'
            )
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        if not s.points:
            continue
        path = []
        previous_y = None
        for day, value in s.points:
            x, y = x_of(day), y_of(value)
            if previous_y is None:
                path.append(f"M{x:.1f} {y:.1f}")
            elif step:
                path.append(f"H{x:.1f} V{y:.1f}")
            else:
                path.append(f"L{x:.1f} {y:.1f}")
            previous_y = y
        dash = f' stroke-dasharray="{DASHES[index % 3]}"' if DASHES[index % 3] else ""
        body.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
        )
        body.extend(_marker(index, x_of(d), y_of(v), colour) for d, v in s.points)
        end_day, end_value = s.points[-1]
        body.append(
            f'<text x="{x_of(end_day) + 6:.1f}" y="{y_of(end_value) + 4 - 12 * index:.1f}" '
            f'font-size="12" font-weight="600">{text(number(end_value, locale))}</text>'
        )
    svg = svg_document(chart_id, title, description, WIDTH, height, body)
    values = [dict(s.points) for s in series]
    rows = tuple(
        (
            format_date(day, format="medium", locale=locale),
            *(number(v[day], locale) if day in v else "–" for v in values),
        )
        for day in days
    )
    headers = (date_header, *(s.name for s in series))
    return Chart(chart_id, title, description, svg, Table(title, headers, rows))
