"""A library module's quiz settings in the draft: where they come from, their ranges, and
publishing them (and restoring them with a version); the page through real launches,
refused to learners and to another site."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from authoring import history, library, publishing, quiz_settings
from authoring.quiz_models import DraftQuizSettings
from courses.database import db
from quizzes.models import Quiz
from quizzes.settings import Settings
from tests.authoring.conftest import shipped
from tests.authoring.test_authoring_pages import _adapted, _launch_id
from tests.browser import forms_in
from tests.lti import PARTICIPANT, launch


def _quiz_of(module_id: int) -> Quiz:
    return db.session.execute(select(Quiz).where(Quiz.module_id == module_id)).scalar_one()


def _rows() -> int:
    return db.session.execute(select(func.count()).select_from(DraftQuizSettings)).scalar_one()


def test_an_adapted_module_starts_from_its_originals_settings_and_publishes_its_own(sites):
    app, site, _ = sites
    with app.app_context():
        original = _quiz_of(shipped())
        original.pass_mark, original.attempts_allowed = 70, 3
        db.session.commit()
        lm = library.adapt(site, shipped(), None)
        settings, source = quiz_settings.draft_settings(lm)
        assert source == "original" and (settings.pass_mark, settings.attempts_allowed) == (70, 3)
        questions = quiz_settings.question_count(lm)
        assert questions > 1
        wanted = Settings(
            pass_mark=80, attempts_allowed=2, grading_method="last", random_count=questions - 1
        )
        quiz_settings.save_settings(site, lm.id, wanted, None)
        assert quiz_settings.draft_settings(lm) == (wanted, "draft")
        publishing.publish(site, lm.id, "Asetukset", None)
        published = _quiz_of(lm.module_id)
        assert (published.pass_mark, published.attempts_allowed, published.grading_method) == (
            80,
            2,
            "last",
        )
        assert published.random_count == questions - 1
        assert _quiz_of(shipped()).pass_mark == 70  # the original keeps its own
        # Changed, published again, then version 1 restored: its settings are the draft's again.
        quiz_settings.save_settings(site, lm.id, Settings(pass_mark=50), None)
        publishing.publish(site, lm.id, "Toiset", None)
        assert _quiz_of(lm.module_id).pass_mark == 50
        history.restore(site, lm.id, 1, None)
        assert quiz_settings.draft_settings(lm)[0].pass_mark == 80


@pytest.mark.parametrize(
    "settings",
    [
        Settings(random_count=10_000),
        Settings(attempts_allowed=101),
    ],
)
def test_settings_out_of_range_are_refused_and_nothing_is_written(sites, settings):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        with pytest.raises(quiz_settings.InvalidSettings):
            quiz_settings.save_settings(site, lm.id, settings, None)
        db.session.rollback()
        assert _rows() == 0


def test_another_sites_module_is_not_theirs_to_set(sites):
    app, site, other = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        with pytest.raises(library.NotInLibrary):
            quiz_settings.save_settings(other, lm.id, Settings(), None)
        db.session.rollback()
        assert _rows() == 0


def test_the_settings_page_saves_refuses_out_of_range_and_is_only_the_sites_trainers(
    quizzes, sites
):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    module = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    address = f"/l/{launch_id}/library/{module_id}/quiz-settings"
    assert address in module.text
    page = browser.get(site.url + address)
    assert page.status_code == 200 and 'id="random_count"' in page.text and "band" not in page.text
    (form,) = [f for f in forms_in(page.text) if "pass_mark" in f.fields]
    too_many = browser.post(site.url + address, data={**form.fields, "random_count": "999"})
    assert too_many.status_code == 400 and 'id="random_count-error"' in too_many.text
    bad = browser.post(site.url + address, data={**form.fields, "pass_mark": "120"})
    assert bad.status_code == 400
    with site.app.app_context():
        assert _rows() == 0
    saved = browser.post(
        site.url + address,
        data={**form.fields, "pass_mark": "75", "random_count": "2"},
        allow_redirects=False,
    )
    assert saved.status_code == 303
    again = browser.get(site.url + saved.headers["Location"])
    assert 'value="75"' in again.text and 'role="status"' in again.text
    # The preview takes its quiz with the draft's settings.
    home = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/preview/fi/quiz/")
    assert "75 %" in home.text and "2 kysymystä" in home.text
    # Another site's module; a learner.
    app, _, second = sites
    with app.app_context():
        theirs = library.adapt(second, shipped(), None).id
    assert (
        browser.get(site.url + f"/l/{launch_id}/library/{theirs}/quiz-settings").status_code == 404
    )
    assert (
        browser.post(
            site.url + f"/l/{launch_id}/library/{theirs}/quiz-settings", data=form.fields
        ).status_code
        == 404
    )
    learner = site.browser()
    learner_launch = _launch_id(launch(learner, PARTICIPANT).page)
    assert (
        learner.get(site.url + f"/l/{learner_launch}/library/{module_id}/quiz-settings").status_code
        == 403
    )
    with site.app.app_context():
        assert _rows() == 1
