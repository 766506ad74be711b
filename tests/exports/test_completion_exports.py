"""Completion exports: what a trainer, a coordinator and the command line get."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import openpyxl
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, update

from courses.database import db, utcnow
from courses.models import Module, Programme
from courses.progress.models import ModuleProgress
from lti_tool.cli import main
from tests.grades.helpers import complete_module
from tests.lti import COORDINATOR, EMPLOYER_MENTOR, MENTOR_COURSE, PARTICIPANT, TRAINER, launch


def _reports(site, user=TRAINER, activity="101:301"):
    browser = site.browser()
    first = launch(browser, user, activity).page
    base = re.search(r'href="(/l/[^/]+/)programme"', first.text).group(1)
    return browser, base


def _csv(response) -> list[dict[str, str]]:
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") > 1 else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_a_trainer_exports_the_course_in_the_machine_form(quizzes):
    site = quizzes
    complete_module(site)
    browser, base = _reports(site)
    page = browser.get(browser.url(base + "reports"))
    assert page.status_code == 200 and 'name="file_format"' in page.text
    assert 'value="platform"' not in page.text  # a trainer exports their course only
    answer = browser.get(
        browser.url(base + "reports/completions"), params={"scope": "course", "file_format": "csv"}
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    (row,) = _csv(answer)
    assert row["learner_id"] == PARTICIPANT and row["name"] == "Demo Osallistuja"
    assert (row["status"], row["best_score_percent"], row["quiz_passed"]) == ("completed", "100.0", "yes")
    assert (row["course_id"], row["activity_id"], row["module"]) == ("101", "301", "finnish-working-life")
    assert row["programme_completed"] == "no" and row["language"] == "fi"
    assert datetime.fromisoformat(row["completed_at"]) <= datetime.utcnow()


def test_pseudonymised_exports_hide_names_with_a_stable_code(quizzes):
    site = quizzes
    complete_module(site)
    browser, base = _reports(site)
    rows = [
        _csv(browser.get(browser.url(base + "reports/completions"), params={"file_format": "csv", "pseudonymise": "y"}))[0]
        for _ in range(2)
    ]
    assert rows[0]["learner_id"] == rows[1]["learner_id"] and rows[0]["learner_id"].startswith("p-")
    assert rows[0]["name"] == rows[0]["email"] == ""


def test_a_coordinator_exports_every_course_of_their_moodle(quizzes):
    site = quizzes
    complete_module(site)
    complete_module(site, EMPLOYER_MENTOR, MENTOR_COURSE)
    browser, base = _reports(site, COORDINATOR)
    assert 'value="platform"' in browser.get(browser.url(base + "reports")).text
    rows = _csv(browser.get(browser.url(base + "reports/completions"), params={"scope": "platform", "file_format": "csv"}))
    assert {(r["learner_id"], r["course_id"]) for r in rows} == {(PARTICIPANT, "101"), (EMPLOYER_MENTOR, "102")}
    mentors = _csv(
        browser.get(
            browser.url(base + "reports/completions"),
            params={"scope": "platform", "file_format": "csv", "audience": "employer_mentor"},
        )
    )
    assert [r["audience"] for r in mentors] == ["employer_mentor"]


def test_bad_export_requests_are_refused_with_the_reason(quizzes):
    site = quizzes
    browser, base = _reports(site)
    url = browser.url(base + "reports/completions")
    assert browser.get(url, params={"scope": "platform", "file_format": "csv"}).status_code == 400
    bad_dates = browser.get(url, params={"completed_from": "2026-12-01", "completed_to": "2026-11-01"})
    assert bad_dates.status_code == 400 and 'id="completed_to-error"' in bad_dates.text
    assert browser.get(url, params={"completed_from": "eilen"}).status_code == 400
    learner, learner_base = _reports(site, PARTICIPANT)
    assert learner.get(learner.url(learner_base + "reports")).status_code == 403
    assert learner.get(learner.url(learner_base + "reports/completions")).status_code == 403


def test_the_cli_exports_filters_and_marks_completed_programmes(quizzes, tmp_path):
    site = quizzes
    complete_module(site)
    complete_module(site, EMPLOYER_MENTOR, MENTOR_COURSE)
    with site.app.app_context():  # the mentor completes the rest of the programme
        mentor_row = db.session.execute(
            select(ModuleProgress).join(Module).join(Programme).where(Programme.slug == "mentor-training")
        ).scalar_one()
        others = db.session.execute(
            select(Module.id).join(Programme).where(Programme.slug == "mentor-training", Module.id != mentor_row.module_id)
        ).scalars()
        others = list(others)
        mentor_modules = 1 + len(others)
        for module_id in others:
            db.session.add(
                ModuleProgress(
                    learner_id=mentor_row.learner_id, module_id=module_id, audience="employer_mentor",
                    status="completed", pages_seen=4, pages_total=4, percent=100, completed_at=utcnow(),
                    context_id=mentor_row.context_id, course_key=mentor_row.course_key,
                    platform_id=mentor_row.platform_id,
                )
            )
        db.session.commit()
    runner = CliRunner()
    obj = ScriptInfo(create_app=lambda: site.app)
    out = tmp_path / "mentors.csv"
    result = runner.invoke(
        main,
        ["export", "completions", "--machine", "--programme", "mentor-training", "--delimiter", ";", "--output", str(out)],
        obj=obj,
    )
    assert result.exit_code == 0, result.output
    assert f"{mentor_modules} records written" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    assert {r["programme_completed"] for r in rows} == {"yes"} and len(rows) == mentor_modules
    xlsx = tmp_path / "all.xlsx"
    result = runner.invoke(main, ["export", "completions", "--machine", "--format", "xlsx", "--pseudonymise", "--output", str(xlsx)], obj=obj)
    assert result.exit_code == 0 and f"{mentor_modules + 1} records written" in result.output
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet.max_row == mentor_modules + 2 and all(str(c.value).startswith("p-") for c in list(sheet.columns)[10][1:])
    refused = runner.invoke(main, ["export", "completions", "--course", "101", "--output", str(out)], obj=obj)
    assert refused.exit_code != 0 and "--issuer" in refused.output
    with site.app.app_context():
        db.session.execute(update(ModuleProgress).values(completed_at=datetime(2025, 1, 1, tzinfo=timezone.utc)))
        db.session.commit()
    result = runner.invoke(main, ["export", "completions", "--from", "2026-01-01", "--output", str(out)], obj=obj)
    assert "0 records written" in result.output
