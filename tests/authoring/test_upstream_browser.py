"""The module page's changes from a newer release, in Debian's Chromium: after a real
release is loaded (`content load`), the section passes axe at 1280 and 360 px without
scrolling sideways, and a trainer takes the original's new page over by keyboard alone.
(About 15 s: a real browser.)"""

from __future__ import annotations

from tests.authoring.releases import NEW_PAGE, content_load, newer_release
from tests.chromium import require_chromium
from tests.test_authoring_browser import TRAINER, _adapt, _at_both_widths, _launch

require_chromium()


def test_the_changes_pass_axe_and_a_new_page_is_taken_over_by_keyboard(chromium, shipped_release, tmp_path):
    site = shipped_release
    context, _, frame = _launch(chromium, site, TRAINER, "Suomalainen työelämä")
    module_url = _adapt(frame)
    content_load(site.app, newer_release(tmp_path))

    tool = context.new_page()  # at top level, for axe and the phone width
    tool.goto(module_url)
    tool.locator("#upstream").wait_for()
    tool.locator("#upstream details").evaluate_all("all => all.forEach(d => d.open = true)")
    _at_both_widths(tool, "upstream")

    take = tool.get_by_role("button", name="Ota sivu mukaan")
    tool.goto(module_url)  # from the page's start, by Tab alone, to the button
    for _ in range(300):
        tool.keyboard.press("Tab")
        if take.evaluate("b => b === document.activeElement"):
            break
    assert take.evaluate("b => b === document.activeElement")
    tool.keyboard.press("Enter")
    tool.wait_for_url("**#upstream")
    assert tool.get_by_role("button", name="Ota sivu mukaan").count() == 0
    assert tool.locator("table.kp-pages-table th[scope=row]", has_text=NEW_PAGE).count() == 1
    context.close()
