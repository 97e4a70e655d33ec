"""Stage III: verifying units' routings, feedback, answers, snippets, notes; workshops and consultations; notifications

Revision ID: 6412f2b2edef
Revises: 083d00b134c6
Create Date: 2026-12-06 18:34:09.907053

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6412f2b2edef'
down_revision = '083d00b134c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer_snippets',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('title_key', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_answer_snippets_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['verifying_units.id'], name=op.f('fk_answer_snippets_unit_id_verifying_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_snippets')),
    sa.UniqueConstraint('unit_id', 'title_key', name='uq_answer_snippets_unit_title')
    )
    op.create_table('consultation_slots',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'cancelled')", name=op.f('ck_consultation_slots_status_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_consultation_slots_ends_after_start')),
    sa.CheckConstraint('place IS NOT NULL OR online_url IS NOT NULL', name=op.f('ck_consultation_slots_has_place_or_link')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_consultation_slots_edition_id_editions')),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_consultation_slots_expert_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['verifying_units.id'], name=op.f('fk_consultation_slots_unit_id_verifying_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_slots'))
    )
    with op.batch_alter_table('consultation_slots', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_slots_edition_starts', ['edition_id', 'status', 'starts_at', 'id'], unique=False)
        batch_op.create_index('ix_consultation_slots_expert_starts', ['expert_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_consultation_slots_unit_starts', ['unit_id', 'starts_at', 'id'], unique=False)

    op.create_table('notifications',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_list', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('unit_invitations',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'cancelled')", name=op.f('ck_unit_invitations_status_known')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_unit_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_unit_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['verifying_units.id'], name=op.f('fk_unit_invitations_unit_id_verifying_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_unit_invitations_token_hash'))
    )
    with op.batch_alter_table('unit_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_invitations_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_unit_invitations_unit_status', ['unit_id', 'status', 'created_at'], unique=False)

    op.create_table('workshops',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('confirmed_seats', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'held', 'cancelled')", name=op.f('ck_workshops_status_known')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_workshops_capacity_positive')),
    sa.CheckConstraint('confirmed_seats >= 0 AND confirmed_seats <= capacity', name=op.f('ck_workshops_seats_within_capacity')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_workshops_ends_after_start')),
    sa.CheckConstraint('place IS NOT NULL OR online_url IS NOT NULL', name=op.f('ck_workshops_has_place_or_link')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_workshops_edition_id_editions')),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_workshops_organiser_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshops'))
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.create_index('ix_workshops_edition_starts', ['edition_id', 'starts_at', 'id'], unique=False)

    op.create_table('workshop_units',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['verifying_units.id'], name=op.f('fk_workshop_units_unit_id_verifying_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_units_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workshop_id', 'unit_id', name=op.f('pk_workshop_units'))
    )
    with op.batch_alter_table('workshop_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_units_unit_id'), ['unit_id'], unique=False)

    op.create_table('consultation_bookings',
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'cancelled')", name=op.f('ck_consultation_bookings_status_known')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_consultation_bookings_booked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_consultation_bookings_cancelled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_consultation_bookings_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['consultation_slots.id'], name=op.f('fk_consultation_bookings_slot_id_consultation_slots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_bookings'))
    )
    with op.batch_alter_table('consultation_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_bookings_booked_by_id'), ['booked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_bookings_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index('uq_consultation_bookings_active_slot', ['slot_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('internal_notes',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_internal_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['internal_notes.id'], name=op.f('fk_internal_notes_parent_id_internal_notes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_internal_notes_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['verifying_units.id'], name=op.f('fk_internal_notes_unit_id_verifying_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_notes'))
    )
    with op.batch_alter_table('internal_notes', schema=None) as batch_op:
        batch_op.create_index('ix_internal_notes_proposal_unit', ['proposal_id', 'unit_id', 'id'], unique=False)

    op.create_table('routings',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('routed_at', sa.DateTime(), nullable=False),
    sa.Column('routed_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('overdue_notified_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'answered', 'cancelled')", name=op.f('ck_routings_status_known')),
    sa.CheckConstraint('round >= 1', name=op.f('ck_routings_round_positive')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_routings_district_id_districts')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_routings_edition_id_editions')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_routings_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['routed_by_id'], ['users.id'], name=op.f('fk_routings_routed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['verifying_units.id'], name=op.f('fk_routings_unit_id_verifying_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routings')),
    sa.UniqueConstraint('proposal_id', 'unit_id', name='uq_routings_proposal_unit')
    )
    with op.batch_alter_table('routings', schema=None) as batch_op:
        batch_op.create_index('ix_routings_edition_board', ['edition_id', 'status', 'due_on', 'id'], unique=False)
        batch_op.create_index('ix_routings_proposal', ['proposal_id', 'status'], unique=False)
        batch_op.create_index('ix_routings_unit_district', ['unit_id', 'district_id', 'status', 'routed_at', 'id'], unique=False)
        batch_op.create_index('ix_routings_unit_inbox', ['unit_id', 'status', 'routed_at', 'id'], unique=False)

    op.create_table('workshop_invites',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('invited', 'confirmed', 'declined')", name=op.f('ck_workshop_invites_status_known')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_workshop_invites_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_workshop_invites_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_workshop_invites_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_invites_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_invites')),
    sa.UniqueConstraint('workshop_id', 'user_id', name='uq_workshop_invites_person')
    )
    with op.batch_alter_table('workshop_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_invites_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_workshop_invites_workshop_status', ['workshop_id', 'status', 'id'], unique=False)

    op.create_table('workshop_proposals',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('conclusions', sa.Text(), nullable=False),
    sa.Column('conclusions_by_id', sa.Integer(), nullable=True),
    sa.Column('conclusions_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['conclusions_by_id'], ['users.id'], name=op.f('fk_workshop_proposals_conclusions_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_workshop_proposals_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_proposals_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workshop_id', 'proposal_id', name=op.f('pk_workshop_proposals'))
    )
    with op.batch_alter_table('workshop_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_proposals_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('feedback',
    sa.Column('routing_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=True),
    sa.Column('verdict_reason', sa.Text(), nullable=False),
    sa.Column('cost_assessment', sa.String(length=20), nullable=True),
    sa.Column('unit_estimate', sa.BigInteger(), nullable=True),
    sa.Column('suggestions', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("cost_assessment IS NULL OR cost_assessment IN ('realistic', 'too_low', 'too_high')", name=op.f('ck_feedback_cost_assessment_known')),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_feedback_status_known')),
    sa.CheckConstraint("verdict IS NULL OR verdict IN ('ready', 'needs_changes', 'cannot_be_done')", name=op.f('ck_feedback_verdict_known')),
    sa.CheckConstraint('unit_estimate IS NULL OR unit_estimate >= 0', name=op.f('ck_feedback_estimate_not_negative')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_feedback_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_feedback_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['routing_id'], ['routings.id'], name=op.f('fk_feedback_routing_id_routings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['verifying_units.id'], name=op.f('fk_feedback_unit_id_verifying_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('routing_id', 'round', name='uq_feedback_routing_round')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_proposal', ['proposal_id', 'status', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_feedback_unit', ['unit_id', 'status', 'updated_at'], unique=False)

    op.create_table('feedback_points',
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('criterion_title', sa.String(length=200), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.Column('correctable', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('answer_status', sa.String(length=20), nullable=False),
    sa.Column('answered_in_version', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("answer_status IN ('none', 'open', 'changed', 'not_changed', 'question')", name=op.f('ck_feedback_points_answer_status_known')),
    sa.CheckConstraint("result IS NULL OR result IN ('meets', 'needs_change', 'does_not_meet', 'not_applicable')", name=op.f('ck_feedback_points_result_known')),
    sa.ForeignKeyConstraint(['criterion_id'], ['feedback_criteria.id'], name=op.f('fk_feedback_points_criterion_id_feedback_criteria'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_points_feedback_id_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_feedback_points_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_points')),
    sa.UniqueConstraint('feedback_id', 'position', name='uq_feedback_points_position')
    )
    with op.batch_alter_table('feedback_points', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_points_feedback', ['feedback_id', 'position'], unique=False)
        batch_op.create_index('ix_feedback_points_proposal', ['proposal_id', 'answer_status'], unique=False)

    op.create_table('point_answers',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind != 'changed' OR version_number IS NOT NULL", name=op.f('ck_point_answers_changed_names_version')),
    sa.CheckConstraint("kind IN ('changed', 'not_changed', 'question', 'reply')", name=op.f('ck_point_answers_kind_known')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_point_answers_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['point_id'], ['feedback_points.id'], name=op.f('fk_point_answers_point_id_feedback_points'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_point_answers_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_answers'))
    )
    with op.batch_alter_table('point_answers', schema=None) as batch_op:
        batch_op.create_index('ix_point_answers_point', ['point_id', 'id'], unique=False)
        batch_op.create_index('ix_point_answers_proposal', ['proposal_id', 'id'], unique=False)

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_due_days', sa.Integer(), server_default='14', nullable=False))
        batch_op.create_check_constraint('feedback_due_days_range', 'feedback_due_days > 0 AND feedback_due_days <= 365')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unread_notifications', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('verifying_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('responsibilities', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('unread_notifications')

    with op.batch_alter_table('verifying_units', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('responsibilities')

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_constraint('feedback_due_days_range', type_='check')
        batch_op.drop_column('feedback_due_days')

    with op.batch_alter_table('point_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_point_answers_proposal')
        batch_op.drop_index('ix_point_answers_point')

    op.drop_table('point_answers')
    with op.batch_alter_table('feedback_points', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_points_proposal')
        batch_op.drop_index('ix_feedback_points_feedback')

    op.drop_table('feedback_points')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_unit')
        batch_op.drop_index('ix_feedback_proposal')

    op.drop_table('feedback')
    with op.batch_alter_table('workshop_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_proposals_proposal_id'))

    op.drop_table('workshop_proposals')
    with op.batch_alter_table('workshop_invites', schema=None) as batch_op:
        batch_op.drop_index('ix_workshop_invites_workshop_status')
        batch_op.drop_index(batch_op.f('ix_workshop_invites_user_id'))

    op.drop_table('workshop_invites')
    with op.batch_alter_table('routings', schema=None) as batch_op:
        batch_op.drop_index('ix_routings_unit_inbox')
        batch_op.drop_index('ix_routings_unit_district')
        batch_op.drop_index('ix_routings_proposal')
        batch_op.drop_index('ix_routings_edition_board')

    op.drop_table('routings')
    with op.batch_alter_table('internal_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_internal_notes_proposal_unit')

    op.drop_table('internal_notes')
    with op.batch_alter_table('consultation_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_consultation_bookings_active_slot', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_consultation_bookings_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_bookings_booked_by_id'))

    op.drop_table('consultation_bookings')
    with op.batch_alter_table('workshop_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_units_unit_id'))

    op.drop_table('workshop_units')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_index('ix_workshops_edition_starts')

    op.drop_table('workshops')
    with op.batch_alter_table('unit_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_invitations_unit_status')
        batch_op.drop_index(batch_op.f('ix_unit_invitations_unit_id'))

    op.drop_table('unit_invitations')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')
        batch_op.drop_index('ix_notifications_user_list')

    op.drop_table('notifications')
    with op.batch_alter_table('consultation_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_slots_unit_starts')
        batch_op.drop_index('ix_consultation_slots_expert_starts')
        batch_op.drop_index('ix_consultation_slots_edition_starts')

    op.drop_table('consultation_slots')
    op.drop_table('answer_snippets')
