"""Issue 17's story in Chromium, end to end: a trainer finds a stuck learner with the
group overview's filter, opens their view, grants an extra attempt from there, replies to
their reflection; the learner, back in Moodle's iframe, sees the reply and starts the
extra attempt. Every page on the way passes axe at 360 and 1280 px without scrolling
sideways."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from courses.database import db, utcnow
from courses.progress.models import ModuleProgress
from lti_tool.identity.models import LtiUser
from quizzes.models import Attempt
from tests.chromium import require_chromium
from tests.followup.helpers import limit_attempts, send_reflection
from tests.lti import PARTICIPANT as PARTICIPANT_ID
from tests.test_real_browser import axe_violations, launch_in_iframe, page  # noqa: F401

require_chromium()

TRAINER = "Demo Kouluttaja – Trainer (teacher)"
PARTICIPANT = "Demo Osallistuja – Participant (job seeker), Finnish"
MODULE = "Suomalainen työelämä"
REPLY = "Hyvä kysymys. Kysy myös, miten lomat sovitaan."


def _top_level(page, path: str):  # noqa: F811
    landing = page.locator("#tool-frame").element_handle().content_frame().url
    base, rest = landing.split("/l/", 1)
    tool = page.context.new_page()
    tool.goto(f"{base}/l/{rest.split('/', 1)[0]}/{path}")
    return tool


def _checked(tool) -> None:
    for width in (1280, 360):
        tool.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(tool) == [], (tool.url, width)
        scroll = tool.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{tool.url} scrolls sideways at {width} px: {scroll}"
    tool.set_viewport_size({"width": 1280, "height": 800})


def test_a_trainer_helps_a_stuck_learner_who_then_sees_the_help(page, chromium, quizzes):  # noqa: F811
    site = quizzes
    send_reflection(site, text="Kysyn esihenkilöltä työvuoroista.")  # one attempt, with a reflection
    limit_attempts(site.app, 1)  # the one attempt was the last
    with site.app.app_context():
        learner = select(LtiUser.id).where(LtiUser.sub == PARTICIPANT_ID).scalar_subquery()
        ten_days_ago = utcnow() - timedelta(days=10)
        db.session.execute(update(ModuleProgress).where(ModuleProgress.learner_id == learner).values(updated_at=ten_days_ago))
        db.session.execute(update(Attempt).where(Attempt.learner_id == learner).values(started_at=ten_days_ago, submitted_at=ten_days_ago))
        db.session.commit()

    launch_in_iframe(page, TRAINER, MODULE)
    tool = _top_level(page, "group?show=stuck&days=7")
    rows = tool.locator("tr.kp-learner")
    rows.first.wait_for()
    assert rows.count() == 1 and "Demo Osallistuja" in rows.first.inner_text()
    _checked(tool)
    rows.first.get_by_role("link", name="Demo Osallistuja").click()
    tool.get_by_role("heading", name="Demo Osallistuja").wait_for()
    assert "Kysyn esihenkilöltä työvuoroista." in tool.locator("main").inner_text()  # their reflection
    _checked(tool)
    tool.locator("a[href$='/exceptions']").first.click()
    tool.locator("#extra-count").fill("1")
    tool.locator("#extra-note").fill("Sairaana testipäivänä")
    tool.locator("form:has(#extra-count) button[type=submit]").click()
    tool.locator(".alert-success").wait_for()
    assert "Sairaana testipäivänä" in tool.locator("table.kp-exceptions").inner_text()
    _checked(tool)

    tool.goto(tool.url.split("/group/")[0] + "/quiz/finnish-working-life/reflections")
    tool.locator(".kp-reply-form textarea").first.fill(REPLY)
    tool.locator(".kp-reply-form button[type=submit]").first.click()
    tool.locator(".alert-success").wait_for()
    _checked(tool)

    learner_context = chromium.new_context(locale="fi-FI")
    learner_page = learner_context.new_page()
    learner_page.goto(site.url + "/devplatform/")
    frame = launch_in_iframe(learner_page, PARTICIPANT, MODULE)
    frame.locator(".kp-reply-notice").wait_for()  # in Moodle's iframe, on the module page
    frame.locator(".kp-reply-notice a").click()
    frame.locator(".kp-replies").wait_for()
    assert REPLY in frame.locator(".kp-replies").inner_text()
    frame.locator("form[action$='/start'] button").click()  # the extra attempt
    frame.locator("fieldset.kp-question").first.wait_for()
    learner_context.close()
    with site.app.app_context():
        assert db.session.execute(select(Attempt.number).where(Attempt.learner_id == learner).order_by(Attempt.number)).scalars().all() == [1, 2]
