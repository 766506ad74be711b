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


def test_members_the_database_cannot_keep_are_left_out(site, monkeypatch):
    """A NUL anywhere in a member, or an id longer than its column: that member
    is left out (before, the refresh failed with a 500 on PostgreSQL), the others kept."""
    from lti_tool.devplatform import nrps

    real = nrps.member_json
    spoilt = {"2002": {"name": "Demo\x00"}, "2005": {"email": "demo\x00@example.org"},
              "2004": {"user_id": "9" * 256}}

    def member_json(user, course_id):
        return {**real(user, course_id), **spoilt.get(user.id, {})}

    monkeypatch.setattr(nrps, "member_json", member_json)
    browser, group = _group(site)
    form = next(f for f in forms_in(group.text) if f.action.endswith("/group/roster"))
    answer = browser.post(browser.url(form.action), data=form.fields, allow_redirects=False)
    assert answer.status_code == 303
    with site.app.app_context():
        subs = set(db.session.execute(select(LtiUser.sub)).scalars())
    assert "2001" in subs and not subs & {"2002", "2005", "9" * 256}
