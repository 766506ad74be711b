"""launch continuation ticket: a launch whose browser kept no cookie in the iframe

A launch whose state cookie did not come back (a browser that blocks third-party
cookies) is recorded bound to no browser, with the SHA-256 of a one-time ticket that the
launch's page hands to a new top-level window (lti_tool/launch/continuation.py).

Revision ID: e4a1c9d27b60
Revises: 9d2e51c7a4b3
Create Date: 2026-12-03 09:45:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e4a1c9d27b60'
down_revision = '9d2e51c7a4b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('launch_session') as batch:
        batch.add_column(sa.Column('ticket_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('ticket_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint('uq_launch_session_ticket_hash', ['ticket_hash'])


def downgrade() -> None:
    with op.batch_alter_table('launch_session') as batch:
        batch.drop_constraint('uq_launch_session_ticket_hash', type_='unique')
        batch.drop_column('ticket_expires_at')
        batch.drop_column('ticket_hash')
