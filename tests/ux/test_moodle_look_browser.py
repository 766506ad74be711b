"""Inside Moodle's iframe the tool looks like part of Moodle 4.5 (issue 18), in Debian's
Chromium: no second site header, one compact head (the module's title with the language
menus, then the progress, the completion badge in Moodle's words and the quiz), and the
page's text near the top of the frame, at 1280 px and on a 360 px phone.

The device has a voice for Finnish (a stand-in, as in test_listen_browser): phones and
desktops have one, and without it a one-line note under the Listen button says so."""

from __future__ import annotations

import pytest

from tests.chromium import require_chromium
from tests.test_real_browser import PARTICIPANT, launch_in_iframe  # noqa: F401
from tests.ux.test_listen_browser import SPEECH

require_chromium()

# Where the first paragraph of the page's text starts, in CSS px from the frame's top.
# Before the compact head (fe044ce^) it started at 435 px and 842 px, on main before this
# change (the site header gone, the who-line, the listen tools and the language form
# still on lines of their own) at 290 px and 545 px. With both language menus kept in
# sight, a 310 px wide frame cannot hold them, the progress and the badge on fewer lines.
TEXT_STARTS_BELOW = {1280: 200, 360: 450}

BOX = "e => { const b = e.getBoundingClientRect(); return [b.top, b.bottom, b.width, b.height]; }"


@pytest.fixture
def moodle(chromium, request):  # noqa: F811
    """Moodle's page (the development platform's launcher) at the test's width."""
    width = request.param
    context = chromium.new_context(locale="fi-FI", viewport={"width": width, "height": 800})
    context.add_init_script(script=f"({SPEECH})(['fi-FI'])")
    page = context.new_page()
    yield page, width
    context.close()


@pytest.mark.parametrize("moodle", [1280, 360], indirect=True, ids=["1280px", "360px"])
def test_in_moodles_iframe_one_compact_head_and_the_text_at_the_top(moodle, quizzes):
    """Over a second each: a launch into the iframe (login, id_token, landing page) and
    the new window's page for the comparison."""
    page, width = moodle
    page.goto(quizzes.url + "/devplatform/")
    frame = launch_in_iframe(page, PARTICIPANT, "Suomalainen työelämä")
    frame.locator(".kp-tools [data-listen=play]:not([hidden])").wait_for()
    assert frame.locator("html").get_attribute("class") == "kp-embedded"

    # No second site header: Moodle's own is right above the frame, with who is signed
    # in and the course; the tool's who-line stays for screen readers only.
    assert frame.locator("header.site-header").is_hidden()
    who = frame.locator(".kp-who")
    assert who.evaluate(BOX)[3] <= 1 and "Demo Osallistuja" in who.inner_text()

    # The compact head: the title, the language menus, the progress, the badge, the quiz.
    head = frame.locator("header.kp-module-head")
    assert head.locator("h1").inner_text() == "Suomalainen työelämä"
    for label in ("Sivujen kieli", "Valikoiden kieli"):
        assert head.get_by_label(label).is_visible(), label
    assert head.get_by_role("button", name="Vaihda kieli").is_visible()
    assert head.locator("progress#module-progress").is_visible()
    badge = head.locator(".kp-badge")
    assert badge.is_visible() and head.locator("#status").inner_text() == "Tekemättä"
    assert " ".join(badge.text_content().split()) == "Moduulin suoritus: Tekemättä"  # read aloud
    assert head.get_by_role("link", name="Tee testi").is_visible()
    bottom = head.evaluate(BOX)[1]
    title_top = frame.locator("#page-title").evaluate(BOX)[0]
    assert bottom <= title_top  # the page follows the head, nothing in between

    first = frame.locator(".kp-body p").first.evaluate(BOX)[0]
    assert first < TEXT_STARTS_BELOW[width], f"the text starts {first:.0f} px down at {width} px"
    assert frame.locator("body").evaluate("b => b.scrollWidth") <= width

    # The same page in a window of its own keeps the tool's header and the who-line.
    url = page.locator("#tool-frame").element_handle().content_frame().url
    alone = page.context.new_page()
    alone.goto(url)
    assert alone.locator("header.site-header").is_visible()
    assert alone.locator(".kp-who").is_visible()
    assert alone.locator("html").get_attribute("class") in (None, "")
