"""The platform and the tool on two sites, as in a real Moodle: the development platform
on http://localhost:<port>, the tool on http://127.0.0.1:<port>, so that the tool's
cookies in the platform's iframe are third-party ones. Chromium with third-party cookies
blocked (the profile's preference; ../shared/moodle.md: a command-line flag that looks
right does not block), or allowed; and what a learner does there, from the launch to the
gradebook (tests/test_third_party_cookies.py, tests/test_storage_access_browser.py).

Over http the tool's cookies are not Partitioned (security.set_cookie), so a blocked
Chromium keeps none in the iframe, as Safari keeps none: the path without cookies."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from courses.database import db
from tests.chromium import CHROMIUM, CHROMIUM_FLAGS, reload_attempt, send_attempt
from tests.grades.helpers import cell, drain
from tests.quizzes.pages import answers

PARTICIPANT = "Demo Osallistuja – Participant (job seeker), Finnish"
UKRAINIAN = "Demo Uchasnyk – Participant (job seeker), Ukrainian interface"
TRAINER = "Demo Kouluttaja – Trainer (teacher)"
WORKING_LIFE = "101:301"  # course:activity, "Suomalainen työelämä" in the spring course
WORKING_LIFE_AUTUMN = "103:321"  # the same module in the autumn course (Demo Uchasnyk's)
DEEP_LINKING = "101:deeplink"


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
    """Start Chromium with third-party cookies blocked or allowed (one per test). Its
    locale is Finnish: a page in another language did not take it from the browser."""
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


def set_storage_access(context, platform: str, tool: str, setting: str) -> None:
    """What the person would answer to the browser's Storage Access question for the tool
    in the platform's pages ("granted", "denied", or "prompt": not asked yet)."""
    context.browser.new_browser_cdp_session().send(
        "Browser.setPermission",
        {
            "permission": {"name": "storage-access"},
            "setting": setting,
            "origin": platform,  # the top-level site, the platform
            "embeddedOrigin": tool,  # the tool in its iframe
        },
    )


def launch(context, platform: str, user: str = PARTICIPANT, activity: str = WORKING_LIFE):
    """Open the activity from the platform's page: the page and the tool's iframe."""
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(platform + "/devplatform/")
    page.get_by_label("User").select_option(label=user)
    page.get_by_label("Course and activity").select_option(value=activity)
    page.get_by_role("button", name="Launch").click()
    frame = page.frame_locator("#tool-frame")
    frame.locator("h1").wait_for(timeout=10_000)
    return page, frame


def on_the_continue_page(frame) -> bool:
    return frame.locator("#continue-title").count() == 1


def continue_in_a_new_window(context, frame):
    """Press the launch's one button: the window it opens, at the module."""
    with context.expect_page() as opened:
        frame.locator("#kp-continue button[type=submit]").click()
    window = opened.value
    window.locator("h1").wait_for(timeout=10_000)
    frame.locator("#kp-continue-opened").wait_for()  # the iframe says where it went
    return window


def reach_the_module(context, platform: str, tool: str):
    """From the platform's page to the module's first page: where the learner then is
    (the iframe, or the window the launch's page opened) and how many extra clicks it
    took (the continue page's button)."""
    _page, frame = launch(context, platform)
    if not on_the_continue_page(frame):
        return frame, 0
    assert "Demo Osallistuja" in frame.locator(".kp-continue-who").inner_text()
    window = continue_in_a_new_window(context, frame)
    assert urlsplit(window.url).netloc == urlsplit(tool).netloc  # the tool, top level
    return window, 1


def click_to_next_document(scope, locator) -> None:
    """Click a link and wait for the next document (not the one going away)."""
    scope.locator("body").evaluate("b => { b.dataset.old = '1'; }")
    locator.click()
    scope.locator("body:not([data-old]) main").wait_for()


def read_every_page(scope) -> list[str]:
    """Follow "Next" from the module's first page to its last: the titles read."""
    titles = [scope.locator("#page-title").inner_text()]
    while scope.locator(".kp-pager a[rel=next]").count():
        click_to_next_document(scope, scope.locator(".kp-pager a[rel=next]"))
        titles.append(scope.locator("#page-title").inner_text())
        assert len(titles) < 20
    return titles


def answer_right(scope, app) -> int:
    """Answer every question right, with the mouse and the keyboard; the attempt's id."""
    path = scope.locator("body").evaluate("() => location.pathname")
    attempt = int(re.search(r"/attempt/(\d+)", path).group(1))  # type: ignore[union-attr]
    for name, value in answers(app, attempt).items():
        field = scope.locator(f"[name='{name}']")
        kind = field.first.evaluate("e => e.type")
        for one in value if isinstance(value, list) else [value]:
            if kind in ("radio", "checkbox"):
                scope.locator(f"[name='{name}'][value='{one}']").check()
            elif kind == "select-one":
                field.select_option(value=one)
            else:
                field.fill(one)
    return attempt


def take_the_quiz(scope, app) -> int:
    """From the module's last page: start the quiz, answer, see the autosave kept after a
    reload, send, and read the review. The attempt's id."""
    click_to_next_document(scope, scope.locator(".kp-pager a.btn-primary"))  # "Go to the quiz"
    click_to_next_document(scope, scope.locator("form[action$='/start'] button"))
    scope.locator("form[data-autosave]").wait_for()
    attempt = answer_right(scope, app)
    status = scope.locator("#save-status")
    status.filter(has_text=status.get_attribute("data-saved")).wait_for(timeout=10_000)
    answered = scope.locator("input:checked").count()
    essay = scope.locator("textarea").input_value()
    reload_attempt(scope, "() => window.location.reload()")
    assert scope.locator("input:checked").count() == answered  # the autosave was kept
    assert scope.locator("textarea").input_value() == essay
    send_attempt(scope)
    assert scope.locator(".kp-review").count() >= 6
    return attempt


def assert_everything_kept(app, *, user: str, link: str, attempt: int, titles: list[str]) -> None:
    """Read back from the database what the learner did: every page view, the submitted
    attempt with its answers, the completed module, and the score owed to the platform,
    which the grade worker then delivers to its gradebook."""
    from courses.models import Module, Page
    from courses.progress.models import COMPLETED, ModuleProgress, PageView
    from lti_tool.grades.models import DELIVERED, PENDING, ScoreOutbox
    from lti_tool.identity.models import LtiUser
    from quizzes.models import Attempt, AttemptResponse

    with app.app_context():
        (learner,) = db.session.execute(select(LtiUser.id).where(LtiUser.sub == user)).scalars()
        module = db.session.execute(
            select(Module).where(Module.slug == "finnish-working-life", Module.site_id.is_(None))
        ).scalar_one()
        pages = set(db.session.execute(select(Page.id).where(Page.module_id == module.id)).scalars())
        assert len(titles) == len(pages) == len(set(titles))  # every page, each once
        viewed = set(db.session.execute(select(PageView.page_id).where(PageView.learner_id == learner)).scalars())
        assert viewed == pages

        row = db.session.get(Attempt, attempt)
        assert (row.learner_id, row.status, row.passed, row.score) == (learner, "submitted", True, 1.0)
        responses = db.session.execute(
            select(AttemptResponse).where(AttemptResponse.attempt_id == attempt)
        ).scalars().all()
        assert sorted(r.slot for r in responses) == list(range(len(row.layout)))  # every answer
        assert all(r.response not in (None, "", []) for r in responses)

        (progress,) = db.session.execute(
            select(ModuleProgress).where(ModuleProgress.learner_id == learner)
        ).scalars()
        assert (progress.module_id, progress.status, progress.quiz_passed) == (module.id, COMPLETED, True)
        assert progress.pages_seen == progress.pages_total == len(pages)
        assert progress.course_key == row.course_key != 0

        (score,) = db.session.execute(select(ScoreOutbox)).scalars()
        assert (score.user_sub, score.resource_link_id, score.status) == (user, link, PENDING)
        assert (score.score_given, score.activity_progress, score.grading_progress) == (
            100.0, "Completed", "FullyGraded",
        )
    drain(app)  # the grade worker's rounds, in this process, against the platform
    with app.app_context():
        assert db.session.execute(select(ScoreOutbox.status)).scalar_one() == DELIVERED
    course = WORKING_LIFE.split(":")[0]
    final = cell(app, course, link, user)
    assert final is not None and final.grade == 100.0
    assert (final.activity_progress, final.grading_progress) == ("Completed", "FullyGraded")
