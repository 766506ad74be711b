"""The charts as a screen reader and a browser read them: parsed back as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from charts import Bar, Series, bar_chart, histogram, line_chart, score_band_labels
from charts.core import PALETTE, count_maximum, wrap

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes" \x07'


def _parse(chart):
    root = ET.fromstring(chart.svg)
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert not root.findall(f".//{SVG}script") and "style" not in chart.svg
    assert root.get("viewBox").startswith("0 0 ") and root.get("width") == "100%"
    return root


def _texts(root):
    return ["".join(t.itertext()) for t in root.iter(SVG + "text")]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_palette_has_three_to_one_contrast_against_white():
    assert all(1.05 / (_luminance(c) + 0.05) >= 3 for c in PALETTE)


def test_a_bar_chart_writes_each_value_and_escapes_the_labels():
    chart = bar_chart(
        "done per module",
        "Valmiit <moduulit>",
        HOSTILE,
        [Bar(HOSTILE, 0.5, "1 / 2"), Bar("Työnhaku", 1.0, "2 / 2"), Bar("Tyhjä", 0.0, "0 / 0")],
        locale="fi",
        headers=("Moduuli", "Osuus", "Oppijoita"),
    )
    root = _parse(chart)
    assert chart.id == "done-per-module" and root.get("id") == chart.id
    assert root.find(SVG + "title").text == "Valmiit <moduulit>"
    assert root.find(SVG + "desc").text == HOSTILE.replace("\x07", "")
    texts = _texts(root)
    assert HOSTILE.replace("\x07", "") in texts
    assert "50\xa0%" in texts and "100\xa0%" in texts and "0\xa0%" in texts
    # Three tracks and two bars (nothing is drawn for none), the bars in proportion.
    bars = [r for r in root.iter(SVG + "rect") if r.get("fill") == PALETTE[0]]
    assert [float(b.get("width")) for b in bars] == [pytest.approx(160), pytest.approx(320)]
    assert chart.table.headers == ("Moduuli", "Osuus", "Oppijoita")
    assert chart.table.rows[0] == (HOSTILE, "50\xa0%", "1 / 2")
    assert "<script>" not in chart.svg and chart.__html__() == chart.svg


def test_long_labels_wrap_into_lines_that_fit_the_picture():
    label = "Monikulttuurinen osaaminen työpaikalla ja perehdyttäminen uudessa työyhteisössä"
    chart = bar_chart("b", "t", "d", [Bar(label, 0.25)], locale="en", headers=("a", "b"))
    root = _parse(chart)
    spans = ["".join(s.itertext()) for s in root.iter(SVG + "tspan")]
    assert " ".join(spans[:2]) == label and all(len(s) <= 50 for s in spans)
    assert "25%" in _texts(root)  # English writes no space before the sign
    assert wrap("a" * 120, 50) == ["a" * 50, "a" * 50, "a" * 20]


def test_counts_get_whole_numbers_on_the_axis():
    assert [count_maximum(v) for v in (0, 3, 5, 7, 9, 30, 101)] == [4, 4, 8, 8, 20, 40, 200]
    chart = bar_chart(
        "c", "t", "d", [Bar("x", 3)], locale="fi", headers=("a", "b"), as_percent=False
    )
    assert {"0", "1", "2", "3", "4"} <= set(_texts(_parse(chart)))


@pytest.mark.parametrize(
    ("locale", "first", "last"),
    [("fi", "0–10\xa0%", "90–100\xa0%"), ("en", "0–10%", "90–100%"), ("uk", "0–10%", "90–100%")],
)
def test_score_bands_are_written_as_the_language_writes_percentages(locale, first, last):
    labels = score_band_labels(locale)
    assert len(labels) == 10 and labels[0] == first and labels[-1] == last


def test_a_histogram_has_ten_bars_with_their_counts():
    counts = [0, 1, 2, 0, 0, 3, 5, 1, 0, 8]
    chart = histogram(
        "h", "Pisteet", "kuvaus", counts, locale="fi", x_label="Pisteet (%)",
        y_label="Oppijoita", headers=("Pisteet", "Oppijoita"),
    )  # fmt: skip
    root = _parse(chart)
    bars = [r for r in root.iter(SVG + "rect") if r.get("fill") == PALETTE[0]]
    assert len(bars) == 6  # the bands with someone in them
    heights = [float(b.get("height")) for b in bars]
    assert heights[-1] == max(heights) and heights[-1] / heights[0] == pytest.approx(8)
    assert "8" in _texts(root) and "Pisteet (%)" in _texts(root)
    assert chart.table.rows[9] == ("90–100\xa0%", "8") and len(chart.table.rows) == 10
    many = histogram(
        "m", "t", "d", [1234] + [0] * 9, locale="fi", x_label="", y_label="", headers=("", "")
    )
    assert many.table.rows[0][1] == "1\xa0234" and "1\xa0234" in _texts(_parse(many))
    with pytest.raises(ValueError):
        histogram("h", "t", "d", [1, 2], locale="fi", x_label="", y_label="", headers=("", ""))


def test_a_step_chart_over_dates_has_a_marker_per_point_and_a_row_per_date():
    started = Series(
        "Aloitettu", ((date(2026, 1, 5), 1), (date(2026, 1, 12), 4), (date(2026, 2, 2), 6))
    )
    done = Series(HOSTILE, ((date(2026, 1, 12), 1), (date(2026, 2, 2), 3)))
    chart = line_chart(
        "progress", "Eteneminen", "d", [started, done], locale="fi", date_header="Viikko",
        y_label="Moduuleja",
    )  # fmt: skip
    root = _parse(chart)
    paths = [p for p in root.iter(SVG + "path") if p.get("fill") == "none"]
    assert [p.get("stroke") for p in paths] == list(PALETTE[:2])
    assert paths[0].get("d").count("H") == 2 and paths[1].get("stroke-dasharray")  # not colour only
    assert len(list(root.iter(SVG + "circle"))) == 1 + 3  # legend + points
    texts = _texts(root)
    assert "5.1." in texts and "2.2." in texts and HOSTILE.replace("\x07", "") in texts
    assert chart.table.headers == ("Viikko", "Aloitettu", HOSTILE)
    assert chart.table.rows == (
        ("5.1.2026", "1", "–"),
        ("12.1.2026", "4", "1"),
        ("2.2.2026", "6", "3"),
    )
    swedish = line_chart("p", "t", "d", [started], locale="sv", date_header="Vecka", y_label="")
    assert "5 jan." in _texts(_parse(swedish))


def test_an_empty_chart_is_still_a_valid_picture():
    for chart in (
        bar_chart("a", "t", "d", [], locale="fi", headers=("a", "b")),
        line_chart("b", "t", "d", [], locale="fi", date_header="", y_label=""),
        line_chart(
            "c",
            "t",
            "d",
            [Series("x", ((date(2026, 1, 1), 2),))],
            locale="ru",
            date_header="",
            y_label="",
        ),
    ):
        _parse(chart)
