"""Small things a learner meets daily (issue 18): the favicon, a reflection's limit said
out loud, the random-questions range, and the next module after a pass."""

from __future__ import annotations

import re

from sqlalchemy import select

from courses.database import db
from courses.models import Module
from quizzes.models import CourseQuizSettings
from tests.learning.helpers import walk_module
from tests.lti import launch
from tests.quizzes.pages import answers, attempt_id, open_quiz, questions, send, start
from tests.quizzes.test_quiz_pages import _trainer_settings


def test_the_favicon_is_served_on_every_page(site):
    answer = site.browser().get(site.browser().url("/favicon.ico"))
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/vnd.microsoft.icon"
    assert answer.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    page = launch(site.browser()).page
    assert re.search(r'<link rel="icon" href="[^"]+\.svg"', page.text)


def _essay(site, page):
    layout, qs = questions(site.app, attempt_id(page))
    return next(slot for slot, q in enumerate(qs) if q.kind == "essay")


def test_a_reflection_shows_its_limit_and_a_long_one_is_kept_on_the_page(quizzes):
    browser = quizzes.browser()
    pages = walk_module(browser, launch(browser).page)
    page = start(browser, open_quiz(browser, pages[-1]))
    slot = _essay(quizzes, page)
    # The launch's locale is Finnish: Finnish words, Finnish numbers (5 000).
    assert "Voit kirjoittaa enintään 5\xa0000 merkkiä." in page.text
    assert f'id="q{slot}-count"' in page.text and "0 / 5\xa0000 merkkiä" in page.text
    assert 'maxlength="5000"' not in page.text  # the browser no longer cuts a paste short
    long_text = "Kirjoitan pitkästi. " * 300  # 6 000 characters
    refused = send(browser, page, {f"q{slot}": long_text}, "save")
    assert refused.status_code == 422
    assert "1\xa0000 merkkiä liikaa" in refused.text
    assert long_text.strip() in refused.text  # nothing the learner wrote is thrown away


def test_random_questions_cannot_exceed_the_quiz(quizzes):
    _, too_many = _trainer_settings(quizzes, random_count="99")
    assert too_many.status_code == 422
    assert re.search(r"Tässä testissä on \d+ kysymystä: anna luku 1–\d+", too_many.text)
    with quizzes.app.app_context():
        assert db.session.execute(select(CourseQuizSettings)).first() is None
    _, fits = _trainer_settings(quizzes, random_count="3")
    assert fits.status_code == 303


def _programme_order(site):
    with site.app.app_context():
        first = db.session.execute(select(Module).where(Module.slug == "finnish-working-life")).scalar_one()
        return [
            m.slug
            for m in db.session.execute(
                select(Module).where(Module.programme_id == first.programme_id).order_by(Module.position)
            ).scalars()
        ]


def test_after_a_pass_the_review_offers_the_next_module(quizzes):
    order = _programme_order(quizzes)
    following = order[order.index("finnish-working-life") + 1]
    browser = quizzes.browser()
    pages = walk_module(browser, launch(browser).page)
    home = open_quiz(browser, pages[-1])
    page = start(browser, home)
    failed = send(browser, page, answers(quizzes.app, attempt_id(page), right=False), "submit")
    review = browser.get(browser.url(failed.headers["Location"]))
    assert "Seuraava moduuli" not in review.text
    page = start(browser, open_quiz(browser, pages[-1]))
    passed = send(browser, page, answers(quizzes.app, attempt_id(page)), "submit")
    review = browser.get(browser.url(passed.headers["Location"]))
    link = re.search(r'<a class="btn btn-primary" href="([^"]+)">Seuraava moduuli', review.text)
    assert link and link.group(1).endswith(f"/m/{following}/")
    assert browser.get(browser.url(link.group(1))).status_code == 200

