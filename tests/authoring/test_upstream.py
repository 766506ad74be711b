"""A newer release of a shipped module: what changed since the copy, page by page and
language by language, taken over or left, and offered again only after a new change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from authoring import library, upstream
from authoring.models import DraftText
from courses.database import db
from courses.models import Module, Page, PageText
from tests.authoring.conftest import shipped


def _original_text(page_slug: str, language: str) -> PageText:
    return db.session.execute(
        select(PageText).join(Page).join(Module)
        .where(Module.slug == "finnish-working-life", Page.slug == page_slug, PageText.language == language)
    ).scalar_one()


def _draft(page_id: int, language: str) -> DraftText:
    db.session.expire_all()
    return db.session.execute(
        select(DraftText).where(DraftText.draft_page_id == page_id, DraftText.language == language)
    ).scalar_one()


def test_a_change_in_the_original_is_shown_taken_over_or_left(sites):
    app, site, other = sites
    with app.app_context():
        lm = library.adapt(site, shipped(), None)
        assert upstream.changes(site, lm.id) == []
        first = library.draft_pages(lm.id)[0]
        fi = _original_text(first.slug, "fi")
        fi.body_markdown += "\n\nUusi kappale vuoden 2027 sääntöjen mukaan."
        en = _original_text(first.slug, "en")
        en.title = "The employment contract, 2027"
        db.session.commit()
        found = {(c.page, c.language): c for c in upstream.changes(site, lm.id)}
        assert set(found) == {(first.slug, "fi"), (first.slug, "en")}
        assert "+Uusi kappale vuoden 2027 sääntöjen mukaan." in found[(first.slug, "fi")].lines
        assert next(iter(found))[1] == "fi"  # the Finnish source first

        upstream.decide(site, lm.id, first.id, "fi", True, None)
        assert _draft(first.id, "fi").body_markdown.endswith("vuoden 2027 sääntöjen mukaan.")
        upstream.decide(site, lm.id, first.id, "en", False, None)
        assert _draft(first.id, "en").title != "The employment contract, 2027"  # left as it was
        assert upstream.changes(site, lm.id) == []

        en = _original_text(first.slug, "en")
        en.title = "The employment contract, 2028"
        db.session.commit()
        assert [(c.page, c.language) for c in upstream.changes(site, lm.id)] == [(first.slug, "en")]
        with pytest.raises(library.NotInLibrary):
            upstream.changes(other, lm.id)
        with pytest.raises(library.NotInLibrary):
            upstream.decide(site, lm.id, first.id, "ru", True, None)  # nothing changed there
