"""Charts as accessible SVG, rendered on the server: no scripts, no styles, no network.

Every chart comes with its title and a description (the SVG's ``<title>`` and ``<desc>``,
named by ``aria-labelledby``) and the same numbers as a table, for people who do not see
the picture. Labels, titles and headers arrive translated; numbers and dates are formatted
here in the locale given. Labels are treated as hostile text: everything is escaped.
Colours keep 3:1 against white, and no meaning is carried by colour alone (values are
written next to bars and points, series differ in marker and dash as well).

Nothing here knows about Flask, LTI or the database.
"""

from __future__ import annotations

from charts.bars import Bar, bar_chart
from charts.core import Chart, Table
from charts.histogram import SCORE_BANDS, histogram, score_band_labels
from charts.lines import Series, line_chart

__all__ = [
    "SCORE_BANDS",
    "Bar",
    "Chart",
    "Series",
    "Table",
    "bar_chart",
    "histogram",
    "line_chart",
    "score_band_labels",
]
