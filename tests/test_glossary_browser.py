"""The words of a page in Debian's Chromium, by keyboard alone: Tab reaches a marked word,
Enter opens its explanation in the live region right after it (a screen reader reads it),
Escape or Enter closes it; the page passes axe at 1280 and 360 px with it open."""

from __future__ import annotations

from tests.chromium import require_chromium
from tests.test_real_browser import axe_violations
from tests.ux import test_layout_browser as layout

require_chromium()

# The participant's tool window, launched as the layout tests launch it.
learner = layout.learner


def _tab_to_first_term(tool) -> None:
    for _ in range(80):
        tool.keyboard.press("Tab")
        if tool.evaluate("document.activeElement.classList.contains('kp-term')"):
            return
    raise AssertionError("Tab never reached a marked word")


def test_a_marked_word_opens_and_closes_its_explanation_by_keyboard(learner):
    tool = learner
    _tab_to_first_term(tool)
    term = tool.locator("button.kp-term").first
    assert term.evaluate("b => b === document.activeElement")
    name = term.inner_text()
    assert name and term.get_attribute("aria-expanded") == "false"
    note = tool.locator("#" + term.get_attribute("aria-controls"))
    assert note.get_attribute("aria-live") == "polite"  # announced when it opens
    explanation = note.locator(".kp-term-text")
    assert not explanation.is_visible()

    tool.keyboard.press("Enter")
    assert term.get_attribute("aria-expanded") == "true"
    explanation.wait_for(state="visible")
    assert explanation.locator('.kp-gloss[data-lang="fi-x-selko"]').is_visible()
    assert explanation.locator('.kp-gloss[data-lang="fi"]').is_visible()
    assert term.evaluate("b => b === document.activeElement")  # focus stays on the word

    tool.keyboard.press("Escape")
    explanation.wait_for(state="hidden")
    assert term.get_attribute("aria-expanded") == "false"
    tool.keyboard.press("Enter")
    explanation.wait_for(state="visible")
    tool.keyboard.press("Enter")
    explanation.wait_for(state="hidden")

    words = tool.locator("section.kp-words")
    assert words.get_by_role("heading", name="Tämän sivun sanat").is_visible()
    assert words.locator("dt").count() == tool.locator("button.kp-term").count()

    tool.keyboard.press("Enter")  # open for the checks: axe sees the explanation too
    explanation.wait_for(state="visible")
    for width in (1280, 360):
        tool.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(tool) == [], width
        if width == 360:
            assert tool.evaluate("document.documentElement.scrollWidth") <= 360
    tool.screenshot(path="/tmp/glossary-360.png", full_page=True)


def test_a_tap_opens_the_explanation(learner):
    tool = learner
    term = tool.locator("button.kp-term").first
    term.click()
    tool.locator("#" + term.get_attribute("aria-controls") + " .kp-term-text").wait_for(
        state="visible"
    )
    assert term.get_attribute("aria-expanded") == "true"


def test_listen_reads_the_text_not_the_words_explanations(learner):
    from tests.ux.test_listen_browser import SPEECH, _until

    tool = learner
    tool.context.add_init_script(script=f"({SPEECH})(['fi-FI'])")
    tool.reload()
    tool.locator(".kp-tools [data-listen=play]:not([hidden])").click()
    _until(tool, "() => document.querySelector('.kp-listen-status').textContent.length > 0")
    spoken = " ".join(tool.evaluate("window.__spoken.map(s => s.text)"))
    term = tool.locator("button.kp-term").first
    assert term.inner_text() in spoken  # the word is read as part of its sentence
    note = tool.locator("#" + term.get_attribute("aria-controls"))
    explanation = note.locator('.kp-gloss[data-lang="fi-x-selko"]').text_content()
    assert explanation.split(" – ", 1)[1] not in spoken
