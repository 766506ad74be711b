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


def test_a_connection_that_commits_each_statement_refuses_writes_that_belong_together(site):
    """The login and the launch run on PostgreSQL with each statement committing on its own
    (no BEGIN/COMMIT round trips); a write through the session there must stand alone or
    come after transaction_for_writes, which puts what follows in one transaction again."""
    from courses.database import (
        STANDS_ALONE,
        WriteOutsideTransaction,
        commit,
        each_statement_commits,
        transaction_for_writes,
    )

    row = {"state": "s-2", "nonce": "n-2", "expires_at": utcnow()}
    with site.app.app_context():
        each_statement_commits()
        on_postgresql = db.engine.dialect.name == "postgresql"
        if on_postgresql:
            try:
                db.session.execute(insert(LoginState.__table__), row)
            except WriteOutsideTransaction:
                pass
            else:
                raise AssertionError("a write that does not stand alone was let through")
            db.session.execute(insert(LoginState.__table__), row, execution_options={STANDS_ALONE: True})
            commit()  # nothing pending: the connection is kept...
            assert db.session().in_transaction()
            db.session.rollback()  # ...and what it wrote has been committed already
            assert _count() == 1
            each_statement_commits()
        transaction_for_writes()
        db.session.execute(insert(LoginState.__table__), {**row, "state": "s-3"})
        db.session.rollback()  # in a transaction again: rolled back
        assert _count() == (1 if on_postgresql else 0)


def test_a_connection_handed_back_after_commit_each_statement_starts_the_next_request_clean(site):
    """However a request ends (here: the session is removed without a commit), the next
    one gets a connection in transactions again, where writes are not refused."""
    from courses.database import each_statement_commits

    with site.app.app_context():
        each_statement_commits()
        db.session.execute(text("SELECT 1"))
        db.session.remove()
    with site.app.app_context():
        db.session.execute(
            insert(LoginState.__table__), {"state": "s-4", "nonce": "n-4", "expires_at": utcnow()}
        )
        db.session.rollback()
        assert _count() == 0
