"""The coordinator's summary report through real launches, as a page, a workbook and the
operator's command line."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from lti_tool.cli import main
from tests.coursecharts.test_course_charts import _charts, charts_page
from tests.lti import COORDINATOR, PARTICIPANT, TRAINER, WORKING_LIFE
from tests.summary.data import OTHER_ISSUER, add_records

ROW = re.compile(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", re.DOTALL)


def _rows(page, view):
    table = page.text.split(f'id="view-{view}"', 1)[1].split("</table>", 1)[0]
    return [
        [
            head,
            *(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)),
        ]
        for head, cells in ROW.findall(table)
    ]


def test_a_coordinator_sees_their_moodle_with_charts_in_their_language(site):
    browser, base = charts_page(site, COORDINATOR, WORKING_LIFE)  # Swedish interface
    add_records(site.app)
    page = browser.get(browser.url(base + "reports/summary"), allow_redirects=False)
    assert page.status_code == 200, page.text
    assert "<h1>Sammanfattande rapport</h1>" in page.text
    rows = _rows(page, "module")
    assert rows[0] == ["Avaimet työelämään", "Suomalainen työelämä", "7", "5", "71,4\xa0%", "3,0"]
    assert rows[1][1:] == ["Työnhaku", "3", "2", "66,7\xa0%", "1,0"]
    audiences = _rows(page, "audience")
    assert [r[2:] for r in audiences[:2]] == [
        ["Arbetsplatsmentorer", "2", "1", "50,0\xa0%", "4,0"],
        ["Deltagare", "5", "4", "80,0\xa0%", "2,5"],
    ]
    courses = _rows(page, "course")
    assert {r[2] for r in courses} == {"101", "102", "103"}
    assert {r[0] for r in courses} == {"Kotopaikka development platform"}  # not the other Moodle
    assert "HYPERLINK" not in page.text
    chart = _charts(page)["summary-keys-to-working-life"][1]
    assert chart[1] == ["Suomalainen työelämä", "71\xa0%", "5 av 7"]


@pytest.mark.parametrize("user", [TRAINER, PARTICIPANT])
def test_the_summary_is_for_coordinators_only(site, user):
    browser, base = charts_page(site, user, WORKING_LIFE)
    for path in ("reports/summary", "reports/summary.xlsx"):
        answer = browser.get(browser.url(base + path), allow_redirects=False)
        assert answer.status_code == 403 and not answer.content.startswith(b"PK")


def test_the_workbook_has_a_sheet_per_view_with_numbers_as_numbers(site):
    browser, base = charts_page(site, COORDINATOR, WORKING_LIFE)
    add_records(site.app)
    answer = browser.get(browser.url(base + "reports/summary.xlsx"), allow_redirects=False)
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    assert "attachment" in answer.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Per modul", "Per målgrupp", "Per kurs"]
    sheet = book["Per modul"]
    assert [c.value for c in sheet[1]] == [
        "Program", "Modul", "Påbörjade", "Slutförd", "Andel slutförda", "Median dagar till slutförande",
    ]  # fmt: skip
    first = [c.value for c in sheet[2]]
    assert (
        first[2:4] == [7, 5] and first[4] == pytest.approx(5 / 7) and first[5] == pytest.approx(3)
    )
    assert sheet.cell(2, 5).number_format == "0.0%" and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 12
    courses = book["Per kurs"]
    assert {r[2] for r in courses.iter_rows(min_row=2, values_only=True)} == {"101", "102", "103"}


def test_the_operator_summarises_every_platform_or_one(site, tmp_path):
    add_records(site.app)
    runner = CliRunner()
    obj = ScriptInfo(create_app=lambda: site.app)
    path = tmp_path / "summary.xlsx"
    result = runner.invoke(main, ["report", "summary", "--xlsx", str(path)], obj=obj)
    assert result.exit_code == 0, result.output
    assert "2 modules summarised" in result.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Moduuleittain", "Kohderyhmittäin", "Kursseittain"]
    first = [c.value for c in book["Moduuleittain"][2]]
    assert first[:4] == ["Avaimet työelämään", "Suomalainen työelämä", 8, 6]
    assert first[5] == pytest.approx(3.5)
    organisations = {r[0] for r in book["Kursseittain"].iter_rows(min_row=2, values_only=True)}
    assert organisations == {"Kotopaikka development platform", "Toinen Moodle"}
    (hostile,) = [
        r[1] for r in book["Kursseittain"].iter_rows(min_row=2) if r[0].value == "Toinen Moodle"
    ]
    assert (
        hostile.value.startswith("=HYPERLINK") and hostile.data_type == "s" and hostile.quotePrefix
    )
    result = runner.invoke(
        main,
        ["report", "summary", "--platform", OTHER_ISSUER, "--language", "en", "--xlsx", str(path)],
        obj=obj,
    )
    assert result.exit_code == 0 and "1 modules summarised" in result.output
    sheet = openpyxl.load_workbook(path)["By module"]
    assert [c.value for c in sheet[2]][2:4] == [1, 1]
    refused = runner.invoke(
        main,
        ["report", "summary", "--platform", "https://nowhere.invalid", "--xlsx", str(path)],
        obj=obj,
    )
    assert refused.exit_code != 0 and "--platform" in refused.output
