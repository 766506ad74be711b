"""Moodle's summary step before an attempt is sent: which questions are answered, links
back, and a confirmation; the final submit grades what was saved, nothing else."""

from __future__ import annotations

import re

from sqlalchemy import select

from courses.database import db
from quizzes.models import Attempt
from tests.browser import forms_in
from tests.learning.helpers import walk_module
from tests.lti import launch
from tests.quizzes.pages import answers, attempt_id, open_quiz, send, start


def _attempt_page(site):
    browser = site.browser()
    pages = walk_module(browser, launch(browser).page)
    return browser, start(browser, open_quiz(browser, pages[-1]))


def _status(site, attempt):
    with site.app.app_context():
        row = db.session.execute(select(Attempt).where(Attempt.id == attempt)).scalar_one()
        return row.status, row.score


def test_finish_saves_the_answers_and_shows_which_are_missing(quizzes):
    browser, page = _attempt_page(quizzes)
    attempt = attempt_id(page)
    assert 'value="finish"' in page.text and 'value="submit"' not in page.text
    given = answers(quizzes.app, attempt)
    first_two = dict(list(given.items())[:2])
    finished = send(browser, page, first_two, "finish")
    assert finished.status_code == 303
    assert finished.headers["Location"].endswith(f"/attempt/{attempt}/summary")
    summary = browser.get(browser.url(finished.headers["Location"]))
    assert summary.status_code == 200
    answered = summary.text.count('class="kp-answered"')
    missing = summary.text.count('class="kp-not-answered"')
    assert answered == 2 and missing >= 4
    assert f"Olet jättänyt {missing} kysymykseen vastaamatta." in summary.text  # the launch is in Finnish
    # Each row links back to its question on the questions' page.
    assert len(re.findall(rf'href="[^"]*/attempt/{attempt}#q\d+"', summary.text)) == answered + missing
    assert _status(quizzes, attempt) == ("in_progress", None)


def test_an_unconfirmed_send_asks_and_changes_nothing(quizzes):
    browser, page = _attempt_page(quizzes)
    attempt = attempt_id(page)
    summary = browser.get(page.url + "/summary")
    form = forms_in(summary.text)[0]
    asked = browser.post(browser.url(form.action or summary.url), data=form.fields, allow_redirects=False)
    assert asked.status_code == 200
    assert "Lähetetäänkö vastauksesi ja lopetetaan?" in asked.text and 'id="confirm"' in asked.text
    assert _status(quizzes, attempt) == ("in_progress", None)


def test_the_confirmed_send_grades_what_was_saved(quizzes):
    browser, page = _attempt_page(quizzes)
    attempt = attempt_id(page)
    send(browser, page, answers(quizzes.app, attempt), "finish")
    summary = browser.get(page.url + "/summary")
    assert "vastaamatta" not in summary.text
    csrf = forms_in(summary.text)[0].fields["csrf_token"]
    sent = browser.post(summary.url, data={"csrf_token": csrf, "confirmed": "1"}, allow_redirects=False)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/review?submitted=1")
    assert _status(quizzes, attempt) == ("submitted", 1.0)
    # Once sent, the summary is the review.
    again = browser.get(summary.url, allow_redirects=False)
    assert again.status_code == 303 and again.headers["Location"].endswith("/review")


def test_the_summary_needs_the_form_token_and_the_learners_own_attempt(quizzes):
    browser, page = _attempt_page(quizzes)
    attempt = attempt_id(page)
    summary_url = page.url + "/summary"
    forged = browser.post(summary_url, data={"csrf_token": "forged", "confirmed": "1"}, allow_redirects=False)
    assert forged.status_code == 400
    other = quizzes.browser()
    theirs = launch(other, user="2002").page
    their_launch = re.search(r"/l/([^/]+)/", theirs.url).group(1)
    stranger = re.sub(r"/l/[^/]+/", f"/l/{their_launch}/", summary_url)
    assert other.get(stranger).status_code == 403  # as the questions page says
    assert _status(quizzes, attempt) == ("in_progress", None)
