"""Bench data for the monitoring dashboard (scripts/bench --monitoring): what it inserts, counted."""

from sqlalchemy import func, select

from pbflow.bench import data as bench_data
from pbflow.bench import monitoring as bench_monitoring
from pbflow.core import clock
from pbflow.core.models import AuditEvent
from pbflow.editions import services as editions
from pbflow.extensions import db
from pbflow.feedback.models import Feedback, Routing
from pbflow.marathons.models import OfficialOutcome, Submission
from pbflow.meetings.models import Meeting, MeetingSignup
from pbflow.monitoring import services as monitoring
from pbflow.monitoring.models import Activity, Indicator, Measurement
from pbflow.monitoring.sources import SOURCES, Period, Scope, as_number
from pbflow.proposals.models import Proposal

MODELS = {"indicators": Indicator, "measurements": Measurement, "meetings": Meeting, "sign-ups": MeetingSignup,
          "activities": Activity, "routings": Routing, "feedback": Feedback, "submissions": Submission,
          "decisions": OfficialOutcome}


def _counts():
    found = {what: db.session.scalar(select(func.count()).select_from(model)) for what, model in MODELS.items()}
    found["audit events"] = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.verb.in_(("proposal.send_to_consultation", "proposal.mark_revised", "proposal.mark_ready"))))
    return found


def test_the_monitoring_bench_load_adds_what_it_counts_and_the_sources_see_it(app, ctx):
    proposal_ids = bench_data.seed(300, authors=40, echo=lambda _text: None)
    edition = editions.current_edition()
    before = _counts()
    added = bench_monitoring.seed(edition, proposal_ids, meetings=12, activities=40, echo=lambda _text: None)
    after = _counts()
    assert {what: after[what] - before[what] for what in after} == added
    assert added["meetings"] == 12 and added["sign-ups"] == 12 * bench_monitoring.SIGNUPS_PER_MEETING
    assert added["activities"] == 40 and added["routings"] == added["feedback"] > 0
    assert added["audit events"] > added["feedback"] and added["submissions"] > 0
    # The demo edition's indicators are not defined twice; the bench's recorded one comes with its values.
    sources = db.session.execute(select(Indicator.source, Indicator.district_id).where(
        Indicator.edition_id == edition.id, Indicator.source != "recorded")).all()
    assert len(sources) == len(set(sources)) and len(sources) >= 10
    assert 0 < added["indicators"] <= len(bench_monitoring.INDICATORS)

    first, _last = monitoring.edition_span(edition)
    days = db.session.scalars(select(Activity.held_on).where(Activity.edition_id == edition.id)).all()
    assert all(first <= day <= clock.today() for day in days)
    bench = db.session.scalars(select(Proposal).where(Proposal.id.in_(list(proposal_ids)))).all()
    submitted = sum(1 for p in bench if p.status == "submitted")
    figures = {key: as_number(db.session.scalar(select(SOURCES[key].expression(Scope(edition.id), Period()))))
               for key in ("meetings_held", "proposals_submitted", "feedback_given", "median_days_to_feedback")}
    assert figures["meetings_held"] >= 12 and figures["proposals_submitted"] >= submitted
    assert figures["feedback_given"] >= added["feedback"] and 2 <= figures["median_days_to_feedback"] <= 31

    db.session.commit()
    client = app.test_client()
    assert client.get(f"/monitoring/?edition={edition.id}").status_code == 200
