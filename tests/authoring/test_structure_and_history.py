"""A draft's pages added, removed and reordered; a new module; versions compared and an
older one restored; what learners already did stays theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from authoring import drafts, history, library, publishing, structure
from authoring.models import DraftPage
from courses.database import db
from courses.models import Module, Page
from tests.authoring.conftest import shipped as _shipped


def _live(lm_id: int) -> list[DraftPage]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(DraftPage)
            .where(DraftPage.library_module_id == lm_id, DraftPage.removed_at.is_(None))
            .order_by(DraftPage.position)
        ).scalars()
    )


def test_pages_are_added_moved_and_removed(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, _shipped(), None)
        before = [p.slug for p in _live(lm.id)]
        page = structure.add_page(site, lm.id, "Työpaikan säännöt ja käytännöt", None)
        assert page.slug == "tyopaikan-saannot-ja-kaytannot"
        assert [p.slug for p in _live(lm.id)] == [*before, page.slug]
        structure.move_page(site, page.id, -1)
        assert [p.slug for p in _live(lm.id)][-2] == page.slug
        structure.move_page(site, _live(lm.id)[0].id, -1)  # the first stays first
        assert _live(lm.id)[0].slug == before[0]
        structure.remove_page(site, page.id)
        assert [p.slug for p in _live(lm.id)] == before
        again = structure.add_page(site, lm.id, "Työpaikan säännöt ja käytännöt", None)
        assert again.slug == "tyopaikan-saannot-ja-kaytannot-2"  # the removed one keeps its address


def test_the_last_page_is_not_removed_and_another_sites_page_not_touched(sites):
    app, site, other = sites
    with app.app_context():
        lm = structure.create_module(site, "keys-to-working-life", "Oma moduuli", None)
        (only,) = _live(lm.id)
        with pytest.raises(drafts.InvalidText) as refused:
            structure.remove_page(site, only.id)
        assert refused.value.code == "last_page"
        for call in (
            lambda: structure.remove_page(other, only.id),
            lambda: structure.move_page(other, only.id, 1),
            lambda: structure.add_page(other, lm.id, "X", None),
            lambda: history.restore(other, lm.id, 1, None),
        ):
            with pytest.raises(library.NotInLibrary):
                call()


def test_a_new_module_is_published_with_its_own_page(sites):
    app, site, _ = sites
    with app.app_context():
        lm = structure.create_module(site, "keys-to-working-life", "Oma moduuli", None)
        (page,) = _live(lm.id)
        fi = page.texts[0]
        drafts.save_text(site, page.id, "fi", base_revision=fi.revision, title="Aloitus",
                         body="Tervetuloa.", author_id=None)
        publishing.publish(site, lm.id, "", None)
        module = db.session.execute(select(Module).where(Module.slug == lm.slug)).scalar_one()
        assert module.site_id == site and module.title == {"fi": "Oma moduuli"}


def test_a_removed_page_is_retired_for_learners_not_deleted(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, _shipped(), None)
        publishing.publish(site, lm.id, "", None)
        gone = _live(lm.id)[-1]
        module = db.session.execute(select(Module).where(Module.slug == lm.slug)).scalar_one()
        learners_page = db.session.execute(
            select(Page).where(Page.module_id == module.id, Page.slug == gone.slug)
        ).scalar_one()
        structure.remove_page(site, gone.id)
        publishing.publish(site, lm.id, "", None)
        db.session.expire_all()
        assert db.session.get(Page, learners_page.id).retired_at is not None


def test_versions_are_compared_and_an_older_one_restored(sites):
    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, _shipped(), None)
        publishing.publish(site, lm.id, "Alkuperäinen", None)
        first = _live(lm.id)[0]
        fi = next(t for t in first.texts if t.language == "fi")
        original_body = fi.body_markdown
        drafts.save_text(site, first.id, "fi", base_revision=fi.revision, title=fi.title,
                         body="Kokonaan uusi teksti.", author_id=None)
        structure.add_page(site, lm.id, "Lisäsivu", None)
        publishing.publish(site, lm.id, "Uusi teksti", None)
        changes = history.compare(site, lm.id, 1, 2)
        kinds = {(c.page, c.language): c.kind for c in changes}
        assert kinds[(first.slug, "fi")] == "changed" and kinds[("lisasivu", "fi")] == "added"
        changed = next(c for c in changes if c.page == first.slug)
        assert "+Kokonaan uusi teksti." in changed.lines

        assert history.restore(site, lm.id, 1, None) == 1
        assert [p.slug for p in _live(lm.id)] == [p["slug"] for p in publishing.versions(site, lm.id)[-1].snapshot["pages"]]
        first = _live(lm.id)[0]
        fi = next(t for t in first.texts if t.language == "fi")
        assert fi.body_markdown == original_body and fi.revision == 3  # a new revision
        with pytest.raises(library.NotInLibrary):
            history.compare(site, lm.id, 1, 9)


def test_comparing_versions_shows_a_changed_quiz_question(sites):
    from dataclasses import replace

    from authoring import quiz_drafts

    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, _shipped(), None)
        publishing.publish(site, lm.id, "", None)
        question = quiz_drafts.draft_questions(lm.id)[0]
        fi = quiz_drafts.question_text(question, "fi")
        text = next(t for t in question.texts if t.language == "fi")
        quiz_drafts.save_question(site, lm.id, question.id, "fi", base_revision=text.revision,
                                  question=replace(fi, text="Täysin uusi kysymys?"), author_id=None)
        publishing.publish(site, lm.id, "", None)
        changes = history.compare(site, lm.id, 1, 2)
        (change,) = [c for c in changes if c.page == f"quiz:{question.idnumber}"]
        assert change.language == "fi" and any("Täysin uusi kysymys?" in line for line in change.lines)


def test_restoring_a_version_brings_its_quiz_back(sites):
    from dataclasses import replace

    from authoring import quiz_drafts

    app, site, _ = sites
    with app.app_context():
        lm = library.adapt(site, _shipped(), None)
        publishing.publish(site, lm.id, "", None)
        first, second = quiz_drafts.draft_questions(lm.id)[:2]
        original_text = quiz_drafts.question_text(first, "fi").text
        text = next(t for t in first.texts if t.language == "fi")
        quiz_drafts.save_question(site, lm.id, first.id, "fi", base_revision=text.revision,
                                  question=replace(quiz_drafts.question_text(first, "fi"), text="Muutettu?"),
                                  author_id=None)
        quiz_drafts.remove_question(site, lm.id, second.id)
        publishing.publish(site, lm.id, "", None)
        assert history.restore(site, lm.id, 1, None) >= 1
        db.session.expire_all()
        live = quiz_drafts.draft_questions(lm.id)
        assert [q.id for q in live[:2]] == [first.id, second.id]  # back, in its place
        assert quiz_drafts.question_text(live[0], "fi").text == original_text
