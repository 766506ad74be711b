"""A learner takes a module's quiz through real launches: start, save, send, review, retry."""

from __future__ import annotations

from sqlalchemy import select

from courses.database import db
from courses.progress.models import ModuleProgress
from quizzes.models import Attempt, AttemptResponse
from tests.learning.helpers import walk_module
from tests.lti import launch
from tests.quizzes.pages import answers, attempt_id, open_quiz, send, start


def test_a_participant_passes_the_quiz_and_completes_the_module(quizzes):
    site = quizzes
    browser = site.browser()
    first = launch(browser).page
    assert "/quiz/finnish-working-life/" in first.text
    pages = walk_module(browser, first)
    home = open_quiz(browser, pages[-1])
    page = start(browser, home)
    attempt = attempt_id(page)
    assert page.text.count("<fieldset") >= 6
    saved = send(browser, page, answers(site.app, attempt), "submit")
    assert saved.status_code == 303
    review = browser.get(browser.url(saved.headers["Location"]))
    assert review.status_code == 200
    assert "100 %" in review.text
    with site.app.app_context():
        row = db.session.execute(select(ModuleProgress)).scalar_one()
        assert (row.status, row.quiz_passed) == ("completed", True)
