"""A library module's images: listed with where each is used, and deleted only when
nothing of the site shows it (no draft text, no question, no published version, no page
learners read); another site's images are not theirs to list or delete."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from authoring import drafts, image_library, images, library, publishing, quiz_drafts
from authoring.media_models import MediaImage
from courses.database import db
from tests.authoring import images as files
from tests.authoring.conftest import shipped
from tests.authoring.test_authoring_pages import _adapted, _launch_id
from tests.browser import forms_in
from tests.lti import PARTICIPANT, launch


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(MediaImage)).scalar_one()


def _text(page_id: int, language: str):
    from authoring.models import DraftText

    return db.session.execute(
        select(DraftText).where(DraftText.draft_page_id == page_id, DraftText.language == language)
    ).scalar_one()


def _set_body(site: int, page_id: int, language: str, body: str) -> None:
    text = _text(page_id, language)
    saved = drafts.save_text(
        site,
        page_id,
        language,
        base_revision=text.revision,
        title=text.title,
        body=body,
        author_id=None,
        source_revision=text.source_revision,
    )
    assert isinstance(saved, drafts.Saved)


def _module_with_image(site: int, colour=(200, 30, 30)):
    lm = library.adapt(site, shipped(), None)
    page_id = lm.pages[0].id
    stored = images.store(site, page_id, "fi", files.png(40, 30, colour), "Punainen laatikko", None)
    return lm.id, page_id, stored


def test_an_image_is_listed_with_its_uses_and_deleted_once_nothing_shows_it(sites):
    app, site, _ = sites
    with app.app_context():
        module_id, page_id, stored = _module_with_image(site)
        (entry,) = image_library.module_images(site, module_id)
        assert (entry.key, entry.alt_text, entry.width, entry.height) == (
            stored.key,
            "Punainen laatikko",
            40,
            30,
        )
        assert entry.deletable and entry.byte_size > 0  # uploaded, not yet put into a text
        body = _text(page_id, "en").body_markdown
        _set_body(site, page_id, "en", body + "\n\n" + stored.markdown)
        (entry,) = image_library.module_images(site, module_id)
        assert [(u.page_id, u.language) for u in entry.pages] == [(page_id, "en")]
        with pytest.raises(image_library.ImageInUse) as refused:
            image_library.delete_image(site, module_id, stored.key)
        assert refused.value.code == "in_draft" and _count() == 1
        _set_body(site, page_id, "en", body)  # its line taken out again
        image_library.delete_image(site, module_id, stored.key)
        assert _count() == 0 and image_library.module_images(site, module_id) == []


def test_an_image_a_published_version_shows_is_never_deleted(sites):
    app, site, _ = sites
    with app.app_context():
        module_id, page_id, stored = _module_with_image(site)
        body = _text(page_id, "fi").body_markdown
        _set_body(site, page_id, "fi", body + "\n\n" + stored.markdown)
        publishing.publish(site, module_id, "Kuva", None)
        _set_body(site, page_id, "fi", body)  # gone from the draft, not from version 1
        (entry,) = image_library.module_images(site, module_id)
        assert entry.pages == () and entry.versions == (1,) and not entry.deletable
        with pytest.raises(image_library.ImageInUse) as refused:
            image_library.delete_image(site, module_id, stored.key)
        assert refused.value.code == "published" and _count() == 1


def test_an_image_in_a_question_or_another_modules_draft_is_kept(sites):
    app, site, _ = sites
    with app.app_context():
        module_id, _, stored = _module_with_image(site)
        other = library.adapt(site, shipped(), None)
        other_page = other.pages[0].id
        _set_body(site, other_page, "fi", stored.markdown)
        with pytest.raises(image_library.ImageInUse) as refused:
            image_library.delete_image(site, module_id, stored.key)
        assert refused.value.code == "elsewhere"
        # The other module lists it too (its draft shows it), with the page that does.
        (theirs,) = image_library.module_images(site, other.id)
        assert theirs.key == stored.key and [u.page_id for u in theirs.pages] == [other_page]
        _set_body(site, other_page, "fi", "Ilman kuvaa.")
        _, questions, _ = quiz_drafts.draft_quiz(site, module_id)
        snapshot = dict(quiz_drafts.text_row(questions[0].id, "fi").snapshot)
        snapshot["text"] = f"Mikä kuvassa on? {stored.markdown}"
        row = quiz_drafts.text_row(questions[0].id, "fi")
        row.snapshot = snapshot
        db.session.commit()
        (entry,) = image_library.module_images(site, module_id)
        assert entry.in_quiz and not entry.deletable
        with pytest.raises(image_library.ImageInUse):
            image_library.delete_image(site, module_id, stored.key)
        assert _count() == 1


def test_another_sites_module_or_image_is_not_found(sites):
    app, site, other = sites
    with app.app_context():
        module_id, _, stored = _module_with_image(site)
        theirs = library.adapt(other, shipped(), None).id
        with pytest.raises(library.NotInLibrary):
            image_library.module_images(other, module_id)
        with pytest.raises(library.NotInLibrary):
            image_library.delete_image(other, module_id, stored.key)
        with pytest.raises(library.NotInLibrary):  # their module, this site's image
            image_library.delete_image(other, theirs, stored.key)
        with pytest.raises(library.NotInLibrary):  # this site's module, an unknown key
            image_library.delete_image(site, module_id, "x" * 32)
        assert _count() == 1


def test_the_images_page_lists_deletes_and_refuses(quizzes, sites):
    site = quizzes
    browser, launch_id, module_id, pages = _adapted(site)
    app, first, second = sites
    with app.app_context():
        stored = images.store(first, pages[0][0], "fi", files.png(300, 100), "Sininen nauha", None)
        used = images.store(
            first, pages[0][0], "fi", files.png(20, 20, (1, 2, 3)), "Pieni ruutu", None
        )
        _set_body(
            first,
            pages[0][0],
            "fi",
            _text(pages[0][0], "fi").body_markdown + "\n\n" + used.markdown,
        )
        theirs = library.adapt(second, shipped(), None).id
    module = browser.get(site.url + f"/l/{launch_id}/library/{module_id}/")
    address = f"/l/{launch_id}/library/{module_id}/images"
    assert address in module.text
    page = browser.get(site.url + address)
    assert page.status_code == 200
    assert "Sininen nauha" in page.text and f'src="/media/{stored.key}"' in page.text
    assert 'width="120" height="40"' in page.text  # a thumbnail, scaled
    assert f"/library/page/{pages[0][0]}/fi" in page.text  # where the used one is
    deletes = [f for f in forms_in(page.text) if f.action.endswith("/delete")]
    assert [f.action.split("/")[-2] for f in deletes] == [stored.key]  # the used one has no button
    in_use = browser.post(site.url + address + f"/{used.key}/delete", data=deletes[0].fields)
    assert in_use.status_code == 409 and 'role="alert"' in in_use.text
    assert (
        browser.post(site.url + address + f"/{stored.key}/delete", data={}).status_code == 400
    )  # no CSRF token
    done = browser.post(site.url + deletes[0].action, data=deletes[0].fields, allow_redirects=False)
    assert done.status_code == 303
    assert browser.get(site.url + f"/media/{stored.key}").status_code == 404
    # Another site's module, a learner.
    assert browser.get(site.url + f"/l/{launch_id}/library/{theirs}/images").status_code == 404
    assert (
        browser.post(
            site.url + f"/l/{launch_id}/library/{theirs}/images/{used.key}/delete",
            data=deletes[0].fields,
        ).status_code
        == 404
    )
    learner = site.browser()
    learner_launch = _launch_id(launch(learner, PARTICIPANT).page)
    assert (
        learner.get(site.url + f"/l/{learner_launch}/library/{module_id}/images").status_code == 403
    )
    with app.app_context():
        assert _count() == 1
    assert re.search(r"kp-images-table", page.text)
