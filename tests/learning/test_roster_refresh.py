"""A trainer refreshes the course's roster from the platform (Names and Roles)."""

from __future__ import annotations

import re

from sqlalchemy import select

from courses.database import db
from lti_tool.identity.models import LtiUser, Membership
from tests.browser import forms_in
from tests.lti import TRAINER, launch


def _group(site):
    browser = site.browser()
    first = launch(browser, TRAINER).page
    base = re.search(r'href="(/l/[^/]+/)programme"', first.text).group(1)
    return browser, browser.get(browser.url(base + "group"))


def test_the_group_lists_enrolled_learners_who_have_not_started(site):
    browser, group = _group(site)
    assert "Demo Participant" not in group.text  # never launched
    form = next(f for f in forms_in(group.text) if f.action.endswith("/group/roster"))
    answer = browser.post(browser.url(form.action), data=form.fields, allow_redirects=False)
    assert answer.status_code == 303
    page = browser.get(browser.url(answer.headers["Location"]))
    assert "Demo Participant" in page.text and "Demo Osallistuja" in page.text
    with site.app.app_context():
        learners = db.session.execute(
            select(LtiUser.sub).join(Membership, Membership.user_pk == LtiUser.id).where(Membership.is_learner)
        ).scalars()
        assert set(learners) == {"2001", "2002"}  # short role names ("Learner") understood


def test_a_failing_platform_is_explained_and_nothing_changes(site):
    from lti_tool.devplatform import faults

    browser, group = _group(site)
    form = next(f for f in forms_in(group.text) if f.action.endswith("/group/roster"))
    faults.inject(site.app, "memberships", "status500", count=3)
    answer = browser.post(browser.url(form.action), data=form.fields, allow_redirects=False)
    assert answer.status_code == 502 and "error-title" in answer.text
    forged = browser.post(browser.url(form.action), data={"csrf_token": "x"}, allow_redirects=False)
    assert forged.status_code == 400
    with site.app.app_context():
        assert db.session.execute(select(LtiUser).where(LtiUser.sub == "2002")).first() is None
