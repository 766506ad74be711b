"""Preview as a learner through real launches: a trainer reads the draft's pages in the
learner's own page, in each language (the Finnish fallback with its note), and takes its
quiz, graded and reviewed as a learner's; nothing is recorded, learners keep reading the
published version, and no one else reaches the preview."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from authoring.models import DraftText, LibraryModule
from courses.database import db
from tests.authoring.test_authoring_pages import _adapted, _editor_form, _launch_id
from tests.browser import forms_in
from tests.lti import PARTICIPANT, TRAINER, launch

RECORDS = (
    "page_view",
    "module_progress",
    "quiz_attempt",
    "quiz_response",
    "completion",
    "score_outbox",
)


def _counts(site) -> dict[str, int]:
    with site.app.app_context():
        tables = db.metadata.tables
        return {
            name: db.session.execute(select(func.count()).select_from(tables[name])).scalar_one()
            for name in RECORDS
            if name in tables
        }


def _save(browser, site, launch_id, page_id, language, title, body):
    editor, form = _editor_form(browser, site, launch_id, page_id, language)
    data = {**form.fields, "title": title, "body": body, "action": "save"}
    assert browser.post(editor.url, data=data, allow_redirects=False).status_code == 303


def _preview(browser, site, launch_id, module_id):
    first = browser.get(
        site.url + f"/l/{launch_id}/library/{module_id}/preview/", allow_redirects=False
    )
    assert first.status_code == 303, first.text
    return first.headers["Location"]


def test_the_preview_shows_the_draft_in_the_learners_page_and_records_nothing(quizzes):
    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    module_page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    assert f"/library/{module_id}/preview/" in module_page.text
    _save(browser, site, launch_id, pages[0][0], "fi", "Luonnoksen otsikko", "Tämä on **luonnos**.")
    before = _counts(site)
    address = _preview(browser, site, launch_id, module_id)
    page = browser.get(site.url + address)
    assert page.status_code == 200
    assert "Luonnoksen otsikko" in page.text and "<strong>luonnos</strong>" in page.text
    assert (
        "kp-preview-banner" in page.text and 'class="kp-toc"' in page.text
    )  # the learner's layout
    assert 'id="module-progress"' in page.text
    with site.app.app_context():
        slug = db.session.get(LibraryModule, module_id).slug
    assert (
        f"/preview/fi/m/{slug}/{pages[1][1]}" in page.text
    )  # the outline leads to the preview's pages
    # Another language: the learner's language form, answered by the preview (no choice kept).
    (language,) = [f for f in forms_in(page.text) if f.action.endswith("/preview/language")]
    with site.app.app_context():
        db.session.execute(
            DraftText.__table__.delete().where(
                DraftText.draft_page_id == pages[0][0], DraftText.language == "en"
            )
        )
        db.session.commit()
    moved = browser.post(
        site.url + language.action,
        data={**language.fields, "language": "en"},
        allow_redirects=False,
    )
    assert moved.status_code == 303 and "/preview/en/m/" in moved.headers["Location"]
    english = browser.get(site.url + moved.headers["Location"])
    assert english.status_code == 200 and "Luonnoksen otsikko" in english.text
    assert "kp-fallback" in english.text  # the note a learner gets when a translation is missing
    assert _counts(site) == before


def test_learners_keep_the_published_version_while_the_draft_is_previewed(quizzes):
    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    module = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    (publish,) = [f for f in forms_in(module.text) if f.action.endswith("/publish")]
    assert (
        browser.post(
            site.url + publish.action, data={**publish.fields, "note": "1"}, allow_redirects=False
        ).status_code
        == 303
    )
    _save(browser, site, launch_id, pages[0][0], "fi", "Vasta luonnoksessa", "Uusi teksti.")
    assert (
        "Vasta luonnoksessa"
        in browser.get(site.url + _preview(browser, site, launch_id, module_id)).text
    )
    with site.app.app_context():
        slug = db.session.get(LibraryModule, module_id).slug
    trainer = site.browser()
    unbound = launch(trainer, TRAINER, "101:303").page
    (bind,) = [f for f in forms_in(unbound.text) if f.action.endswith("/bind")]
    trainer.post(site.url + bind.action, data={**bind.fields, "module": slug})
    learner = site.browser()
    page = launch(learner, PARTICIPANT, "101:303").page
    assert page.status_code == 200 and "Vasta luonnoksessa" not in page.text
    # The learner reaches no preview, of this launch or their own.
    learner_launch = _launch_id(page)
    for path in (
        f"/l/{learner_launch}/library/{module_id}/preview/",
        f"/l/{learner_launch}/library/{module_id}/preview/fi/m/{slug}/",
    ):
        assert learner.get(site.url + path, allow_redirects=False).status_code in (403, 404)


def test_another_sites_module_has_no_preview(quizzes, sites):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    from authoring.library import adapt
    from tests.authoring.conftest import shipped

    app, _first, second = sites
    with app.app_context():
        theirs = adapt(second, shipped(), None)
        their_slug = theirs.slug
        theirs_id = theirs.id
    for path in ("/preview/", f"/preview/fi/m/{their_slug}/", "/preview/fi/quiz/"):
        answer = browser.get(
            site.url + f"/l/{launch_id}/library/{theirs_id}{path}", allow_redirects=False
        )
        assert answer.status_code == 404, path
    # Their module's slug under this site's module id: no page either.
    assert (
        browser.get(
            site.url + f"/l/{launch_id}/library/{module_id}/preview/fi/m/{their_slug}/"
        ).status_code
        == 404
    )
    assert (
        browser.get(site.url + f"/l/{launch_id}/library/{module_id}/preview/xx/m/x/").status_code
        == 400
    )


def test_the_preview_quiz_is_taken_graded_and_reviewed_without_a_record(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    before = _counts(site)
    home = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/preview/fi/quiz/")
    assert home.status_code == 200 and "kp-preview-banner" in home.text
    (start,) = [f for f in forms_in(home.text) if f.action.endswith("/quiz/start")]
    started = browser.post(site.url + start.action, data=start.fields, allow_redirects=False)
    assert started.status_code == 303
    attempt = browser.get(site.url + started.headers["Location"])
    assert attempt.status_code == 200 and 'class="kp-question"' in attempt.text
    assert "data-autosave" not in attempt.text
    (form,) = [
        f for f in forms_in(attempt.text) if "csrf_token" in f.fields and "action" not in f.action
    ]
    sent = browser.post(
        started.headers["Location"] and site.url + started.headers["Location"],
        data={**form.fields, "action": "submit"},
    )
    assert sent.status_code == 200 and "kp-result" in sent.text and "kp-review" in sent.text
    assert _counts(site) == before
    # A tampered answer is refused as a learner's is.
    bad = browser.post(
        site.url + started.headers["Location"],
        data={**form.fields, "q0": "99", "q99": "1", "action": "submit"},
    )
    assert bad.status_code in (400, 404)


def test_the_preview_quiz_grades_by_the_quizzes_code_with_the_drafts_settings(quizzes):
    from authoring import quiz_drafts, quiz_settings
    from quizzes.model import Question
    from quizzes.settings import Settings

    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    with site.app.app_context():
        lm = db.session.get(LibraryModule, module_id)
        _, questions, _ = quiz_drafts.draft_quiz(lm.site_id, module_id)
        for row in questions:
            quiz_drafts.remove_question(lm.site_id, module_id, row.id)
        question = Question(
            "truefalse",
            "Verokortti tilataan OmaVerosta.",
            truth=True,
            feedback_right="Oikein: OmaVerosta.",
            feedback_wrong="Väärin.",
        )
        quiz_drafts.add_question(lm.site_id, module_id, question, None)
        quiz_settings.save_settings(
            lm.site_id, module_id, Settings(pass_mark=100, attempts_allowed=2), None
        )
    before = _counts(site)
    home = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/preview/fi/quiz/")
    assert "100 %" in home.text and "Voit yrittää 2 kertaa." in home.text
    (start,) = [f for f in forms_in(home.text) if f.action.endswith("/quiz/start")]
    address = (
        site.url
        + browser.post(site.url + start.action, data=start.fields, allow_redirects=False).headers[
            "Location"
        ]
    )
    attempt = browser.get(address)
    (form,) = [
        f for f in forms_in(attempt.text) if "csrf_token" in f.fields and "action" not in f.action
    ]
    right = browser.post(address, data={**form.fields, "q0": "true", "action": "submit"})
    assert (
        right.status_code == 200
        and "kp-right" in right.text
        and "Oikein: OmaVerosta." in right.text
    )
    assert "100 %" in right.text and "1 yritys jäljellä." in right.text  # as if a first attempt
    wrong = browser.post(address, data={**form.fields, "q0": "false", "action": "submit"})
    assert "kp-wrong" in wrong.text and "Väärin." in wrong.text
    assert _counts(site) == before


def test_the_preview_quiz_goes_through_the_learners_summary_with_the_answers_carried(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    before = _counts(site)
    home = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/preview/fi/quiz/")
    (start,) = [f for f in forms_in(home.text) if f.action.endswith("/quiz/start")]
    started = browser.post(site.url + start.action, data=start.fields, allow_redirects=False)
    address = site.url + started.headers["Location"]
    attempt = browser.get(address)
    (form,) = [
        f for f in forms_in(attempt.text) if "csrf_token" in f.fields and "action" not in f.action
    ]
    radio = re.search(r'type="radio" name="(q\d+)" id="[^"]+" value="(\d+)"', attempt.text)
    name, value = radio.group(1), radio.group(2)
    summary = browser.post(address, data={**form.fields, name: value, "action": "finish"})
    assert summary.status_code == 200 and 'class="table kp-summary"' in summary.text
    assert (
        f'<input type="hidden" name="{name}" value="{value}">' in summary.text
    )  # carried, not stored
    assert f"?{name}={value}#q" in summary.text  # back to the questions, with the answer
    again = browser.get(address + f"?{name}={value}")
    assert re.search(rf'name="{name}" id="[^"]+" value="{value}" checked', again.text)
    asked = browser.post(address, data={"csrf_token": form.fields["csrf_token"], name: value})
    assert (
        asked.status_code == 200 and 'id="confirm"' in asked.text
    )  # the confirmation, as without JS
    sent = browser.post(
        address, data={"csrf_token": form.fields["csrf_token"], name: value, "confirmed": "1"}
    )
    assert sent.status_code == 200 and "kp-result" in sent.text
    assert _counts(site) == before
