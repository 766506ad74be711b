"""A learner who passed keeps their grade and completion in the gradebook, whatever follows.

The development platform stores a score that is not FullyGraded as an empty grade, as
Moodle 4.5 does (../shared/moodle.md): a Pending score after a pass would wipe the grade
and revert "receive a grade" completion. Every test here drives the learner's pages,
delivers the outbox to the platform and reads the platform's gradebook.
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import delete, select

from courses.database import db
from courses.packages.loader import DEFAULT_CONTENT, load_content
from courses.progress.models import ModuleProgress
from lti_tool.identity.models import LtiUser
from lti_tool.grades.models import DELIVERED, SUPERSEDED
from tests.grades.helpers import cell, complete_module, drain, outbox
from tests.learning.helpers import walk_module
from tests.lti import PARTICIPANT, launch
from tests.quizzes.pages import answers, attempt_id, open_quiz, send, start
from tests.quizzes.test_quiz_pages import _trainer_settings


def _take_quiz(site, browser, right: bool) -> None:
    """From a fresh launch of the activity: open the quiz, answer everything, submit."""
    first = launch(browser).page
    page = start(browser, open_quiz(browser, first))
    sent = send(browser, page, answers(site.app, attempt_id(page), right=right), "submit")
    assert sent.status_code == 303


def _graded(site):
    final = cell(site.app, "101", "301", PARTICIPANT)
    assert final is not None
    return final.grade, final.activity_progress, final.grading_progress


def test_reading_the_pages_sends_nothing_moodle_would_store_as_an_empty_grade(quizzes):
    site = quizzes
    browser = site.browser()
    walk_module(browser, launch(browser).page)
    assert outbox(site.app) == []  # every page seen, quiz not passed: nothing to record


def test_a_failed_attempt_after_a_pass_leaves_the_grade_and_completion(quizzes):
    site = quizzes
    browser = complete_module(site)
    drain(site.app)
    assert _graded(site) == (100.0, "Completed", "FullyGraded")
    _take_quiz(site, browser, right=False)
    reloaded = launch(browser).page  # and the learner comes back to the module
    assert browser.get(reloaded.url).status_code == 200
    drain(site.app)
    assert _graded(site) == (100.0, "Completed", "FullyGraded")  # the best attempt counts
    rows = outbox(site.app)
    assert len(rows) == 1  # the failed attempt changed nothing the gradebook holds
    assert {r.grading_progress for r in rows} == {"FullyGraded"}


def test_under_the_last_attempt_method_a_later_attempt_regrades_but_keeps_completion(quizzes):
    site = quizzes
    _, saved = _trainer_settings(site, grading_method="last")
    assert saved.status_code == 303
    browser = complete_module(site)
    _take_quiz(site, browser, right=False)  # before the worker ran: the first score waits
    drain(site.app)
    grade, activity, grading = _graded(site)
    assert grade is not None and grade < 50 and (activity, grading) == ("Completed", "FullyGraded")
    first, second = outbox(site.app)
    # The waiting score was replaced, not sent: the gradebook got the latest one only.
    assert (first.status, second.status) == (SUPERSEDED, DELIVERED)
    with site.app.app_context():
        record = db.session.execute(
            select(ModuleProgress).join(LtiUser).where(LtiUser.sub == PARTICIPANT)
        ).scalar_one()
        assert (record.status, record.quiz_passed) == ("completed", True)


@pytest.fixture
def fresh_content_afterwards(quizzes):
    """This test loads changed content: the next test starts from the shipped one."""
    yield quizzes
    with quizzes.app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


def test_pages_added_after_completion_take_nothing_away(fresh_content_afterwards, tmp_path):
    site = fresh_content_afterwards
    complete_module(site)
    drain(site.app)
    packages = tmp_path / "packages"
    shutil.copytree(DEFAULT_CONTENT / "keys-to-working-life", packages / "keys-to-working-life")
    module = packages / "keys-to-working-life" / "01-finnish-working-life"
    (module / "06-first-day.fi.md").write_text(
        "---\ntitle: Ensimmäinen työpäivä\n---\nKysy esihenkilöltä, kuka perehdyttää sinut.\n",
        encoding="utf-8",
    )
    with site.app.app_context():
        load_content(packages)
    browser = site.browser()
    pages = walk_module(browser, launch(browser).page)
    assert "Ensimmäinen työpäivä" in pages[-1].text
    drain(site.app)
    assert _graded(site) == (100.0, "Completed", "FullyGraded")
    assert {r.grading_progress for r in outbox(site.app)} == {"FullyGraded"}
    with site.app.app_context():
        record = db.session.execute(select(ModuleProgress)).scalar_one()
        assert record.status == "completed" and record.pages_total == 6
