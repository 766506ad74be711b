"""The trainer's certificate settings page, /l/<id>/certificates/settings (issue 17: every
new page passes axe at 360 and 1280 px and is keyboard usable), in Debian's Chromium: the
trainer reaches it from the programme page, changes the setting and saves it with the
keyboard alone, every stop showing its focus."""

from __future__ import annotations

from sqlalchemy import select

from certificates.services import per_module
from courses.database import db
from lti_tool.identity.models import LtiContext
from tests.chromium import require_chromium
from tests.lti import TRAINER
from tests.test_real_browser import axe_violations  # noqa: F401  (the browser)
from tests.ux.test_layout_browser import COLOURS, contrast
from tests.ux.test_learner_fixes_browser import _window

require_chromium()


def _both_widths(tool, what: str) -> None:
    for width in (1280, 360):
        tool.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(tool) == [], f"{what} at {width} px"
        scroll = tool.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{what} scrolls sideways at {width} px: {scroll} px"
    tool.set_viewport_size({"width": 1280, "height": 800})


def _tab_to(tool, selector: str) -> None:
    """Tab until ``selector`` has the focus; each stop on the way shows its outline."""
    for _ in range(60):
        tool.keyboard.press("Tab")
        focused = tool.evaluate_handle("document.activeElement")
        c = focused.evaluate(COLOURS)
        width = float(c["outlineWidth"].rstrip("px") or 0)
        assert c["outlineStyle"] != "none" and width >= 2, c
        assert contrast(c["outline"], c["behind"]) >= 3, c
        if focused.evaluate(f"e => e.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _per_module(site) -> bool:
    with site.app.app_context():
        context = db.session.execute(
            select(LtiContext.id).where(LtiContext.context_id == "101")
        ).scalar_one()
        return per_module(context)


def test_the_certificate_setting_by_keyboard_alone_with_axe_at_both_widths(chromium, site):  # noqa: F811
    """About 3 s after the launch: axe four times, some twenty key presses."""
    tool = _window(chromium, site, TRAINER)
    tool.get_by_role("link", name="Kaikki moduulit").click()
    tool.locator("#programme-progress-text, .kp-modules").first.wait_for()
    tool.locator("body").focus()
    _tab_to(tool, "a[href$='/certificates/settings']")
    tool.keyboard.press("Enter")
    tool.get_by_role("heading", name="Todistukset").wait_for()
    assert tool.url.endswith("/certificates/settings")
    _both_widths(tool, "the settings page")

    group = tool.get_by_role("group", name="Mistä tällä kurssilla saa todistuksen")
    programme = group.get_by_role("radio", name="Yksi todistus, kun koko ohjelma on suoritettu")
    assert programme.is_checked()
    tool.locator("body").focus()
    _tab_to(tool, "input[name=earns]:checked")
    tool.keyboard.press("ArrowDown")  # a radio group moves its choice with the arrow keys
    each = group.get_by_role("radio", name="Todistus jokaisesta suoritetusta moduulista")
    assert each.is_checked() and not programme.is_checked()
    _tab_to(tool, "button[type=submit]")
    tool.keyboard.press("Enter")
    saved = tool.get_by_role("status")
    saved.wait_for()
    assert (
        saved.inner_text() == "Asetus on tallennettu. Jo myönnetyt todistukset pysyvät ennallaan."
    )
    assert tool.locator("input[name=earns][value=module]").is_checked()
    assert _per_module(site)
    _both_widths(tool, "the saved settings page")
    tool.context.close()
