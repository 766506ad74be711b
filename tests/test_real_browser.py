"""The demo as a person uses it, in Debian's Chromium: launch into Moodle-style iframe."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

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

if not os.path.exists(CHROMIUM):
    if os.environ.get("KOTOPAIKKA_REQUIRE_BROWSER") == "1":
        raise RuntimeError("Chromium is required (KOTOPAIKKA_REQUIRE_BROWSER=1) but not installed")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, site):
    context = chromium.new_context(locale="fi-FI")
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(site.url + "/devplatform/")
    yield page
    context.close()
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def launch_in_iframe(page, user_label: str, activity_label: str):
    page.get_by_label("User").select_option(label=user_label)
    page.get_by_label("Course and activity").select_option(label=activity_label)
    page.get_by_role("button", name="Launch").click()
    frame = page.frame_locator("#tool-frame")
    frame.locator("h1").wait_for(timeout=10_000)
    return frame


def test_participant_launches_into_the_iframe(page, site):
    frame = launch_in_iframe(
        page, "Demo Osallistuja – Participant (job seeker), Finnish", "Suomalainen työelämä"
    )
    assert "Demo Osallistuja" in frame.locator("h1").inner_text()
    assert frame.locator("#course").inner_text() == "Avaimet työelämään, kevät 2026"
    page.screenshot(path="/tmp/participant.png", full_page=True)


def test_trainer_and_mentor_launch_one_after_the_other(page):
    trainer = launch_in_iframe(page, "Demo Kouluttaja – Trainer (teacher)", "Työnhaku")
    trainer_role = trainer.locator("#role").inner_text()
    mentor = launch_in_iframe(page, "Demo Työpaikkamentori – Employer mentor", "Monikulttuurinen osaaminen")
    mentor.locator("text=Mentorivalmennus, kevät 2026").wait_for()
    assert mentor.locator("#role").inner_text() != trainer_role


def test_launch_in_a_new_window(page):
    page.get_by_label("User").select_option(label="Demo Kouluttaja – Trainer (teacher)")
    page.get_by_label("In a new window").check()
    with page.context.expect_page() as popup_info:
        page.get_by_role("button", name="Launch").click()
    popup = popup_info.value
    popup.locator("h1").wait_for(timeout=10_000)
    assert "Demo Kouluttaja" in popup.locator("h1").inner_text()


def test_trainer_adds_an_activity_by_deep_linking_and_a_participant_opens_it(page):
    frame = launch_in_iframe(
        page, "Demo Kouluttaja – Trainer (teacher)", "Add activity: select content (deep linking)"
    )
    frame.get_by_label("Aktiviteetin nimi").fill("Työnhaun ensiaskeleet")  # the trainer uses Finnish
    frame.get_by_role("button", name="Lisää kurssille").click()
    frame.locator("#created").wait_for(timeout=10_000)
    assert "Added to course: Työnhaun ensiaskeleet" in frame.locator("#created").inner_text()
    page.reload()
    learner = launch_in_iframe(
        page, "Demo Osallistuja – Participant (job seeker), Finnish", "Työnhaun ensiaskeleet"
    )
    assert learner.locator("#activity").inner_text() == "Työnhaun ensiaskeleet"
