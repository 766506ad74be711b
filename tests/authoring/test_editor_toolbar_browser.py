"""The page editor's Markdown toolbar in Chromium (markdown_toolbar.js): one Tab stop,
arrow keys between its buttons, Enter makes the selection bold and the autosave saves
it; Ctrl+I and Ctrl+B, the lists, the subheading, the link, and the image button, whose
upload puts the image at the cursor; axe finds nothing at 1280 and 360 px. Without its script the toolbar stays hidden. (About 15 s: a real browser.)"""

from __future__ import annotations

import re

from sqlalchemy import select

from authoring.models import DraftPage, DraftText
from courses.database import db
from tests.authoring import images as files
from tests.test_authoring_browser import (
    TRAINER,
    _adapt,
    _at_both_widths,
    _launch,
    _open_finnish_editor,
)

FOCUSED = "() => document.activeElement.dataset.md || document.activeElement.id"


def _saved_body(site, slug: str) -> str:
    with site.app.app_context():
        return db.session.execute(
            select(DraftText.body_markdown).join(DraftPage).where(
                DraftPage.slug == slug, DraftText.language == "fi", DraftPage.removed_at.is_(None))
        ).scalar_one()


def _saved(tool) -> None:
    tool.locator("#draft-status").filter(has_text="Tallennettu.").wait_for(timeout=10_000)


def test_the_toolbar_by_keyboard_saves_what_it_does(chromium, quizzes):  # noqa: F811
    site = quizzes
    context, _, frame = _launch(chromium, site, TRAINER, "Suomalainen työelämä")
    _adapt(frame)
    _open_finnish_editor(frame)
    editor = frame.locator("body").evaluate("b => b.ownerDocument.location.href")
    raw = context.request.get(editor).text()  # the page as served, before any script
    assert 'role="toolbar"' in raw and "hidden data-markdown-toolbar" in raw
    # The trainer's own menus, not the learner preview's banner (which the editor once got).
    assert "kp-preview-banner" not in raw and "Moduulikirjasto" in raw
    tool = context.new_page()
    errors: list[str] = []
    tool.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tool.goto(editor)
    toolbar = tool.get_by_role("toolbar", name="Tekstin muotoilu")
    toolbar.wait_for()
    names = [b.inner_text() for b in toolbar.get_by_role("button").all()]
    assert names == ["Lihavointi", "Kursiivi", "Väliotsikko", "Luettelo", "Numeroitu luettelo", "Linkki", "Kuva"]
    _at_both_widths(tool, "page-text-toolbar")
    slug = tool.evaluate("location.pathname").split("/page/")[1].split("/")[0]
    with site.app.app_context():
        slug = db.session.get(DraftPage, int(slug)).slug

    body = tool.get_by_label("Teksti (Markdown)", exact=True)
    body.fill("Tervetuloa töihin.")
    _saved(tool)
    body.evaluate("b => b.setSelectionRange(11, 17)")  # töihin
    tool.get_by_label("Sivun otsikko", exact=True).focus()
    tool.keyboard.press("Tab")  # the toolbar is the next Tab stop: its first button
    assert tool.evaluate(FOCUSED) == "bold"
    for key, expected in (("ArrowRight", "italic"), ("ArrowRight", "heading"), ("End", "image"),
                          ("ArrowRight", "bold"), ("ArrowLeft", "image"), ("Home", "bold")):
        tool.keyboard.press(key)
        assert tool.evaluate(FOCUSED) == expected, key
    assert toolbar.locator("button[tabindex='0']").count() == 1  # one Tab stop
    tool.keyboard.press("Enter")
    assert body.input_value() == "Tervetuloa **töihin**."
    assert tool.evaluate(FOCUSED) == "body"  # back in the text, the word still selected
    assert tool.evaluate("() => document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)") == "töihin"
    _saved(tool)
    assert _saved_body(site, slug) == "Tervetuloa **töihin**."

    # Ctrl+I and Ctrl+B in the text; the lists, the subheading and the link by the buttons.
    body.evaluate("b => b.setSelectionRange(0, 10)")
    tool.keyboard.press("Control+i")
    assert body.input_value() == "*Tervetuloa* **töihin**."
    body.evaluate("b => { b.value += '\\nyksi\\nkaksi'; b.setSelectionRange(b.value.length - 10, b.value.length); }")
    toolbar.get_by_role("button", name="Numeroitu luettelo", exact=True).click()
    assert body.input_value().endswith("\n1. yksi\n2. kaksi")
    toolbar.get_by_role("button", name="Luettelo", exact=True).click()
    assert body.input_value().endswith("\n- yksi\n- kaksi")
    body.evaluate("b => b.setSelectionRange(0, 0)")
    toolbar.get_by_role("button", name="Väliotsikko", exact=True).click()
    assert body.input_value().startswith("## *Tervetuloa*")
    body.evaluate("b => b.setSelectionRange(b.value.length, b.value.length)")
    toolbar.get_by_role("button", name="Linkki", exact=True).click()
    assert body.input_value().endswith("[linkin teksti](https://)")
    tool.keyboard.type("Vero")  # over the selected placeholder
    assert body.input_value().endswith("[Vero](https://)")
    body.evaluate("b => b.setSelectionRange(b.value.length - 15, b.value.length - 11)")  # Vero
    tool.keyboard.press("Control+b")
    assert body.input_value().endswith("[**Vero**](https://)")
    _saved(tool)
    assert _saved_body(site, slug) == "## *Tervetuloa* **töihin**.\n- yksi\n- kaksi[**Vero**](https://)"

    # The image button opens the page's image upload, which puts the image at the cursor.
    body.evaluate("b => { b.focus(); b.setSelectionRange(0, 0); }")
    toolbar.get_by_role("button", name="Kuva", exact=True).click()
    assert tool.evaluate(FOCUSED) == "image-file"
    tool.locator("#image-file").set_input_files(
        files=[{"name": "kuva.png", "mimeType": "image/png", "buffer": files.png(40, 20)}]
    )
    tool.locator("#image-alt").fill("Pieni kuva")
    tool.get_by_role("button", name="Lataa ja lisää tekstiin").click()
    tool.locator("#image-status", has_text="kohdistimen kohdalle").wait_for()
    assert re.match(r"!\[Pieni kuva\]\(/media/[\w-]{32}\)\n\n## \*Tervetuloa\*", body.input_value())
    _saved(tool)
    assert _saved_body(site, slug) == body.input_value()
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_autosave_of_a_script_says_why_and_keeps_the_text(chromium, quizzes):  # noqa: F811
    site = quizzes
    context, _, frame = _launch(chromium, site, TRAINER, "Suomalainen työelämä")
    _adapt(frame)
    _open_finnish_editor(frame)
    page_id = int(frame.locator("body").evaluate("b => b.ownerDocument.location.pathname").split("/page/")[1].split("/")[0])
    with site.app.app_context():
        slug = db.session.get(DraftPage, page_id).slug
    before = _saved_body(site, slug)
    body = frame.get_by_label("Teksti (Markdown)", exact=True)
    typed = before + "\n\n<script>alert(1)</script>"
    body.fill(typed)
    status = frame.locator("#draft-status")
    status.filter(has_text="Ei tallennettu, ja tekstisi pysyy tässä:").wait_for(timeout=10_000)
    assert f"Rivillä {typed.count(chr(10)) + 1} on <script>-tagi." in status.inner_text()
    assert body.input_value() == typed and _saved_body(site, slug) == before
    body.fill(before + "\n\nKoodina `<script>` on tekstiä.")  # fixed: saved as typed
    status.filter(has_text="Tallennettu.").wait_for(timeout=10_000)
    assert _saved_body(site, slug).endswith("Koodina `<script>` on tekstiä.")
    context.close()
