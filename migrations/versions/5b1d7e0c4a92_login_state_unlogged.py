"""login state: unlogged on PostgreSQL

A login's state and nonce live for ten minutes at most, until their launch. On
PostgreSQL the table is UNLOGGED: its rows are not written to the WAL, so a login
commits without waiting for a flush to disk. After a crash PostgreSQL empties the table,
and a person whose login was in flight opens the activity again; a standby does not have
the table's rows either (the primary serves logins). SQLite has no such tables.

Revision ID: 5b1d7e0c4a92
Revises: af8c0d3877d9
Create Date: 2026-11-29 06:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b1d7e0c4a92'
down_revision = 'af8c0d3877d9'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE login_state SET UNLOGGED")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE login_state SET LOGGED")
