"""Exports that are safe to open in a spreadsheet: names and titles from Moodle that look
like formulas stay text (OWASP's CSV injection rule), and numbers stay numbers."""

from __future__ import annotations

import csv
import dataclasses
import io

import openpyxl
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from lti_tool.cli import main
from lti_tool.devplatform import directory
from lti_tool.exports.cells import csv_text, looks_like_formula
from lti_tool.exports.completions import COLUMNS, csv_chunks, write_xlsx
from tests.exports.test_completion_exports import _csv, _reports
from tests.grades.test_score_delivery import complete_module
from tests.learning.helpers import walk_module
from tests.lti import PARTICIPANT, PARTICIPANT_RU, launch

NAMES = {PARTICIPANT: "=1+1", PARTICIPANT_RU: "@SUM(1,1)"}
COURSE_TITLE = "=2+3"
ACTIVITY_TITLE = "Työelämä;=HYPERLINK(1)"  # a separator, then a formula


@pytest.fixture
def formula_names(quizzes, monkeypatch):
    """The development platform's learners and course 101 with formula-like names."""
    monkeypatch.setattr(
        directory,
        "USERS",
        tuple(dataclasses.replace(u, name=NAMES.get(u.id, u.name)) for u in directory.USERS),
    )
    monkeypatch.setattr(
        directory,
        "COURSES",
        tuple(
            dataclasses.replace(c, title=COURSE_TITLE) if c.id == "101" else c
            for c in directory.COURSES
        ),
    )
    monkeypatch.setattr(
        directory,
        "LINKS",
        tuple(
            dataclasses.replace(link, title=ACTIVITY_TITLE) if link.id == "301" else link
            for link in directory.LINKS
        ),
    )
    complete_module(quizzes)
    browser = quizzes.browser()
    walk_module(browser, launch(browser, PARTICIPANT_RU).page)
    return quizzes


def test_formula_names_and_titles_are_text_in_the_csv(formula_names):
    browser, base = _reports(formula_names)
    answer = browser.get(browser.url(base + "reports/completions"), params={"file_format": "csv"})
    assert answer.status_code == 200
    rows = {row["learner_id"]: row for row in _csv(answer)}
    assert rows[PARTICIPANT]["name"] == "'=1+1"
    assert rows[PARTICIPANT_RU]["name"] == "'@SUM(1,1)"
    assert {row["course"] for row in rows.values()} == {"'=2+3"}
    assert {row["activity"] for row in rows.values()} == {"Työelämä;'=HYPERLINK(1)"}
    # Every cell of the file, split by either separator, starts as text or is a number.
    for line in answer.content.decode("utf-8-sig").splitlines()[1:]:
        for cell in (c.strip('"') for sep in ",;" for c in line.split(sep)):
            assert not looks_like_formula(cell), (cell, line)
    # Numbers stay numbers (unquoted, no apostrophe), and so do yes/no and dates.
    done = rows[PARTICIPANT]
    assert (done["pages_seen"], done["best_score_percent"], done["quiz_passed"]) == ("5", "100.0", "yes")
    assert done["completed_at"][:2] == "20"


def test_formula_names_are_strings_in_the_xlsx_never_formulas(formula_names, tmp_path):
    browser, base = _reports(formula_names)
    answer = browser.get(browser.url(base + "reports/completions"), params={"file_format": "xlsx"})
    assert answer.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(answer.content)
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    cells = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    names = {row["Nimi"].value: row["Nimi"] for row in cells}
    assert set(names) == {"=1+1", "@SUM(1,1)"}  # the text as Moodle sent it
    for row in cells:
        for key in ("Nimi", "Kurssi"):
            assert row[key].data_type == "s", (key, row[key].value)  # a string, not "f"
            assert row[key].quotePrefix  # Excel keeps it text when the cell is edited
        assert row["Sähköposti"].data_type == "s" and not row["Sähköposti"].quotePrefix
        assert row["Luetut sivut"].data_type == "n"


def test_the_command_line_csv_follows_the_same_rule(formula_names, tmp_path):
    out = tmp_path / "all.csv"
    result = CliRunner().invoke(
        main,
        ["export", "completions", "--machine", "--delimiter", ";", "--output", str(out)],
        obj=ScriptInfo(create_app=lambda: formula_names.app),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    assert {r["name"] for r in rows if r["course"] == "'=2+3"} == {"'=1+1", "'@SUM(1,1)"}


def _record(**values):
    record = dict.fromkeys((c.key for c in COLUMNS), None)
    record.update(values)
    return tuple(record.values())


def test_negative_numbers_stay_numbers_and_negative_looking_text_does_not():
    record = _record(pages_seen=-3, percent=-50, best_score=-0.5, course="-3", name="+358 40")
    text = b"".join(csv_chunks([record])).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["pages_seen"], row["pages_percent"], row["best_score_percent"]) == ("-3", "-50", "-0.5")
    assert (row["course"], row["name"]) == ("'-3", "'+358 40")


def test_xlsx_numbers_stay_numbers(tmp_path):
    path = tmp_path / "numbers.xlsx"
    write_xlsx([_record(pages_seen=-3, name="-3")], str(path))
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["pages_seen"].value == -3 and row["pages_seen"].data_type == "n"
    assert row["name"].value == "-3" and row["name"].data_type == "s" and row["name"].quotePrefix


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1,1)", "'@SUM(1,1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (" =1+1", "' =1+1"),
        ('"=1+1', "'\"=1+1"),
        ("Virtanen, =1+1", "Virtanen,' =1+1"),
        ("a;@b", "a;'@b"),
        ("a\t-b", "a\t'-b"),
        ("line\n=2", "line\n'=2"),
        ("Anna-Liisa Virtanen", "Anna-Liisa Virtanen"),
        ("https://moodle.example.invalid", "https://moodle.example.invalid"),
        ("a@b.fi", "a@b.fi"),
        ("'=1", "'=1"),  # already text
        ("", ""),
    ],
)
def test_the_csv_rule(value, written):
    assert csv_text(value) == written
