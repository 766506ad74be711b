"""The quiz editor through real launches: a trainer lists, adds, edits, translates,
moves and removes questions, previews them as a learner sees them, imports GIFT with a
preview first; a learner then takes the published quiz. Another site sees nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from authoring.models import LibraryModule
from authoring.quiz_models import DraftQuestion, DraftQuestionText
from courses.database import db
from tests.authoring.test_authoring_pages import _adapted
from tests.browser import forms_in
from tests.lti import PARTICIPANT, TRAINER, WORKING_LIFE, launch
from tests.quizzes.pages import start


def _quiz(browser, site, launch_id, module_id):
    page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/quiz/")
    assert page.status_code == 200, page.text
    return page


def _draft_questions(site) -> int:
    with site.app.app_context():
        return db.session.execute(select(func.count()).select_from(DraftQuestion)).scalar()


def _import_url(site, launch_id: str, module_id: int) -> str:
    return site.url + f"/l/{launch_id}/library/{module_id}/quiz/import"


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


SINGLE = {
    "title": "Verokortti", "text": "Missä verokortti tilataan?", "text_format": "moodle",
    "choices-0-text": "OmaVerossa", "choices-0-grade": "100", "choices-0-feedback": "Oikein.",
    "choices-1-text": "Pankissa", "choices-1-grade": "0", "choices-1-feedback": "Ei.",
    "choices-2-text": "", "choices-2-grade": "", "general_feedback": "Verokortin saa OmaVerosta.",
}


def test_the_module_page_links_the_quiz_and_the_quiz_lists_its_questions(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    module = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    assert f"/library/{module_id}/quiz/" in module.text
    page = _quiz(browser, site, launch_id, module_id)
    with site.app.app_context():
        questions = db.session.execute(select(DraftQuestion).where(DraftQuestion.library_module_id == module_id)).scalars().all()
    assert questions and all(f"/quiz/{q.id}/en" in page.text for q in questions)
    assert "Suomenkielinen lähdeteksti" in page.text and "Ajan tasalla" in page.text  # the Finnish UI


def test_a_question_is_added_by_form_previewed_translated_and_published(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    base = site.url + f"/l/{launch_id}/library/{module_id}/quiz"
    new = browser.get(base + "/new/single")
    assert new.status_code == 200 and 'for="choices-0-text"' in new.text
    csrf = _csrf(new)
    preview = browser.post(base + "/new/single", data={**SINGLE, "csrf_token": csrf, "action": "preview"})
    assert preview.status_code == 200 and 'type="radio"' in preview.text and "OmaVerossa" in preview.text
    refused = browser.post(base + "/new/single", data={**SINGLE, "csrf_token": csrf, "action": "save",
                                                       "choices-0-grade": "50"})
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    bad = browser.post(base + "/new/single", data={**SINGLE, "csrf_token": csrf, "choices-1-grade": "lots"})
    assert bad.status_code == 400 and 'aria-describedby="choices-1-grade-error"' in bad.text
    saved = browser.post(base + "/new/single", data={**SINGLE, "csrf_token": csrf, "action": "save"},
                         allow_redirects=False)
    assert saved.status_code == 303
    editor = browser.get(site.url + saved.headers["Location"])
    assert editor.status_code == 200 and "Missä verokortti tilataan?" in editor.text
    question_id = int(re.search(r"/quiz/(\d+)/fi", saved.headers["Location"]).group(1))
    # The English translation starts from the Finnish question, beside it.
    english = browser.get(base + f"/{question_id}/en")
    assert english.status_code == 200 and "kp-side-by-side" in english.text
    data = {**SINGLE, "csrf_token": csrf, "text": "Where do you order a tax card?", "action": "save",
            "base_revision": "", "source_revision": "1"}
    assert browser.post(base + f"/{question_id}/en", data=data, allow_redirects=False).status_code == 303
    stale = browser.post(base + f"/{question_id}/en", data={**data, "text": "Late"})
    assert stale.status_code == 409 and "Where do you order a tax card?" in stale.text and "Late" in stale.text
    # The whole quiz as a learner sees it, in English: the new question in English.
    whole = browser.get(base + "/preview/en")
    assert whole.status_code == 200 and "Where do you order a tax card?" in whole.text
    with site.app.app_context():
        attempts = db.session.execute(select(func.count()).select_from(db.metadata.tables["quiz_attempt"])).scalar()
    assert attempts == 0  # a preview makes no attempt

    module = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    (publish,) = [f for f in forms_in(module.text) if f.action.endswith("/publish")]
    assert browser.post(site.url + publish.action, data={**publish.fields, "note": "Kysymys"},
                        allow_redirects=False).status_code == 303
    with site.app.app_context():
        slug = db.session.get(LibraryModule, module_id).slug
    trainer = site.browser()
    unbound = launch(trainer, TRAINER, "101:303").page
    (bind,) = [f for f in forms_in(unbound.text) if f.action.endswith("/bind")]
    trainer.post(site.url + bind.action, data={**bind.fields, "module": slug})
    learner = site.browser()
    page = launch(learner, PARTICIPANT, "101:303").page
    learner_launch = re.search(r"/l/([\w-]+)/", page.url).group(1)
    quiz_home = learner.get(site.url + f"/l/{learner_launch}/quiz/{slug}/")
    attempt = start(learner, quiz_home)
    assert "Missä verokortti tilataan?" in attempt.text


def test_a_pasted_gift_is_previewed_with_its_errors_then_saved(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    page = _quiz(browser, site, launch_id, module_id)
    csrf = _csrf(page)
    url = _import_url(site, launch_id, module_id)
    broken = "// [id:oma-a]\nRikki {=a ~b\n\n// [id:oma-b]\nEhjä {T}\n"
    shown = browser.post(url, data={"csrf_token": csrf, "language": "fi", "file_format": "gift", "text": broken,
                                    "action": "preview"})
    assert shown.status_code == 400 and "Rivi 2, sarake 7" in shown.text and "oma-b" in shown.text
    assert "Save these questions" not in shown.text and 'name="action" value="save"' not in shown.text
    good = "// [id:oma-b]\nEhjä {T}\n"
    uploaded = browser.post(url, data={"csrf_token": csrf, "language": "fi", "file_format": "gift"},
                            files={"file": ("q.gift", good.encode())})
    assert uploaded.status_code == 200 and "oma-b" in uploaded.text
    (confirm,) = [f for f in forms_in(uploaded.text) if f.fields.get("action") == "save"]
    before = _draft_questions(site)
    done = browser.post(site.url + confirm.action, data=confirm.fields, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("?imported=1")
    assert _draft_questions(site) == before + 1
    refused = browser.post(url, data={**confirm.fields, "text": broken})  # saving a broken text writes nothing
    assert refused.status_code == 400
    assert _draft_questions(site) == before + 1


def test_an_uploaded_moodle_xml_bank_shows_every_error_with_its_line_and_saves_nothing(quizzes):
    from tests.quizzes.test_moodle_xml_errors import BANK

    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    csrf = _csrf(_quiz(browser, site, launch_id, module_id))
    url = _import_url(site, launch_id, module_id)
    before = _draft_questions(site)
    form = {"csrf_token": csrf, "language": "fi", "file_format": "moodlexml"}
    shown = browser.post(url, data=form, files={"file": ("bank.xml", BANK.encode())})
    assert shown.status_code == 400 and "4 ongelmaa: mitään ei tallennettu" in shown.text
    for line, column in ((13, 7), (15, 3), (18, 5), (22, 51)):
        assert f"Rivi {line}, sarake {column}" in shown.text
    assert "an answer&#39;s fraction &#39;x&#39; is not a number" in shown.text
    assert "Pohdi" in shown.text and 'name="action" value="save"' not in shown.text
    saved = browser.post(url, data={**form, "action": "save", "text": BANK})
    assert saved.status_code == 400
    assert _draft_questions(site) == before


def test_questions_move_and_are_removed(quizzes):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    page = _quiz(browser, site, launch_id, module_id)
    ids = [int(i) for i in re.findall(r'<tr id="question-(\d+)"', page.text)]
    arrange = site.url + f"/l/{launch_id}/library/{module_id}/quiz/{ids[1]}/arrange"
    assert browser.post(arrange, data={"csrf_token": _csrf(page), "action": "up"}, allow_redirects=False).status_code == 303
    page = _quiz(browser, site, launch_id, module_id)
    assert [int(i) for i in re.findall(r'<tr id="question-(\d+)"', page.text)][:2] == [ids[1], ids[0]]
    assert browser.post(arrange, data={"csrf_token": _csrf(page), "action": "sideways"}).status_code == 400
    assert browser.post(arrange, data={"csrf_token": _csrf(page), "action": "remove"}, allow_redirects=False).status_code == 303
    page = _quiz(browser, site, launch_id, module_id)
    assert f'id="question-{ids[1]}"' not in page.text
    assert browser.get(site.url + f"/l/{launch_id}/library/{module_id}/quiz/{ids[1]}/fi").status_code == 404


@pytest.mark.parametrize("kind", ["multiple", "truefalse", "short", "numerical", "matching", "essay", "description"])
def test_every_kind_has_its_form_and_is_saved(quizzes, kind):
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    base = site.url + f"/l/{launch_id}/library/{module_id}/quiz"
    form = browser.get(base + f"/new/{kind}")
    assert form.status_code == 200
    data = {"csrf_token": _csrf(form), "text": f"Kysymys {kind}", "text_format": "moodle", "action": "save"}
    data.update({
        "multiple": {"choices-0-text": "a", "choices-0-grade": "50", "choices-1-text": "b", "choices-1-grade": "50",
                     "choices-2-text": "c", "choices-2-grade": "-50"},
        "truefalse": {"truth": "false", "feedback_wrong": "Väärin."},
        "short": {"choices-0-text": "kyllä", "choices-0-grade": "100"},
        "numerical": {"numeric-0-value": "1,5", "numeric-0-tolerance": "0,1", "numeric-0-grade": "100"},
        "matching": {"pairs-0-left": "A", "pairs-0-right": "1", "pairs-1-left": "B", "pairs-1-right": "2",
                     "pairs-2-left": "", "pairs-2-right": "3"},
    }.get(kind, {}))
    saved = browser.post(base + f"/new/{kind}", data=data, allow_redirects=False)
    assert saved.status_code == 303, saved.text
    editor = browser.get(site.url + saved.headers["Location"])
    assert editor.status_code == 200 and f"Kysymys {kind}" in editor.text
    with site.app.app_context():
        row = db.session.execute(select(DraftQuestion).order_by(DraftQuestion.id.desc())).scalars().first()
        snapshot = db.session.execute(select(DraftQuestionText.snapshot).where(
            DraftQuestionText.draft_question_id == row.id)).scalar_one()
    assert row.kind == snapshot["kind"] == kind
    if kind == "numerical":
        assert snapshot["numeric"][0]["value"] == 1.5 and snapshot["numeric"][0]["tolerance"] == pytest.approx(0.1)
    if kind == "matching":
        assert [p["left"] for p in snapshot["pairs"]] == ["A", "B", ""]  # the last a distractor


def test_learners_never_see_the_quiz_editor(quizzes):
    site = quizzes
    _, _, module_id, _ = _adapted(site)
    learner = site.browser()
    launch_id = re.search(r"/l/([\w-]+)/", launch(learner, PARTICIPANT, WORKING_LIFE).page.url).group(1)
    for path in ("/quiz/", "/quiz/new/single", "/quiz/preview/fi"):
        answer = learner.get(site.url + f"/l/{launch_id}/library/{module_id}{path}")
        assert answer.status_code == 403, path


def test_another_sites_quiz_is_invisible_whatever_the_url(quizzes):
    """The module belongs to another site: every quiz URL answers 404 and writes nothing;
    a question of another module of the same site answers 404 too."""
    from lti_tool.registry.services import PlatformSpec, add_platform

    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    _, _, second_id, _ = _adapted(site)
    page = _quiz(browser, site, launch_id, module_id)
    csrf = _csrf(page)
    with site.app.app_context():
        question_id = db.session.execute(select(DraftQuestion.id).where(
            DraftQuestion.library_module_id == module_id)).scalars().first()
    base = site.url + f"/l/{launch_id}/library"
    form = {**SINGLE, "csrf_token": csrf, "action": "save"}
    other_module = [  # the right site, another module's question
        browser.get(base + f"/{second_id}/quiz/{question_id}/fi"),
        browser.post(base + f"/{second_id}/quiz/{question_id}/fi", data=form),
        browser.post(base + f"/{second_id}/quiz/{question_id}/arrange", data={"csrf_token": csrf, "action": "remove"}),
    ]
    with site.app.app_context():
        client, _ = add_platform(
            PlatformSpec("https://moodle.other.example", "other", "1", "https://moodle.other.example/a",
                         "https://moodle.other.example/t", "https://moodle.other.example/k")
        )
        db.session.execute(update(LibraryModule).values(site_id=client.platform_id))
        db.session.commit()
        before = db.session.execute(select(func.count(), func.sum(DraftQuestionText.revision))).one()
    attempts = other_module + [
        browser.get(base + f"/{module_id}/quiz/"),
        browser.get(base + f"/{module_id}/quiz/new/single"),
        browser.post(base + f"/{module_id}/quiz/new/single", data=form),
        browser.get(base + f"/{module_id}/quiz/{question_id}/fi"),
        browser.post(base + f"/{module_id}/quiz/{question_id}/fi", data=form),
        browser.post(base + f"/{module_id}/quiz/{question_id}/arrange", data={"csrf_token": csrf, "action": "up"}),
        browser.get(base + f"/{module_id}/quiz/preview/fi"),
        browser.post(base + f"/{module_id}/quiz/import", data={"csrf_token": csrf, "language": "fi",
                                                                "file_format": "gift", "text": "Q {T}",
                                                                "action": "save"}),
    ]
    for answer in attempts:
        assert answer.status_code == 404 and "<code>not_in_library</code>" in answer.text, answer.url
    with site.app.app_context():
        after = db.session.execute(select(func.count(), func.sum(DraftQuestionText.revision))).one()
    assert tuple(after) == tuple(before)


def test_a_pasted_question_with_a_script_is_refused_where_it_is(quizzes):
    from tests.authoring.test_quiz_import_drafts import SCRIPTED

    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    csrf = _csrf(_quiz(browser, site, launch_id, module_id))
    url = _import_url(site, launch_id, module_id)
    before = _draft_questions(site)
    for action in ("preview", "save"):
        shown = browser.post(url, data={"csrf_token": csrf, "language": "fi", "file_format": "gift",
                                        "text": SCRIPTED, "action": action})
        assert shown.status_code == 400 and "2 ongelmaa: mitään ei tallennettu" in shown.text
        assert "Rivi 1, sarake 1" in shown.text and "onerror" in shown.text and "script" in shown.text
        assert 'name="action" value="save"' not in shown.text
    assert _draft_questions(site) == before
