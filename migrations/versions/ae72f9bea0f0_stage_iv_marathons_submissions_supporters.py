"""Stage IV: submission marathons, slots, helpers, bookings, submissions, supporters, support list scans, official outcomes; the edition's supporters and reference format; overriding a verdict

Revision ID: ae72f9bea0f0
Revises: 6412f2b2edef
Create Date: 2026-12-06 19:19:32.911135

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ae72f9bea0f0'
down_revision = '6412f2b2edef'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('no_upkeep_declarations',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_no_upkeep_declarations_declared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_no_upkeep_declarations_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_no_upkeep_declarations'))
    )
    op.create_table('marathons',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'cancelled')", name=op.f('ck_marathons_status_known')),
    sa.CheckConstraint('place IS NOT NULL OR online_url IS NOT NULL', name=op.f('ck_marathons_has_place_or_link')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_marathons_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_marathons_edition_id_editions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marathons'))
    )
    with op.batch_alter_table('marathons', schema=None) as batch_op:
        batch_op.create_index('ix_marathons_edition_day', ['edition_id', 'day', 'id'], unique=False)

    op.create_table('marathon_helpers',
    sa.Column('marathon_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['marathon_id'], ['marathons.id'], name=op.f('fk_marathon_helpers_marathon_id_marathons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_marathon_helpers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('marathon_id', 'user_id', name=op.f('pk_marathon_helpers'))
    )
    with op.batch_alter_table('marathon_helpers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marathon_helpers_user_id'), ['user_id'], unique=False)

    op.create_table('marathon_slots',
    sa.Column('marathon_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('booked_seats', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('booked_seats >= 0 AND booked_seats <= seats', name=op.f('ck_marathon_slots_booked_within_seats')),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_marathon_slots_minutes_positive')),
    sa.CheckConstraint('seats > 0', name=op.f('ck_marathon_slots_seats_positive')),
    sa.ForeignKeyConstraint(['marathon_id'], ['marathons.id'], name=op.f('fk_marathon_slots_marathon_id_marathons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marathon_slots'))
    )
    with op.batch_alter_table('marathon_slots', schema=None) as batch_op:
        batch_op.create_index('ix_marathon_slots_marathon_starts', ['marathon_id', 'starts_at', 'id'], unique=False)

    op.create_table('marathon_bookings',
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('marathon_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('walk_in', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('moved_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'cancelled')", name=op.f('ck_marathon_bookings_status_known')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_marathon_bookings_booked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['marathon_id'], ['marathons.id'], name=op.f('fk_marathon_bookings_marathon_id_marathons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_marathon_bookings_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['marathon_slots.id'], name=op.f('fk_marathon_bookings_slot_id_marathon_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marathon_bookings'))
    )
    with op.batch_alter_table('marathon_bookings', schema=None) as batch_op:
        batch_op.create_index('ix_marathon_bookings_marathon_status', ['marathon_id', 'status', 'id'], unique=False)
        batch_op.create_index('ix_marathon_bookings_slot_status', ['slot_id', 'status', 'id'], unique=False)
        batch_op.create_index('uq_marathon_bookings_active_proposal', ['proposal_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('official_outcomes',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome != 'verified_negative' OR reason != ''", name=op.f('ck_official_outcomes_negative_has_reason')),
    sa.CheckConstraint("outcome IN ('verified_positive', 'verified_negative', 'put_to_vote', 'selected')", name=op.f('ck_official_outcomes_outcome_known')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_official_outcomes_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_official_outcomes_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('proposal_id', name=op.f('pk_official_outcomes'))
    )
    op.create_table('submissions',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('marathon_id', sa.Integer(), nullable=True),
    sa.Column('platform_reference', sa.String(length=100), nullable=False),
    sa.Column('reference_key', sa.String(length=100), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('readiness', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undo_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_submissions_edition_id_editions')),
    sa.ForeignKeyConstraint(['marathon_id'], ['marathons.id'], name=op.f('fk_submissions_marathon_id_marathons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_submissions_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_submissions_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_submissions_submitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_submissions_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_edition_created', ['edition_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('uq_submissions_edition_reference', ['edition_id', 'reference_key'], unique=True, sqlite_where=sa.text('undone_at IS NULL'), postgresql_where=sa.text('undone_at IS NULL'))
        batch_op.create_index('uq_submissions_standing_proposal', ['proposal_id'], unique=True, sqlite_where=sa.text('undone_at IS NULL'), postgresql_where=sa.text('undone_at IS NULL'))

    op.create_table('support_list_scans',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('signatures', sa.Integer(), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('consent', name=op.f('ck_support_list_scans_consent_given')),
    sa.CheckConstraint('signatures > 0', name=op.f('ck_support_list_scans_signatures_positive')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_support_list_scans_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_support_list_scans_file_id_stored_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_support_list_scans_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_list_scans'))
    )
    with op.batch_alter_table('support_list_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_list_scans_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('supporters',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint('consent', name=op.f('ck_supporters_consent_given')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_supporters_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_supporters_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supporters'))
    )
    with op.batch_alter_table('supporters', schema=None) as batch_op:
        batch_op.create_index('ix_supporters_proposal', ['proposal_id', 'id'], unique=False)

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supporters_required', sa.Integer(), server_default='15', nullable=False))
        batch_op.create_check_constraint('supporters_required_range',
                                         'supporters_required >= 0 AND supporters_required <= 1000')
        batch_op.add_column(sa.Column('reference_pattern', sa.String(length=200), server_default='^[A-Z]{2,6}\\.\\d{1,6}\\.\\d{4}$', nullable=False))

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('override_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('overridden_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('overridden_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_feedback_overridden_by_id_users'), 'users', ['overridden_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    op.drop_table('no_upkeep_declarations')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_feedback_overridden_by_id_users'), type_='foreignkey')
        batch_op.drop_column('overridden_at')
        batch_op.drop_column('overridden_by_id')
        batch_op.drop_column('override_reason')

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_constraint('supporters_required_range', type_='check')
        batch_op.drop_column('reference_pattern')
        batch_op.drop_column('supporters_required')

    with op.batch_alter_table('supporters', schema=None) as batch_op:
        batch_op.drop_index('ix_supporters_proposal')

    op.drop_table('supporters')
    with op.batch_alter_table('support_list_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_list_scans_proposal_id'))

    op.drop_table('support_list_scans')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index('uq_submissions_standing_proposal', sqlite_where=sa.text('undone_at IS NULL'), postgresql_where=sa.text('undone_at IS NULL'))
        batch_op.drop_index('uq_submissions_edition_reference', sqlite_where=sa.text('undone_at IS NULL'), postgresql_where=sa.text('undone_at IS NULL'))
        batch_op.drop_index('ix_submissions_edition_created')

    op.drop_table('submissions')
    op.drop_table('official_outcomes')
    with op.batch_alter_table('marathon_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_marathon_bookings_active_proposal', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index('ix_marathon_bookings_slot_status')
        batch_op.drop_index('ix_marathon_bookings_marathon_status')

    op.drop_table('marathon_bookings')
    with op.batch_alter_table('marathon_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_marathon_slots_marathon_starts')

    op.drop_table('marathon_slots')
    with op.batch_alter_table('marathon_helpers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marathon_helpers_user_id'))

    op.drop_table('marathon_helpers')
    with op.batch_alter_table('marathons', schema=None) as batch_op:
        batch_op.drop_index('ix_marathons_edition_day')

    op.drop_table('marathons')
