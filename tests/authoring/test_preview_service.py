"""The draft read as the learner's pages read a module (authoring.preview), without a
browser: the outline and its Finnish fallback, removed and unfinished pages left out as
publishing leaves them out, the quiz in a language or in Finnish, another site refused."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from authoring import library, preview, quiz_drafts, structure
from authoring.models import DraftText
from courses.database import db
from tests.authoring.conftest import shipped


def test_the_outline_is_the_drafts_live_pages_with_the_finnish_fallback(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        pages = list(lm.pages)
        db.session.execute(
            delete(DraftText).where(
                DraftText.draft_page_id == pages[1].id, DraftText.language == "en"
            )
        )
        db.session.commit()
        structure.remove_page(site, pages[2].id)
        found = preview.outline(lm.id, "en", pages[1].slug)
        assert [e.slug for e in found.entries] == [p.slug for p in pages if p.id != pages[2].id]
        assert (
            found.entry.slug == pages[1].slug and found.content.language == "fi"
        )  # the note's case
        assert [e.seen for e in found.entries][:3] == [
            True,
            True,
            False,
        ]  # read in order up to here
        assert found.entries[0].title_language == "en"
        assert "<" in found.content.html  # rendered as publishing renders it
        assert preview.outline(lm.id, "en", pages[2].slug) is None  # a removed page is not there
        assert preview.outline(lm.id, "en", "no-such-page") is None
        first = preview.outline(lm.id, "fi", None)
        assert first.entry.slug == pages[0].slug


def test_the_quiz_is_the_published_quiz_to_be_in_each_language(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        _, questions, _ = quiz_drafts.draft_quiz(site, lm.id)
        english = preview.quiz_questions(lm, "en")
        assert [key for key, _, _ in english] == [q.idnumber for q in questions]
        assert {shown_in for _, _, shown_in in english} == {"en"}
        quiz_drafts.remove_question(site, lm.id, questions[0].id)
        assert questions[0].idnumber not in [key for key, _, _ in preview.quiz_questions(lm, "en")]
        assert preview.has_quiz(lm)


def test_another_sites_module_is_not_previewed(sites):
    app, site, other = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        assert preview.draft_module(site, lm.id).module.slug == lm.slug
        with pytest.raises(library.NotInLibrary):
            preview.draft_module(other, lm.id)
