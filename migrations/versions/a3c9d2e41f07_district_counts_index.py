"""Proposals by edition, district, status, scope and public flag: a district's per-status counts (the coordinators'
and the public lists narrowed to a district) are read from the index alone; it replaces (edition_id,
district_id, status), its prefix.

Revision ID: a3c9d2e41f07
Revises: fe256bc10fa7
Create Date: 2026-12-07 19:05:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c9d2e41f07'
down_revision = 'fe256bc10fa7'
branch_labels = None
depends_on = None


def upgrade():
    # Plain index operations: a batch that recreated the table would lose the triggers on proposals.
    op.drop_index('ix_proposals_edition_district_status', table_name='proposals')
    op.create_index('ix_proposals_district_counts', 'proposals',
                    ['edition_id', 'district_id', 'status', 'scope', 'is_public'], unique=False)


def downgrade():
    op.drop_index('ix_proposals_district_counts', table_name='proposals')
    op.create_index('ix_proposals_edition_district_status', 'proposals', ['edition_id', 'district_id', 'status'],
                    unique=False)
