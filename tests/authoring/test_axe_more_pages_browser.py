"""The authoring pages that no browser test had checked (issue 16's quality bar: 0 axe
violations at 360 and 1280 px), each in the state a trainer meets it in: two versions
compared, the module's images, the page editor after someone else's save (its conflict)
and its image form after an upload, the module page with changes in the original, the
quiz settings with a mistake, the quiz import preview with its error list, and a
translation file's import with texts not taken and refused."""

from __future__ import annotations

import io

from babel.messages.pofile import read_po, write_po
from sqlalchemy import select

from authoring import drafts, images, translation_files
from authoring.models import DraftText
from courses.database import db
from courses.models import Module, Page, PageText
from tests.authoring import images as files
from tests.authoring.chromium_pages import adapt, checked, trainer_page
from tests.chromium import require_chromium

require_chromium()


def _site_id(app) -> int:
    from lti_tool.registry.models import Platform

    with app.app_context():
        return db.session.execute(select(Platform.id)).scalar_one()


def _someone_else_saves(app, page_id: int, body: str) -> None:
    """Another trainer's save of the page's Finnish text, over the revision it has now."""
    with app.app_context():
        text = db.session.execute(
            select(DraftText).where(DraftText.draft_page_id == page_id, DraftText.language == "fi")
        ).scalar_one()
        drafts.save_text(_site_id(app), page_id, "fi", base_revision=text.revision, title=text.title,
                         body=body, author_id=None)


def _publish(page, note: str, number: int) -> None:
    page.locator("#note").fill(note)
    page.get_by_role("button", name="Julkaise uusi versio").click()
    page.locator(f"text=Versio {number} on julkaistu.").wait_for()


def test_history_images_upstream_and_the_editors_conflict_pass_axe(chromium, quizzes):
    """(About 15 s: seven pages, each checked by axe at two widths.)"""
    site = quizzes
    context, page, launch_id = trainer_page(chromium, site)
    module_id, pages = adapt(page, site, launch_id)
    module_url = page.url
    _publish(page, "Ensimmäinen", 1)
    _someone_else_saves(site.app, pages[0][0], "Työsopimus tehdään aina kirjallisena.\n\nToinen kappale.")
    page.goto(module_url)
    _publish(page, "Toinen", 2)
    page.get_by_role("button", name="Vertaa").click()
    page.locator(".kp-diff").first.wait_for()
    checked(page, "compare")

    # Images: one uploaded into the page's text, then the module's images page.
    with site.app.app_context():
        stored = images.store(_site_id(site.app), pages[0][0], "fi", files.png(80, 60), "Punainen laatikko", None)
        images.add_to_text(_site_id(site.app), pages[0][0], "fi", stored.markdown, None)
    page.goto(site.url + f"/l/{launch_id}/library/{module_id}/images")
    page.locator("text=Punainen laatikko").first.wait_for()
    checked(page, "images")

    # The image form after an upload (the editor's script), and after one without it.
    page.goto(site.url + f"/l/{launch_id}/library/page/{pages[1][0]}/fi")
    page.locator("#image-file").set_input_files(
        files=[{"name": "kaavio.png", "mimeType": "image/png", "buffer": files.png(400, 100)}]
    )
    page.locator("#image-alt").fill("Kaavio")
    page.get_by_role("button", name="Lataa ja lisää tekstiin").click()
    page.locator("#image-status", has_text="kohdistimen kohdalle").wait_for()
    checked(page, "image-form-uploaded")
    page.goto(site.url + f"/l/{launch_id}/library/page/{pages[1][0]}/fi?image=added")
    checked(page, "image-form-added")

    # The editor's conflict: someone else saves while this trainer writes.
    page.goto(site.url + f"/l/{launch_id}/library/page/{pages[2][0]}/fi")
    _someone_else_saves(site.app, pages[2][0], "Toisen kouluttajan teksti.")
    page.locator("#body").fill("Tämän kouluttajan teksti.")
    page.get_by_role("button", name="Tallenna", exact=True).click()
    page.locator("#conflict-title").wait_for()
    assert "Toisen kouluttajan teksti." in page.locator(".kp-theirs").inner_text()
    checked(page, "page-text-conflict")

    # Changes in the original since the copy (a newer release; test_upstream.py).
    with site.app.app_context():
        for language, addition in (("fi", "Uusi kappale vuoden 2027 sääntöjen mukaan."),
                                   ("en", "A new paragraph by the rules of 2027.")):
            text = db.session.execute(
                select(PageText).join(Page).join(Module).where(
                    Module.slug == "finnish-working-life", Page.slug == pages[0][1], PageText.language == language)
            ).scalar_one()
            text.body_markdown += "\n\n" + addition
        db.session.commit()
    page.goto(module_url)
    page.locator("#upstream .kp-diff").first.wait_for()
    assert page.locator("#upstream .kp-change").count() == 2
    checked(page, "module-upstream")
    context.close()


def _translation_file(app, module_id: int) -> bytes:
    """The English file as a translator sends it back: one text translated, one that the
    module has no longer (not taken, and named)."""
    with app.app_context():
        _, data = translation_files.export_file(_site_id(app), module_id, "en")
    catalog = read_po(io.BytesIO(data))
    next(m for m in catalog if m.context == "module/title").string = "Finnish working life, our way"
    catalog.add("Poistettu sivu", "A removed page", context="page/removed-page/title")
    out = io.BytesIO()
    write_po(out, catalog)
    return out.getvalue()


def test_quiz_settings_quiz_import_and_translation_import_pass_axe(chromium, quizzes):
    """(About 12 s: five pages, each checked by axe at two widths.)"""
    site = quizzes
    context, page, launch_id = trainer_page(chromium, site)
    module_id, _ = adapt(page, site, launch_id)
    module_url = page.url

    page.goto(site.url + f"/l/{launch_id}/library/{module_id}/quiz-settings")
    checked(page, "quiz-settings")
    page.locator("#random_count").fill("150")  # more questions than the quiz has
    page.get_by_role("button", name="Tallenna asetukset").click()
    page.locator("#random_count-error").wait_for()
    assert page.locator("#random_count").get_attribute("aria-invalid") == "true"
    checked(page, "quiz-settings-error")

    # Pasted GIFT with mistakes: the preview lists each with its line and column.
    page.goto(site.url + f"/l/{launch_id}/library/{module_id}/quiz/")
    page.locator("#import-text").fill(
        "::Hyvä::Kuka allekirjoittaa työsopimuksen? {=Molemmat ~Vain työntekijä}\n\n"
        "::Rikki::Mikä on koeaika? {=Alku ~Loppu\n\n"
        "::Toinen::Kuinka pitkä? {#}\n"
    )
    page.get_by_role("button", name="Näytä, mitä tuotaisiin").click()
    page.locator(".kp-import-problems li").first.wait_for()
    assert "Rivi" in page.locator(".kp-import-problems").inner_text()
    checked(page, "quiz-import-errors")
    page.goto(site.url + f"/l/{launch_id}/library/{module_id}/quiz/")
    page.locator("#import-text").fill("::Hyvä::Kuka allekirjoittaa työsopimuksen? {=Molemmat ~Vain työntekijä}")
    page.get_by_role("button", name="Näytä, mitä tuotaisiin").click()
    page.get_by_role("button", name="Tallenna nämä kysymykset luonnokseen").wait_for()
    checked(page, "quiz-import-preview")

    # A translation file back: one text taken, one named as not taken; then a broken file.
    page.goto(module_url)
    page.locator("#po-en").set_input_files(
        files=[{"name": "m.en.po", "mimeType": "text/x-gettext-translation",
                "buffer": _translation_file(site.app, module_id)}]
    )
    page.locator("form:has(#po-en) button").click()
    page.locator("text=page/removed-page/title").wait_for()
    checked(page, "translation-import")
    page.goto(module_url)
    page.locator("#po-en").set_input_files(
        files=[{"name": "m.en.po", "mimeType": "text/x-gettext-translation", "buffer": b'msgid "a\x00"'}]
    )
    page.locator("form:has(#po-en) button").click()
    page.locator("p.alert-danger[role=alert]").wait_for()
    checked(page, "translation-import-refused")
    context.close()
