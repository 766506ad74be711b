"""A trainer's charts page through real launches: the course's own records only."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tests.lti import (
    COORDINATOR,
    PARTICIPANT,
    TRAINER,
    WORKING_LIFE,
    WORKING_LIFE_AUTUMN,
    launch,
)
from tests.summary.data import add_records

SVG = "{http://www.w3.org/2000/svg}"
SECTION = re.compile(
    r'<section class="kp-chart" aria-labelledby="([^"]+)-heading">(.*?)</section>', re.DOTALL
)


def charts_page(site, user=TRAINER, activity=WORKING_LIFE):
    browser = site.browser()
    first = launch(browser, user, activity).page
    base = re.search(r'href="(/l/[^/]+/)programme"', first.text).group(1)
    return browser, base


def _charts(page) -> dict[str, tuple[ET.Element, list[list[str]]]]:
    """Each chart on the page: its parsed SVG and its table's rows (cell texts)."""
    found = {}
    for chart_id, body in SECTION.findall(page.text):
        svg = ET.fromstring(re.search(r"<svg .*?</svg>", body, re.DOTALL).group(0))
        assert (
            svg.get("role") == "img"
            and svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        )
        rows = [
            [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
            ]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
        ]
        found[chart_id] = (svg, rows)
    return found


def test_a_trainer_sees_completion_progress_and_quiz_results_of_their_course(quizzes):
    site = quizzes
    browser, base = charts_page(site)
    add_records(site.app)  # course 101: five learners; records in 102, 103 and another Moodle
    page = browser.get(browser.url(base + "group/charts"), allow_redirects=False)
    assert page.status_code == 200, page.text
    assert "<script" not in page.text.split("<main", 1)[1]
    charts = _charts(page)
    svg, rows = charts["completion-per-module"]
    assert svg.find(SVG + "title").text == "Suoritukset moduuleittain"
    assert rows == [
        ["Moduuli", "Suoritettu", "Oppijat"],
        ["Suomalainen työelämä", "60\xa0%", "3 / 5"],
        ["Työnhaku", "40\xa0%", "2 / 5"],
    ]
    _, rows = charts["progress-over-time"]
    assert rows[1:] == [["2.3.2026", "4", "3"], ["9.3.2026", "6", "4"], ["16.3.2026", "7", "5"]]
    svg, rows = charts["scores-finnish-working-life"]
    counts = dict(row for row in rows[1:])
    assert (counts["0–10\xa0%"], counts["60–70\xa0%"], counts["90–100\xa0%"]) == ("1", "1", "2")
    assert sum(int(c) for c in counts.values()) == 4  # the trainer's own result is left out
    assert "scores-job-search" not in charts  # a quiz no learner has a result in


def test_another_course_sees_only_its_own_and_the_coordinator_sees_the_same(quizzes):
    site = quizzes
    browser, base = charts_page(site, TRAINER, WORKING_LIFE_AUTUMN)
    add_records(site.app)
    rows = _charts(browser.get(browser.url(base + "group/charts")))["completion-per-module"][1]
    assert rows[1:] == [["Suomalainen työelämä", "100\xa0%", "1 / 1"]]
    coordinator, coordinator_base = charts_page(site, COORDINATOR, WORKING_LIFE)
    page = coordinator.get(coordinator.url(coordinator_base + "group/charts"))
    assert page.status_code == 200 and 'lang="sv"' in page.text
    rows = _charts(page)["completion-per-module"][1]
    assert rows[1][1:] == ["60\xa0%", "3 av 5"]


@pytest.mark.parametrize("user", [PARTICIPANT])
def test_learners_are_refused(site, user):
    browser, base = charts_page(site, user)
    page = browser.get(browser.url(base + "group/charts"), allow_redirects=False)
    assert page.status_code == 403 and "Suoritukset moduuleittain" not in page.text


def test_a_course_without_records_says_so(site):
    browser, base = charts_page(site)
    page = browser.get(browser.url(base + "group/charts"))
    assert page.status_code == 200
    rows = _charts(page)["completion-per-module"][1]
    assert rows[1:] == [["Suomalainen työelämä", "0\xa0%", "0 / 0"]]
    assert "progress-over-time" not in page.text


def test_weeks_are_finnish_weeks_added_up_with_empty_weeks_kept():
    from datetime import date

    from lti_tool.coursecharts.queries import _local_day, weekly

    # Sunday 22:00 UTC is Monday 00:00 in Helsinki (UTC+2 in winter, +3 in summer).
    assert _local_day("2026-03-08 22") == date(2026, 3, 9)
    assert _local_day("2026-06-07 20") == date(2026, 6, 7)
    assert _local_day("2026-06-07 21") == date(2026, 6, 8)
    started = {date(2026, 3, 3): 2, date(2026, 3, 18): 1}
    completed = {date(2026, 3, 8): 1}
    assert weekly(started, completed) == [
        (date(2026, 3, 2), 2, 1),
        (date(2026, 3, 9), 2, 1),
        (date(2026, 3, 16), 3, 1),
    ]
    assert weekly({}, {}) == []
