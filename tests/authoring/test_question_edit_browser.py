"""An adapted question edited by its form in Chromium (issue 16, "edits and adds quiz
questions by form"): its text and one answer's feedback changed, previewed as a learner
sees it, saved, published; a learner in Moodle's iframe then gets the edited question
and, in the review, the edited feedback."""

from __future__ import annotations

import re

from sqlalchemy import select

from authoring.models import LibraryModule
from authoring.quiz_models import DraftQuestion
from courses.database import db
from tests.authoring.chromium_pages import PARTICIPANT, adapt, trainer_page
from tests.browser import forms_in
from tests.chromium import (
    answer_every_question,
    require_chromium,
    send_attempt,
)
from tests.lti import TRAINER, launch
from tests.test_real_browser import launch_in_iframe

require_chromium()

NEW_TEXT = "Amina saa työpaikan keittiöapulaisena. Mitä hänen kannattaa tehdä ensimmäisenä päivänä?"
NEW_FEEDBACK = "Oikein. Kirjallinen sopimus suojaa sekä Aminaa että työnantajaa."


def _bind_the_unbound_activity(site, slug: str) -> None:
    """The trainer binds the activity that has no module yet to the site's module."""
    browser = site.browser()
    unbound = launch(browser, TRAINER, "101:303").page
    (bind,) = [f for f in forms_in(unbound.text) if f.action.endswith("/bind")]
    bound = browser.post(site.url + bind.action, data={**bind.fields, "module": slug}, allow_redirects=False)
    assert bound.status_code == 303


def test_an_adapted_question_edited_by_its_form_reaches_the_learner(chromium, quizzes):
    """(About 10 s: the trainer's and the learner's browsers, a whole quiz attempt.)"""
    site = quizzes
    context, page, launch_id = trainer_page(chromium, site)
    module_id, _ = adapt(page, site, launch_id)
    module_url = page.url
    with site.app.app_context():
        question = db.session.execute(
            select(DraftQuestion.id).where(
                DraftQuestion.library_module_id == module_id,
                DraftQuestion.idnumber == "finnish-working-life-written-contract",
            )
        ).scalar_one()
        slug = db.session.get(LibraryModule, module_id).slug

    page.goto(site.url + f"/l/{launch_id}/library/{module_id}/quiz/{question}/fi")
    assert page.locator("#text").input_value().startswith("Amina saa työpaikan siivoojana.")
    assert page.locator("#choices-0-feedback").input_value().startswith("Oikein.")
    page.locator("#text").fill(NEW_TEXT)
    page.locator("#choices-0-feedback").fill(NEW_FEEDBACK)
    page.get_by_role("button", name="Esikatselu", exact=True).click()
    page.locator(".kp-preview fieldset.kp-question").wait_for()
    assert NEW_TEXT in page.locator(".kp-preview").inner_text()  # as the learner will see it
    assert page.locator("#choices-0-feedback").input_value() == NEW_FEEDBACK  # still in the form
    page.get_by_role("button", name="Tallenna", exact=True).click()
    page.locator("p.alert-success[role=status]").wait_for()
    assert page.locator("#text").input_value() == NEW_TEXT

    page.goto(module_url)
    page.locator("#note").fill("Ensimmäinen kysymys omaksi")
    page.get_by_role("button", name="Julkaise uusi versio").click()
    page.locator("text=Versio 1 on julkaistu.").wait_for()
    context.close()
    _bind_the_unbound_activity(site, slug)

    # The learner, in Moodle's iframe, takes the published quiz.
    learner = chromium.new_context(locale="fi-FI")
    launcher = learner.new_page()
    launcher.goto(site.url + "/devplatform/")
    frame = launch_in_iframe(launcher, PARTICIPANT, "Kotopaikka (not set up yet)")
    frame.locator(".kp-quiz-status a").click()
    frame.locator("form[action$='/start'] button").click()
    frame.locator("form[data-autosave]").wait_for()
    edited = frame.locator("fieldset.kp-question", has_text=NEW_TEXT)
    assert edited.count() == 1
    assert "siivoojana" not in frame.locator("form[data-autosave]").inner_text()
    answer_every_question(frame)
    edited.get_by_label(re.compile(r"^Pyytää ystävällisesti kirjallista työsopimusta")).check()  # its feedback edited
    send_attempt(frame)
    review = frame.locator("main").inner_text()
    assert NEW_TEXT in review and NEW_FEEDBACK in review  # the edited answer's feedback
    assert re.search(r"Oikein\. Kirjallisesta sopimuksesta", review) is None  # not the old one
    learner.close()
