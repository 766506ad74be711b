"""The group overview in Chromium: a trainer shows the stuck learners with the filter
form, by keyboard, and opens one learner's view; both pages pass axe (WCAG 2.1 AA) at
360 px and 1280 px, and neither scrolls sideways on a phone (the table scrolls in its box)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from courses.database import db, utcnow
from courses.progress.models import ModuleProgress
from lti_tool.identity.models import LtiUser
from tests.lti import PARTICIPANT, PARTICIPANT_RU, launch
from tests.test_real_browser import axe_violations, launch_in_iframe, page  # noqa: F401

TRAINER = "Demo Kouluttaja – Trainer (teacher)"


def _at_both_widths(tool, name: str) -> None:
    for width in (1280, 360):
        tool.set_viewport_size({"width": width, "height": 800})
        assert axe_violations(tool) == [], (name, width)
        scroll = tool.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width} px: {scroll} px"
        tool.screenshot(path=f"/tmp/group-{name.replace(' ', '-')}-{width}.png", full_page=True)
    tool.set_viewport_size({"width": 1280, "height": 800})


def test_a_trainer_finds_the_stuck_learner_and_opens_their_view(page, quizzes):  # noqa: F811
    site = quizzes
    launch(site.browser(), PARTICIPANT)  # the first page, then nothing for ten days
    launch(site.browser(), PARTICIPANT_RU)  # the first page today
    with site.app.app_context():
        quiet = select(LtiUser.id).where(LtiUser.sub == PARTICIPANT).scalar_subquery()
        db.session.execute(
            update(ModuleProgress)
            .where(ModuleProgress.learner_id == quiet)
            .values(updated_at=utcnow() - timedelta(days=10))
        )
        db.session.commit()
    launch_in_iframe(page, TRAINER, "Suomalainen työelämä")
    landing = page.locator("#tool-frame").element_handle().content_frame().url
    tool = page.context.new_page()  # the same browser (cookies), the page at top level for axe
    tool.goto(
        landing.split("/l/", 1)[0] + "/l/" + landing.split("/l/", 1)[1].split("/", 1)[0] + "/group"
    )
    tool.get_by_role("heading", name="Ryhmän yleiskuva").wait_for()
    assert tool.locator("tr.kp-learner").count() == 2
    _at_both_widths(tool, "group overview")

    tool.get_by_label("Näytä").select_option("stuck")
    tool.get_by_label("Jumissa, kun toimintaa ei ole ollut näin moneen päivään").fill("7")
    tool.get_by_role("button", name="Näytä").focus()
    tool.keyboard.press("Enter")
    tool.wait_for_url("**show=stuck**")
    rows = tool.locator("tr.kp-learner")
    assert rows.count() == 1
    assert "Demo Osallistuja" in rows.first.inner_text()
    assert "jumissa" in rows.first.inner_text()
    _at_both_widths(tool, "stuck learners")

    link = rows.first.get_by_role("link", name="Demo Osallistuja")
    link.focus()
    tool.keyboard.press("Enter")
    tool.get_by_role("heading", name="Demo Osallistuja").wait_for()
    assert tool.get_by_role("heading", name="Luetut sivut").count() >= 1
    assert tool.get_by_role("heading", name="Pohdinnat").count() >= 1
    _at_both_widths(tool, "learner view")
    tool.get_by_role("link", name="Takaisin ryhmän yleiskuvaan").click()
    tool.wait_for_url("**show=stuck**")
