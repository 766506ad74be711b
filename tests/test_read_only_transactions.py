"""Read-only requests end their transaction with COMMIT (psycopg drops its prepared
statements on ROLLBACK); a transaction that wrote is never committed on its behalf."""

from __future__ import annotations

from sqlalchemy import func, insert, select, text

from courses.database import db, end_read_only_transaction, utcnow
from lti_tool.launch.models import LoginState


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(LoginState)).scalar_one()


def test_a_transaction_that_only_read_is_committed(site):
    with site.app.app_context():
        db.session.execute(text("SELECT 1"))
        assert db.session().in_transaction()
        end_read_only_transaction()
        assert not db.session().in_transaction()


def test_an_uncommitted_write_is_left_for_the_rollback(site):
    with site.app.app_context():
        db.session.execute(
            insert(LoginState.__table__), {"state": "s-1", "nonce": "n-1", "expires_at": utcnow()}
        )
        end_read_only_transaction()
        assert db.session().in_transaction()
        db.session.rollback()
        assert _count() == 0
