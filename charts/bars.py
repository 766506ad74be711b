"""Horizontal bars, one per item (completion per module): the label on its own lines above
the bar, so long module names fit a 360 px phone; the value written at the bar's end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from charts.core import (
    AXIS,
    GRID,
    PALETTE,
    TRACK,
    Chart,
    Table,
    count_maximum,
    element_id,
    label_lines,
    number,
    percent,
    svg_document,
    text,
    ticks,
    wrap,
)

WIDTH = 400
LEFT, RIGHT = 8, 8
VALUE_SPACE = 64  # the value's text right of the longest bar
LINE, BAR, GAP = 16, 18, 12
LABEL_CHARACTERS = 50  # at 13 px in a 400 px wide picture


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # a share 0..1 when the chart is in percent, else a count
    note: str = ""  # already translated (e.g. "12 of 20"); shown in the table


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    locale: str,
    headers: tuple[str, str] | tuple[str, str, str],
    as_percent: bool = True,
    maximum: float | None = None,
) -> Chart:
    """A horizontal bar chart; ``headers`` name the table's label, value (and note) columns."""
    chart_id = element_id(chart_id)
    top = 4
    if maximum is None:
        maximum = 1.0 if as_percent else count_maximum(max((b.value for b in bars), default=0))
    track = WIDTH - LEFT - RIGHT - VALUE_SPACE

    def formatted(value: float) -> str:
        return (
            percent(value, locale)
            if as_percent
            else number(value, locale, 0 if value == int(value) else 1)
        )

    body: list[str] = []
    tracks: list[str] = []  # the full length behind each bar
    y = top
    rows = []
    for bar in bars:
        lines = wrap(bar.label, LABEL_CHARACTERS)
        body.append(label_lines(LEFT, y + 12, lines))
        y += LINE * len(lines) + 2
        share = 0.0 if maximum <= 0 else max(0.0, min(bar.value / maximum, 1.0))
        tracks.append(f'<rect x="{LEFT}" y="{y}" width="{track}" height="{BAR}" fill="{TRACK}"/>')
        if share > 0:
            body.append(
                f'<rect x="{LEFT}" y="{y}" width="{track * share:.1f}" height="{BAR}" '
                f'fill="{PALETTE[0]}"/>'
            )
        value = formatted(bar.value)
        body.append(
            f'<text x="{LEFT + track + 6}" y="{y + 13}" font-weight="600">{text(value)}</text>'
        )
        y += BAR + GAP
        rows.append((bar.label, value, bar.note) if len(headers) == 3 else (bar.label, value))
    # The scale: gridlines at quarters (drawn first, so the bars cover them) and their
    # values under the bars.
    grid = []
    for number_of, tick in enumerate(ticks(maximum)):
        anchor = "start" if number_of == 0 else "end" if number_of == 4 else "middle"
        x = LEFT + track * (tick / maximum)
        grid.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y - GAP + 4}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
        grid.append(
            f'<text x="{x:.1f}" y="{y + 10}" font-size="11" fill="{AXIS}" text-anchor="{anchor}">'
            f"{text(formatted(tick))}</text>"
        )
    grid.append(
        f'<line x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{y - GAP + 4}" stroke="{AXIS}" '
        'stroke-width="1.5"/>'
    )
    height = y + 16
    svg = svg_document(chart_id, title, description, WIDTH, height, [*tracks, *grid, *body])
    return Chart(chart_id, title, description, svg, Table(title, tuple(headers), tuple(rows)))
