"""A hand-counted edition for monitoring tests: every figure below was counted by reading this file.

District A (districts[0]), area a1:  ambassadors 1 and 2 (approved), one application still waiting.
District B (districts[1]), area b1:  ambassador 3 (approved).
Training (2 items): ambassador 1 completes both, ambassador 3 one                  → 3 (A: 2, B: 1)
Meetings held: A 12 and 8 people, B 5; one planned meeting in A (not held)         → 3 held, 25 people
Proposals: 4 in A (pa1..pa4), 2 in B (pb1, pb2), each by its own author            → 6 drafts
Sent to consultation: pa1 (twice), pa2, pb1                                         → 3 (A: 2)
Published feedback: pa1 by two units (4 and 6 days), pb1 (10 days); one draft      → 3 opinions on 2 proposals,
                                                                                      median 6 days (A: 5)
Revised: pa1; marked ready: pa1, pb1                                               → 1 and 2
Submitted: pa1, pb1 standing, pa2 undone                                            → 2 (A: 1)
Selected for funding: pa1                                                           → 1, 50 % of submitted
Residents: 6 authors + 3 ambassadors + 1 resident signed up (an author signed up too) → 10 (A: 4 + 2 + 1 = 7)
Activities: training 2 h (10 people, 4 new) in a1; advice 1,5 h (3, 3) in B;
            event 3 h (40, 25) city-wide; an old training 1 h (7, 0) 40 days ago    → sessions 4, training 3 h,
                                                                                      advice 1,5 h, 60 people, 32 new
"""

from datetime import timedelta

from pbflow.ambassadors.models import ApplicationStatus, TrainingItem, TrainingProgress
from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.feedback.models import Feedback
from pbflow.marathons.models import OfficialOutcome, Submission
from pbflow.meetings.models import MeetingSignup
from pbflow.monitoring.models import Activity
from pbflow.proposals.models import ProposalAuthor

EXPECTED = {
    "ambassadors_approved": 3, "areas_covered": 2, "training_completed": 3, "meetings_held": 3,
    "meeting_participants": 25, "drafts_created": 6, "sent_to_consultation": 3, "feedback_given": 3,
    "proposals_with_feedback": 2, "median_days_to_feedback": 6, "proposals_revised": 1, "proposals_ready": 2,
    "proposals_submitted": 2, "proposals_selected": 1, "share_selected": 50, "residents_involved": 10,
    "training_hours": 3, "advice_hours": 1.5, "activity_sessions": 4, "activity_participants": 60,
    "activity_newcomers": 32,
}
EXPECTED_IN_A = {
    "ambassadors_approved": 2, "areas_covered": 1, "training_completed": 2, "meetings_held": 2,
    "meeting_participants": 20, "drafts_created": 4, "sent_to_consultation": 2, "feedback_given": 2,
    "proposals_with_feedback": 1, "median_days_to_feedback": 5, "proposals_revised": 1, "proposals_ready": 1,
    "proposals_submitted": 1, "proposals_selected": 1, "share_selected": 100, "residents_involved": 7,
    "training_hours": 3, "advice_hours": 0, "activity_sessions": 2, "activity_participants": 17,
    "activity_newcomers": 4,
}


def _event(verb, proposal_id, days_ago=1):
    db.session.add(AuditEvent(verb=verb, object_type="proposals", object_id=proposal_id,
                              created_at=utcnow() - timedelta(days=days_ago), data={}))


def build(app, districts, make_edition, make_area, make_ambassador, make_user, make_meeting, make_proposal,
          make_unit, make_routing, make_feedback):
    edition = make_edition(open_stage="marathons", criteria=True)
    a1, b1 = make_area(districts[0], "Osiedle Zielone"), make_area(districts[1], "Osiedle Wodne")
    amb1, amb2, amb3 = (make_ambassador(edition, area=a1), make_ambassador(edition, area=a1),
                        make_ambassador(edition, area=b1))
    make_ambassador(edition, area=a1, status=ApplicationStatus.SUBMITTED)
    m1 = make_meeting(edition, ambassador=amb1, starts_in=timedelta(days=-20), status="held", attendance=12)
    make_meeting(edition, ambassador=amb2, starts_in=timedelta(days=-10), status="held", attendance=8)
    make_meeting(edition, ambassador=amb3, starts_in=timedelta(days=-5), status="held", attendance=5)
    make_meeting(edition, ambassador=amb1, starts_in=timedelta(days=5))
    proposals = {}
    for name, district, area in (("pa1", districts[0], a1), ("pa2", districts[0], a1), ("pa3", districts[0], None),
                                 ("pa4", districts[0], None), ("pb1", districts[1], b1), ("pb2", districts[1], None)):
        proposals[name] = make_proposal(edition, title=f"Projekt {name}", district=district, area=area)
    signer = make_user("Maria Podpisana")
    units = [make_unit(name="Jednostka testowa zieleni", short_name="JTZ"),
             make_unit(name="Jednostka testowa dróg", short_name="JTD")]
    now = utcnow()
    for proposal, unit, days in ((proposals["pa1"], units[0], 4), (proposals["pa1"], units[1], 6),
                                 (proposals["pb1"], units[0], 10)):
        routing = make_routing(proposal, unit)
        make_feedback(routing, round_started_at=now - timedelta(days=days + 1))
        with app.app_context():
            feedback = db.session.scalar(db.select(Feedback).where(Feedback.routing_id == routing.id))
            feedback.published_at = now - timedelta(days=1)
            db.session.commit()
    draft_routing = make_routing(proposals["pa3"], units[1])
    make_feedback(draft_routing, published=False)
    with app.app_context():
        items = [TrainingItem(edition_id=edition.id, position=n, title=f"Moduł {n}") for n in (1, 2)]
        db.session.add_all(items)
        db.session.flush()
        db.session.add_all([TrainingProgress(item_id=items[0].id, user_id=amb1.user_id),
                            TrainingProgress(item_id=items[1].id, user_id=amb1.user_id),
                            TrainingProgress(item_id=items[0].id, user_id=amb3.user_id)])
        author_pa1 = db.session.scalar(db.select(ProposalAuthor.user_id)
                                       .where(ProposalAuthor.proposal_id == proposals["pa1"].id))
        db.session.add_all([MeetingSignup(meeting_id=m1.id, user_id=author_pa1),
                            MeetingSignup(meeting_id=m1.id, user_id=signer.id)])
        for name in ("pa1", "pa1", "pa2", "pb1"):
            _event("proposal.send_to_consultation", proposals[name].id, days_ago=15)
        _event("proposal.mark_revised", proposals["pa1"].id)
        _event("proposal.mark_ready", proposals["pa1"].id)
        _event("proposal.mark_ready", proposals["pb1"].id)
        for name, reference, undone in (("pa1", "WPD.0001.2026", False), ("pb1", "WPD.0002.2026", False),
                                        ("pa2", "WPD.0003.2026", True)):
            db.session.add(Submission(proposal_id=proposals[name].id, edition_id=edition.id,
                                      platform_reference=reference, reference_key=reference, version_number=1,
                                      submitted_at=now - timedelta(hours=3), readiness={},
                                      undone_at=now if undone else None))
        db.session.add(OfficialOutcome(proposal_id=proposals["pa1"].id, outcome="selected"))
        today = clock.today()
        db.session.add_all([
            Activity(edition_id=edition.id, kind="training", title="Szkolenie z kosztorysu", held_on=today,
                     minutes=120, participants=10, new_participants=4, district_id=districts[0].id, area_id=a1.id),
            Activity(edition_id=edition.id, kind="advice", title="Dyżur doradczy", held_on=today - timedelta(days=2),
                     minutes=90, participants=3, new_participants=3, district_id=districts[1].id),
            Activity(edition_id=edition.id, kind="event", title="Piknik partycypacyjny", held_on=today,
                     minutes=180, participants=40, new_participants=25),
            Activity(edition_id=edition.id, kind="training", title="Szkolenie wstępne",
                     held_on=today - timedelta(days=40), minutes=60, participants=7, new_participants=0,
                     district_id=districts[0].id),
        ])
        db.session.commit()
    return {"edition": edition, "a1": a1, "b1": b1, "proposals": proposals, "district_a": districts[0],
            "district_b": districts[1]}
