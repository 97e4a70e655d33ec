"""The helper's desk offers only what a helper may do: no links to author-only pages, no walk-ins at a
cancelled marathon; a person id far out of range on the helpers form is refused, not a server error."""

from pbflow.extensions import db
from pbflow.marathons.models import Marathon, MarathonBooking, MarathonSlot
from pbflow.proposals.models import ProposalStatus


def test_the_desk_shows_helpers_no_fix_links_and_no_walk_ins_when_cancelled(
        app, client, login, english, make_edition, make_proposal, make_user, make_marathon):
    edition = make_edition(open_stage="marathons", supporters_required=3)
    helper = make_user("Helena Pomocna")
    proposal = make_proposal(edition, status=ProposalStatus.READY, title="Ławki nad Wisłą")
    marathon = make_marathon(edition, helpers=[helper])
    with app.app_context():
        slot = db.session.get(MarathonSlot, marathon.slots[0].id)
        slot.booked_seats = 1
        db.session.add(MarathonBooking(slot_id=slot.id, marathon_id=marathon.id, proposal_id=proposal.id))
        db.session.commit()
    login(client, helper)
    page = client.get(f"/marathons/{marathon.id}/desk/proposals/{proposal.id}").get_data(as_text=True)
    assert "Support list" in page and "Fix it" not in page  # the support list is the authors' to fix
    assert "Walk-ins" in client.get(f"/marathons/{marathon.id}/desk").get_data(as_text=True)
    with app.app_context():
        db.session.get(Marathon, marathon.id).status = "cancelled"
        db.session.commit()
    assert "Walk-ins" not in client.get(f"/marathons/{marathon.id}/desk").get_data(as_text=True)


def test_a_person_id_out_of_range_on_the_helpers_form_is_refused(client, login, people, make_edition,
                                                                 make_marathon):
    marathon = make_marathon(make_edition(open_stage="marathons"))
    login(client, people["coordinator"])
    response = client.post(f"/marathons/{marathon.id}/helpers", data={"person": "99999999999999999999999"})
    assert response.status_code == 422
