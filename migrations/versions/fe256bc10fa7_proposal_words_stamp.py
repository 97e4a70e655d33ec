"""Page stamps: 'proposal_words' on SQLite, raised by triggers whenever any proposal's searchable words change,
so that a visitor's search (whose bm25 order reads drafts' words too) can be kept under it.

Revision ID: fe256bc10fa7
Revises: 6c46af34d9bb
Create Date: 2026-12-07 13:50:00.000000

"""
from alembic import op

from pbflow.proposals import page_stamps


# revision identifiers, used by Alembic.
revision = 'fe256bc10fa7'
down_revision = '6c46af34d9bb'
branch_labels = None
depends_on = None


def upgrade():
    page_stamps.install_words(op.get_bind())


def downgrade():
    page_stamps.uninstall_words(op.get_bind())
    op.execute(f"DELETE FROM page_stamps WHERE name = '{page_stamps.WORDS}'")
