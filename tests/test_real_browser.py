"""The demo as a person uses it, in Debian's Chromium: launch into Moodle-style iframe."""

from __future__ import annotations

import re

import pytest

from tests.chromium import (
    answer_every_question,
    navigate,
    reload_attempt,
    require_chromium,
    send_attempt,
)

require_chromium()


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


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A and AA rules of axe-core (the copy that axe-playwright-python ships)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    results = Axe().run(page, options=options)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


PARTICIPANT = "Demo Osallistuja – Participant (job seeker), Finnish"


def test_participant_reads_a_whole_module_in_the_iframe(page, site):
    frame = launch_in_iframe(page, PARTICIPANT, "Suomalainen työelämä")
    assert frame.locator("h1").inner_text() == "Suomalainen työelämä"
    assert frame.locator("#user-name").inner_text() == "Demo Osallistuja"
    assert frame.locator("#course").inner_text() == "Avaimet työelämään, kevät 2026"
    titles = [frame.locator("#page-title").inner_text()]
    while frame.get_by_role("link", name="Seuraava").count():
        frame.get_by_role("link", name="Seuraava").click()
        frame.locator(f"#page-title:not(:text-is('{titles[-1]}'))").wait_for()
        titles.append(frame.locator("#page-title").inner_text())
    assert len(titles) == 5 and len(set(titles)) == 5
    assert frame.locator("#module-progress").get_attribute("value") == "5"
    assert frame.locator("#status").inner_text() == "Tehty"  # Moodle's "Done"
    page.screenshot(path="/tmp/participant.png", full_page=True)


def test_a_reload_or_the_back_button_shows_the_first_page_again(page, site):
    """The launch answers with its first page. address.js puts the page's own address in
    the frame's history, so a reload asks for that page instead of posting the used
    id_token again (which the tool would refuse as a replay)."""
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    frame = launch_in_iframe(page, PARTICIPANT, "Suomalainen työelämä")
    first_title = frame.locator("#page-title").inner_text()
    tool = page.locator("#tool-frame").element_handle().content_frame()
    assert re.fullmatch(re.escape(site.url) + r"/l/[\w-]+/", tool.url), tool.url
    assert posts.count(site.url + "/lti/launch") == 1

    frame.locator("body").evaluate("() => window.location.reload()")
    frame.locator("#page-title").wait_for()
    assert frame.locator("#page-title").inner_text() == first_title
    assert posts.count(site.url + "/lti/launch") == 1  # asked for with GET, not posted again

    frame.get_by_role("link", name="Seuraava").click()
    frame.locator(f"#page-title:not(:text-is('{first_title}'))").wait_for()
    frame.locator("body").evaluate("() => history.back()")
    frame.locator(f"#page-title:text-is('{first_title}')").wait_for()
    assert frame.locator("h1").inner_text() == "Suomalainen työelämä"
    assert posts.count(site.url + "/lti/launch") == 1


def test_on_a_360_px_phone_a_participant_switches_to_ukrainian(chromium, site):
    context = chromium.new_context(locale="fi-FI", viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(site.url + "/devplatform/")
    page.get_by_label("User").select_option(label=PARTICIPANT)
    page.get_by_label("In a new window").check()
    with context.expect_page() as popup_info:
        page.get_by_role("button", name="Launch").click()
    tool = popup_info.value
    tool.locator("h1").wait_for(timeout=10_000)
    tool.get_by_label("Sivujen kieli").select_option("uk")
    tool.get_by_role("button", name="Vaihda kieli").click()
    tool.locator('.kp-body[lang="uk"]').wait_for()
    assert tool.locator("html").get_attribute("lang") == "fi"  # the menus stay as they were
    tool.get_by_label("Valikoiden kieli").select_option("uk")
    tool.get_by_role("button", name="Vaihda kieli").click()
    tool.locator('html[lang="uk"]').wait_for()
    assert tool.locator('.kp-body[lang="uk"]').count() == 1
    width = tool.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone: {width} px"
    tool.screenshot(path="/tmp/phone-uk.png", full_page=True)
    context.close()


def test_the_learner_pages_pass_axe_wcag_21_aa(page, site):
    frame = launch_in_iframe(page, PARTICIPANT, "Suomalainen työelämä")
    url = page.locator("#tool-frame").get_attribute("src") or ""
    tool_url = frame.locator("a", has_text="Kaikki moduulit").get_attribute("href")
    tool = page.context.new_page()  # the same browser (cookies), the pages at top level for axe
    landing = site.url + tool_url.rsplit("/programme", 1)[0] + "/"
    for path in ("", "m/finnish-working-life/pay-and-tax-card", "programme"):
        tool.goto(landing + path)
        assert axe_violations(tool) == [], path
    tool.goto(site.url + "/accessibility?lang=fi")
    assert axe_violations(tool) == []
    assert url is not None


def test_trainer_and_mentor_launch_one_after_the_other(page):
    trainer = launch_in_iframe(page, "Demo Kouluttaja – Trainer (teacher)", "Työnhaku")
    trainer_role = trainer.locator("#role").inner_text()
    assert trainer.get_by_role("link", name="Ryhmän yleiskuva").count() == 1
    mentor = launch_in_iframe(page, "Demo Työpaikkamentori – Employer mentor", "Monikulttuurinen osaaminen")
    mentor.locator("text=Mentorivalmennus, kevät 2026").wait_for()
    assert mentor.locator("#role").inner_text() != trainer_role
    assert mentor.get_by_role("link", name="Ryhmän yleiskuva").count() == 0


def test_launch_in_a_new_window(page):
    page.get_by_label("User").select_option(label="Demo Kouluttaja – Trainer (teacher)")
    page.get_by_label("In a new window").check()
    with page.context.expect_page() as popup_info:
        page.get_by_role("button", name="Launch").click()
    popup = popup_info.value
    popup.locator("h1").wait_for(timeout=10_000)
    assert popup.locator("#user-name").inner_text() == "Demo Kouluttaja"


def test_trainer_adds_three_modules_by_deep_linking_and_a_participant_opens_one(page, site):
    frame = launch_in_iframe(
        page, "Demo Kouluttaja – Trainer (teacher)", "Add activity: select content (deep linking)"
    )
    for title in ("Suomalainen työelämä", "Työnhaku", "Lupakortit"):  # the trainer uses Finnish
        frame.get_by_label(title, exact=True).check()
    frame.get_by_role("button", name="Lisää kurssille").click()
    frame.locator("#created").wait_for(timeout=10_000)
    assert frame.locator("#created li").count() == 3
    page.reload()
    learner = launch_in_iframe(page, PARTICIPANT, "Lupakortit")
    assert learner.locator("h1").inner_text() == "Lupakortit"
    assert learner.locator("#activity").inner_text() == "Lupakortit"


def test_participant_takes_a_quiz_with_autosave_and_reads_the_feedback(page, quizzes):
    frame = launch_in_iframe(page, PARTICIPANT, "Suomalainen työelämä")
    frame.locator(".kp-quiz-status a").click()
    frame.locator("form[action$='/start'] button").click()
    frame.locator("form[data-autosave]").wait_for()
    answer_every_question(frame)
    status = frame.locator("#save-status")
    saved_text = status.get_attribute("data-saved")
    status.filter(has_text=saved_text).wait_for(timeout=10_000)  # saved in the background
    answered = frame.locator("input:checked").count()
    reload_attempt(frame, "() => window.location.reload()")
    assert frame.locator("input:checked").count() == answered  # nothing lost on a reload
    assert "OmaVero" in frame.locator("form[data-autosave]").inner_html()

    # From the first keystroke the page no longer says "saved" (a save waits 1.5 s after
    # typing): nobody leaves trusting an answer that is not kept yet.
    typed = frame.locator("input[type=text]:not([inputmode])").first
    typed.fill("OmaVero.f")
    status.filter(has_text=saved_text).wait_for(timeout=10_000)
    typed.fill("OmaVero.fi")
    assert status.text_content() != saved_text
    # Leaving before the save was due sends it on the way out (keepalive).
    attempt_url = frame.locator("form[data-autosave]").evaluate("f => f.ownerDocument.location.href")
    navigate(frame, f"() => {{ window.location.href = {attempt_url.split('/attempt')[0] + '/'!r}; }}", "h1")
    reload_attempt(frame, f"() => {{ window.location.href = {attempt_url!r}; }}")
    assert frame.locator("input[type=text]:not([inputmode])").first.input_value() == "OmaVero.fi"

    tool = page.context.new_page()  # the same browser, the page at top level for axe
    tool.goto(attempt_url)
    assert axe_violations(tool) == []
    tool.set_viewport_size({"width": 360, "height": 740})  # a phone
    width = tool.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the quiz scrolls sideways on a phone: {width} px"
    tool.screenshot(path="/tmp/quiz-attempt-phone.png", full_page=True)
    tool.set_viewport_size({"width": 1280, "height": 800})

    send_attempt(frame)
    assert frame.locator("#result").evaluate("h => document.activeElement === h")  # brought into focus
    assert frame.locator(".kp-result[role=status]").count() == 1
    assert frame.locator(".kp-review").count() >= 6
    tool.goto(attempt_url + "/review")
    assert axe_violations(tool) == []
    page.screenshot(path="/tmp/quiz-review.png", full_page=True)
