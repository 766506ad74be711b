"""Issue 18's fixes in Debian's Chromium, one test each: the favicon, the random-questions
range, Next module after a pass, the note an open attempt gives when the pages' language
changes, and the question boxes laid out as Moodle's (measured).

Each test takes 2 to 5 s: a launch from the development platform into a window of its own
(login, id_token, landing page), then the pages it checks; two send an attempt too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from courses.database import db
from quizzes.models import CourseQuizSettings
from tests.chromium import require_chromium
from tests.lti import PARTICIPANT, TRAINER, WORKING_LIFE
from tests.quizzes.pages import answers

require_chromium()

BOX = "e => { const b = e.getBoundingClientRect(); return {top: b.top, right: b.right, bottom: b.bottom, left: b.left}; }"


def _window(chromium, site, user: str, activity: str = WORKING_LIFE, width: int = 1280):  # noqa: F811
    """A launch "in a new window" from the development platform: the tool's window."""
    context = chromium.new_context(locale="fi-FI", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(site.url + "/devplatform/")
    page.locator("#user").select_option(user)
    page.locator("#activity").select_option(activity)
    page.get_by_label("In a new window").check()
    with context.expect_page() as popup:
        page.get_by_role("button", name="Launch").click()
    tool = popup.value
    tool.locator("h1").wait_for(timeout=10_000)
    return tool


def _start(tool) -> None:
    tool.locator(".kp-quiz-status a").click()
    tool.locator("form[action$='/start'] button").click()
    tool.locator("form[data-autosave]").wait_for()


def _attempt_id(tool) -> int:
    return int(re.search(r"/attempt/(\d+)", tool.url).group(1))


def _answer(tool, fields) -> None:
    """Type the given answers into the attempt page, as a learner would."""
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            field = tool.locator(f"[name='{name}']").first
            kind = field.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
            if kind in ("radio", "checkbox"):
                tool.locator(f"[name='{name}'][value='{one}']").check()
            elif kind == "select":
                field.select_option(one)
            else:
                field.fill(one)


def _send(tool) -> None:
    tool.locator("button[value=finish]").click()
    tool.locator("table.kp-summary").wait_for()
    tool.locator("button[data-confirm]").click()
    tool.locator("dialog[open] button[value=confirm]").click()
    tool.locator("#result").wait_for()


def test_a_page_load_asks_for_nothing_that_is_missing_and_the_icon_is_there(chromium, site):  # noqa: F811
    """Every request a page load makes, the favicon's included, is answered; /favicon.ico
    (what a browser asks for where a page names no icon) is there too."""
    tool = _window(chromium, site, PARTICIPANT)
    failed: list[str] = []
    tool.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    tool.reload()
    tool.locator("#page-title").wait_for()
    tool.wait_for_load_state("networkidle")
    assert failed == []
    icon = tool.locator("link[rel=icon]").get_attribute("href")
    answer = tool.request.get(site.url + icon)
    assert answer.status == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    fallback = tool.request.get(site.url + "/favicon.ico")
    assert fallback.status == 200 and fallback.body()[:4] == b"\x00\x00\x01\x00"
    tool.context.close()


def test_the_trainer_cannot_ask_for_more_random_questions_than_the_quiz_has(chromium, quizzes):  # noqa: F811
    tool = _window(chromium, quizzes, TRAINER)
    tool.locator(".kp-quiz-status a").click()
    tool.locator("a[href$='/settings']").click()
    field = tool.locator("#random_count")
    field.fill("99")
    field.press("Enter")  # the form is sent by keyboard
    error = tool.locator("#random_count-error")
    error.wait_for()
    total = int(re.search(r"on (\d+) kysymystä", error.inner_text()).group(1))
    assert total == 9 and error.inner_text().startswith(
        "Tässä testissä on 9 kysymystä: anna luku 1–9"
    )
    assert field.get_attribute("aria-invalid") == "true" and field.input_value() == "99"
    assert field.get_attribute("aria-describedby") == "random_count-error"
    with quizzes.app.app_context():
        assert db.session.execute(select(CourseQuizSettings)).first() is None
    tool.locator("#random_count").fill("3")
    tool.locator("#random_count").press("Enter")
    tool.locator("[role=status], .alert-success").first.wait_for()
    with quizzes.app.app_context():
        saved = db.session.execute(select(CourseQuizSettings)).scalar_one()
        assert saved.random_count == 3
    tool.context.close()


def test_after_a_pass_next_module_opens_the_next_module(chromium, quizzes):  # noqa: F811
    tool = _window(chromium, quizzes, PARTICIPANT)
    _start(tool)
    _answer(tool, answers(quizzes.app, _attempt_id(tool)))
    _send(tool)
    assert "Läpäisit testin" in tool.locator(".kp-result").inner_text()
    next_module = tool.get_by_role("link", name=re.compile(r"^Seuraava moduuli: "))
    assert next_module.inner_text() == "Seuraava moduuli: Työnhaku"
    next_module.click()
    tool.locator("#page-title").wait_for()
    assert tool.locator("h1").inner_text() == "Työnhaku" and "/m/job-search/" in tool.url
    tool.context.close()


def test_changing_the_pages_language_mid_quiz_says_the_attempt_keeps_its_own(chromium, quizzes):  # noqa: F811
    tool = _window(chromium, quizzes, PARTICIPANT)
    _start(tool)
    attempt = tool.url
    assert tool.locator(".kp-attempt-language").count() == 0
    tool.locator(".kp-back a, a[href$='/m/finnish-working-life/']").first.click()
    tool.locator("#page-title").wait_for()
    tool.get_by_label("Sivujen kieli").select_option("en")
    tool.get_by_role("button", name="Vaihda kieli").click()
    tool.locator('.kp-body[lang="en"]').wait_for()
    tool.goto(attempt)
    note = tool.locator("main .kp-attempt-language")
    assert note.is_visible() and note.get_attribute("role") == "note"
    assert "suomi" in note.inner_text() and "kysymykset" in note.inner_text()
    assert "kp-attempt-language" not in tool.title()  # it was written into the title once
    assert tool.locator(".kp-qtext").first.get_attribute("lang") == "fi"  # as begun
    tool.context.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_the_question_box_and_its_info_area_stand_apart_and_the_legend_is_inside(
    chromium,  # noqa: F811
    quizzes,
    width,
):
    """Measured on every question of an attempt: the info area (number, state) beside the
    box (above it on a phone) without touching its border, and the legend inside the box,
    not across its top border as a fieldset's legend is drawn by default."""
    tool = _window(chromium, quizzes, PARTICIPANT, width=width)
    _start(tool)
    problems = []
    questions = tool.locator(".kp-que").all()
    assert len(questions) >= 9
    for q in questions:
        number = q.locator(".kp-qnum").inner_text()
        info = q.locator(".kp-que-info").evaluate(BOX)
        box = q.locator("fieldset.kp-question").evaluate(BOX)
        border = float(
            q.locator("fieldset.kp-question")
            .evaluate("e => getComputedStyle(e).borderTopWidth")
            .rstrip("px")
        )
        legend = q.locator("fieldset.kp-question > legend").evaluate(BOX)
        apart = info["right"] <= box["left"] if width > 600 else info["bottom"] <= box["top"]
        if not apart:
            problems.append(f"{number}: the info area overlaps the box ({info} / {box})")
        if legend["top"] < box["top"] + border or legend["left"] < box["left"] + border:
            problems.append(f"{number}: the legend crosses the box's border ({legend} / {box})")
        if legend["right"] > box["right"] - border:
            problems.append(f"{number}: the legend reaches past the box ({legend} / {box})")
    assert problems == []
    tool.context.close()
