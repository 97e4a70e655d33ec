"""Bench data for the monitoring dashboard, on top of seed-bench's proposals (scripts/bench --monitoring).

Into the edition of the bench proposals it adds what the computed sources count: held meetings with their
attendance and a few sign-ups each, recorded activities of every kind (some per district or area), the
audit events of proposals sent to consultation, revised and marked ready, one unit's published feedback
for the proposals past consultation, a submission record for every submitted proposal with the city's
decision for some, and about ten indicators (computed ones over most sources, one for a district, one
recorded with its measurements). An indicator whose source (and district) the edition already has, as
the demo edition does, is not added twice.

As bench.data does: rows built in Python, written with Core executemany in batches, one transaction per
batch; explicit ids only where a later row points at them (routings), with PostgreSQL's sequence moved
on afterwards. Nothing goes through the services, so the loading itself leaves no audit trail.
"""

import random
import time
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from pbflow.accounts.models import User
from pbflow.bench.data import BATCH, _next_id
from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.editions.models import Area, District
from pbflow.extensions import db
from pbflow.feedback.models import Feedback, Routing, VerifyingUnit
from pbflow.marathons.models import OfficialOutcome, Submission
from pbflow.meetings.models import Meeting, MeetingSignup
from pbflow.monitoring.models import RECORDED, Activity, Indicator, Measurement
from pbflow.monitoring.services import edition_span
from pbflow.monitoring.sources import SOURCES
from pbflow.proposals.models import Proposal, ProposalStatus

S = ProposalStatus
MEETINGS = 2_000
ACTIVITIES = 20_000
SIGNUPS_PER_MEETING = 5
DISTRICT = "Podgórze Duchackie"  # the scoped indicator's district, and the bench's district page

PAST_CONSULTATION = {S.FEEDBACK_RECEIVED.value, S.REVISING.value, S.READY.value, S.SUBMITTED.value}
SENT = PAST_CONSULTATION | {S.IN_CONSULTATION.value}
# (name_pl, name_en, kind, source, unit of a recorded one, baseline, target, scoped to DISTRICT)
INDICATORS = [
    ("Zatwierdzeni ambasadorzy", "Ambassadors approved", "output", "ambassadors_approved", None, 0, 18, False),
    ("Spotkania mieszkańców", "Residents' meetings held", "output", "meetings_held", None, 0, 2_500, False),
    ("Uczestnicy spotkań", "Meeting participants", "output", "meeting_participants", None, 0, 60_000, False),
    ("Szkice propozycji", "Draft proposals", "output", "drafts_created", None, 0, 120_000, False),
    ("Propozycje wysłane do konsultacji", "Proposals sent to consultation", "output", "sent_to_consultation",
     None, 0, 70_000, False),
    ("Mediana dni do opinii eksperta", "Median days to expert feedback", "result", "median_days_to_feedback",
     None, 21, 10, False),
    ("Propozycje złożone", "Proposals submitted", "result", "proposals_submitted", None, 0, 10_000, False),
    ("Odsetek propozycji wybranych do realizacji", "Share of proposals selected", "result", "share_selected",
     None, 0, 30, False),
    ("Zaangażowani mieszkańcy", "Residents involved", "result", "residents_involved", None, 0, 60_000, False),
    ("Godziny szkoleń", "Training hours", "output", "training_hours", None, 0, 20_000, False),
    ("Godziny doradztwa", "Advice hours", "output", "advice_hours", None, 0, 20_000, False),
    ("Uczestnicy działań w Podgórzu Duchackim", "Activity participants in Podgórze Duchackie", "output",
     "activity_participants", None, 0, 5_000, True),
    ("Mieszkańcy, którzy po raz pierwszy wzięli udział w BO", "Residents taking part in PB for the first time",
     "result", RECORDED, "people", 0, 5_000, False),
]
MEASURED = [(45, 1_200), (25, 2_900), (5, 4_100)]  # (days ago, value) of the recorded indicator
ACTIVITY_KINDS = [("training", 30), ("advice", 40), ("consultation", 15), ("event", 15)]
ACTIVITY_TITLES = {
    "training": ["Szkolenie: od pomysłu do propozycji", "Warsztat kosztorysowania", "Szkolenie dla ambasadorów"],
    "advice": ["Dyżur doradczy", "Dyżur konsultacyjny online", "Punkt informacyjny w bibliotece"],
    "consultation": ["Konsultacje z radą dzielnicy", "Spacer badawczy", "Konsultacje z jednostką miejską"],
    "event": ["Piknik budżetu obywatelskiego", "Stoisko informacyjne", "Gra miejska"],
}
LEADERS = ["Barbara Wróbel", "Kamil Nowicki", "Anna Nowak", "Magdalena Wójcik", "Tomasz Lewandowski"]


def _moment(rng, first_day, last_day):
    """A naive-UTC moment on a Kraków day between the two, in the afternoon."""
    day = first_day + timedelta(days=rng.randint(0, (last_day - first_day).days))
    return clock.day_start_utc(day) + timedelta(hours=rng.randint(9, 19), minutes=rng.choice((0, 15, 30, 45)))


def _write(model, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model.__table__), rows[start:start + BATCH])
        db.session.commit()
    return len(rows)


def _indicators(edition, district_id, today):
    taken = set(db.session.execute(select(Indicator.source, Indicator.district_id, Indicator.name_pl)
                                   .where(Indicator.edition_id == edition.id)).all())
    sources = {(source, district) for source, district, _name in taken}
    names = {name for _source, _district, name in taken}
    position = db.session.scalar(select(func.coalesce(func.max(Indicator.position), 0))
                                 .where(Indicator.edition_id == edition.id))
    added = 0
    measurements = 0
    for name_pl, name_en, kind, source, unit, baseline, target, scoped in INDICATORS:
        district = district_id if scoped else None
        if (source != RECORDED and (source, district) in sources) or name_pl in names:
            continue
        position += 1
        indicator_id = db.session.execute(insert(Indicator.__table__).values(
            edition_id=edition.id, position=position, name_pl=name_pl, name_en=name_en, kind=kind,
            unit=unit or SOURCES[source].unit.value, source=source, baseline=baseline * 100, target=target * 100,
            district_id=district, created_at=utcnow(), updated_at=utcnow())).inserted_primary_key[0]
        added += 1
        if source == RECORDED:
            first, _last = edition_span(edition)
            days = {max(first, today - timedelta(days=days_ago)): value for days_ago, value in MEASURED}
            measurements += _write(Measurement, [
                {"indicator_id": indicator_id, "value": value * 100, "measured_on": day, "source_note": "bench",
                 "created_at": utcnow()} for day, value in days.items()])
    db.session.commit()
    return added, measurements


def _meetings(rng, edition, areas, user_ids, first_day, last_day, count):
    first_id = _next_id(Meeting)  # explicit ids: the sign-ups point at the meetings
    per_meeting = min(SIGNUPS_PER_MEETING, len(user_ids))
    meetings, signups = [], []
    for offset in range(count):
        area_id, district_id = rng.choice(areas)
        starts = _moment(rng, first_day, last_day)
        ends = starts + timedelta(minutes=rng.choice((60, 90, 120)))
        # A meeting's confirmed seats are its confirmed sign-ups' seats, as the services keep them.
        meetings.append({"id": first_id + offset, "edition_id": edition.id, "area_id": area_id,
                         "district_id": district_id, "title": "Spotkanie mieszkańców (bench)", "starts_at": starts,
                         "ends_at": ends, "capacity": 60, "confirmed_seats": per_meeting, "status": "held",
                         "attendance": rng.randint(5, 60), "held_at": ends, "created_at": starts - timedelta(days=14),
                         "updated_at": ends})
        for user_id in rng.sample(user_ids, per_meeting):
            signups.append({"meeting_id": first_id + offset, "user_id": user_id, "seats": 1, "status": "confirmed",
                            "created_at": starts - timedelta(days=rng.randint(1, 10)), "attended": True})
    return _write(Meeting, meetings), _write(MeetingSignup, signups)


def _activities(rng, edition, areas, districts, first_day, last_day, count):
    kinds, weights = zip(*ACTIVITY_KINDS, strict=True)
    rows = []
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        participants = rng.randint(5, 60)
        district_id = area_id = None
        place = rng.random()
        if place < 0.35:
            area_id, district_id = rng.choice(areas)
        elif place < 0.7:
            district_id = rng.choice(districts)
        moment = utcnow()
        rows.append({"edition_id": edition.id, "kind": kind, "title": rng.choice(ACTIVITY_TITLES[kind]),
                     "held_on": first_day + timedelta(days=rng.randint(0, (last_day - first_day).days)),
                     "minutes": rng.randint(2, 12) * 30, "participants": participants,
                     "new_participants": rng.randint(0, participants), "district_id": district_id, "area_id": area_id,
                     "led_by": rng.choice(LEADERS), "note": "", "created_at": moment, "updated_at": moment})
    return _write(Activity, rows)


def _pathway(rng, edition, proposal_ids, unit_ids, first_day, last_day):
    """Audit events, routings with published feedback, submissions and decisions for the bench proposals."""
    proposals = db.session.execute(
        select(Proposal.id, Proposal.status, Proposal.current_version, Proposal.district_id,
               Proposal.platform_reference)
        .where(Proposal.id >= proposal_ids.start, Proposal.id < proposal_ids.stop).order_by(Proposal.id)).all()
    events, routings, feedback, submissions, outcomes = [], [], [], [], []
    routing_id, taken_references = _next_id(Routing), set()

    def event(verb, proposal_id, moment):
        events.append({"verb": verb, "object_type": "proposals", "object_id": proposal_id, "created_at": moment,
                       "data": {}})

    for row in proposals:
        sent = row.status in SENT or (row.status in (S.WITHDRAWN.value, S.MERGED.value) and rng.random() < 0.4)
        if not sent:
            continue
        routed = _moment(rng, first_day, last_day)
        event("proposal.send_to_consultation", row.id, routed)
        if row.status not in PAST_CONSULTATION:
            continue
        answered = routed + timedelta(days=rng.randint(2, 30), hours=rng.randint(0, 23))
        unit_id = rng.choice(unit_ids)
        routings.append({"id": routing_id, "proposal_id": row.id, "unit_id": unit_id, "edition_id": edition.id,
                         "district_id": row.district_id, "status": "answered", "round": 1,
                         "due_on": (routed + timedelta(days=21)).date(), "routed_at": routed, "answered_at": answered})
        feedback.append({"routing_id": routing_id, "proposal_id": row.id, "unit_id": unit_id, "round": 1,
                         "version_number": 1, "round_started_at": routed, "status": "published",
                         "verdict": rng.choice(("ready", "needs_changes", "needs_changes")),
                         "cost_assessment": "realistic", "published_at": answered, "created_at": answered,
                         "updated_at": answered})
        routing_id += 1
        if rng.random() < 0.2:  # revised after the feedback and sent back for a second round
            event("proposal.mark_revised", row.id, answered + timedelta(days=rng.randint(1, 6)))
        if row.status in (S.READY.value, S.SUBMITTED.value):
            event("proposal.mark_ready", row.id, answered + timedelta(days=rng.randint(7, 12)))
        reference = row.platform_reference
        if row.status == S.SUBMITTED.value and reference and reference.upper() not in taken_references:
            taken_references.add(reference.upper())
            submitted = answered + timedelta(days=rng.randint(13, 20))
            submissions.append({"proposal_id": row.id, "edition_id": edition.id, "platform_reference": reference,
                                "reference_key": reference.upper().replace(" ", ""),
                                "version_number": row.current_version, "submitted_at": submitted,
                                "created_at": submitted, "readiness": {}})
            if rng.random() < 0.6:
                outcomes.append({"proposal_id": row.id, "recorded_at": submitted,
                                 "outcome": "selected" if rng.random() < 0.4 else "put_to_vote"})
    return {"audit events": _write(AuditEvent, events), "routings": _write(Routing, routings),
            "feedback": _write(Feedback, feedback), "submissions": _write(Submission, submissions),
            "decisions": _write(OfficialOutcome, outcomes)}


def _fix_sequences():
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (Meeting, Routing):
        db.session.execute(select(func.setval(func.pg_get_serial_sequence(model.__tablename__, "id"),
                                              select(func.coalesce(func.max(model.id), 1)).scalar_subquery())))
    db.session.commit()


def seed(edition, proposal_ids, meetings=MEETINGS, activities=ACTIVITIES, seed_value=2026, echo=print):
    """Add the monitoring load to `edition`, whose bench proposals are `proposal_ids` (a range, as
    bench.data.seed returns); returns {what: rows added}."""
    started = time.perf_counter()
    rng = random.Random(seed_value)  # noqa: S311 - made-up data, not secrets
    today = clock.today()
    first_day, last_day = edition_span(edition)
    last_day = min(last_day, today)
    first_day = min(first_day, last_day)
    areas = db.session.execute(select(Area.id, Area.district_id).order_by(Area.id)).all()
    districts = db.session.scalars(select(District.id).order_by(District.number)).all()
    district_id = db.session.scalar(select(District.id).where(District.name == DISTRICT)) or districts[0]
    user_ids = db.session.scalars(select(User.id).where(User.email.like("bench.author%")).order_by(User.id)
                                  .limit(5_000)).all()
    unit_ids = db.session.scalars(select(VerifyingUnit.id).order_by(VerifyingUnit.id)).all()
    added = {}
    added["indicators"], added["measurements"] = _indicators(edition, district_id, today)
    added["meetings"], added["sign-ups"] = _meetings(rng, edition, areas, user_ids, first_day, last_day, meetings)
    added["activities"] = _activities(rng, edition, areas, districts, first_day, last_day, activities)
    added.update(_pathway(rng, edition, proposal_ids, unit_ids, first_day, last_day))
    _fix_sequences()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    echo(f"monitoring load in {edition.name}: " + ", ".join(f"{count} {what}" for what, count in added.items())
         + f", inserted in {time.perf_counter() - started:.1f} s")
    return added
