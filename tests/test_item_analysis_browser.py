"""The trainer's item analysis in Chromium: axe WCAG 2.1 AA at 360 px and 1280 px, no
sideways scrolling of the page on a phone (the table scrolls in its own box), keyboard."""

from __future__ import annotations

from tests.lti import PARTICIPANT, PARTICIPANT_RU, WORKING_LIFE
from tests.quizzes.test_item_pages import _take
from tests.test_real_browser import axe_violations, launch_in_iframe, page  # noqa: F401

TRAINER = "Demo Kouluttaja – Trainer (teacher)"


def test_the_item_analysis_passes_axe_on_a_phone_and_a_desktop(page, quizzes):  # noqa: F811
    _take(quizzes, PARTICIPANT, WORKING_LIFE, right=True)
    _take(quizzes, PARTICIPANT_RU, WORKING_LIFE, right=False)
    launch_in_iframe(page, TRAINER, "Suomalainen työelämä")
    landing = page.locator("#tool-frame").element_handle().content_frame().url
    tool = page.context.new_page()  # the same browser (cookies), the page at top level for axe
    tool.goto(
        landing.split("/l/", 1)[0]
        + "/l/"
        + landing.split("/l/", 1)[1].split("/", 1)[0]
        + "/quiz/finnish-working-life/"
    )
    link = tool.locator("a[href$='/items']")
    link.focus()
    tool.keyboard.press("Enter")
    tool.locator("table caption").wait_for()
    assert tool.locator("tbody tr").count() >= 6
    assert axe_violations(tool) == []
    # The table's box takes the focus from the keyboard, so it can be scrolled with arrows.
    for _ in range(40):
        tool.keyboard.press("Tab")
        if tool.evaluate("document.activeElement.classList.contains('kp-items-table')"):
            break
    else:
        raise AssertionError("the table's scrolling box cannot be reached with Tab")
    tool.set_viewport_size({"width": 360, "height": 740})
    width = tool.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the item analysis scrolls sideways on a phone: {width} px"
    assert tool.evaluate(
        "(() => { const b = document.querySelector('.kp-items-table'); return b.scrollWidth > b.clientWidth; })()"
    )
    assert axe_violations(tool) == []
    tool.screenshot(path="/tmp/quiz-items-phone.png", full_page=True)
