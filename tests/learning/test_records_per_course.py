"""A learner's record belongs to the course it happened in.

The participant (one Moodle user) takes the same module in two courses of one Moodle:
course 103 (B) and course 101 (A). Pages read in one count as read in the other; quiz
attempts, their limit, standing, completion and scores stay in their course.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from courses.database import db
from courses.progress.models import ModuleProgress
from lti_tool.identity.models import LtiUser
from quizzes.models import Attempt
from tests.exports.test_completion_exports import _csv, _reports
from tests.grades.helpers import cell, drain
from tests.learning.helpers import progress_of, walk_module
from tests.lti import PARTICIPANT, TRAINER, WORKING_LIFE, WORKING_LIFE_AUTUMN, launch
from tests.quizzes.pages import answers, attempt_id, form_posting_to, open_quiz, send, start
from tests.quizzes.test_quiz_pages import _trainer_settings

A, B = WORKING_LIFE, WORKING_LIFE_AUTUMN


def _fail_the_quiz_in(site, activity: str):
    """Read every page of the module in the activity's course and fail its quiz there;
    the browser, the attempt's id and the quiz's start form as it was shown."""
    browser = site.browser()
    pages = walk_module(browser, launch(browser, PARTICIPANT, activity).page)
    home = open_quiz(browser, pages[-1])
    page = start(browser, home)
    attempt = attempt_id(page)
    sent = send(browser, page, answers(site.app, attempt, right=False), "submit")
    assert sent.status_code == 303
    return browser, attempt, form_posting_to(home, "/start")


def _export(site, activity: str) -> list[dict[str, str]]:
    browser, base = _reports(site, TRAINER, activity)
    answer = browser.get(
        browser.url(base + "reports/completions"), params={"scope": "course", "file_format": "csv"}
    )
    assert answer.status_code == 200
    return _csv(answer)


def test_work_in_one_course_stays_there_when_the_learner_opens_another(quizzes):
    site = quizzes
    _fail_the_quiz_in(site, B)
    browser = site.browser()
    first = launch(browser, PARTICIPANT, A).page
    assert progress_of(first) == (5, 5)  # pages read in B count as read in A
    home = open_quiz(browser, first)
    assert "<tr>" not in home.text  # no attempts in A: B's stay in B
    (in_b,) = _export(site, B)
    assert (in_b["course_id"], in_b["attempts_used"], in_b["status"]) == ("103", "1", "in_progress")
    assert in_b["quiz_passed"] == "no" and float(in_b["best_score_percent"]) < 60
    (in_a,) = _export(site, A)
    assert (in_a["course_id"], in_a["attempts_used"], in_a["best_score_percent"]) == ("101", "0", "")
    assert (in_a["pages_seen"], in_a["status"]) == ("5", "in_progress")
    with site.app.app_context():
        records = db.session.execute(
            select(ModuleProgress.course_key).join(LtiUser).where(LtiUser.sub == PARTICIPANT)
        ).scalars().all()
        assert len(records) == 2 and len(set(records)) == 2


def test_attempts_are_limited_and_opened_per_course(quizzes):
    site = quizzes
    _, saved = _trainer_settings(site, B, attempts_allowed="1")
    assert saved.status_code == 303
    browser_b, attempt_in_b, start_form = _fail_the_quiz_in(site, B)
    again = browser_b.post(
        browser_b.url(start_form.action), data=start_form.fields, allow_redirects=False
    )
    assert again.status_code == 409  # B's one attempt is used
    browser_a = site.browser()
    first_a = launch(browser_a, PARTICIPANT, A).page
    page_a = start(browser_a, open_quiz(browser_a, first_a))  # A has its own attempts
    assert attempt_id(page_a) != attempt_in_b
    base_a = re.search(r"(/l/[^/]+/)", page_a.url).group(1)
    elsewhere = browser_a.get(browser_a.url(f"{base_a}attempt/{attempt_in_b}/review"))
    assert elsewhere.status_code == 404  # B's attempt is not A's to show
    with site.app.app_context():
        numbers = db.session.execute(select(Attempt.course_key, Attempt.number)).all()
        assert len({course for course, _ in numbers}) == 2
        assert sorted(number for _, number in numbers) == [1, 1]


def test_completing_in_one_course_grades_that_course_only(quizzes):
    site = quizzes
    _fail_the_quiz_in(site, B)
    browser = site.browser()
    first = launch(browser, PARTICIPANT, A).page
    page = start(browser, open_quiz(browser, first))
    assert send(browser, page, answers(site.app, attempt_id(page)), "submit").status_code == 303
    drain(site.app)
    in_a = cell(site.app, "101", "301", PARTICIPANT)
    assert (in_a.grade, in_a.grading_progress) == (100.0, "FullyGraded")
    assert cell(site.app, "103", "321", PARTICIPANT) is None  # B is not completed
    statuses = {row["course_id"]: row["status"] for row in _export(site, A) + _export(site, B)}
    assert statuses == {"101": "completed", "103": "in_progress"}
    _fail_the_quiz_in(site, B)  # more work in B afterwards takes nothing from A
    drain(site.app)
    assert cell(site.app, "101", "301", PARTICIPANT).grade == 100.0
    assert cell(site.app, "103", "321", PARTICIPANT) is None
    for activity, shown in ((A, "Suoritettu"), (B, "Kesken")):  # the trainer's group pages
        browser, base = _reports(site, TRAINER, activity)
        group = browser.get(browser.url(base + "group")).text
        row = group.split("Demo Osallistuja", 1)[1].split("</tr>", 1)[0]
        assert shown in row and 'data-pages="5/5"' in row, (activity, row)
