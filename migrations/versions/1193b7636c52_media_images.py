"""media images: trainers' images in pages, in the database

An image uploaded into a page (authoring/media_models.py) is kept in the database, which
every tool host shares: any of them serves /media/<key>. PostgreSQL stores the bytes as
bytea, SQLite as a BLOB.

Revision ID: 1193b7636c52
Revises: c7d2f4a91e35
Create Date: 2026-12-03 10:03:07.632003

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '1193b7636c52'
down_revision = 'c7d2f4a91e35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('library_module_id', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('alt_text', sa.String(length=250), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_media_image_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['library_module_id'], ['library_module.id'], name=op.f('fk_media_image_library_module_id_library_module'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['platform.id'], name=op.f('fk_media_image_site_id_platform'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_image')),
    sa.UniqueConstraint('key', name=op.f('uq_media_image_key'))
    )
    with op.batch_alter_table('media_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_image_library_module_id'), ['library_module_id'], unique=False)
        batch_op.create_index('ix_media_image_site_id_sha256', ['site_id', 'sha256'], unique=False)



def downgrade():
    with op.batch_alter_table('media_image', schema=None) as batch_op:
        batch_op.drop_index('ix_media_image_site_id_sha256')
        batch_op.drop_index(batch_op.f('ix_media_image_library_module_id'))

    op.drop_table('media_image')
