"""What each demo login can try right now, proved by the rules themselves rather than written by hand.

Each action is a check that does the real thing through the services (and the policies they call) inside a
savepoint that is rolled back: it passes only if pbflow would allow it today, and it changes nothing (no
e-mail leaves either: the memory mail backend is used). scripts/run prints the actions that pass, and the
ones that do not with the reason; tests/web/test_demo_walk.py runs every check after demo.seed().
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from pbflow.accounts import services as accounts
from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.editions import services as editions
from pbflow.editions.models import District, Edition
from pbflow.extensions import db
from pbflow.feedback import reviews
from pbflow.feedback.models import Routing, RoutingStatus, UnitMembership
from pbflow.marathons import submissions
from pbflow.marathons.models import BookingStatus, Marathon, MarathonBooking
from pbflow.meetings import records, signups
from pbflow.meetings import services as meetings
from pbflow.meetings.models import Meeting, MeetingFormat, MeetingStatus, Venue
from pbflow.monitoring import policy as monitoring_policy
from pbflow.monitoring import services as monitoring
from pbflow.proposals import costs, transitions
from pbflow.proposals import services as proposals
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalStatus


class NotPossible(Exception):
    """The demo data has nothing this action could be tried on."""


@dataclass(frozen=True)
class Action:
    email: str
    text: str
    check: object  # callable(user) -> None; raises when pbflow would refuse the action today
    where: object = None  # callable() -> the path to start from, where the navigation does not lead there


@contextmanager
def _dry_run():
    """Do it, then undo it: a savepoint rolled back, and mail kept in memory."""
    config = current_app.config
    backend, config["MAIL_BACKEND"] = config["MAIL_BACKEND"], "memory"
    savepoint = db.session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()
        config["MAIL_BACKEND"] = backend
        current_app.extensions.pop("pbflow_outbox", None)


def _current():
    edition = editions.current_edition()
    if edition is None:
        raise NotPossible("there is no current edition")
    return edition


def _area(district, name):
    found = db.session.scalar(select(District).where(District.name == district))
    area = editions.find_area(found.id, name) if found else None
    if area is None:
        raise NotPossible(f"the area {name} is missing")
    return area


def _found(value, why):
    if value is None:
        raise NotPossible(why)
    return value


# --- the resident -------------------------------------------------------------------------------

def draft_and_send(user):
    """Start a draft in the current edition and send it to the verifying units."""
    edition = _current()
    area = _area("Dębniki", "Ruczaj")
    proposal = proposals.start_draft(user, edition, proposals.Content(
        scope="district", district_id=area.district_id, area_id=area.id, title="Ławki przy stawie na Ruczaju",
        summary="Sześć ławek z oparciem przy stawie w Parku Ruczaj, żeby starsi sąsiedzi mieli gdzie odpocząć.",
        description="Przy stawie nie ma ani jednej ławki.", location="Park Ruczaj, brzeg stawu",
        beneficiaries="Mieszkańcy Ruczaju, zwłaszcza seniorzy",
        cost_lines=[costs.CostLine("Ławka z oparciem", costs.parse_quantity("6"), 2_600_00)], yearly_upkeep=600_00))
    transitions.send_to_consultation(user, proposal)


def sign_up_for_a_meeting(user):
    upcoming = db.session.scalars(
        select(Meeting).where(Meeting.edition_id == _current().id, Meeting.status == MeetingStatus.PLANNED.value,
                              Meeting.starts_at > utcnow(), Meeting.confirmed_seats < Meeting.capacity)
        .order_by(Meeting.starts_at))
    meeting = _found(next((m for m in upcoming if signups.live_signup(m, user) is None), None),
                     "no upcoming meeting the resident is not signed up for has a free place")
    signups.sign_up(user, meeting)


# --- the ambassador -----------------------------------------------------------------------------

def schedule_a_meeting(user):
    """A meeting of Ruczaj tomorrow evening, at the venue the demo meetings use."""
    edition = _current()
    venue = _found(db.session.scalar(select(Venue).order_by(Venue.id)), "there is no venue")
    starts = clock.day_start_utc(clock.today() + timedelta(days=1)) + timedelta(hours=17)
    meetings.schedule(user, edition, _area("Dębniki", "Ruczaj"), meetings.MeetingDetails(
        title="Ruczaj: co dalej z pomysłami", format=MeetingFormat.IN_PERSON.value, venue_id=venue.id, room="",
        starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=20))


def hold_todays_meeting(user):
    """Tick who came at the meeting going on in the ambassador's area, and mark it held."""
    meeting = _todays_meeting(user)
    present = [signup.user_id for signup in records.confirmed_signups(meeting)]
    records.set_attendance(user, meeting, present)
    records.mark_held(user, meeting)


def _todays_meeting(user):
    return _found(db.session.scalar(
        select(Meeting).where(Meeting.organiser_id == user.id, Meeting.status == MeetingStatus.PLANNED.value,
                              Meeting.starts_at <= utcnow())
        .order_by(Meeting.starts_at.desc())), "no planned meeting of the ambassador's has begun")


# --- the expert ---------------------------------------------------------------------------------

def write_feedback(user):
    """Open the feedback form of a proposal that awaits the expert's unit (it starts the draft)."""
    reviews.draft_for(user, _awaiting(user))


def _awaiting(user):
    return _found(db.session.scalar(
        select(Routing).join(UnitMembership, UnitMembership.unit_id == Routing.unit_id)
        .where(UnitMembership.user_id == user.id, Routing.status == RoutingStatus.PENDING.value)
        .order_by(Routing.due_on, Routing.id)), "no proposal awaits the expert's unit")


# --- the coordinator ----------------------------------------------------------------------------

def record_a_submission(user):
    """At the desk of a marathon whose edition is in its marathons stage: a booked, ready proposal."""
    booking, marathon, proposal = _bookable_at_a_running_marathon()
    lead = db.session.scalar(select(ProposalAuthor.user_id).where(ProposalAuthor.proposal_id == proposal.id,
                                                                  ProposalAuthor.role == "lead"))
    edition = db.session.get(Edition, proposal.edition_id)
    submissions.record(user, proposal, marathon, submissions.example_reference(edition), lead, utcnow())


def practice_desk():
    _booking, marathon, _proposal = _bookable_at_a_running_marathon()
    return f"/marathons/{marathon.id}/desk"


def _bookable_at_a_running_marathon():
    for booking, marathon, proposal in db.session.execute(
            select(MarathonBooking, Marathon, Proposal)
            .join(Marathon, Marathon.id == MarathonBooking.marathon_id)
            .join(Proposal, Proposal.id == MarathonBooking.proposal_id)
            .where(MarathonBooking.status == BookingStatus.ACTIVE.value,
                   Proposal.status == ProposalStatus.READY.value).order_by(Marathon.day, MarathonBooking.id)):
        if editions.open_stage(db.session.get(Edition, marathon.edition_id)) == "marathons":
            return booking, marathon, proposal
    raise NotPossible("no ready proposal is booked at a marathon whose stage is open")


# --- the partner --------------------------------------------------------------------------------

def record_an_activity(user):
    if not monitoring_policy.can_record_activities(user):
        raise NotPossible("this login may not record activities")
    monitoring.record_activity(user, _current(), {
        "kind": "training", "title": "Szkolenie: jak opisać koszt", "held_on": clock.today(), "minutes": 90,
        "participants": 12, "new_participants": 4, "district_id": None, "area_id": None, "led_by": "", "note": ""})


ACTIONS = [
    Action("mieszkaniec@example.org", "write a draft proposal and send it to the verifying units", draft_and_send),
    Action("mieszkaniec@example.org", "sign up for an upcoming residents' meeting", sign_up_for_a_meeting),
    Action("ambasador@example.org", "schedule a residents' meeting for Ruczaj", schedule_a_meeting),
    Action("ambasador@example.org", "hold the Ruczaj meeting that has begun (Meetings): tick who came, mark it held",
           hold_todays_meeting),
    Action("ekspert@example.org", "write feedback on a proposal awaiting the Zarząd Zieleni Miejskiej (Inbox)",
           write_feedback),
    Action("koordynator@example.org", "record a submission at the desk of the practice edition's marathon",
           record_a_submission, practice_desk),
    Action("ambasador@example.org", "as its helper, record a submission at the practice marathon's desk",
           record_a_submission, practice_desk),
    Action("partner@example.org", "record a training or advice session (Monitoring → Activities)",
           record_an_activity),
]


def where(action):
    """The path to start the action from, or "" (found while the demo data holds it)."""
    if action.where is None:
        return ""
    try:
        return action.where()
    except NotPossible:
        return ""


def try_action(action):
    """"" when the action is allowed now, else why not (nothing is changed either way)."""
    user = accounts.find_by_email(action.email)
    if user is None:
        return "this login does not exist"
    try:
        with _dry_run():
            action.check(user)
    except Exception as error:  # noqa: BLE001 - any refusal is the answer the run log shows
        return str(error) or type(error).__name__
    return ""


def where_things_are():
    """Lines for the run log: what is open today in each edition the demo actions use."""
    lines = []
    for edition in db.session.scalars(select(Edition).order_by(Edition.is_current.desc(), Edition.id)):
        stage = editions.open_stage(edition)
        if stage is None and not edition.is_current:
            continue
        label = "current edition" if edition.is_current else "practice edition"
        now = stage.title if stage else "no stage open"
        lines.append(f"{edition.name} ({label}): open today — {now}")
    return lines
