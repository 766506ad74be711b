"""An image added in Debian's Chromium: the editor's script puts its Markdown where the
cursor is and the autosave keeps it; the preview fits a 320 px phone; axe finds nothing.
(About 10 s: a real browser, and the autosave waits 1.5 s after the last change.)"""

from __future__ import annotations

import re
import time

from sqlalchemy import select

from authoring.models import DraftText
from courses.database import db
from tests.authoring import images as files
from tests.authoring.conftest import shipped
from tests.chromium import require_chromium
from tests.test_real_browser import axe_violations, launch_in_iframe

require_chromium()


def _fi_body(app, page_id: int) -> str:
    with app.app_context():
        return db.session.execute(
            select(DraftText.body_markdown).where(DraftText.draft_page_id == page_id, DraftText.language == "fi")
        ).scalar_one()


def test_a_trainer_adds_an_image_at_the_cursor_and_it_fits_a_phone(chromium, quizzes):
    site = quizzes
    context = chromium.new_context(locale="fi-FI", viewport={"width": 320, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.goto(site.url + "/devplatform/")
    launch_in_iframe(page, "Demo Kouluttaja – Trainer (teacher)", "Suomalainen työelämä")
    tool = next(f for f in page.frames if "/l/" in f.url)
    launch_id = re.search(r"/l/([\w-]+)/", tool.url).group(1)
    with site.app.app_context():
        module_id = shipped()
    page.goto(site.url + f"/l/{launch_id}/library")  # the tool on its own, as on a phone
    page.locator(f"form[action$='/library/adapt']:has(input[value='{module_id}']) button").click()
    page.locator("a[href*='/library/page/'][href$='/fi']").first.click()
    page.locator("#image-file").wait_for()
    page_id = int(re.search(r"/library/page/(\d+)/fi", page.url).group(1))
    before = _fi_body(site.app, page_id)
    page.locator("#body").evaluate("b => { b.focus(); b.setSelectionRange(0, 0); }")
    page.locator("#image-file").set_input_files(
        files=[{"name": "kaavio.png", "mimeType": "image/png", "buffer": files.png(1600, 400)}]
    )
    page.locator("#image-alt").fill("Laaja kaavio")
    page.get_by_role("button", name="Lataa ja lisää tekstiin").click()
    page.locator("#image-status", has_text="kohdistimen kohdalle").wait_for()
    value = page.locator("#body").input_value()
    assert re.match(r"!\[Laaja kaavio\]\(/media/[\w-]{32}\)\n\n", value)  # where the cursor was
    assert value.endswith(before)
    deadline = time.monotonic() + 10
    while _fi_body(site.app, page_id) != value and time.monotonic() < deadline:
        time.sleep(0.1)  # the autosave waits 1.5 s after the last change
    assert _fi_body(site.app, page_id) == value
    page.locator("button[value=preview]").click()
    image = page.locator(".kp-preview img")
    image.wait_for()
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("1600", "400")
    page.wait_for_function("() => document.querySelector('.kp-preview img').complete")
    shown = image.bounding_box()
    assert shown["width"] <= 320 and abs(shown["width"] / shown["height"] - 4) < 0.05
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/trainer-image.png", full_page=True)
    context.close()
    # (Chromium's own favicon request, a 404, is no page's resource and is not counted.)
    assert not [e for e in errors if "Content Security Policy" in e or e.startswith("http")], errors
