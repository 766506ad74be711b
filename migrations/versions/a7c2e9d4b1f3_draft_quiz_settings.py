"""draft quiz settings: a library module's own quiz settings, published with the module

Revision ID: a7c2e9d4b1f3
Revises: c4e8a2d6f913
Create Date: 2026-12-04 02:10:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c2e9d4b1f3'
down_revision = 'c4e8a2d6f913'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'draft_quiz_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('library_module_id', sa.Integer(), nullable=False),
        sa.Column('pass_mark', sa.Integer(), nullable=False),
        sa.Column('attempts_allowed', sa.Integer(), nullable=False),
        sa.Column('grading_method', sa.String(length=16), nullable=False),
        sa.Column('shuffle_questions', sa.Boolean(), nullable=False),
        sa.Column('shuffle_answers', sa.Boolean(), nullable=False),
        sa.Column('random_count', sa.Integer(), nullable=True),
        sa.Column('review_policy', sa.String(length=16), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['library_module_id'], ['library_module.id'],
            name=op.f('fk_draft_quiz_settings_library_module_id_library_module'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['updated_by'], ['lti_user.id'],
            name=op.f('fk_draft_quiz_settings_updated_by_lti_user'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_quiz_settings')),
        sa.UniqueConstraint('library_module_id', name=op.f('uq_draft_quiz_settings_library_module_id')),
    )


def downgrade() -> None:
    op.drop_table('draft_quiz_settings')
