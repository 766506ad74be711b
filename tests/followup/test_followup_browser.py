"""In Chromium: a trainer replies to a reflection and grants an extra attempt; the learner
then reads the reply and starts the extra attempt. axe WCAG 2.1 AA at 360 and 1280 px."""

from __future__ import annotations

from tests.chromium import require_chromium
from tests.followup.helpers import limit_attempts, send_reflection
from tests.test_real_browser import axe_violations, launch_in_iframe, page  # noqa: F401

require_chromium()

TRAINER = "Demo Kouluttaja – Trainer (teacher)"
PARTICIPANT = "Demo Osallistuja – Participant (job seeker), Finnish"
MODULE = "Suomalainen työelämä"


def _top_level(page, path: str):  # noqa: F811
    """The launch's page ``path`` at top level in the same browser (for axe)."""
    landing = page.locator("#tool-frame").element_handle().content_frame().url
    base, rest = landing.split("/l/", 1)
    tool = page.context.new_page()
    tool.goto(f"{base}/l/{rest.split('/', 1)[0]}/{path}")
    return tool


def _axe_at_both_widths(tool, sideways: bool = False) -> None:
    for width in (1280, 360):
        tool.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(tool) == [], (tool.url, width)
        scroll = tool.evaluate("document.documentElement.scrollWidth")
        assert sideways or scroll <= width, f"{tool.url} scrolls sideways at {width} px: {scroll}"


def test_a_reply_and_an_extra_attempt_reach_the_learner(page, chromium, quizzes):  # noqa: F811
    site = quizzes
    send_reflection(site, text="Kysyn esihenkilöltä työvuoroista.")
    limit_attempts(site.app, 1)
    launch_in_iframe(page, TRAINER, MODULE)
    tool = _top_level(page, "quiz/finnish-working-life/reflections")
    tool.locator("article.kp-reflection").wait_for()
    _axe_at_both_widths(tool)
    tool.locator(".kp-reply-form textarea").first.fill("Hyvä kysymys. Kysy myös lomista.")
    tool.locator(".kp-reply-form button[type=submit]").first.click()
    tool.locator(".alert-success").wait_for()
    assert "Hyvä kysymys. Kysy myös lomista." in tool.locator("article.kp-reflection").inner_text()
    tool.locator("a[href$='/exceptions']").first.click()
    tool.locator("h1").wait_for()
    _axe_at_both_widths(tool)
    tool.locator("#extra-count").fill("1")
    tool.locator("#extra-note").fill("Poissa tenttipäivänä")
    tool.locator("form:has(#extra-count) button[type=submit]").click()
    tool.locator(".alert-success").wait_for()
    assert "Poissa tenttipäivänä" in tool.locator("table.kp-exceptions").inner_text()
    tool.locator("form:has(#reset-module) button[type=submit]").click()
    tool.locator("input[name=confirm]").wait_for(state="attached")
    _axe_at_both_widths(tool)  # the confirmation step (not confirmed here)

    learner_context = chromium.new_context(locale="fi-FI")
    learner = learner_context.new_page()
    learner.goto(site.url + "/devplatform/")
    frame = launch_in_iframe(learner, PARTICIPANT, MODULE)
    frame.locator(".kp-reply-notice").wait_for()
    quiz = _top_level(learner, "quiz/finnish-working-life/")
    quiz.locator(".kp-replies").wait_for()
    assert "Hyvä kysymys. Kysy myös lomista." in quiz.locator(".kp-replies").inner_text()
    _axe_at_both_widths(quiz, sideways=True)  # the attempts table (not new) is wider
    quiz.locator("form[action$='/start'] button").click()
    quiz.locator("fieldset.kp-question").first.wait_for()
    assert "/attempt/" in quiz.url
    learner_context.close()
