"""The learner's pages in Debian's Chromium, measured: no page scrolls sideways at 320 or
360 CSS px (WCAG 1.4.10), every control's boundary is 3:1 against what is behind it
(1.4.11), every focusable element shows a focus outline of 2 px or more at 3:1 (WCAG 2.2
focus appearance), and the quiz's summary step works by keyboard alone."""

from __future__ import annotations

import pytest

from tests.chromium import (
    answer_every_question,
    require_chromium,
)
from tests.test_real_browser import PARTICIPANT, axe_violations

require_chromium()

# What a control's boundary and the focused element's outline are drawn on: the nearest
# ancestor with a background (the page is white).
COLOURS = """
(el) => {
  function background(node) {
    for (let n = node; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  }
  const s = getComputedStyle(el);
  return {border: s.borderTopColor, borderWidth: s.borderTopWidth, outline: s.outlineColor,
          outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
          behind: background(el.parentElement), tag: el.tagName + (el.type ? ':' + el.type : ''),
          name: (el.id || el.name || el.textContent || '').trim().slice(0, 40)};
}
"""

# The innermost elements that reach past the viewport's right edge: what to fix.
WIDEST = """
(width) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5 && ![...e.children].some(
     c => c.getBoundingClientRect().right > width + 0.5))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).join(', ')
"""


def _rgb(css: str) -> tuple[float, float, float]:
    parts = css[css.index("(") + 1 : css.index(")")].replace("/", ",").split(",")
    return tuple(float(p) for p in parts[:3])  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(108, 117, 125)", "rgb(255, 255, 255)"), 2) == 4.69
    assert round(contrast("rgb(222, 226, 230)", "rgb(255, 255, 255)"), 2) == 1.3  # Bootstrap's


@pytest.fixture
def learner(chromium, quizzes):
    """A participant's tool window at the top level (launched "in a new window")."""
    context = chromium.new_context(locale="fi-FI")
    page = context.new_page()
    page.goto(quizzes.url + "/devplatform/")
    page.get_by_label("User").select_option(label=PARTICIPANT)
    page.get_by_label("Course and activity").select_option(label="Suomalainen työelämä")
    page.get_by_label("In a new window").check()
    with context.expect_page() as popup:
        page.get_by_role("button", name="Launch").click()
    tool = popup.value
    tool.locator("h1").wait_for(timeout=10_000)
    # The page's deferred scripts (terms.js, listen.js) run before "load": a click before
    # then finds no handler (a glossary test failed so on a loaded machine).
    tool.wait_for_load_state("load")
    yield tool
    context.close()


def _start_attempt(tool) -> str:
    tool.locator(".kp-quiz-status a").click()
    tool.locator("form[action$='/start'] button").click()
    tool.locator("form[data-autosave]").wait_for()
    return tool.url


def test_no_learner_page_scrolls_sideways_at_320_or_360_px(learner, quizzes):
    site = quizzes
    tool = learner
    pages = {"module page": tool.url}
    pages["accessibility statement"] = site.url + "/accessibility?lang=fi"
    attempt = _start_attempt(tool)
    answer_every_question(tool)
    tool.locator("button[value=finish]").click()
    tool.locator("table.kp-summary").wait_for()
    pages["attempt"] = attempt
    pages["summary"] = tool.url
    tool.locator("button[data-confirm]").click()
    tool.locator("dialog[open] button[value=confirm]").click()
    tool.locator("#result").wait_for()
    pages["review"] = tool.url
    home = tool.locator(".kp-back a").last.get_attribute("href")
    pages["quiz home"] = site.url + home if home.startswith("/") else home
    pages["programme"] = tool.url.split("/attempt/")[0] + "/programme"
    pages["error page"] = site.url + "/l/no-such-launch/"
    wide = []
    for width in (320, 360):
        tool.set_viewport_size({"width": width, "height": 700})
        for name, url in pages.items():
            tool.goto(url)
            scroll = tool.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                culprits = tool.evaluate(WIDEST, width)
                wide.append(f"{name} at {width} px: {scroll} px wide ({culprits})")
    assert wide == []


def test_controls_have_3_to_1_boundaries_and_every_focus_shows(learner):
    tool = learner
    _start_attempt(tool)
    weak = []
    for control in tool.locator("input:not([type=hidden]), select, textarea").all():
        c = control.evaluate(COLOURS)
        ratio = contrast(c["border"], c["behind"])
        if ratio < 3:
            weak.append(f"{c['tag']} {c['name']}: {ratio:.2f}:1")
    assert weak == []

    unseen, seen = [], set()
    tool.locator("body").focus()
    for _ in range(80):
        tool.keyboard.press("Tab")
        handle = tool.evaluate_handle("document.activeElement")
        c = handle.evaluate(COLOURS)
        key = handle.evaluate("e => e.outerHTML.slice(0, 120)")
        if key in seen or c["tag"] == "BODY":  # round the page once, or out to the browser
            break
        seen.add(key)
        width = float(c["outlineWidth"].rstrip("px") or 0)
        if c["outlineStyle"] == "none" or width < 2 or contrast(c["outline"], c["behind"]) < 3:
            unseen.append(f"{c['tag']} {c['name']}: {c['outlineStyle']} {c['outlineWidth']}")
    assert len(seen) > 10  # the skip link, the menus, every question's controls, the buttons
    assert unseen == []


def test_the_summary_step_by_keyboard_with_a_live_counter(learner):
    tool = learner
    _start_attempt(tool)
    essay = tool.locator("textarea").first
    counter = tool.locator(".kp-counter").first
    before = counter.inner_text()
    essay.fill("Kysyn neuvoa.")
    assert counter.inner_text() != before and counter.inner_text().startswith("13 /")
    essay.fill("x" * 5003)
    assert "3 merkkiä liikaa" in counter.inner_text()
    assert essay.get_attribute("aria-invalid") == "true"
    essay.fill("Kysyn neuvoa esihenkilöltä.")
    assert tool.locator(".kp-que").first.locator(".kp-qstate").inner_text() in ("Vastattu", "Ei vielä vastattu")

    tool.locator("button[value=finish]").focus()
    tool.keyboard.press("Enter")
    tool.locator("table.kp-summary").wait_for()
    assert tool.locator("tr.kp-not-answered").count() >= 1  # only the reflection is answered
    assert axe_violations(tool) == []
    tool.locator("button[data-confirm]").focus()
    tool.keyboard.press("Enter")
    dialog = tool.locator("dialog[open]")
    dialog.wait_for()
    assert "vastaamatta" in dialog.inner_text()  # it says how many are unanswered
    tool.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert tool.evaluate("document.activeElement.dataset.confirm") == "confirm-dialog"
    tool.keyboard.press("Enter")
    tool.locator("dialog[open]").wait_for()
    assert tool.evaluate("document.activeElement.value") == "confirm"  # the dialog's own button
    tool.keyboard.press("Enter")
    tool.locator("#result").wait_for()


def test_the_error_page_passes_axe(learner, quizzes):
    learner.goto(quizzes.url + "/l/no-such-launch/")
    assert learner.locator(".reason-code code").count() == 1
    assert axe_violations(learner) == []
