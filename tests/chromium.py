"""Debian's Chromium driven by Playwright: where it is, how it starts, and what a person
does on the quiz pages (tests/test_real_browser.py, tests/test_third_party_cookies.py)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """At a test module's top: skip it where Chromium is missing, unless CI requires it."""
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("KOTOPAIKKA_REQUIRE_BROWSER") == "1":
        raise RuntimeError("Chromium is required (KOTOPAIKKA_REQUIRE_BROWSER=1) but not installed")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


def answer_every_question(scope) -> None:
    """Answer with the keyboard and mouse as a person does: first option, some text."""
    for fieldset in scope.locator("fieldset.kp-question").all():
        if fieldset.locator("input[type=radio]").count():
            fieldset.locator("input[type=radio]").first.check()
        elif fieldset.locator("input[type=checkbox]").count():
            fieldset.locator("input[type=checkbox]").first.check()
        elif fieldset.locator("select").count():
            for select in fieldset.locator("select").all():
                select.select_option(index=1)
        elif fieldset.locator("textarea").count():
            fieldset.locator("textarea").fill("Kysyn esihenkilöltä työvuoroista ensimmäisellä viikolla.")
        elif fieldset.locator("input[type=text][inputmode=decimal]").count():
            fieldset.locator("input[type=text]").fill("60,0")
        else:
            fieldset.locator("input[type=text]").fill("OmaVero")


def send_attempt(frame) -> None:
    """Send the answers as a learner does: "Finish attempt", the summary, its dialog."""
    frame.locator("button[value=finish]").click()
    frame.locator("table.kp-summary").wait_for()
    frame.locator("button[data-confirm]").click()
    frame.locator("dialog[open] button[value=confirm]").click()
    frame.locator("#result").wait_for()


def navigate(frame, script: str, ready: str) -> None:
    """Run a script that leaves the page; wait for ``ready`` in the new document, not in
    the one going away."""
    frame.locator("body").evaluate("b => { b.dataset.old = '1'; }")
    frame.locator("body").evaluate(script)
    frame.locator(f"body:not([data-old]) {ready}").wait_for()


def reload_attempt(frame, script: str) -> None:
    navigate(frame, script, "form[data-autosave] .kp-quiz-actions")  # the whole form is there


def click_and_wait_for_close(page, locator, timeout: float = 5_000) -> None:
    """Click a button that closes its own window. The window may close while Playwright
    is still finishing the click (TargetClosedError), or just after it returns: the
    close event is awaited from before the click, so neither order is a race."""
    from playwright.sync_api import Error as PlaywrightError

    with page.expect_event("close", timeout=timeout):
        try:
            locator.click(no_wait_after=True)
        except PlaywrightError:
            if not page.is_closed():
                raise
    assert page.is_closed()
