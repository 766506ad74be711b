"""What every chart shares: the result, escaping, the palette, number formats, wrapping."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from babel import Locale
from babel.numbers import format_decimal, format_percent

# Against white: 6.6:1, 5.0:1, 5.1:1 (WCAG's 3:1 for graphics, 4.5:1 for the text in them).
PALETTE = ("#1f5fa8", "#a9441b", "#2e7031")
INK = "#212529"  # text: 15.4:1
AXIS = "#595959"  # axes and ticks: 7.0:1
GRID = "#d0d4d9"  # gridlines are decoration; values are written out
TRACK = "#eef0f2"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Table:
    """The chart's numbers for reading: the first cell of each row is its header."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A rendered chart: its SVG markup (escaped, safe to put in a page) and its table."""

    id: str
    title: str
    description: str
    svg: str
    table: Table

    def __html__(self) -> str:  # Jinja and MarkupSafe put it in a page as it is
        return self.svg


def element_id(value: str) -> str:
    """An id for the page: letters, digits, ``-`` and ``_`` only, never empty."""
    cleaned = _UNSAFE_ID.sub("-", value).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else "chart-" + cleaned


def text(value: object) -> str:
    """Escaped for XML text and attribute values (labels come from anyone)."""
    # Characters XML 1.0 forbids (control characters) would make the SVG unreadable.
    cleaned = "".join(c for c in str(value) if c in "\t\n\r" or ord(c) >= 0x20)
    return escape(cleaned, quote=True)


def number(value: float, locale: str, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def percent(share: float, locale: str, digits: int = 0) -> str:
    """A share (0..1) as a percentage in the locale: ``46 %`` in Finnish, ``46%`` in English."""
    pattern = Locale.parse(locale).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return format_percent(share, format=pattern, locale=locale)


def count_maximum(value: float, count: int = 4) -> int:
    """The axis end for counts: ``count`` whole steps of 1, 2, 2.5 (from 25 on) or 5 × 10ⁿ."""
    needed = max(value, 1) / count
    power = 1
    while True:
        for step in (1, 2, 2.5, 5):
            size = step * power
            if size == int(size) and size >= needed:
                return int(size) * count
        power *= 10


def ticks(maximum: float, count: int = 4) -> list[float]:
    return [maximum * i / count for i in range(count + 1)]


def wrap(label: str, width: int) -> list[str]:
    """A label in lines of at most ``width`` characters, at spaces where it can."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        while len(word) > width:  # a word longer than a line is cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current or not lines:
        lines.append(current)
    return lines


def svg_document(
    chart_id: str, title: str, description: str, width: int, height: int, body: Iterable[str]
) -> str:
    """The ``<svg>`` root: role img, named by its title and described by its desc."""
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kp-chart-svg" id="{chart_id}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="{text(FONT)}" font-size="13" fill="{INK}">'
    )
    return "".join(
        [
            root,
            f'<title id="{chart_id}-title">{text(title)}</title>',
            f'<desc id="{chart_id}-desc">{text(description)}</desc>',
            *body,
            "</svg>",
        ]
    )


def label_lines(x: float, y: float, lines: Sequence[str], size: int = 13, **attrs: str) -> str:
    """A text element of one or more lines (``tspan`` each), first baseline at ``y``."""
    extra = "".join(f' {name.replace("_", "-")}="{text(value)}"' for name, value in attrs.items())
    spans = "".join(
        f'<tspan x="{x:g}" dy="{0 if i == 0 else round(size * 1.25, 2):g}">{text(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:g}" y="{y:g}" font-size="{size}"{extra}>{spans}</text>'
