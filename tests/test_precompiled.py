"""Precompiled: SQLAlchemy statements run straight on the session's DBAPI connection must
read and write exactly what the session would, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from sqlalchemy import bindparam, func, insert, select

from courses.database import Precompiled, db, end_read_only_transaction, utcnow
from lti_tool.launch.models import LaunchSession, LoginState
from lti_tool.launch.services import _session_query
from tests.lti import TRAINER, launch


def test_a_launch_session_reads_the_same_as_through_the_session(site):
    launch(site.browser(), TRAINER)
    with site.app.app_context():
        launch_id = db.session.execute(select(LaunchSession.id)).scalar_one()
        query = _session_query()
        expected = db.session.execute(query.statement, {"launch_id": launch_id}).one()
        row = query.first({"launch_id": launch_id})
        assert row == tuple(expected)
        expires_at, roles = row[9], row[7]
        assert expires_at.tzinfo is not None and expires_at.utcoffset() == timedelta(0)  # UTCDateTime
        assert isinstance(roles, list) and any("Instructor" in r for r in roles)  # JSON, decoded
        assert query.first({"launch_id": "no-such-launch"}) is None


def test_binds_go_through_the_column_types_and_writes_are_not_committed_for_you(site):
    issue = Precompiled(
        insert(LoginState.__table__).values(
            state=bindparam("state"), nonce=bindparam("nonce"), expires_at=bindparam("expires_at")
        ),
        writes=True,
    )
    count = Precompiled(select(func.count()).select_from(LoginState).where(LoginState.expires_at > bindparam("now")))
    with site.app.app_context():
        with pytest.raises(ValueError, match="naive datetime"):  # UTCDateTime's own check
            issue.run({"state": "s-0", "nonce": "n-0", "expires_at": utcnow().replace(tzinfo=None)})
        db.session.rollback()
        later = utcnow().astimezone(timezone(timedelta(hours=2))) + timedelta(minutes=5)
        assert issue.run({"state": "s-1", "nonce": "n-1", "expires_at": later}) == 1
        assert count.first({"now": utcnow()}) == (1,)
        end_read_only_transaction()  # a write the caller did not commit is left alone...
        assert db.session().in_transaction()
        db.session.rollback()  # ...for the request's end to roll back
        assert count.all({"now": utcnow()}) == [(0,)]


def test_expanding_parameters_are_refused(site):
    states = Precompiled(select(LoginState.state).where(LoginState.state.in_(bindparam("states", expanding=True))))
    with site.app.app_context(), pytest.raises(ValueError, match="expanding"):
        states.all({"states": ["a", "b"]})
