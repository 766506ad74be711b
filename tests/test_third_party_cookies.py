"""The platform and the tool on two sites, as in a real Moodle: the development platform
on http://localhost:<port>, the tool on http://127.0.0.1:<port>, so that the tool's
cookies in the platform's iframe are third-party ones. Chromium with third-party cookies
blocked (the profile's preference; ../shared/moodle.md: a command-line flag that looks
right does not block), and Chromium with them allowed, which must take no extra click.

Over http the tool's cookies are not Partitioned (security.set_cookie), so a blocked
Chromium keeps none in the iframe, as Safari keeps none: the path without cookies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from courses.database import db
from tests.chromium import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    answer_every_question,
    click_and_wait_for_close,
    reload_attempt,
    require_chromium,
    send_attempt,
)

require_chromium()

PARTICIPANT = "Demo Osallistuja – Participant (job seeker), Finnish"
TRAINER = "Demo Kouluttaja – Trainer (teacher)"


@pytest.fixture
def two_sites(quizzes) -> Iterator[str]:
    """The platform's address on its own site; the tool stays where it is served."""
    from lti_tool.devplatform import register_dev_platform

    app = quizzes.app
    platform = f"http://localhost:{urlsplit(quizzes.url).port}"
    with app.app_context():
        register_dev_platform(platform)
    app.config.update(DEV_PLATFORM_SITE_URL=platform, DEV_PLATFORM_TOOL_URL=quizzes.url)
    yield platform
    app.config.update(DEV_PLATFORM_SITE_URL=quizzes.url, DEV_PLATFORM_TOOL_URL=None)


def _chromium(playwright, profile: Path, *, block: bool):
    preferences = profile / "Default" / "Preferences"
    preferences.parent.mkdir(parents=True)
    settings = {"cookie_controls_mode": 1 if block else 0, "block_third_party_cookies": block}
    preferences.write_text(json.dumps({"profile": settings}))
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_FLAGS, locale="fi-FI"
    )


@pytest.fixture
def chromium_profile(tmp_path) -> Iterator[object]:
    """Start Chromium with third-party cookies blocked or allowed (one per test)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        contexts: list[object] = []

        def start(*, block: bool):
            contexts.append(_chromium(playwright, tmp_path / f"profile-{len(contexts)}", block=block))
            return contexts[-1]

        yield start
        for context in contexts:
            context.close()


@pytest.fixture
def blocked(chromium_profile):
    return chromium_profile(block=True)


@pytest.fixture
def allowed(chromium_profile):
    return chromium_profile(block=False)


def _launch(context, platform: str, user: str, activity: str):
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(platform + "/devplatform/")
    page.get_by_label("User").select_option(label=user)
    page.get_by_label("Course and activity").select_option(label=activity)
    page.get_by_role("button", name="Launch").click()
    frame = page.frame_locator("#tool-frame")
    frame.locator("h1").wait_for(timeout=10_000)
    return page, frame


def _continue_in_a_new_window(context, frame):
    assert frame.locator("h1").inner_text() == "Avaa aktiviteetti uuteen ikkunaan"
    with context.expect_page() as opened:
        frame.get_by_role("button", name="Jatka uudessa ikkunassa").click()
    window = opened.value
    window.locator("h1").wait_for(timeout=10_000)
    frame.locator("#kp-continue-opened").wait_for()  # the iframe says where it went
    return window


def test_blocked_cookies_a_learner_goes_through_a_module_and_its_quiz(blocked, two_sites, quizzes):
    _page, frame = _launch(blocked, two_sites, PARTICIPANT, "Suomalainen työelämä")
    assert "Demo Osallistuja" in frame.locator(".kp-continue-who").inner_text()
    window = _continue_in_a_new_window(blocked, frame)
    assert urlsplit(window.url).netloc == urlsplit(quizzes.url).netloc  # the tool, top level
    assert window.locator("h1").inner_text() == "Suomalainen työelämä"
    first = window.locator("#page-title").inner_text()
    window.get_by_role("link", name="Seuraava").click()  # a page view, with the cookie
    window.locator(f"#page-title:not(:text-is('{first}'))").wait_for()

    window.locator(".kp-quiz-status a").click()
    window.locator("form[action$='/start'] button").click()
    window.locator("form[data-autosave]").wait_for()
    answer_every_question(window)
    status = window.locator("#save-status")
    status.filter(has_text=status.get_attribute("data-saved")).wait_for(timeout=10_000)
    answered = window.locator("input:checked").count()
    reload_attempt(window, "() => window.location.reload()")
    assert window.locator("input:checked").count() == answered  # the autosave was kept
    send_attempt(window)
    assert window.locator(".kp-review").count() >= 6

    # The iframe's button again: its ticket is used, and the window it opens says so in
    # the learner's language, with a button that closes it.
    with blocked.expect_page() as opened:
        frame.locator("#kp-continue").evaluate("f => f.requestSubmit()")
    again = opened.value
    again.locator("h1").wait_for()
    assert again.locator("h1").inner_text() == "Tämä ikkuna ei voi enää avata aktiviteettia."
    click_and_wait_for_close(again, again.get_by_role("button", name="Sulje tämä ikkuna"))

    from quizzes.models import Attempt

    with quizzes.app.app_context():
        (attempt,) = db.session.execute(select(Attempt)).scalars().all()
        assert attempt.status == "submitted" and attempt.course_key != 0


def test_blocked_cookies_a_trainer_adds_modules_by_deep_linking(blocked, two_sites):
    page, frame = _launch(blocked, two_sites, TRAINER, "Add activity: select content (deep linking)")
    activities = page.get_by_label("Course and activity").locator("option")
    before = activities.all_inner_texts()
    window = _continue_in_a_new_window(blocked, frame)
    for title in ("Suomalainen työelämä", "Työnhaku"):
        window.get_by_label(title, exact=True).check()
    # The answer goes back into the platform's dialog (the iframe), as Moodle expects it,
    # and the window closes.
    click_and_wait_for_close(window, window.get_by_role("button", name="Lisää kurssille"), 10_000)
    frame.locator("#created").wait_for(timeout=10_000)
    assert frame.locator("#created li").count() == 2
    page.reload()
    after = activities.all_inner_texts()
    for title in ("Suomalainen työelämä", "Työnhaku"):  # each added once, not twice
        assert after.count(title) == before.count(title) + 1, title


def test_cookies_allowed_the_launch_takes_no_extra_click(allowed, two_sites):
    _page, frame = _launch(allowed, two_sites, PARTICIPANT, "Suomalainen työelämä")
    assert frame.locator("h1").inner_text() == "Suomalainen työelämä"  # straight to the module
    assert len(allowed.pages) == 1
    first = frame.locator("#page-title").inner_text()
    frame.get_by_role("link", name="Seuraava").click()
    frame.locator(f"#page-title:not(:text-is('{first}'))").wait_for()


def test_blocked_cookies_with_storage_access_granted_the_launch_stays_in_the_frame(blocked, two_sites, quizzes):
    """Where the browser has granted the Storage Access API to the tool inside this
    platform's pages (Chrome keeps such a grant), the launch's page takes it and goes
    on in the iframe, without the click."""
    cdp = blocked.browser.new_browser_cdp_session()
    cdp.send(
        "Browser.setPermission",
        {
            "permission": {"name": "storage-access"},
            "setting": "granted",
            "origin": two_sites,  # the top-level site, the platform
            "embeddedOrigin": quizzes.url,  # the tool in its iframe
        },
    )
    _page, frame = _launch(blocked, two_sites, PARTICIPANT, "Suomalainen työelämä")
    frame.locator("h1:text-is('Suomalainen työelämä')").wait_for(timeout=10_000)
    first = frame.locator("#page-title").inner_text()
    frame.get_by_role("link", name="Seuraava").click()  # the next page keeps the cookie
    frame.locator(f"#page-title:not(:text-is('{first}'))").wait_for()
    assert len(blocked.pages) == 1  # no window opened
