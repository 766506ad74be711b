"""Every learner page type in Debian's Chromium (issue 18's "Done when"): axe-core finds no
WCAG 2.1 A/AA violation at 360 px or at 1280 px, and on the pages a learner works through
(the module page with its Listen buttons, marked words, pager and language menus; the
programme; the quiz's home, summary and review; the error page and the accessibility
statement too) Tab reaches every focusable element, each
shows a focus outline of 2 px or more at 3:1 against what is behind it (WCAG 2.2 focus
appearance), and every control's boundary is 3:1 (1.4.11). The attempt page has its own
test (test_layout_browser)."""

from __future__ import annotations

from tests.chromium import answer_every_question, require_chromium
from tests.test_real_browser import axe_violations
from tests.ux import test_layout_browser as layout
from tests.ux.test_layout_browser import COLOURS, contrast
from tests.ux.test_listen_browser import SPEECH

require_chromium()

learner = layout.learner  # the fixtures: a participant's window

WIDTHS = (1280, 360)

# A control's own look: its border, and its fill where it has one (a filled button).
FILL = """
(el) => {
  function behind(node) {
    for (let n = node; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  }
  const s = getComputedStyle(el);
  return {border: s.borderTopColor, borderWidth: parseFloat(s.borderTopWidth), fill: s.backgroundColor,
          behind: behind(el.parentElement), name: (el.id || el.name || el.textContent || '').trim().slice(0, 40)};
}
"""


def _visible(colour: str) -> bool:
    return colour not in ("rgba(0, 0, 0, 0)", "transparent")


def _journey(tool, site, check) -> None:
    """A learner's way through the quiz, with ``check(name)`` run on each page type."""
    check("module page")
    tool.locator(".kp-quiz-status a").click()
    tool.locator("form[action$='/start']").wait_for()
    check("quiz home")
    tool.locator("form[action$='/start'] button").click()
    tool.locator("form[data-autosave]").wait_for()
    answer_every_question(tool)
    check("attempt")
    tool.locator("button[value=finish]").click()
    tool.locator("table.kp-summary").wait_for()
    check("summary")
    tool.locator("button[data-confirm]").click()
    tool.locator("dialog[open] button[value=confirm]").click()
    tool.locator("#result").wait_for()
    check("review")
    tool.goto(tool.url.split("/attempt/")[0] + "/programme")
    check("programme")
    tool.goto(site.url + "/l/no-such-launch/")
    check("error page")
    tool.goto(site.url + "/accessibility?lang=fi")
    check("accessibility statement")


def test_every_learner_page_passes_axe_at_1280_and_360_px(learner, quizzes):
    """About 7 s: axe-core runs sixteen times (eight page types, two widths)."""
    tool = learner
    found: list[str] = []
    checked: list[str] = []

    def check(name: str) -> None:
        for width in WIDTHS:
            tool.set_viewport_size({"width": width, "height": 800})
            found.extend(f"{name} at {width} px: {v}" for v in axe_violations(tool))
            checked.append(f"{name} {width}")
        tool.set_viewport_size({"width": 1280, "height": 800})

    _journey(tool, quizzes, check)
    assert len(checked) == 16
    assert found == []


def _weak_boundaries(tool) -> list[str]:
    weak = []
    controls = tool.locator(
        "input:not([type=hidden]):visible, select:visible, textarea:visible, .btn:visible"
    )
    for control in controls.all():
        c = control.evaluate(FILL)
        ratios = (
            [contrast(c["border"], c["behind"])]
            if c["borderWidth"] and _visible(c["border"])
            else []
        )
        if _visible(c["fill"]):
            ratios.append(contrast(c["fill"], c["behind"]))
        if not ratios or max(ratios) < 3:
            weak.append(f"{c['name']}: {max(ratios, default=0):.2f}:1")
    return weak


def _tab_round(tool) -> tuple[list[str], list[str]]:
    """Tab from the top until focus comes round again: what was reached, and what showed
    no outline of 2 px at 3:1."""
    reached, unseen, seen = [], [], set()
    tool.locator("body").focus()
    tool.evaluate("window.scrollTo(0, 0)")
    for _ in range(200):
        tool.keyboard.press("Tab")
        handle = tool.evaluate_handle("document.activeElement")
        key = handle.evaluate("e => e.outerHTML.slice(0, 160)")
        c = handle.evaluate(COLOURS)
        if key in seen or c["tag"] == "BODY":  # round the page once, or out to the browser
            break
        seen.add(key)
        reached.append(f"{c['tag']} {c['name']} {key}")
        width = float(c["outlineWidth"].rstrip("px") or 0)
        if c["outlineStyle"] == "none" or width < 2 or contrast(c["outline"], c["behind"]) < 3:
            unseen.append(
                f"{c['tag']} {c['name']}: {c['outlineStyle']} {c['outlineWidth']} {c['outline']}"
            )
    else:
        raise AssertionError("Tab never came round: more than 200 stops")
    return reached, unseen


def test_every_focus_shows_and_every_control_has_a_boundary_beyond_the_attempt(learner, quizzes):
    """About 5 s: seven pages tabbed through element by element (some 80 key presses)."""
    tool = learner
    tool.context.add_init_script(script=f"({SPEECH})(['fi-FI'])")  # a device with a voice
    tool.reload()
    tool.locator(".kp-tools [data-listen=play]:not([hidden])").wait_for()
    problems: list[str] = []
    reached_on: dict[str, list[str]] = {}

    def check(name: str) -> None:
        if name == "attempt":  # tabbed through in test_layout_browser
            return
        reached, unseen = _tab_round(tool)
        reached_on[name] = reached
        problems.extend(f"{name}: no visible focus on {u}" for u in unseen)
        problems.extend(f"{name}: weak boundary {w}" for w in _weak_boundaries(tool))

    _journey(tool, quizzes, check)
    assert problems == []
    module = " | ".join(reached_on["module page"])
    for wanted in ("Kuuntele", "Tulosta", "language", "interface", "Vaihda kieli", "Seuraava"):
        assert wanted in module, wanted  # Listen, Print, both menus, their button, the pager
    assert any(r.startswith("BUTTON") and "kp-term" in r for r in reached_on["module page"])
    assert len(reached_on["summary"]) > 5 and len(reached_on["review"]) > 3
    assert len(reached_on["programme"]) > 5
