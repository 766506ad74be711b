"""The charts "right in every interface language" (issue 17): the course's charts page and
the coordinator's summary report, launched from a Moodle whose user speaks each of the
five interface languages, with the page's language, the charts' titles, descriptions,
table headers, dates, percentages and counts as that language writes them.

The expected texts are written out here, not computed by the code under test: the
translations from the catalogues, the numbers and dates from CLDR (Finnish, Swedish and
Russian put a no-break space before %, English and Ukrainian none)."""

from __future__ import annotations

import re

import pytest

from tests.coursecharts.test_course_charts import SVG, _charts
from tests.lti import (
    COORDINATOR,
    LTI_CLAIM,
    TRAINER,
    WORKING_LIFE,
    pending_launch,
    sign_as_platform,
)
from tests.summary.data import add_records

NB, NNB = "\xa0", "\u202f"  # a no-break space; a narrow one (CLDR: before г. and р.)

# The launch's locale (as Moodle sends it) -> what the pages must show.
EXPECTED = {
    "fi": {
        "lang": "fi",
        "module": "Suomalainen työelämä",
        "title": "Suoritukset moduuleittain",
        "desc": "Osuus kurssin 5 oppijasta, jotka ovat suorittaneet kunkin moduulin.",
        "headers": ["Moduuli", "Suoritettu", "Oppijat"],
        "row": [f"60{NB}%", "3 / 5"],
        "week": ["2.3.2026", "4", "3"],
        "axis": "2.3.",
        "band": f"90–100{NB}%",
        "summary": "Yhteenvetoraportti",
        "rate": [f"71,4{NB}%", "3,0"],
        "summary_chart": "Suoritusaste moduuleittain: ",
        "summary_row": [f"71{NB}%", "5 / 7"],
    },
    "sv_fi": {
        "lang": "sv",
        "module": "Suomalainen työelämä",
        "title": "Slutförande per modul",
        "desc": "Andelen av kursens 5 deltagare som har slutfört varje modul.",
        "headers": ["Modul", "Slutförd", "Deltagare"],
        "row": [f"60{NB}%", "3 av 5"],
        "week": ["2 mars 2026", "4", "3"],
        "axis": "2 mars",
        "band": f"90–100{NB}%",
        "summary": "Sammanfattande rapport",
        "rate": [f"71,4{NB}%", "3,0"],
        "summary_chart": "Andel slutförda per modul: ",
        "summary_row": [f"71{NB}%", "5 av 7"],
    },
    "en": {
        "lang": "en",
        "module": "Finnish working life",
        "title": "Completion per module",
        "desc": "The share of the course's 5 learners who have completed each module.",
        "headers": ["Module", "Completed", "Learners"],
        "row": ["60%", "3 of 5"],
        "week": ["Mar 2, 2026", "4", "3"],
        "axis": "Mar 2",
        "band": "90–100%",
        "summary": "Summary report",
        "rate": ["71.4%", "3.0"],
        "summary_chart": "Completion rate per module: ",
        "summary_row": ["71%", "5 of 7"],
    },
    "ru": {
        "lang": "ru",
        "module": "Трудовая жизнь в Финляндии",
        "title": "Завершение по модулям",
        "desc": "Доля из 5 учащихся курса, завершивших каждый модуль.",
        "headers": ["Модуль", "Завершено", "Учащиеся"],
        "row": [f"60{NB}%", "3 из 5"],
        "week": [f"2 мар. 2026{NNB}г.", "4", "3"],
        "axis": "2 мар.",
        "band": f"90–100{NB}%",
        "summary": "Сводный отчёт",
        "rate": [f"71,4{NB}%", "3,0"],
        "summary_chart": "Доля завершивших по модулям: ",
        "summary_row": [f"71{NB}%", "5 из 7"],
    },
    "uk": {
        "lang": "uk",
        "module": "Трудове життя у Фінляндії",
        "title": "Завершення за модулями",
        "desc": "Частка з 5 слухачів курсу, що завершили кожен модуль.",
        "headers": ["Модуль", "Завершено", "Слухачі"],
        "row": ["60%", "3 з 5"],
        "week": [f"2 бер. 2026{NNB}р.", "4", "3"],
        "axis": "2 бер.",
        "band": "90–100%",
        "summary": "Зведений звіт",
        "rate": ["71,4%", "3,0"],
        "summary_chart": "Частка тих, хто завершив, за модулями: ",
        "summary_row": ["71%", "5 з 7"],
    },
}


def _launch_speaking(site, user, locale):
    """A launch whose Moodle user has ``locale`` as their language: the launch's base path."""
    browser = site.browser()
    pending = pending_launch(browser, user, WORKING_LIFE)
    claims = pending.claims()
    claims[LTI_CLAIM + "launch_presentation"]["locale"] = locale
    answer = pending.post(sign_as_platform(site.app, claims))
    assert answer.status_code == 200, answer.text
    return browser, answer.headers["Content-Location"]


def _svg_texts(svg) -> set[str]:
    return {"".join(t.itertext()).strip() for t in svg.iter(SVG + "text")}


@pytest.mark.parametrize("locale", list(EXPECTED))
def test_the_course_charts_in_each_interface_language(quizzes, locale):
    want = EXPECTED[locale]
    browser, base = _launch_speaking(quizzes, TRAINER, locale)
    add_records(quizzes.app)
    page = browser.get(browser.url(base + "group/charts"))
    assert page.status_code == 200
    assert re.search(r'<html lang="([^"]+)"', page.text).group(1) == want["lang"]
    charts = _charts(page)
    svg, rows = charts["completion-per-module"]
    assert svg.find(SVG + "title").text == want["title"]
    assert svg.find(SVG + "desc").text == want["desc"]
    assert rows[0] == want["headers"]
    assert rows[1] == [want["module"], *want["row"]]  # a title in their language, if it has one
    assert want["row"][0] in _svg_texts(svg)  # the bar's own label, as the table has it
    svg, rows = charts["progress-over-time"]
    assert rows[1] == want["week"]
    assert want["axis"] in _svg_texts(svg)
    _svg, rows = charts["scores-finnish-working-life"]
    assert rows[-1][0] == want["band"]


@pytest.mark.parametrize("locale", list(EXPECTED))
def test_the_summary_report_in_each_interface_language(site, locale):
    want = EXPECTED[locale]
    browser, base = _launch_speaking(site, COORDINATOR, locale)
    add_records(site.app)
    page = browser.get(browser.url(base + "reports/summary"))
    assert page.status_code == 200
    assert re.search(r'<html lang="([^"]+)"', page.text).group(1) == want["lang"]
    assert f"<h1>{want['summary']}</h1>" in page.text
    table = page.text.split('id="view-module"', 1)[1].split("</table>", 1)[0]
    first = re.search(r"<tr><th scope=\"row\">.*?</tr>", table, re.DOTALL).group(0)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", first)]
    assert cells[-2:] == want["rate"]  # 5 of 7 completed, a median of 3 days
    svg, rows = _charts(page)["summary-keys-to-working-life"]
    assert svg.find(SVG + "title").text.startswith(want["summary_chart"])
    assert rows[1][1:] == want["summary_row"]  # 5 of the 7 who started completed it
