"""A histogram of quiz scores in ten bands (0–10 %, …, 90–100 %): counts above the bars,
the band edges under them."""

from __future__ import annotations

from collections.abc import Sequence

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
    percent,
    svg_document,
    text,
    ticks,
)

SCORE_BANDS = 10  # a score of exactly 100 % is in the last band
WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 16, 46


def score_band_labels(locale: str) -> list[str]:
    """``0–10 %`` … ``90–100 %``, in the locale's way of writing a percentage."""
    return [
        f"{number(low * 10, locale)}–{percent((low + 1) / SCORE_BANDS, locale)}"
        for low in range(SCORE_BANDS)
    ]


def histogram(
    chart_id: str,
    title: str,
    description: str,
    counts: Sequence[int],
    *,
    locale: str,
    x_label: str,
    y_label: str,
    headers: tuple[str, str],
) -> Chart:
    """Ten bars of counts; ``x_label``/``y_label`` name the axes, ``headers`` the table's."""
    if len(counts) != SCORE_BANDS:
        raise ValueError(f"a score histogram has {SCORE_BANDS} bands, not {len(counts)}")
    chart_id = element_id(chart_id)
    maximum = count_maximum(max(counts, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / SCORE_BANDS
    base = TOP + plot_h
    body: list[str] = []
    for tick in ticks(maximum):
        y = base - plot_h * tick / maximum
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" fill="{AXIS}" '
            f'text-anchor="end">{text(number(tick, locale))}</text>'
        )
    for index, count in enumerate(counts):
        x = LEFT + index * step
        h = plot_h * count / maximum
        if count:
            body.append(
                f'<rect x="{x + 2:.1f}" y="{base - h:.1f}" width="{step - 4:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[0]}"/>'
            )
        body.append(
            f'<text x="{x + step / 2:.1f}" y="{base - h - 4:.1f}" font-size="12" '
            f'font-weight="600" text-anchor="middle">{text(number(count, locale))}</text>'
        )
    for edge in range(SCORE_BANDS + 1):
        x = LEFT + edge * step
        body.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="{AXIS}"/>'
        )
        if edge % 2 == 0 or WIDTH >= 600:
            body.append(
                f'<text x="{x:.1f}" y="{base + 16}" font-size="11" fill="{AXIS}" '
                f'text-anchor="middle">{text(number(edge * 10, locale))}</text>'
            )
    body.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{LEFT + plot_w}" y2="{base}" stroke="{AXIS}" '
        'stroke-width="1.5"/>'
    )
    body.append(label_lines(LEFT + plot_w / 2, HEIGHT - 10, [x_label], 12, text_anchor="middle"))
    body.append(label_lines(LEFT, 11, [y_label], 11, fill=AXIS))
    svg = svg_document(chart_id, title, description, WIDTH, HEIGHT, body)
    labels = score_band_labels(locale)
    rows = tuple(
        (label, number(count, locale)) for label, count in zip(labels, counts, strict=True)
    )
    return Chart(chart_id, title, description, svg, Table(title, headers, rows))
