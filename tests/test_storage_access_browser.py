"""The Storage Access API on the launch's page in the iframe (lti_tool/static/windows.js,
lti/continue.html), in Chromium with third-party cookies blocked (tests/two_sites.py).

What Chromium 156 does here (headless, as the tests run it): the page's
navigator.permissions.query({name: "storage-access"}) reads "prompt" until the
permission is granted. Where the tool's site has had no top-level user interaction,
requestStorageAccess() is refused after about two seconds; after one (the learner's
clicks in a window the ticket opened), it was refused at once (under 0.1 s): headless
Chromium shows no question that a test could answer. A person's "Allow" is therefore
played by the DevTools protocol's Browser.setPermission, set after the page has read
"prompt" and before the click, when a person would answer. Each test starts Chromium
(about half a second); the refused one waits for Chromium's two seconds."""

from __future__ import annotations

from sqlalchemy import func, select

from courses.database import db
from tests.chromium import require_chromium
from tests.two_sites import (  # noqa: F401  (the fixtures, shared)
    blocked,
    chromium_profile,
    click_to_next_document,
    continue_in_a_new_window,
    launch,
    on_the_continue_page,
    set_storage_access,
    two_sites,
)

require_chromium()

MODULE = "Suomalainen työelämä"
ALLOW = "Salli tällä sivulla"


def _next_page_in_the_frame(frame) -> None:
    """A page view ("Next") in the iframe, with the cookie it was let keep."""
    first = frame.locator("#page-title").inner_text()
    click_to_next_document(frame, frame.locator(".kp-pager a[rel=next]"))
    assert frame.locator("#page-title").inner_text() != first


def _page_views(app) -> int:
    from courses.progress.models import PageView

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(PageView)).scalar_one()


def test_granted_before_the_launch_stays_in_the_frame_without_a_click(blocked, two_sites, quizzes):  # noqa: F811
    """Where the browser has granted the Storage Access API to the tool inside this
    platform's pages (Chrome keeps such a grant), the launch's page takes it and goes
    on in the iframe, without the click."""
    set_storage_access(blocked, two_sites, quizzes.url, "granted")
    _page, frame = launch(blocked, two_sites)
    frame.locator("h1", has_text=MODULE).wait_for(timeout=10_000)
    _next_page_in_the_frame(frame)  # the next page keeps the cookie
    assert len(blocked.pages) == 1  # no window opened
    assert _page_views(quizzes.app) == 2


def test_prompt_the_learner_allows_it_in_this_page_and_goes_on_in_the_frame(blocked, two_sites, quizzes):  # noqa: F811
    set_storage_access(blocked, two_sites, quizzes.url, "prompt")  # not asked yet
    _page, frame = launch(blocked, two_sites)
    assert on_the_continue_page(frame)
    allow = frame.get_by_role("button", name=ALLOW)
    allow.wait_for()  # shown: the browser may ask
    assert frame.locator("#kp-continue-refused").is_hidden()
    set_storage_access(blocked, two_sites, quizzes.url, "granted")  # the person's "Allow"
    allow.click()
    frame.locator("h1", has_text=MODULE).wait_for(timeout=10_000)
    _next_page_in_the_frame(frame)
    assert len(blocked.pages) == 1  # no window: the one click was "Allow"
    assert _page_views(quizzes.app) == 2


def test_prompt_refused_says_so_and_the_new_window_still_works(blocked, two_sites, quizzes):  # noqa: F811
    """Chromium refuses (no top-level visit to the tool yet): the page says so, hides its
    button, and the learner continues in a new window with the same, unused ticket."""
    _page, frame = launch(blocked, two_sites)
    allow = frame.get_by_role("button", name=ALLOW)
    allow.click()
    refused = frame.locator("#kp-continue-refused")
    refused.wait_for(timeout=10_000)  # Chromium's two seconds
    assert refused.inner_text() == (
        "Selaimesi ei sallinut sitä tällä sivulla. Jatka sen sijaan uudessa ikkunassa."
    )
    assert allow.is_hidden() and on_the_continue_page(frame)
    window = continue_in_a_new_window(blocked, frame)
    assert window.locator("h1").inner_text() == MODULE
    _next_page_in_the_frame(window)  # the same steps in the window
    assert _page_views(quizzes.app) == 2
