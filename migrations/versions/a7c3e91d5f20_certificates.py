"""certificates: what a learner was certified for, as issued, and a course's setting

Revision ID: a7c3e91d5f20
Revises: b7d41c9e0a53
Create Date: 2026-12-04 10:00:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e91d5f20'
down_revision = 'b7d41c9e0a53'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: no existing table (module above all) is copied or altered.
    op.create_table(
        'certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=True),
        sa.Column('course_key', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.Integer(), nullable=True),
        sa.Column('platform_id', sa.Integer(), nullable=True),
        sa.Column('programme_id', sa.Integer(), nullable=True),
        sa.Column('module_id', sa.Integer(), nullable=True),
        sa.Column('subject_key', sa.String(length=40), nullable=False),
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('learner_name', sa.String(length=255), nullable=False),
        sa.Column('organisation', sa.String(length=300), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('programme_title', sa.JSON(), nullable=False),
        sa.Column('modules', sa.JSON(), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_certificate_context_id_lti_context'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['learner_id'], ['lti_user.id'], name=op.f('fk_certificate_learner_id_lti_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_certificate_module_id_module'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['platform_id'], ['platform.id'], name=op.f('fk_certificate_platform_id_platform'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_certificate_programme_id_programme'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
        sa.UniqueConstraint('code', name=op.f('uq_certificate_code')),
        sa.UniqueConstraint('learner_id', 'course_key', 'subject_key', name=op.f('uq_certificate_learner_id_course_key_subject_key')),
    )
    op.create_index('ix_certificate_learner_id', 'certificate', ['learner_id'], unique=False)
    op.create_table(
        'certificate_setting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.Integer(), nullable=False),
        sa.Column('per_module', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_certificate_setting_context_id_lti_context'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by'], ['lti_user.id'], name=op.f('fk_certificate_setting_updated_by_lti_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_setting')),
        sa.UniqueConstraint('context_id', name=op.f('uq_certificate_setting_context_id')),
    )


def downgrade() -> None:
    op.drop_table('certificate_setting')
    op.drop_index('ix_certificate_learner_id', table_name='certificate')
    op.drop_table('certificate')
