"""Names and roles: the roster arrives in pages, with Moodle's short role names."""

from __future__ import annotations

from sqlalchemy import select

from courses.database import db
from lti_tool.advantage import NRPS_CLAIM, fetch_roster
from lti_tool.identity.roles import classify_roles
from lti_tool.launch.models import LaunchSession
from tests.lti import TRAINER, launch


def test_roster_paging_keeps_the_next_url_case(site):
    """The next-page URL carries ``type=CourseSection``; pylti1p3 2.0.0 lower-cased it."""
    launch(site.browser(), TRAINER)
    with site.app.app_context():
        session = db.session.execute(select(LaunchSession)).scalar_one()
        claim = dict(session.claims[NRPS_CLAIM])
        claim["context_memberships_url"] += "?limit=2"
        session.claims = {**session.claims, NRPS_CLAIM: claim}
        db.session.commit()  # service calls run outside a write transaction
        members = fetch_roster(session)
    assert sorted(m["user_id"] for m in members) == ["2001", "2002", "2004", "2005"]
    from lti_tool.devplatform.storage import counters

    assert counters(site.app)["requests.memberships"] == 2  # two pages, both followed


def test_short_role_names_from_the_roster_classify_like_full_uris(site):
    launch(site.browser(), TRAINER)
    with site.app.app_context():
        session = db.session.execute(select(LaunchSession)).scalar_one()
        members = {m["user_id"]: m for m in fetch_roster(session)}
    assert members["2001"]["roles"] == ["Learner"]
    assert classify_roles(members["2001"]["roles"]).primary == "learner"
    assert classify_roles(members["2004"]["roles"]).primary == "trainer"
    assert classify_roles(members["2005"]["roles"]).is_tool_admin
