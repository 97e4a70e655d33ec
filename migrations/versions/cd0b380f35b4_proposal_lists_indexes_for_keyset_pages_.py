"""Proposal lists: indexes for keyset pages by title, cost and status (the per-status counts read the new
status index's prefix, which replaces (edition_id, status)).

Revision ID: cd0b380f35b4
Revises: 3b6e2a8b69b7
Create Date: 2026-12-06 22:22:20.416106

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cd0b380f35b4'
down_revision = '3b6e2a8b69b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_edition_status'))
        batch_op.create_index('ix_proposals_edition_status_updated', ['edition_id', 'status', 'updated_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_proposals_edition_title', ['edition_id', sa.text('lower(title)'), 'id'], unique=False)
        batch_op.create_index('ix_proposals_edition_cost', ['edition_id', 'total_cost', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_edition_cost')
        batch_op.drop_index('ix_proposals_edition_title')
        batch_op.drop_index('ix_proposals_edition_status_updated')
        batch_op.create_index(batch_op.f('ix_proposals_edition_status'), ['edition_id', 'status'], unique=False)
