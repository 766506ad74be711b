"""platform access token cache

Revision ID: c56477d3ae06
Revises: f16609a5c10b


"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c56477d3ae06'
down_revision = 'f16609a5c10b'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('platform_access_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_pk', sa.Integer(), nullable=False),
    sa.Column('scope_key', sa.String(length=64), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_pk'], ['platform_client.id'], name=op.f('fk_platform_access_token_client_pk_platform_client'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_access_token')),
    sa.UniqueConstraint('client_pk', 'scope_key', name=op.f('uq_platform_access_token_client_pk_scope_key'))
    )



def downgrade():

    op.drop_table('platform_access_token')

