"""library module: the original's changes a trainer took over or left

Revision ID: c7d2f4a91e35
Revises: b3e6b9755f4e
Create Date: 2026-12-03 10:15:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7d2f4a91e35'
down_revision = 'b3e6b9755f4e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN, not a batch copy of the table (see b3e6b9755f4e).
    op.add_column('library_module', sa.Column('upstream_seen', sa.JSON(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE library_module DROP COLUMN upstream_seen')
    else:
        op.drop_column('library_module', 'upstream_seen')
