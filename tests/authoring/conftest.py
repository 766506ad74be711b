"""The authoring tests' sites: the development platform's and a second Moodle site."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from courses.database import db
from courses.models import Module
from lti_tool.registry.models import Platform


@pytest.fixture
def sites(quizzes):
    """The development platform's site, and a second Moodle site."""
    from lti_tool.registry.services import PlatformSpec, add_platform

    with quizzes.app.app_context():
        first = db.session.execute(select(Platform.id)).scalar_one()
        add_platform(
            PlatformSpec(
                issuer="https://moodle.other.example", client_id="other", deployment_id="1",
                auth_login_url="https://moodle.other.example/mod/lti/auth.php",
                auth_token_url="https://moodle.other.example/mod/lti/token.php",
                key_set_url="https://moodle.other.example/mod/lti/certs.php", name="Other",
            )
        )
        second = db.session.execute(select(Platform.id).where(Platform.id != first)).scalar_one()
    return quizzes.app, first, second


def shipped(slug: str = "finnish-working-life") -> int:
    return db.session.execute(select(Module.id).where(Module.slug == slug)).scalar_one()




def person(sub: str) -> int:
    """A new user of the development platform's site (a learner or a trainer), by id."""
    from lti_tool.identity.models import LtiUser

    platform = db.session.execute(select(Platform.id)).scalars().first()
    user = LtiUser(platform_id=platform, sub=sub)
    db.session.add(user)
    db.session.commit()
    return user.id


@pytest.fixture
def shipped_release(quizzes):
    """The shipped content as its files have it (other tests edit its texts in place),
    for a test that then loads a newer release of it (tests/authoring/releases.py); the
    next test starts from the shipped one again (every table emptied, so the next site
    loads it afresh)."""
    from courses.packages.loader import load_content

    with quizzes.app.app_context():
        load_content()
    yield quizzes
    with quizzes.app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
