"""The summary's figures over a crafted set of records, against hand-computed ones."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courses.database import db
from lti_tool.registry.models import Platform
from lti_tool.summary.queries import AUDIENCE, COURSE, MODULE, Scope, figures
from tests.summary.data import FWL, JS, add_records

DAY = 86400


def _dev(app):
    with app.app_context():
        return db.session.execute(
            select(Platform.id).where(Platform.name == "Kotopaikka development platform")
        ).scalar_one()


def _table(app, scope, view):
    with app.app_context():
        return {
            (f.module, f.audience, f.course_id): (f.started, f.completed, f.median_seconds)
            for f in figures(scope, view)
        }


def test_figures_per_module_audience_and_course_of_one_moodle(site):
    add_records(site.app)
    mine = Scope((_dev(site.app),))
    assert _table(site.app, mine, MODULE) == {
        (FWL, None, None): (7, 5, pytest.approx(3 * DAY)),
        (JS, None, None): (3, 2, pytest.approx(1 * DAY)),
    }
    assert _table(site.app, mine, AUDIENCE) == {
        (FWL, "employer_mentor", None): (2, 1, pytest.approx(4 * DAY)),
        (FWL, "participant", None): (5, 4, pytest.approx(2.5 * DAY)),
        (JS, "participant", None): (3, 2, pytest.approx(1 * DAY)),
    }
    assert _table(site.app, mine, COURSE) == {
        (FWL, None, "101"): (4, 3, pytest.approx(2 * DAY)),
        (JS, None, "101"): (3, 2, pytest.approx(1 * DAY)),
        (FWL, None, "102"): (2, 1, pytest.approx(4 * DAY)),
        (FWL, None, "103"): (1, 1, pytest.approx(10 * DAY)),
    }
    with site.app.app_context():
        (first, *_) = figures(mine, MODULE)
        assert first.programme == "keys-to-working-life" and first.module == FWL  # in order
        assert first.rate == pytest.approx(5 / 7) and first.median_days == pytest.approx(3)
        assert first.module_title["fi"] and first.programme_title["fi"]
        (course,) = [f for f in figures(mine, COURSE) if f.course_id == "102"]
        assert course.organisation == "Kotopaikka development platform"


def test_the_operator_sees_every_platform_and_a_course_only_its_own(site):
    add_records(site.app)
    everyone = _table(site.app, Scope(None), MODULE)
    assert everyone[(FWL, None, None)] == (8, 6, pytest.approx(3.5 * DAY))
    with site.app.app_context():
        from lti_tool.identity.models import LtiContext

        context = db.session.execute(
            select(LtiContext.id).where(LtiContext.context_id == "103")
        ).scalar_one()
    one_course = _table(site.app, Scope((_dev(site.app),), (context,)), MODULE)
    assert one_course == {(FWL, None, None): (1, 1, pytest.approx(10 * DAY))}
    assert _table(site.app, Scope((-1,)), MODULE) == {}
    with site.app.app_context(), pytest.raises(ValueError):
        figures(Scope(None), "programme")
