"""A real newer release of a shipped module, written as files and loaded with `content
load`: the adapted copy offers each change (a text, a page added, a page retired, the
quiz's questions added, changed and retired), takes it over or leaves it through the
module page's forms, remembers each decision and overwrites nothing the trainer wrote
without their word."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from authoring import library, quiz_drafts
from authoring.models import DraftPage, DraftText
from courses.database import db
from lti_tool.registry.models import Platform
from tests.authoring.releases import (
    CHANGED_PAGE,
    CHANGED_QUESTION,
    CHANGED_WORDS,
    NEW_PAGE,
    NEW_QUESTION,
    RETIRED_PAGE,
    RETIRED_QUESTION,
    content_load,
    newer_release,
)
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
