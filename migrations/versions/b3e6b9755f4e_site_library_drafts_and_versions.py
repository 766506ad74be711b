"""site library: a site's own modules as drafts, every saved text, published versions

Trainers author in the browser (authoring/models.py); publishing writes ordinary
module, page and page_text rows, which now say which site they belong to
(module.site_id, NULL for the shipped modules).

Revision ID: b3e6b9755f4e
Revises: e4a1c9d27b60
Create Date: 2026-12-03 09:34:46.587150

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e6b9755f4e'
down_revision = 'e4a1c9d27b60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('library_module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=False),
    sa.Column('completion_rule', sa.String(length=32), nullable=False),
    sa.Column('adapted_from_id', sa.Integer(), nullable=True),
    sa.Column('adapted_release', sa.String(length=64), nullable=True),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('draft_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['adapted_from_id'], ['module.id'], name=op.f('fk_library_module_adapted_from_id_module'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['lti_user.id'], name=op.f('fk_library_module_created_by_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_library_module_module_id_module'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_library_module_programme_id_programme'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['platform.id'], name=op.f('fk_library_module_site_id_platform'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_module')),
    sa.UniqueConstraint('module_id', name=op.f('uq_library_module_module_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_library_module_slug'))
    )
    with op.batch_alter_table('library_module', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_module_site_id'), ['site_id'], unique=False)

    op.create_table('draft_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_module_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source_page_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['library_module_id'], ['library_module.id'], name=op.f('fk_draft_page_library_module_id_library_module'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_page_id'], ['page.id'], name=op.f('fk_draft_page_source_page_id_page'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_page')),
    sa.UniqueConstraint('library_module_id', 'slug', name=op.f('uq_draft_page_library_module_id_slug'))
    )
    with op.batch_alter_table('draft_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_page_library_module_id'), ['library_module_id'], unique=False)

    op.create_table('module_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_module_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['lti_user.id'], name=op.f('fk_module_version_author_id_lti_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['library_module_id'], ['library_module.id'], name=op.f('fk_module_version_library_module_id_library_module'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_version')),
    sa.UniqueConstraint('library_module_id', 'number', name=op.f('uq_module_version_library_module_id_number'))
    )
    with op.batch_alter_table('module_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_version_library_module_id'), ['library_module_id'], unique=False)

    op.create_table('draft_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_page_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('source_revision', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['draft_page_id'], ['draft_page.id'], name=op.f('fk_draft_text_draft_page_id_draft_page'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['lti_user.id'], name=op.f('fk_draft_text_updated_by_lti_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_text')),
    sa.UniqueConstraint('draft_page_id', 'language', name=op.f('uq_draft_text_draft_page_id_language'))
    )
    op.create_table('draft_text_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_text_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body_markdown', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['draft_text_id'], ['draft_text.id'], name=op.f('fk_draft_text_revision_draft_text_id_draft_text'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by'], ['lti_user.id'], name=op.f('fk_draft_text_revision_saved_by_lti_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_text_revision'))
    )
    with op.batch_alter_table('draft_text_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_text_revision_draft_text_id'), ['draft_text_id'], unique=False)

    # ADD COLUMN on every backend (a batch operation on SQLite would copy the table).
    op.add_column('module', sa.Column('site_id', sa.Integer(), nullable=True))
    op.create_index('ix_module_site_id', 'module', ['site_id'], unique=False)



def downgrade():
    # A site's published modules stay (with their learners' records) as modules without
    # a site. Not a batch operation: on SQLite it would copy and drop the module table,
    # and the drop would cascade to every learner's progress.
    op.drop_index('ix_module_site_id', table_name='module')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE module DROP COLUMN site_id')  # SQLite 3.35 and newer
    else:
        op.drop_column('module', 'site_id')

    with op.batch_alter_table('draft_text_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_text_revision_draft_text_id'))

    op.drop_table('draft_text_revision')
    op.drop_table('draft_text')
    with op.batch_alter_table('module_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_version_library_module_id'))

    op.drop_table('module_version')
    with op.batch_alter_table('draft_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_page_library_module_id'))

    op.drop_table('draft_page')
    with op.batch_alter_table('library_module', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_module_site_id'))

    op.drop_table('library_module')
