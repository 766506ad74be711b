"""registration invitations: one-time links for LTI Dynamic Registration

Revision ID: b7d41c9e0a53
Revises: 58bb96eaddae
Create Date: 2026-12-05 09:00:00

"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d41c9e0a53'
down_revision = '58bb96eaddae'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'registration_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('issuer', sa.String(length=255), nullable=True),
        sa.Column('client_id', sa.String(length=255), nullable=True),
        sa.Column('platform_client_pk', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['platform_client_pk'], ['platform_client.id'],
            name=op.f('fk_registration_invitation_platform_client_pk_platform_client'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_invitation')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_registration_invitation_secret_hash')),
    )


def downgrade() -> None:
    op.drop_table('registration_invitation')
