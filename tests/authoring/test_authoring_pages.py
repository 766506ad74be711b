"""The authoring pages through real launches: a trainer adapts a shipped module, edits a
page in Finnish and English, publishes; a learner then reads the new text. Learners and
other sites' trainers get nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select, update

from authoring.models import DraftPage, DraftText, LibraryModule, TextRevision
from courses.database import db
from tests.browser import forms_in
from tests.lti import COORDINATOR, PARTICIPANT, TRAINER, WORKING_LIFE, launch


def _url(response, path: str) -> str:
    return response.url.split("/l/")[0] + path


def _launch_id(page) -> str:
    return re.search(r"/l/([\w-]+)/", page.url).group(1)


def _adapted(site, user: str = TRAINER):
    """A trainer's browser, its launch id and a fresh copy of Suomalainen työelämä."""
    browser = site.browser()
    page = launch(browser, user, WORKING_LIFE).page
    launch_id = _launch_id(page)
    library = browser.get(site.url + f"/l/{launch_id}/library")
    assert library.status_code == 200
    (form,) = [
        f for f in forms_in(library.text)
        if f.action.endswith("/library/adapt") and f.fields["module_id"] == _module_id(site)
    ]
    adapted = browser.post(site.url + form.action, data=form.fields, allow_redirects=False)
    assert adapted.status_code == 303
    with site.app.app_context():
        own = db.session.execute(select(LibraryModule).order_by(LibraryModule.id.desc())).scalars().first()
        pages = [(p.id, p.slug) for p in own.pages]
    return browser, launch_id, own.id, pages


def _module_id(site) -> str:
    from courses.models import Module

    with site.app.app_context():
        return str(db.session.execute(select(Module.id).where(Module.slug == "finnish-working-life")).scalar_one())


def _editor_form(browser, site, launch_id, page_id, language):
    page = browser.get(site.url + f"/l/{launch_id}/library/page/{page_id}/{language}")
    assert page.status_code == 200, page.text
    (form,) = [f for f in forms_in(page.text) if "base_revision" in f.fields]
    return page, form


@pytest.mark.parametrize("user", [TRAINER, COORDINATOR])
def test_a_trainer_or_coordinator_adapts_edits_and_publishes(quizzes, user):
    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site, user)
    module_page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    page_id = pages[0][0]
    assert module_page.status_code == 200
    for language in ("fi", "fi-x-selko", "en", "ru", "uk"):  # each page in each language
        assert f"/library/page/{page_id}/{language}" in module_page.text
    editor, form = _editor_form(browser, site, launch_id, page_id, "fi")
    data = {**form.fields, "title": "Tervetuloa töihin", "body": "Tämä on **uusi** teksti.", "action": "save"}
    saved = browser.post(editor.url, data=data, allow_redirects=False)
    assert saved.status_code == 303
    # The English translation is now behind its source, and shows what changed.
    english, en_form = _editor_form(browser, site, launch_id, page_id, "en")
    assert "+Tämä on **uusi** teksti." in english.text and "kp-diff" in english.text
    answer = browser.post(
        english.url,
        data={**en_form.fields, "title": "Welcome to work", "body": "This is **new** text."},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200 and answer.json()["saved"] is True
    english, _ = _editor_form(browser, site, launch_id, page_id, "en")
    assert "kp-diff" not in english.text  # up to date again

    module_page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    (publish,) = [f for f in forms_in(module_page.text) if f.action.endswith("/publish")]
    done = browser.post(site.url + publish.action, data={**publish.fields, "note": "Oma aloitus"},
                        allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("?published=1")

    # A learner in an activity bound to the site's module reads the published text.
    with site.app.app_context():
        slug = db.session.get(LibraryModule, module_id).slug
    trainer = site.browser()
    unbound = launch(trainer, TRAINER, "101:303").page
    (bind,) = [f for f in forms_in(unbound.text) if f.action.endswith("/bind")]
    assert slug in unbound.text  # the bind page lists the site's own module
    bound = trainer.post(site.url + bind.action, data={**bind.fields, "module": slug}, allow_redirects=False)
    assert bound.status_code == 303
    learner_page = launch(site.browser(), PARTICIPANT, "101:303").page
    assert "Tervetuloa töihin" in learner_page.text and "<strong>uusi</strong>" in learner_page.text


def test_two_saves_over_the_same_revision_conflict_and_keep_both(quizzes):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    editor, form = _editor_form(browser, site, launch_id, pages[0][0], "fi")
    first = browser.post(editor.url, data={**form.fields, "title": "Yksi", "body": "Ensimmäinen."},
                         allow_redirects=False)
    assert first.status_code == 303
    second = browser.post(editor.url, data={**form.fields, "title": "Kaksi", "body": "Toinen."})
    assert second.status_code == 409
    assert "Ensimmäinen." in second.text and "Toinen." in second.text  # both texts shown
    json_late = browser.post(editor.url, data={**form.fields, "title": "Kolme", "body": "Kolmas."},
                             headers={"Accept": "application/json"})
    assert json_late.status_code == 409 and json_late.json()["conflict"] is True
    with site.app.app_context():
        kept = db.session.execute(
            select(TextRevision.body_markdown).where(TextRevision.revision.is_(None))
        ).scalars().all()
    assert sorted(kept) == ["Kolmas.", "Toinen."]


def test_bad_text_gets_a_message_and_a_400(quizzes):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    editor, form = _editor_form(browser, site, launch_id, pages[0][0], "fi")
    refused = browser.post(editor.url, data={**form.fields, "title": "Otsikko", "body": "a\x01b"})
    assert refused.status_code == 400 and "ohjausmerkkejä" in refused.text
    refused = browser.post(editor.url, data={**form.fields, "title": "", "body": "x"})
    assert refused.status_code == 400


def test_learners_never_see_authoring_pages(quizzes):
    site = quizzes
    _, _, module_id, pages = _adapted(site)
    learner = site.browser()
    launch_id = _launch_id(launch(learner, PARTICIPANT, WORKING_LIFE).page)
    for path in (
        "/library", f"/library/{module_id}/", f"/library/page/{pages[0][0]}/fi",
    ):
        answer = learner.get(site.url + f"/l/{launch_id}{path}")
        assert answer.status_code == 403 and "<code>trainers_only</code>" in answer.text, path
    landing = learner.get(site.url + f"/l/{launch_id}/")
    assert "/library" not in landing.text


def test_another_sites_library_is_invisible_whatever_the_url(quizzes):
    """The module belongs to another site: every authoring URL of it answers 404, as if
    it did not exist, and nothing is written."""
    from lti_tool.registry.services import PlatformSpec, add_platform

    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    _editor, form = _editor_form(browser, site, launch_id, pages[0][0], "fi")
    with site.app.app_context():
        client, _ = add_platform(
            PlatformSpec("https://moodle.other.example", "other", "1", "https://moodle.other.example/a",
                         "https://moodle.other.example/t", "https://moodle.other.example/k")
        )
        db.session.execute(update(LibraryModule).values(site_id=client.platform_id))
        db.session.commit()
        before = (
            db.session.execute(select(func.count()).select_from(TextRevision)).scalar(),
            db.session.execute(select(func.max(DraftText.revision))).scalar(),
        )
    base = site.url + f"/l/{launch_id}"
    attempts = [
        browser.get(base + f"/library/{module_id}/"),
        browser.get(base + f"/library/page/{pages[0][0]}/fi"),
        browser.post(base + f"/library/page/{pages[0][0]}/fi",
                     data={**form.fields, "title": "x", "body": "y"}),
        browser.post(base + f"/library/{module_id}/publish",
                     data={"csrf_token": form.fields["csrf_token"], "note": "x"}),
        browser.post(base + f"/library/{module_id}/pages",
                     data={"csrf_token": form.fields["csrf_token"], "title": "x"}),
        browser.post(base + f"/library/page/{pages[0][0]}/arrange",
                     data={"csrf_token": form.fields["csrf_token"], "action": "remove"}),
        browser.post(base + f"/library/{module_id}/restore/1",
                     data={"csrf_token": form.fields["csrf_token"]}),
        browser.get(base + f"/library/{module_id}/compare?older=1&newer=1"),
        *(  # a newer release's changes, decided from outside the site
            browser.post(base + f"/library/{module_id}/upstream/{path}",
                         data={"csrf_token": form.fields["csrf_token"], "action": action, "mark": ""})
            for path, action in ((f"{pages[0][0]}/fi", "take"), ("added/1", "take"),
                                 (f"retired/{pages[-1][0]}", "remove"), ("question/finnish-working-life-reflection", "take"))
        ),
    ]
    for answer in attempts:
        assert answer.status_code == 404 and "<code>not_in_library</code>" in answer.text
    library = browser.get(base + "/library")
    assert f"/library/{module_id}/" not in library.text
    with site.app.app_context():
        after = (
            db.session.execute(select(func.count()).select_from(TextRevision)).scalar(),
            db.session.execute(select(func.max(DraftText.revision))).scalar(),
        )
        assert db.session.execute(select(func.count()).select_from(DraftPage)).scalar() == len(pages)
    assert after == before


def test_an_unknown_page_or_language_is_refused(quizzes):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    assert browser.get(site.url + f"/l/{launch_id}/library/page/999999/fi").status_code == 404
    assert browser.get(site.url + f"/l/{launch_id}/library/page/{pages[0][0]}/xx").status_code == 400
    assert browser.get(site.url + f"/l/{launch_id}/library/99999999999/").status_code == 404


def _module_forms(browser, site, launch_id, module_id):
    page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    assert page.status_code == 200, page.text
    return page, forms_in(page.text)


def test_pages_are_added_moved_removed_and_versions_compared_and_restored(quizzes):
    site = quizzes
    browser, launch_id, module_id, _pages = _adapted(site)
    _, forms = _module_forms(browser, site, launch_id, module_id)
    (add,) = [f for f in forms if f.action.endswith("/pages")]
    added = browser.post(site.url + add.action, data={**add.fields, "title": "Oma lisäsivu"}, allow_redirects=False)
    assert added.status_code == 303 and added.headers["Location"].endswith("/fi")
    page, forms = _module_forms(browser, site, launch_id, module_id)
    assert "Oma lisäsivu" in page.text
    arrange = [f for f in forms if f.action.endswith("/arrange")]
    last = arrange[-1]
    moved = browser.post(site.url + last.action, data={**last.fields, "action": "up"}, allow_redirects=False)
    assert moved.status_code == 303
    page, _ = _module_forms(browser, site, launch_id, module_id)
    titles = re.findall(r'<th scope="row" lang="fi">([^<]+)</th>', page.text)
    assert titles[-2] == "Oma lisäsivu"
    refused = browser.post(site.url + last.action, data={**last.fields, "action": "sideways"})
    assert refused.status_code == 400

    (publish,) = [f for f in forms_in(page.text) if f.action.endswith("/publish")]
    first = browser.post(site.url + publish.action, data={**publish.fields, "note": "1"}, allow_redirects=False)
    assert first.status_code == 303
    removed = browser.post(site.url + last.action, data={**last.fields, "action": "remove"}, allow_redirects=False)
    assert removed.status_code == 303
    second = browser.post(site.url + publish.action, data={**publish.fields, "note": "2"}, allow_redirects=False)
    assert second.status_code == 303
    compared = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/compare?older=1&newer=2")
    assert compared.status_code == 200 and "Oma lisäsivu" in compared.text and "kp-diff" in compared.text
    assert browser.get(site.url + f"/l/{launch_id}/library/{module_id}/compare?older=1&newer=x").status_code == 400
    page, forms = _module_forms(browser, site, launch_id, module_id)
    (restore_1,) = [f for f in forms if f.action.endswith("/restore/1")]
    restored = browser.post(site.url + restore_1.action, data=restore_1.fields, allow_redirects=False)
    assert restored.status_code == 303 and restored.headers["Location"].endswith("?restored=1")
    page, _ = _module_forms(browser, site, launch_id, module_id)
    assert "Oma lisäsivu" in page.text  # back in the draft


def test_a_trainer_creates_a_new_module(quizzes):
    site = quizzes
    browser = site.browser()
    launch_id = _launch_id(launch(browser, TRAINER, WORKING_LIFE).page)
    library = browser.get(site.url + f"/l/{launch_id}/library")
    (new,) = [f for f in forms_in(library.text) if f.action.endswith("/library/new")]
    created = browser.post(site.url + new.action, data={**new.fields, "title": "Työpaikan oma perehdytys"},
                           allow_redirects=False)
    assert created.status_code == 303
    page = browser.get(site.url + created.headers["Location"])
    assert "Työpaikan oma perehdytys" in page.text
    refused = browser.post(site.url + new.action, data={**new.fields, "programme": "elsewhere", "title": "x"})
    assert refused.status_code == 400


def test_a_translation_file_goes_out_and_comes_back(quizzes):
    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    exported = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/translation/uk.po")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    import io

    from babel.messages.pofile import read_po, write_po

    catalog = read_po(io.BytesIO(exported.content))
    (title,) = [m for m in catalog if m.context == f"page/{pages[0][1]}/title"]
    title.string = "Новий заголовок сторінки"
    out = io.BytesIO()
    write_po(out, catalog)
    (csrf,) = {f.fields["csrf_token"] for f in _module_forms(browser, site, launch_id, module_id)[1]}
    answer = browser.post(
        site.url + f"/l/{launch_id}/library/{module_id}/translation/uk",
        data={"csrf_token": csrf}, files={"file": ("m.uk.po", out.getvalue())},
    )
    assert answer.status_code == 200 and "1 teksti tallennettiin" in answer.text
    editor, _ = _editor_form(browser, site, launch_id, pages[0][0], "uk")
    assert "Новий заголовок сторінки" in editor.text
    broken = browser.post(
        site.url + f"/l/{launch_id}/library/{module_id}/translation/uk",
        data={"csrf_token": csrf}, files={"file": ("m.uk.po", b"msgid \"a\x00\"")},
    )
    assert broken.status_code == 400 and 'role="alert"' in broken.text
    assert browser.get(site.url + f"/l/{launch_id}/library/{module_id}/translation/fi.po").status_code == 400


def test_plain_finnish_gets_its_long_sentences_marked(quizzes):
    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    editor, form = _editor_form(browser, site, launch_id, pages[0][0], "fi-x-selko")
    long_sentence = "Tämä lause on aivan liian pitkä selkokieliseksi tekstiksi, koska siinä on monta sanaa peräkkäin ilman taukoa."
    preview = browser.post(editor.url, data={**form.fields, "title": "Otsikko", "body": long_sentence, "action": "preview"})
    assert preview.status_code == 200 and "kp-plain" in preview.text
    assert "<mark>" + long_sentence + "</mark>" in preview.text
    finnish, _ = _editor_form(browser, site, launch_id, pages[0][0], "fi")
    assert "kp-plain" not in finnish.text  # only where plain Finnish is written


def test_a_change_in_the_original_is_offered_and_taken_over(quizzes):
    from courses.models import Module, Page, PageText

    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    with site.app.app_context():
        text = db.session.execute(
            select(PageText).join(Page).join(Module).where(
                Module.slug == "finnish-working-life", Page.slug == pages[0][1], PageText.language == "fi"
            )
        ).scalar_one()
        text.body_markdown += "\n\nUusi kappale alkuperäisessä."
        db.session.commit()
    page, forms = _module_forms(browser, site, launch_id, module_id)
    assert "+Uusi kappale alkuperäisessä." in page.text
    (decide,) = [f for f in forms if "/upstream/" in f.action]
    taken = browser.post(site.url + decide.action, data={**decide.fields, "action": "take"}, allow_redirects=False)
    assert taken.status_code == 303
    page, _ = _module_forms(browser, site, launch_id, module_id)
    assert 'id="upstream"' not in page.text
    editor, _ = _editor_form(browser, site, launch_id, pages[0][0], "fi")
    assert "Uusi kappale alkuperäisessä." in editor.text
    again = browser.post(site.url + decide.action, data={**decide.fields, "action": "take"})
    assert again.status_code == 404  # nothing left to decide there


def test_the_next_launch_finds_the_draft_when_the_first_has_expired(quizzes):
    """A draft belongs to the site's library, not to the launch it was written in."""
    from lti_tool.launch.models import LaunchSession

    site = quizzes
    browser, launch_id, _, pages = _adapted(site)
    editor, form = _editor_form(browser, site, launch_id, pages[0][0], "fi")
    saved = browser.post(editor.url, data={**form.fields, "title": "Kesken jäänyt", "body": "Luonnos."},
                         allow_redirects=False)
    assert saved.status_code == 303
    with site.app.app_context():
        db.session.execute(delete(LaunchSession))  # every launch session gone
        db.session.commit()
    assert browser.get(editor.url).status_code == 404  # the old launch has expired
    colleague = site.browser()
    later = _launch_id(launch(colleague, TRAINER, WORKING_LIFE).page)
    again, _ = _editor_form(colleague, site, later, pages[0][0], "fi")
    assert "Kesken jäänyt" in again.text and "Luonnos." in again.text


def test_a_translation_file_over_the_apps_request_limit_is_read_and_one_too_large_refused(quizzes):
    """The app takes 256 KB a request; a translation file may be up to 2 MB."""
    site = quizzes
    browser, launch_id, module_id, _ = _adapted(site)
    exported = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/translation/uk.po")
    padding = b"\n# " + b"x" * 70 + b"\n"
    big = exported.content + padding * (400_000 // len(padding))  # ~400 KB of comments
    (csrf,) = {f.fields["csrf_token"] for f in _module_forms(browser, site, launch_id, module_id)[1]}
    url = site.url + f"/l/{launch_id}/library/{module_id}/translation/uk"
    read = browser.post(url, data={"csrf_token": csrf}, files={"file": ("m.uk.po", big)})
    assert read.status_code == 200, read.status_code
    huge = browser.post(url, data={"csrf_token": csrf}, files={"file": ("m.uk.po", b"#" * 2_200_000)})
    assert huge.status_code == 413 and "2 Mt" in huge.text
