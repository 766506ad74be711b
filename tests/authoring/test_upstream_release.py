"""A real newer release of a shipped module, written as files and loaded with `content
load`: the adapted copy offers each change (a text, a page added, a page retired, the
quiz's questions added, changed and retired), takes it over or leaves it through the
module page's forms, remembers each decision and overwrites nothing the trainer wrote
without their word."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from authoring import drafts, library, quiz_drafts
from authoring.models import DraftPage, DraftText, LibraryModule, TextRevision
from authoring.quiz_models import DraftQuestion
from courses.database import db
from lti_tool.registry.models import Platform
from tests.authoring.releases import (
    CHANGED_PAGE,
    CHANGED_PARAGRAPH,
    CHANGED_QUESTION,
    CHANGED_WORDS,
    NEW_PAGE,
    NEW_PAGE_EN,
    NEW_QUESTION,
    RETIRED_PAGE,
    RETIRED_QUESTION,
    content_load,
    newer_release,
)
from tests.authoring.test_authoring_pages import _adapted
from tests.browser import forms_in


def _module_page(browser, site, launch_id, module_id):
    page = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    assert page.status_code == 200, page.text
    return page, [f for f in forms_in(page.text) if "/upstream/" in f.action]


def _form(forms, part: str):
    (found,) = [f for f in forms if part in f.action]
    return found


def _decide(browser, site, form, action: str, **changes):
    return browser.post(site.url + form.action, data={**form.fields, **changes, "action": action},
                        allow_redirects=False)


def _fi(page_id: int) -> DraftText:
    db.session.expire_all()
    return db.session.execute(
        select(DraftText).where(DraftText.draft_page_id == page_id, DraftText.language == "fi")
    ).scalar_one()


def test_a_newer_release_offers_every_change_and_each_is_taken_or_left(shipped_release, tmp_path):
    site = shipped_release
    browser, launch_id, module_id, pages = _adapted(site)
    by_slug = {slug: page_id for page_id, slug in pages}
    contract, culture = by_slug[CHANGED_PAGE], by_slug[RETIRED_PAGE]
    with site.app.app_context():  # the trainer's own words, before the release comes
        mine = _fi(contract)
        drafts.save_text(_site(), contract, "fi", base_revision=mine.revision, title=mine.title,
                         body=mine.body_markdown + "\n\nMeidän kunnassamme sopimus tehdään aina kirjallisena.",
                         author_id=None)
        question = next(q for q in quiz_drafts.draft_questions(module_id) if q.idnumber == CHANGED_QUESTION)
        mine_q = quiz_drafts.question_text(question, "fi")
        quiz_drafts.save_question(_site(), module_id, question.id, "fi", base_revision=1, author_id=None,
                                  question=replace(mine_q, title="Oma koeaika"))
    library_page = browser.get(site.url + f"/l/{launch_id}/library")
    assert "Alkuperäisestä on uudempi versio" not in library_page.text

    output = content_load(site.app, newer_release(tmp_path))
    assert "created 2 page texts, 1 pages; updated 1 page texts; deleted 1 pages" in output  # none read it
    assert "3 questions added or changed" in output
    library_page = browser.get(site.url + f"/l/{launch_id}/library")
    assert "Alkuperäisestä on uudempi versio" in library_page.text  # the bumped release is said

    page, forms = _module_page(browser, site, launch_id, module_id)
    assert 'id="upstream"' in page.text and "+" + CHANGED_PARAGRAPH in page.text
    # The trainer changed that text: both theirs and the original's are shown.
    assert "Meidän kunnassamme sopimus tehdään aina kirjallisena." in page.text
    assert NEW_PAGE in page.text and "Suomalainen työpaikkakulttuuri" in page.text
    assert NEW_QUESTION in page.text and RETIRED_QUESTION in page.text and CHANGED_QUESTION in page.text
    assert "+::Koeaika:: " + CHANGED_WORDS[1] in page.text.replace("\\:", ":")
    assert "Oma koeaika" in page.text  # the trainer's question too

    # A decision made on an older view than the copy now is refused, and nothing changes.
    text_offer = _form(forms, f"/upstream/{contract}/fi")
    with site.app.app_context():
        now = _fi(contract)
        drafts.save_text(_site(), contract, "fi", base_revision=now.revision, title=now.title,
                         body=now.body_markdown + "\n\nVielä yksi oma lause.", author_id=None)
    stale = _decide(browser, site, text_offer, "take")
    assert stale.status_code == 409 and "Vielä yksi oma lause." in stale.text
    with site.app.app_context():
        assert _fi(contract).body_markdown.endswith("Vielä yksi oma lause.")
    # Taken over on what the page shows now: the original's text, the trainer's kept in history.
    page, forms = _module_page(browser, site, launch_id, module_id)
    taken = _decide(browser, site, _form(forms, f"/upstream/{contract}/fi"), "take")
    assert taken.status_code == 303
    with site.app.app_context():
        text = _fi(contract)
        assert text.body_markdown.rstrip().endswith(CHANGED_PARAGRAPH)
        history = db.session.execute(
            select(TextRevision.body_markdown).where(TextRevision.draft_text_id == text.id)
        ).scalars().all()
        assert any(body.endswith("Vielä yksi oma lause.") for body in history)

    # The page the original added: taken over, with its Finnish and English texts, where
    # the original has it (after the last page before it that the copy has).
    page, forms = _module_page(browser, site, launch_id, module_id)
    added = _form(forms, "/upstream/added/")
    assert _decide(browser, site, added, "take", mark="not what was shown").status_code == 409
    assert _decide(browser, site, added, "take").status_code == 303
    with site.app.app_context():
        draft = library.draft_pages(module_id)
        new = next(p for p in draft if p.slug == "first-day")
        assert {t.language: t.title for t in new.texts} == {"fi": NEW_PAGE, "en": NEW_PAGE_EN}
        order = [p.slug for p in draft]
        assert order.index("first-day") == order.index("rights-duties-and-unions") + 1
    # The retired page: kept, and not offered again; learners' copy still has it.
    page, forms = _module_page(browser, site, launch_id, module_id)
    assert _decide(browser, site, _form(forms, f"/upstream/retired/{culture}"), "keep").status_code == 303
    with site.app.app_context():
        assert db.session.get(DraftPage, culture).removed_at is None

    # The quiz: the changed question taken over, the new one left, the retired one removed.
    page, forms = _module_page(browser, site, launch_id, module_id)
    questions = {f.action.rsplit("/", 1)[1]: f for f in forms if "/upstream/question/" in f.action}
    assert set(questions) == {CHANGED_QUESTION, NEW_QUESTION, RETIRED_QUESTION}
    assert _decide(browser, site, questions[RETIRED_QUESTION], "take").status_code == 400  # not its choice
    assert _decide(browser, site, questions[CHANGED_QUESTION], "take").status_code == 303
    assert _decide(browser, site, questions[NEW_QUESTION], "leave").status_code == 303
    assert _decide(browser, site, questions[RETIRED_QUESTION], "remove").status_code == 303
    with site.app.app_context():
        db.session.expire_all()
        rows = {q.idnumber: q for q in db.session.execute(
            select(DraftQuestion).where(DraftQuestion.library_module_id == module_id)
        ).scalars()}
        assert NEW_QUESTION not in rows and rows[RETIRED_QUESTION].removed_at is not None
        changed = quiz_drafts.question_text(rows[CHANGED_QUESTION], "fi")
        assert changed.text.startswith(CHANGED_WORDS[1]) and changed.title == "Koeaika"
        english = quiz_drafts.question_text(rows[CHANGED_QUESTION], "en")
        assert english.text.startswith("During the trial period")  # the original changed only Finnish

    # Everything decided: nothing is offered, and loading the same release again offers nothing.
    page, forms = _module_page(browser, site, launch_id, module_id)
    assert 'id="upstream"' not in page.text and forms == []
    content_load(site.app, tmp_path)
    page, forms = _module_page(browser, site, launch_id, module_id)
    assert 'id="upstream"' not in page.text
    again = _decide(browser, site, questions[NEW_QUESTION], "take")
    assert again.status_code == 404  # nothing left to decide there
    published = browser.post(site.url + f"/l/{launch_id}/library/{module_id}/publish",
                             data={"csrf_token": questions[NEW_QUESTION].fields["csrf_token"], "note": "2027"},
                             allow_redirects=False)
    assert published.status_code == 303


def _site() -> int:
    return db.session.execute(select(LibraryModule.site_id)).scalars().first()


def test_the_other_choices_are_remembered_until_the_original_changes_again(shipped_release, tmp_path):
    from authoring import upstream, upstream_pages, upstream_quiz
    from authoring.library import NotInLibrary
    from tests.authoring.conftest import shipped
    from tests.authoring.releases import MODULE, PROGRAMME

    app = shipped_release.app
    with app.app_context():
        site_id = db.session.execute(select(Platform.id)).scalar_one()
        lm = library.adapt(site_id, shipped(), None)
        pages = {p.slug: p.id for p in library.draft_pages(lm.id)}
    content_load(app, newer_release(tmp_path))
    with app.app_context():
        (added,) = upstream_pages.added_pages(site_id, lm.id)
        upstream_pages.decide_added(site_id, lm.id, added.page_id, False, None, mark=added.fingerprint)
        (retired,) = upstream_pages.retired_pages(site_id, lm.id)
        assert (retired.page_id, retired.deleted) == (pages[RETIRED_PAGE], True)
        upstream_pages.decide_retired(site_id, lm.id, retired.page_id, True)
        assert db.session.get(DraftPage, pages[RETIRED_PAGE]).removed_at is not None
        offers = {o.idnumber: o for o in upstream_quiz.offers(site_id, lm.id)}
        assert {i: o.state for i, o in offers.items()} == {
            CHANGED_QUESTION: "changed", NEW_QUESTION: "added", RETIRED_QUESTION: "retired"}
        assert offers[CHANGED_QUESTION].languages[0].yours is None  # the trainer had not changed it
        upstream_quiz.decide(site_id, lm.id, NEW_QUESTION, "take", None, mark=offers[NEW_QUESTION].mark)
        upstream_quiz.decide(site_id, lm.id, CHANGED_QUESTION, "leave", None, mark=offers[CHANGED_QUESTION].mark)
        upstream_quiz.decide(site_id, lm.id, RETIRED_QUESTION, "keep", None, mark=offers[RETIRED_QUESTION].mark)
        rows = {q.idnumber: q for q in quiz_drafts.draft_questions(lm.id)}
        assert list(rows)[-1] == NEW_QUESTION and RETIRED_QUESTION in rows
        assert quiz_drafts.question_text(rows[NEW_QUESTION], "fi").text.startswith("Ensimmäisenä työpäivänä")
        assert quiz_drafts.question_text(rows[CHANGED_QUESTION], "fi").text.startswith(CHANGED_WORDS[0])
        upstream.decide(site_id, lm.id, pages[CHANGED_PAGE], "fi", False, None)
        assert upstream_pages.added_pages(site_id, lm.id) == [] and upstream_quiz.offers(site_id, lm.id) == []
        assert upstream_pages.retired_pages(site_id, lm.id) == [] and upstream.changes(site_id, lm.id) == []
        other = site_id + 1000
        for listing in (upstream_pages.added_pages, upstream_pages.retired_pages, upstream_quiz.offers):
            with pytest.raises(NotInLibrary):
                listing(other, lm.id)

    # A release after that changes the page and the question that were left: offered again.
    module = tmp_path / PROGRAMME / MODULE
    new_page = module / "06-first-day.fi.md"
    new_page.write_text(new_page.read_text(encoding="utf-8") + "\nOta mukaan henkilökortti.\n", encoding="utf-8")
    quiz = module / "quiz.fi.gift"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(CHANGED_WORDS[1], "Koeajalla työnantaja saa"),
                    encoding="utf-8")
    content_load(app, tmp_path)
    with app.app_context():
        assert [a.title for a in upstream_pages.added_pages(site_id, lm.id)] == [NEW_PAGE]
        assert [(o.idnumber, o.state) for o in upstream_quiz.offers(site_id, lm.id)] == [(CHANGED_QUESTION, "changed")]
        assert upstream_pages.retired_pages(site_id, lm.id) == []
