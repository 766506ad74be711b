"""Exports a coordinator can hand on: the interface language, Finnish time, Finnish Excel."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, update

from courses.database import db
from courses.progress.models import ModuleProgress
from lti_tool.cli import main
from lti_tool.exports import localised
from lti_tool.exports.cells import looks_like_formula
from lti_tool.exports.completions import COLUMNS
from lti_tool.i18n import UI_LOCALES
from lti_tool.identity.models import LtiUser
from lti_tool.registry.services import PlatformSpec, add_platform
from tests.exports.test_completion_exports import _reports
from tests.exports.test_formula_cells import formula_names  # noqa: F401 - a fixture
from tests.grades.helpers import complete_module
from tests.lti import COORDINATOR, EMPLOYER_MENTOR, MENTOR_COURSE, PARTICIPANT, PARTICIPANT_RU

JULY = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # summer time in Finland: UTC+3
JANUARY = datetime(2026, 1, 15, 12, 0)  # winter time: UTC+2 (naive UTC, as SQLite gives it)


def _get(browser, base, **params):
    return browser.get(browser.url(base + "reports/completions"), params=params)


def _semicolon_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # so that Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _sheet(data: bytes, tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    return openpyxl.load_workbook(path).active


def _completed(site, best_score=0.667):
    complete_module(site)
    with site.app.app_context():  # a score with a decimal, and known times
        db.session.execute(
            update(ModuleProgress).values(
                best_score=best_score, started_at=JANUARY.replace(tzinfo=UTC), completed_at=JULY
            )
        )
        db.session.commit()


def test_the_xlsx_has_finnish_headers_local_times_and_numbers_as_numbers(quizzes, tmp_path):
    site = quizzes
    _completed(site)
    browser, base = _reports(site)
    answer = _get(browser, base, file_format="xlsx")
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    sheet = _sheet(answer.content, tmp_path)
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Organisaatio", "Kurssi", "Aktiviteetti", "Valmennusohjelma"]
    assert "Suoritettu (Suomen aikaa)" in header and "Tila" in header
    assert not {"Kurssin tunniste", "Moodle (issuer-osoite)", "Oppijan tunniste"} & set(header)
    row = dict(zip(header, sheet[2], strict=True))
    assert row["Suoritettu (Suomen aikaa)"].value == datetime(2026, 7, 1, 15, 0)  # 12 UTC, +3
    assert row["Suoritettu (Suomen aikaa)"].number_format == "d.m.yyyy h:mm"
    assert row["Aloitettu (Suomen aikaa)"].value == datetime(2026, 1, 15, 14, 0)  # 12 UTC, +2
    assert row["Paras testitulos, %"].value == pytest.approx(66.7)
    assert row["Paras testitulos, %"].data_type == "n" and row["Luetut sivut"].value == 5
    assert (row["Tila"].value, row["Testi hyväksytty"].value) == ("Suoritettu", "kyllä")
    assert row["Kohderyhmä"].value == "Osallistuja" and row["Käytetty kieli"].value == "suomi"
    assert (
        row["Moduuli"].value == "Suomalainen työelämä" and row["Nimi"].value == "Demo Osallistuja"
    )
    assert (
        sheet.freeze_panes == "A2"
        and sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}2"
    )
    course = sheet.cell(2, header.index("Kurssi") + 1)
    assert sheet.column_dimensions[course.column_letter].width > len(course.value)  # fits the title
    assert 8 <= sheet.column_dimensions["A"].width < 60


def test_the_csv_round_trips_with_semicolons_and_decimal_commas(quizzes):
    site = quizzes
    _completed(site)
    browser, base = _reports(site)
    answer = _get(browser, base, file_format="csv_excel")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    (row,) = _semicolon_csv(answer.content)
    assert (
        row["Paras testitulos, %"] == "66,7"
        and float(row["Paras testitulos, %"].replace(",", ".")) == 66.7
    )
    assert (row["Luetut sivut"], row["Luettu, %"]) == ("5", "100")
    assert row["Suoritettu (Suomen aikaa)"] == "1.7.2026 15:00"
    assert row["Aloitettu (Suomen aikaa)"] == "15.1.2026 14:00"
    assert (row["Tila"], row["Testi hyväksytty"], row["Valmennusohjelma suoritettu"]) == (
        "Suoritettu",
        "kyllä",
        "ei",
    )
    assert row["Valmennusohjelma suoritettu (Suomen aikaa)"] == ""
    utc = _semicolon_csv(
        _get(browser, base, file_format="csv_excel", time_zone="utc", language="en").content
    )
    assert (
        utc[0]["Completed (UTC)"] == "2026-07-01 12:00"
        and utc[0]["Started (UTC)"] == "2026-01-15 12:00"
    )
    assert (utc[0]["Status"], utc[0]["Quiz passed"], utc[0]["Best quiz score, %"]) == (
        "Completed",
        "yes",
        "66,7",
    )


def test_technical_columns_only_when_asked(quizzes):
    site = quizzes
    _completed(site, best_score=1.0)
    browser, base = _reports(site)
    (row,) = _semicolon_csv(
        _get(browser, base, file_format="csv_excel", technical="y", language="sv").content
    )
    assert row["Kursens id"] == "101" and row["Aktivitetens id"] == "301"
    assert (
        row["Modul (kortnamn)"] == "finnish-working-life" and row["Deltagarens id"] == PARTICIPANT
    )
    assert row["Moodle (issuer-adress)"].startswith("http")
    assert (row["Läge"], row["Testet godkänt"], row["Bästa testresultat, %"]) == (
        "Slutförd",
        "ja",
        "100",
    )
    assert row["Slutförd (finsk tid)"] == "1.7.2026 15:00"
    (coded,) = _semicolon_csv(
        _get(browser, base, file_format="csv_excel", pseudonymise="y").content
    )
    assert coded["Oppijan koodi"].startswith("p-") and coded["Nimi"] == coded["Sähköposti"] == ""
    assert "Kurssin tunniste" not in coded


def test_summer_and_winter_times_in_helsinki_and_utc(quizzes, tmp_path):
    """A completion in July is UTC+3 in Helsinki, one in January UTC+2; either as an aware
    time (PostgreSQL) or as naive UTC (SQLite)."""
    record = dict.fromkeys((c.key for c in COLUMNS), None)
    rows = [
        tuple(
            {
                **record,
                "completed_at": when,
                "started_at": when,
                "programme_completed": False,
            }.values()
        )
        for when in (JULY, JANUARY, JULY.replace(tzinfo=None), JANUARY.replace(tzinfo=UTC))
    ]
    with quizzes.app.app_context():
        for language, july, january in (
            ("fi", "1.7.2026 15:00", "15.1.2026 14:00"),
            ("ru", "01.07.2026 15:00", "15.01.2026 14:00"),
            ("en", "2026-07-01 15:00", "2026-01-15 14:00"),
        ):
            layout = localised.layout(localised.Options(language=language))
            at = layout.keys.index("completed_at")
            parsed = list(
                csv.reader(
                    io.StringIO(b"".join(localised.csv_chunks(rows, layout)).decode("utf-8-sig")),
                    delimiter=";",
                )
            )
            assert [r[at] for r in parsed[1:]] == [july, january, july, january], language
        utc = localised.layout(localised.Options(utc=True))
        parsed = list(
            csv.reader(
                io.StringIO(b"".join(localised.csv_chunks(rows, utc)).decode("utf-8-sig")),
                delimiter=";",
            )
        )
        assert [r[utc.keys.index("completed_at")] for r in parsed[1:]] == [
            "1.7.2026 12:00",
            "15.1.2026 12:00",
        ] * 2
        assert parsed[0][utc.keys.index("completed_at")] == "Suoritettu (UTC)"
        path = tmp_path / "times.xlsx"
        assert localised.write_xlsx(rows, localised.layout(localised.Options()), str(path)) == 4
    sheet = openpyxl.load_workbook(path).active
    column = [c.value for c in sheet[1]].index("Suoritettu (Suomen aikaa)")
    assert [r[column].value for r in sheet.iter_rows(min_row=2)] == [
        datetime(2026, 7, 1, 15), datetime(2026, 1, 15, 14)] * 2  # fmt: skip


def test_formula_names_stay_text_in_the_localised_csv(formula_names):  # noqa: F811
    browser, base = _reports(formula_names)
    answer = _get(browser, base, file_format="csv_excel")
    rows = _semicolon_csv(answer.content)
    assert {r["Nimi"] for r in rows} == {"'=1+1", "'@SUM(1,1)"}
    assert {r["Kurssi"] for r in rows} == {"'=2+3"}
    assert {r["Aktiviteetti"] for r in rows} == {"Työelämä;'=HYPERLINK(1)"}
    for line in answer.content.decode("utf-8-sig").splitlines()[1:]:
        for cell in (c.strip('"') for sep in ",;" for c in line.split(sep)):
            assert not looks_like_formula(cell), (cell, line)


def test_a_coordinator_sees_nothing_of_another_moodle(quizzes):
    site = quizzes
    complete_module(site)
    complete_module(site, EMPLOYER_MENTOR, MENTOR_COURSE)
    browser, base = _reports(site, COORDINATOR)
    every = _semicolon_csv(_get(browser, base, scope="platform", file_format="csv_excel").content)
    assert {r["Nimi"] for r in every} == {"Demo Osallistuja", "Demo Työpaikkamentori"}
    with site.app.app_context():  # the participant's records now belong to another Moodle
        client, _ = add_platform(
            PlatformSpec(
                "https://moodle.other.example",
                "other",
                "1",
                "https://moodle.other.example/a",
                "https://moodle.other.example/t",
                "https://moodle.other.example/k",
            )
        )
        db.session.execute(
            update(LtiUser).where(LtiUser.sub == PARTICIPANT).values(platform_id=client.platform_id)
        )
        db.session.commit()
    rows = _semicolon_csv(_get(browser, base, scope="platform", file_format="csv_excel").content)
    assert {r["Nimi"] for r in rows} == {"Demo Työpaikkamentori"}
    machine = _get(browser, base, scope="platform", file_format="csv").text
    assert "Demo Osallistuja" not in machine and "Demo Työpaikkamentori" in machine


def test_a_trainer_exports_only_their_course_and_a_learner_nothing(quizzes, tmp_path):
    site = quizzes
    complete_module(site)
    complete_module(site, EMPLOYER_MENTOR, MENTOR_COURSE)
    browser, base = _reports(site, activity=MENTOR_COURSE)  # the trainer, in course 102
    rows = _semicolon_csv(_get(browser, base, file_format="csv_excel").content)
    assert [r["Nimi"] for r in rows] == ["Demo Työpaikkamentori"]
    assert _get(browser, base, scope="platform", file_format="csv_excel").status_code == 400
    assert _get(browser, base, scope="platform", file_format="xlsx").status_code == 400
    for user in (PARTICIPANT, PARTICIPANT_RU):
        learner, learner_base = _reports(site, user)
        for file_format in ("xlsx", "csv_excel", "csv"):
            answer = _get(learner, learner_base, file_format=file_format)
            assert answer.status_code == 403 and "Demo" not in answer.text


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"language": "de"}, "language", "Valitse jokin tarjolla olevista kielistä."),
        ({"time_zone": "Europe/Stockholm"}, "time_zone", "Valitse Suomen aika tai UTC."),
        (
            {"file_format": "csv_semicolon"},
            "file_format",
            "Valitse jokin tarjolla olevista tiedostoista.",
        ),
    ],
)
def test_bad_choices_are_refused_with_a_translated_message(quizzes, params, field, message):
    browser, base = _reports(quizzes)
    answer = _get(browser, base, **params)
    assert answer.status_code == 400
    assert f'id="{field}-error">{message}</p>' in answer.text


def test_the_form_offers_the_languages_time_zones_and_technical_columns(quizzes):
    browser, base = _reports(quizzes)
    page = browser.get(browser.url(base + "reports")).text
    for code in UI_LOCALES:
        assert f'lang="{code}"' in page and f'value="{code}"' in page
    assert re.search(r'<option lang="fi" selected value="fi">suomi</option>', page)
    assert re.search(r'<input checked [^>]*value="helsinki">', page)
    assert 'name="technical"' in page and 'value="csv_excel"' in page


def _catalogue(locale: str):
    with open(f"lti_tool/translations/{locale}/LC_MESSAGES/messages.po", "rb") as po:
        return read_po(po, locale=locale)


@pytest.mark.parametrize("locale", ["fi", "sv", "ru", "uk"])
def test_every_header_and_word_is_translated(quizzes, locale):
    catalogue = _catalogue(locale)
    words = [
        *(str(c.header._args[0]) for c in localised.LOCAL_COLUMNS),
        *(w._args[0] for w in (*localised.STATUSES.values(), *localised.AUDIENCES.values())),
        "Learner code", "Finnish time", "UTC", "yes", "no", "Completions",
    ]  # fmt: skip
    for msgid in words:
        assert catalogue[msgid] is not None and catalogue[msgid].string, (locale, msgid)
        assert "fuzzy" not in catalogue[msgid].flags
    with quizzes.app.app_context():
        headers = localised.layout(localised.Options(language=locale, technical=True)).headers
        english = localised.layout(localised.Options(language="en", technical=True)).headers
    assert len(headers) == len(localised.LOCAL_COLUMNS)
    assert sum(a != b for a, b in zip(headers, english, strict=True)) >= len(headers) - 2


def test_the_command_line_has_the_same_options(quizzes, tmp_path):
    site = quizzes
    _completed(site)
    runner = CliRunner()
    obj = ScriptInfo(create_app=lambda: site.app)
    help_text = runner.invoke(main, ["export", "completions", "--help"], obj=obj).output
    for option in ("--language", "--utc", "--technical", "--machine"):
        assert option in help_text
    out = tmp_path / "fi.csv"
    result = runner.invoke(main, ["export", "completions", "--output", str(out)], obj=obj)
    assert result.exit_code == 0 and "1 records written" in result.output, result.output
    (row,) = _semicolon_csv(out.read_bytes())
    assert row["Suoritettu (Suomen aikaa)"] == "1.7.2026 15:00" and "Kurssin tunniste" not in row
    result = runner.invoke(
        main,
        ["export", "completions", "--language", "uk", "--utc", "--technical", "--output", str(out)],
        obj=obj,
    )
    assert result.exit_code == 0, result.output
    (row,) = _semicolon_csv(out.read_bytes())
    assert row["Завершено (UTC)"] == "01.07.2026 12:00" and row["Ідентифікатор курсу"] == "101"
    assert row["Стан"] == "Завершено" and row["Тест складено"] == "так"
    xlsx = tmp_path / "sv.xlsx"
    result = runner.invoke(
        main,
        ["export", "completions", "--format", "xlsx", "--language", "sv", "--output", str(xlsx)],
        obj=obj,
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(xlsx)
    assert book.active.title == "Slutföranden" and book.active["A1"].value == "Organisation"
    machine = runner.invoke(
        main, ["export", "completions", "--machine", "--output", str(out)], obj=obj
    )
    assert machine.exit_code == 0
    assert out.read_text("utf-8-sig").startswith("organisation,platform_issuer,")
    for refused in (
        ["--machine", "--language", "sv"],
        ["--machine", "--utc"],
        ["--delimiter", ","],
    ):
        answer = runner.invoke(
            main, ["export", "completions", *refused, "--output", str(out)], obj=obj
        )
        assert answer.exit_code != 0 and "--machine" in answer.output, refused
    with site.app.app_context():
        assert db.session.execute(select(ModuleProgress.best_score)).scalar_one() == pytest.approx(
            0.667
        )


def test_the_hour_of_each_clock_change_is_right():
    """Around both changes of 2026 (29 March and 25 October, 01:00 UTC), every quarter of
    an hour is what zoneinfo says, for the CSV's text and the XLSX's datetime."""
    texts = localised._stamps(localised.HELSINKI, localised.DATE_FORMS["fi"])
    naive = localised._stamps(localised.HELSINKI, None)
    for day in (datetime(2026, 3, 28, 20), datetime(2026, 10, 24, 20)):
        for quarter in range(40):
            when = day + timedelta(minutes=15 * quarter)
            expected = when.replace(tzinfo=UTC).astimezone(localised.HELSINKI).replace(tzinfo=None)
            assert naive(when) == naive(when.replace(tzinfo=UTC)) == expected, when
            assert (
                texts(when)
                == f"{expected.day}.{expected.month}.{expected.year} {expected.hour}:{expected.minute:02}"
            )
    assert naive(datetime(2026, 3, 29, 1, 0)) == datetime(2026, 3, 29, 4, 0)  # 03:00 never was
    # 03:30 twice in October: summer time at 00:30 UTC, winter time at 01:30 UTC.
    assert (
        naive(datetime(2026, 10, 25, 0, 30))
        == naive(datetime(2026, 10, 25, 1, 30))
        == datetime(2026, 10, 25, 3, 30)
    )
