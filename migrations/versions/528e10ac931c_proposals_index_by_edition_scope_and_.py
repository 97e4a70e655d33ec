"""Proposals indexed by edition, scope and status: similar proposals' city-wide candidates on PostgreSQL
(ANDed with the text index) no longer read every match of the edition.

Plain CREATE INDEX, not a batch: a batch may copy the table on SQLite, which would drop its full-text and
status-count triggers.

Revision ID: 528e10ac931c
Revises: 1bfd965ad607
Create Date: 2026-12-07 08:07:32.302293

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '528e10ac931c'
down_revision = '1bfd965ad607'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_proposals_edition_scope_status', 'proposals', ['edition_id', 'scope', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_proposals_edition_scope_status', table_name='proposals')
