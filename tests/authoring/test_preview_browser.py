"""Preview as a learner in Debian's Chromium: a trainer opens the draft from the library
module's page, reads it in the learner's page at 1280 and 360 px, changes its language,
takes its quiz and reads the review; axe finds nothing, and nothing is recorded.
(About 15 s: a real browser.)"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import func, select

from courses.database import db
from tests.authoring.conftest import shipped
from tests.chromium import (
    answer_every_question,
    require_chromium,
)
from tests.test_real_browser import axe_violations, launch_in_iframe

require_chromium()

# Where the screenshots go: /tmp, or docs/guide to refresh the trainer's guide's pictures.
SCREENSHOTS = Path(os.environ.get("KOTOPAIKKA_SCREENSHOTS", "/tmp"))


def _records(app) -> tuple[int, ...]:
    with app.app_context():
        tables = db.metadata.tables
        return tuple(
            db.session.execute(select(func.count()).select_from(tables[name])).scalar_one()
            for name in ("page_view", "module_progress", "quiz_attempt", "quiz_response")
        )


def _checked(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 40))"""
    )
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), (width, wide[:8])
    assert axe_violations(page) == [], (width, page.url)


def test_a_trainer_previews_the_draft_as_a_learner(chromium, quizzes):
    site = quizzes
    context = chromium.new_context(locale="fi-FI", viewport={"width": 1280, "height": 800})
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
    page.goto(site.url + f"/l/{launch_id}/library")
    page.locator(f"form[action$='/library/adapt']:has(input[value='{module_id}']) button").click()
    page.locator(".kp-pages-table").wait_for()
    before = _records(site.app)
    page.get_by_role("link", name="Esikatselu oppijana").click()
    page.locator(".kp-preview-banner").wait_for()
    assert page.locator("#page-title").is_visible() and page.locator(".kp-toc li").count() == 5
    page.screenshot(path=str(SCREENSHOTS / "authoring-preview.png"))  # the guide's picture
    for width in (1280, 360):
        _checked(page, width)
    page.set_viewport_size({"width": 1280, "height": 800})
    # The learner's language choice: the same page in English, the menus still in Finnish.
    page.locator("#language").select_option("en")
    page.locator(".kp-language button[type=submit]").click()
    page.locator("html[lang=fi] .kp-body[lang=en]").wait_for()
    assert "/preview/en/m/" in page.url
    page.get_by_role("link", name=re.compile("^Seuraava")).click()
    page.locator(".kp-toc li.current:nth-child(2)").wait_for()
    # The quiz, as a learner takes it.
    page.locator(".kp-quiz-status a").click()
    page.locator("form[action$='/quiz/start'] button").click()
    page.locator("fieldset.kp-question").first.wait_for()
    for width in (1280, 360):
        _checked(page, width)
    answer_every_question(page)
    page.locator("button[value=finish]").click()
    page.locator(".kp-summary").wait_for()  # the learner's summary, the answers carried along
    assert page.locator(".kp-not-answered").count() == 0
    for width in (1280, 360):
        _checked(page, width)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("form.kp-finish button").click()
    page.locator("#confirm-dialog button[value=confirm]").click()
    page.locator(".kp-result").wait_for()
    assert page.locator(".kp-review").count() > 0
    for width in (1280, 360):
        _checked(page, width)
    page.screenshot(path="/tmp/trainer-preview-review.png", full_page=True)
    page.get_by_role("link", name="Takaisin moduulin muokkaukseen").click()
    page.locator(".kp-pages-table").wait_for()
    context.close()
    assert _records(site.app) == before
    assert not [e for e in errors if "Content Security Policy" in e or e.startswith("http")], errors
