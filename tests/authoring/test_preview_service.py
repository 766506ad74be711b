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


def test_the_preview_shows_a_page_exactly_as_publishing_writes_it(sites):
    """The glossary's marked words and the page's word list, in the preview as in the
    published page (one function renders both: authoring.learner_html)."""
    from sqlalchemy import select

    from authoring import drafts, publishing
    from courses.models import Module, Page, PageText
    from courses.packages.terms import show_terms

    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        page = lm.pages[0]
        fi = next(t for t in page.texts if t.language == "fi")
        drafts.save_text(site, page.id, "fi", base_revision=fi.revision, title="Sopimus",
                         body="Tilaa verokortti ajoissa.\n\n```\n<script>verokortti</script>\n```",
                         author_id=None)
        shown = preview.outline(lm.id, "fi", page.slug).content.html
        publishing.publish(site, lm.id, "Sanat", None)
        module = db.session.execute(select(Module).where(Module.slug == lm.slug)).scalar_one()
        found = {}
        for language in ("fi", "en"):  # the English page has the glossary's English words
            published = db.session.execute(
                select(PageText.body_html).join(Page).where(
                    Page.module_id == module.id, Page.slug == page.slug, PageText.language == language)
            ).scalar_one()
            previewed = preview.outline(lm.id, language, page.slug).content.html
            assert previewed == published and 'class="kp-term"' in previewed, language
            found[language] = previewed
        assert shown == found["fi"]  # the Finnish page, read before publishing
        assert shown.count('class="kp-term"') == 1 and "&lt;script&gt;" in shown
        _, words = show_terms(shown, "fi", "en")
        assert [w.term for w in words] == ["verokortti"]  # the page's word list
