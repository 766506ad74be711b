"""draft page: the slug of the original's page it was copied from

A newer release that drops a page deletes it when no learner has read it (courses
.packages.loader), and ``draft_page.source_page_id`` then becomes NULL: the slug keeps
what the page was, so that the adapted copy can say the original retired it.

Revision ID: b8e3c5d71a42
Revises: d7b2f4a9c318
Create Date: 2026-12-05 09:00:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b8e3c5d71a42'
down_revision = 'd7b2f4a9c318'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN in place, not a batch copy of the table (see b3e6b9755f4e).
    op.add_column('draft_page', sa.Column('source_slug', sa.String(length=100), nullable=True))
    op.execute(
        'UPDATE draft_page SET source_slug = '
        '(SELECT page.slug FROM page WHERE page.id = draft_page.source_page_id) '
        'WHERE source_page_id IS NOT NULL'
    )


def downgrade() -> None:
    # In place on SQLite too: a batch copy would recreate the table and cascade.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE draft_page DROP COLUMN source_slug')
    else:
        op.drop_column('draft_page', 'source_slug')
