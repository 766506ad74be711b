"""draft question revisions: every saved question text kept, a conflicting save aside

Revision ID: f3a8b1c6d250
Revises: e9992dc2d7bd
Create Date: 2026-12-03 10:40:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3a8b1c6d250'
down_revision = 'e9992dc2d7bd'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'draft_question_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_question_text_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=True),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('saved_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['draft_question_text_id'], ['draft_question_text.id'],
            name=op.f('fk_draft_question_revision_draft_question_text_id_draft_question_text'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['saved_by'], ['lti_user.id'],
            name=op.f('fk_draft_question_revision_saved_by_lti_user'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_question_revision')),
    )
    op.create_index(
        'ix_draft_question_revision_draft_question_text_id', 'draft_question_revision',
        ['draft_question_text_id'], unique=False,
    )
    # The texts there are now are each one's first kept revision.
    op.execute(
        "INSERT INTO draft_question_revision (draft_question_text_id, revision, snapshot, saved_at, saved_by)"
        " SELECT id, revision, snapshot, updated_at, updated_by FROM draft_question_text"
    )


def downgrade() -> None:
    op.drop_index('ix_draft_question_revision_draft_question_text_id', table_name='draft_question_revision')
    op.drop_table('draft_question_revision')
