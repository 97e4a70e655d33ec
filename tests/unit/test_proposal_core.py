"""Proposal core: drafts and versions, the optimistic lock, costs, the state machine, search."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pbflow.accounts.models import User
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.proposals import costs, search, transitions
from pbflow.proposals import services as proposals
from pbflow.proposals.models import Proposal, ProposalStatus, ProposalVersion

S = ProposalStatus


def load(model, id_):
    return db.session.get(model, id_)


def verbs(proposal_id):
    return db.session.scalars(select(AuditEvent.verb).where(
        AuditEvent.object_type == "proposals", AuditEvent.object_id == proposal_id)
                              .order_by(AuditEvent.id)).all()


@pytest.fixture
def make_edition(make_edition):
    """Editions whose support list needs no names: Stage IV's readiness items are tested in test_readiness.py."""
    return lambda *args, **values: make_edition(*args, **{"supporters_required": 0, **values})


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


# --- costs ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [("3", Decimal(3)), ("2,5", Decimal("2.5")), (" 1 000 ", Decimal(1000)),
                                            ("0,125", Decimal("0.125"))])
def test_quantities_accept_polish_writing(text, expected):
    assert costs.parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["", "-1", "abc", "0", "1,2345", "10000000", "1e5", "NaN"])
def test_bad_quantities_are_refused_with_a_message(app, text):
    with app.test_request_context(), pytest.raises(costs.CostError):
        costs.parse_quantity(text)


def test_a_cost_line_is_exact_in_grosze():
    line = costs.CostLine("Nawierzchnia", Decimal("120.5"), 350_00)
    assert line.amount == 42_175_00
    assert costs.CostLine("Słupek", Decimal("0.333"), 1_00).amount == 33  # 33.3 grosze rounds half up to 33
    assert costs.CostLine.from_json(line.as_json()) == line
    assert costs.total([line, costs.CostLine("Ławka", Decimal(2), 1_250_50)]) == 42_175_00 + 2_501_00


def test_the_cap_check_says_by_how_much_the_total_is_over():
    check = costs.CapCheck(120_00, 100_00)
    assert check.over and check.excess == 20_00
    assert not costs.CapCheck(100_00, 100_00).over
    assert not costs.CapCheck(10**9, None).over


# --- drafts and versions ------------------------------------------------------------

def test_a_resident_starts_a_draft_and_becomes_its_lead_author(ctx, edition, make_proposal, make_user):
    author = make_user("Zofia Dąbrowska")
    proposal = load(Proposal, make_proposal(edition, author=author).id)
    assert proposal.state is S.DRAFT and proposal.current_version == 1
    assert proposal.total_cost == 4 * 25_000_00 + 42_175_00
    version = proposals.get_version(proposal)
    assert version.created_by_id == author.id and version.cost_lines[1]["quantity"] == "120.5"
    assert "proposal.started" in verbs(proposal.id)


def test_every_change_is_a_new_version_and_nothing_overwrites_an_old_one(ctx, edition, make_proposal, make_user):
    author = make_user()
    proposal = load(Proposal, make_proposal(edition, author=author).id)
    actor = load(User, author.id)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.title = "Plac zabaw i siłownia przy Zielonej"
    version = proposals.save_version(actor, proposal, content, expected_lock=1, change_note="Dodana siłownia")
    assert version.number == 2 and proposal.current_version == 2 and proposal.title == content.title
    assert proposals.get_version(proposal, 1).title == "Plac zabaw przy Zielonej"
    with pytest.raises(proposals.NothingChanged):
        proposals.save_version(actor, proposal, content, expected_lock=2)
    first = proposals.get_version(proposal, 1)
    first.title = "overwritten"
    with pytest.raises(ValueError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_a_stale_form_is_refused_with_the_newer_version(ctx, edition, make_proposal, make_user):
    author, neighbour = make_user(), make_user()
    proposal = load(Proposal, make_proposal(edition, author=author, co_authors=[neighbour]).id)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.summary += " Pierwsza zmiana."
    proposals.save_version(load(User, author.id), proposal, content, expected_lock=1)
    theirs = proposals.Content.of(proposals.get_version(proposal, 1))
    theirs.summary += " Druga zmiana."
    with pytest.raises(proposals.StaleProposal) as refused:
        proposals.save_version(load(User, neighbour.id), proposal, theirs, expected_lock=1)
    assert refused.value.current.number == 2
    assert db.session.scalar(select(func.count()).select_from(ProposalVersion)
                             .where(ProposalVersion.proposal_id == proposal.id)) == 2


def test_the_lock_is_checked_in_the_same_statement_as_the_write(ctx, edition, make_proposal, make_user):
    """The in-memory counter may be old (another server saved meanwhile): the UPDATE still refuses."""
    author = make_user()
    proposal = load(Proposal, make_proposal(edition, author=author).id)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.title = "Inny tytuł"
    db.session.execute(db.update(Proposal).where(Proposal.id == proposal.id).values(current_version=5)
                       .execution_options(synchronize_session=False))  # this session still holds 1
    with pytest.raises(proposals.StaleProposal):
        proposals.save_version(load(User, author.id), proposal, content, expected_lock=1)


def test_switching_scope_recomputes_the_cap_and_keeps_history(ctx, edition, make_proposal, make_user):
    author = make_user()
    proposal = load(Proposal, make_proposal(edition, author=author).id)
    district_cap = proposals.cap_check(proposals.edition_of(proposal), "district", proposal.district_id, 1).cap
    content = proposals.Content.of(proposals.get_version(proposal))
    content.scope, content.district_id = "citywide", None
    proposals.save_version(load(User, author.id), proposal, content, expected_lock=1)
    citywide_cap = proposals.cap_check(proposals.edition_of(proposal), "citywide", None, 1).cap
    assert citywide_cap != district_cap
    assert proposal.scope == "citywide" and proposals.get_version(proposal, 1).scope == "district"
    assert db.session.scalars(select(AuditEvent.data).where(AuditEvent.verb == "proposal.revised")).one()["scope"] \
        == ["district", "citywide"]


def test_someone_who_is_not_an_author_cannot_save(ctx, edition, make_proposal, make_user):
    proposal = load(Proposal, make_proposal(edition).id)
    stranger = load(User, make_user().id)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.title = "Przejęty"
    with pytest.raises(proposals.NotAllowed):
        proposals.save_version(stranger, proposal, content, expected_lock=1)


def test_the_area_ambassador_helps_edit_drafts_of_their_area(ctx, edition, make_proposal, make_ambassador, make_area):
    area = make_area()
    application = make_ambassador(edition, area=area)
    proposal = load(Proposal, make_proposal(edition, area=area).id)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.beneficiaries = "Dzieci i seniorzy"
    assert proposals.save_version(load(User, application.user_id), proposal, content, expected_lock=1).number == 2


# --- the state machine ---------------------------------------------------------------

def test_the_whole_pathway_through_the_one_state_machine(english, ctx, make_edition, make_proposal, make_user, people,
                                                        make_unit, make_expert, make_routing):
    edition = make_edition(open_stage="workshops")
    author = make_user()
    made = make_proposal(edition, author=author)
    unit = make_unit()  # the expert's unit got the proposal and has answered
    make_expert(unit, user=people["expert"])
    make_routing(made, unit, status="answered")
    proposal = load(Proposal, made.id)
    lead, expert, coordinator = load(User, author.id), load(User, people["expert"].id), load(User, people["coordinator"].id)
    transitions.send_to_consultation(lead, proposal)
    with pytest.raises(transitions.TransitionNotAllowed):
        transitions.record_feedback(lead, proposal)  # only experts and coordinators
    transitions.record_feedback(expert, proposal)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.description += "\n\nPo konsultacji: nawierzchnia z gumy EPDM."
    proposals.save_version(lead, proposal, content, expected_lock=1)
    assert proposal.state is S.REVISING  # the first save after feedback starts the revision
    transitions.mark_ready(lead, proposal)
    with pytest.raises(transitions.TransitionNotAllowed, match="Record the submission|marathons|stages"):
        transitions.submit(coordinator, proposal, "WPD-2026-001")
    assert [v for v in verbs(proposal.id) if v != "proposal.revised"] == [
        "proposal.started", "proposal.send_to_consultation", "proposal.record_feedback",
        "proposal.start_revising", "proposal.mark_ready"]


def test_out_of_order_transitions_get_a_message_not_an_error(ctx, edition, make_proposal, make_user):
    author = make_user()
    proposal = load(Proposal, make_proposal(edition, author=author).id)
    for action in ("record_feedback", "start_revising", "mark_ready", "reopen"):
        with pytest.raises(transitions.TransitionNotAllowed):
            transitions.perform(load(User, author.id), proposal, action)
    assert proposal.state is S.DRAFT


def test_readiness_names_what_the_official_form_would_refuse(english, ctx, edition, make_proposal, make_user):
    author = make_user()
    proposal = load(Proposal, make_proposal(edition, author=author, title="T" * 61, summary="Za krótko",
                                            status=S.REVISING, lines=[]).id)
    problems = " ".join(proposals.readiness_problems(proposal))
    assert "61" in problems and "cost estimate" in problems
    with pytest.raises(transitions.TransitionNotAllowed, match="Not ready"):
        transitions.mark_ready(load(User, author.id), proposal)


def test_merging_keeps_both_histories_and_points_to_the_survivor(ctx, edition, make_proposal, people):
    first, second = make_proposal(edition), make_proposal(edition, title="Plac zabaw na skwerze")
    merged, survivor = load(Proposal, first.id), load(Proposal, second.id)
    transitions.merge(load(User, people["coordinator"].id), merged, survivor)
    assert merged.state is S.MERGED and merged.merged_into_id == survivor.id
    assert proposals.get_version(merged).number == 1
    assert "proposal.absorbed" in verbs(survivor.id)
    with pytest.raises(transitions.TransitionNotAllowed):
        transitions.withdraw(load(User, people["coordinator"].id), merged)


def test_only_the_lead_withdraws(ctx, edition, make_proposal, make_user):
    lead, co_author = make_user(), make_user()
    proposal = load(Proposal, make_proposal(edition, author=lead, co_authors=[co_author]).id)
    with pytest.raises(transitions.TransitionNotAllowed):
        transitions.withdraw(load(User, co_author.id), proposal)
    transitions.withdraw(load(User, lead.id), proposal, reason="Zrobi to spółdzielnia")
    assert proposal.state is S.WITHDRAWN


# --- search ------------------------------------------------------------------------

def test_search_finds_polish_words_typed_without_diacritics(ctx, edition, make_proposal):
    green = make_proposal(edition, title="Więcej zieleni na osiedlu", summary="Drzewa i łąka kwietna zamiast trawnika",
                          description="Nasadzenia: zieleń przyuliczna.")
    other = make_proposal(edition, title="Oświetlenie przejścia", description="Lampy LED",
                          summary="Lampy nad przejściem dla pieszych, dobrze widocznym po zmroku.")
    found = search.matches("zielen")
    ids = db.session.execute(select(found.c.id).order_by(found.c.rank)).scalars().all()
    assert ids == [green.id]
    assert db.session.execute(select(search.matches("oswietl").c.id)).scalars().all() == [other.id]
    assert db.session.execute(select(search.matches("łąka kwietna").c.id)).scalars().all() == [green.id]
    assert db.session.execute(select(search.matches("laka").c.id)).scalars().all() == [green.id]  # ł typed as l
    assert search.matches("  ") is None


def test_search_follows_new_versions(ctx, edition, make_proposal, make_user):
    author = make_user()
    proposal = load(Proposal, make_proposal(edition, author=author).id)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.title = "Siłownia plenerowa"
    proposals.save_version(load(User, author.id), proposal, content, expected_lock=1)
    assert db.session.execute(select(search.matches("silownia").c.id)).scalars().all() == [proposal.id]
    assert db.session.execute(select(search.matches("zabaw").c.id)).scalars().all() == [proposal.id]  # summary


def test_search_input_cannot_break_the_query(ctx, edition, make_proposal):
    make_proposal(edition)
    for query in ['"', "a OR b", "NEAR(", "zabaw*", "'; DROP TABLE proposals; --", "(", "&|!:"]:
        found = search.matches(query)
        if found is not None:
            db.session.execute(select(found.c.id)).all()


def test_experts_see_a_proposal_only_once_it_is_routed_to_their_unit(app, edition, make_proposal, people,
                                                                     make_unit, make_expert, make_routing):
    from pbflow.proposals import policy

    unit, other_unit = make_unit(), make_unit()
    make_expert(unit, user=people["expert"])
    stranger = make_expert(other_unit)
    draft = make_proposal(edition)
    sent = make_proposal(edition, status=S.IN_CONSULTATION)  # set-up only
    routed = make_proposal(edition, status=S.IN_CONSULTATION)
    make_routing(routed, unit)
    with app.test_request_context():
        expert, stranger = load(User, people["expert"].id), load(User, stranger.id)
        draft, sent, routed = (load(Proposal, p.id) for p in (draft, sent, routed))
        assert not policy.can_view(expert, draft)
        assert not policy.can_view(expert, sent)  # sent, but not to their unit
        assert policy.can_view(expert, routed) and not policy.can_view(stranger, routed)
        assert not policy.can_edit(expert, routed)


def test_a_save_racing_a_transition_is_refused_not_slipped_in(english, ctx, edition, make_proposal, make_user):
    """The status is checked in the same UPDATE as the lock: a proposal sent to the experts meanwhile
    (here by another server, so this session still holds it as a draft) keeps the text they read."""
    author = make_user()
    proposal = load(Proposal, make_proposal(edition, author=author).id)
    db.session.execute(db.update(Proposal).where(Proposal.id == proposal.id)
                       .values(status=S.IN_CONSULTATION.value).execution_options(synchronize_session=False))
    content = proposals.Content.of(proposals.get_version(proposal))
    content.title = "Zmiana w trakcie konsultacji"
    with pytest.raises(proposals.NotAllowed, match="moved on"):
        proposals.save_version(load(User, author.id), proposal, content, expected_lock=1)
    assert proposals.get_version(proposal).number == 1
