"""Stage IV demo data: a submission marathon of the current edition on the first day of its marathons
stage, with three times, two helpers and two booked proposals (through the services); and last year's
edition, "Wspólne Projekty 2026", whose marathon is over: three proposals recorded as submitted, with
the city's decisions.

Last year's rows are built directly, not through the services, because every service refuses to act in
a past stage (drafting, booking, recording a submission): the proposals start through
proposals.services.start_draft while that edition's dates are still open, then the edition's dates are
moved into the past and each proposal walks the state machine's own steps (transitions._move, the one
place that changes a status) to "submitted"; the Submission, marathon, slot and booking rows keep the
invariants the services keep (booked seats = active bookings, one standing record per proposal and per
reference). The decisions go through outcomes.record. Looked up by name first: running twice adds nothing.
"""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from pbflow.accounts import services as accounts
from pbflow.accounts.models import User
from pbflow.core import clock
from pbflow.core.clock import WARSAW
from pbflow.editions.models import District, DistrictBudget, Edition, FeedbackCriterion
from pbflow.extensions import db
from pbflow.marathons import bookings, marathons, outcomes, submissions, supporters
from pbflow.marathons.models import (
    Marathon,
    MarathonBooking,
    MarathonHelper,
    MarathonSlot,
)
from pbflow.proposals import costs, transitions
from pbflow.proposals import services as proposals
from pbflow.proposals.models import Proposal, ProposalAuthor

COORDINATOR = "koordynator@example.org"
MARATHON_TITLE = "Maraton składania wniosków w Podgórzu"
PAST_EDITION = "Wspólne Projekty 2026"
# (lead, district, title, summary, cost lines, upkeep, reference, outcome, reason)
PAST_PROPOSALS = [
    ("mieszkaniec@example.org", "Dębniki", "Ławki i stoliki na bulwarze przy Kolnej",
     "Dziesięć ławek z oparciem i pięć stolików do gry w szachy na bulwarze przy ulicy Kolnej, w cieniu drzew.",
     [("Ławka z oparciem", "10", 2_600_00), ("Stolik do gry w szachy", "5", 4_100_00)], 1_500_00,
     "WPD.0117.2026", "selected", ""),
    ("katarzyna.mazur@example.org", "Nowa Huta", "Łąka kwietna przy Zalewie Nowohuckim",
     "Łąka kwietna z rodzimych gatunków zamiast trawnika koszonego kilka razy w roku, z tablicą o owadach.",
     [("Przygotowanie gleby i wysiew (m²)", "1200", 16_00), ("Tablica edukacyjna", "1", 3_000_00)], 2_400_00,
     "WPD.0244.2026", "put_to_vote", ""),
    ("pawel.dudek@example.org", "Podgórze Duchackie", "Parking dla kamperów na Kurdwanowie",
     "Parking z przyłączem wody i prądu dla kamperów odwiedzających Kraków, przy pętli na Kurdwanowie.",
     [("Utwardzenie terenu (m²)", "600", 240_00)], 12_000_00,
     "WPD.0301.2026", "verified_negative",
     "Zadanie nie jest zadaniem własnym gminy w rozumieniu regulaminu: parking komercyjny."),
]


def person(email):
    return accounts.find_by_email(email)


def _at(day, hour):
    return datetime.combine(day, time(hour), tzinfo=WARSAW).astimezone(UTC).replace(tzinfo=None)


def seed_current(edition_name):
    """A marathon on the first day of the marathons stage, three times, two helpers, two booked proposals."""
    edition = db.session.scalar(select(Edition).where(Edition.name == edition_name))
    if edition is None or db.session.scalar(select(Marathon.id).where(Marathon.edition_id == edition.id,
                                                                      Marathon.title == MARATHON_TITLE)):
        return
    coordinator = person(COORDINATOR)
    marathon = marathons.create(coordinator, edition, marathons.Details(
        title=MARATHON_TITLE, day=edition.marathons_open, online_url=None,
        description="Przyjdź z gotową propozycją i listą poparcia. Pomocnicy przeprowadzą Cię przez formularz "
                    "oficjalnej platformy, pole po polu.",
        place="Urząd Miasta Krakowa, ul. Wielicka 28A, sala 12"))
    for hour in (16, 17, 18):
        marathons.add_slot(coordinator, marathon, time(hour), 60, 6)
    for email in ("ambasador@example.org", "robert.sikora@example.org"):
        marathons.add_helper(coordinator, marathon, person(email))
    slots = marathons.slots_of(marathon.id)
    for title, slot in (("Stojaki rowerowe przy przystankach kolei", slots[1]),
                        ("Bezpieczne przejście przy szkole na Bronowicach", slots[0])):
        proposal = db.session.scalar(select(Proposal).where(Proposal.edition_id == edition.id,
                                                            Proposal.title == title))
        if proposal is not None:
            bookings.book(_lead(proposal), slot, proposal)


def _lead(proposal):
    user_id = db.session.scalar(select(ProposalAuthor.user_id).where(
        ProposalAuthor.proposal_id == proposal.id, ProposalAuthor.role == "lead"))
    return db.session.get(User, user_id)


def seed_past():
    """Last year's edition: its marathon is over, three proposals were submitted and the city decided."""
    if db.session.scalar(select(Edition.id).where(Edition.name == PAST_EDITION)):
        return
    today = clock.today()
    edition = Edition(name=PAST_EDITION, year=today.year - 1, is_current=False, citywide_pool=7_600_000_00,
                      rules_url="https://budzet.krakow.pl/", **_open_dates(today))
    by_name = {d.name: d for d in db.session.scalars(select(District))}
    edition.budgets = [DistrictBudget(district_id=d.id, pool=1_500_000_00) for d in by_name.values()]
    edition.criteria = [FeedbackCriterion(position=1, title="Zadanie własne gminy", description="")]
    db.session.add(edition)
    db.session.flush()
    started = []
    for lead_email, district, title, summary, lines, upkeep, *_rest in PAST_PROPOSALS:
        content = proposals.Content(
            scope="district", district_id=by_name[district].id, area_id=None, title=title, summary=summary,
            description=summary, location=district, beneficiaries="Mieszkańcy dzielnicy",
            cost_lines=[costs.CostLine(item, Decimal(quantity), price) for item, quantity, price in lines],
            yearly_upkeep=upkeep)
        started.append(proposals.start_draft(person(lead_email), edition, content, change_note="Pierwsza wersja"))
    for key, value in _past_dates(today).items():  # the year is over
        setattr(edition, key, value)
    marathon = Marathon(edition_id=edition.id, title="Maraton składania wniosków 2026", day=edition.marathons_open,
                        place="Urząd Miasta Krakowa, ul. Wielicka 28A", created_by_id=person(COORDINATOR).id)
    marathon.slots = [MarathonSlot(starts_at=_at(edition.marathons_open, 17), minutes=120, seats=10,
                                   booked_seats=len(started))]
    db.session.add(marathon)
    db.session.flush()
    helper = person("ambasador@example.org")
    db.session.add(MarathonHelper(marathon_id=marathon.id, user_id=helper.id))
    coordinator = person(COORDINATOR)
    for proposal, (lead_email, *_middle, reference, outcome, reason) in zip(started, PAST_PROPOSALS, strict=True):
        for action in ("send_to_consultation", "record_feedback", "mark_ready"):
            transitions._move(coordinator, proposal, transitions.TRANSITIONS[action], demo="last year's edition")
        db.session.add(MarathonBooking(slot_id=marathon.slots[0].id, marathon_id=marathon.id, proposal_id=proposal.id,
                                       booked_by_id=person(lead_email).id))
        # The submit step's own follow-up writes the Submission record, as at a marathon's desk.
        token = submissions._details.set({"marathon_id": marathon.id, "submitted_by_id": person(lead_email).id,
                                          "submitted_at": _at(edition.marathons_open, 18)})
        try:
            transitions._move(helper, proposal, transitions.TRANSITIONS["submit"], platform_reference=reference)
        finally:
            submissions._details.reset(token)
        db.session.flush()
        outcomes.record(coordinator, proposal, outcome, reason)


PRACTICE_EDITION = "Wspólne Projekty – edycja ćwiczebna"
PRACTICE_MARATHON = "Maraton ćwiczebny: składanie wniosków"
# (lead, district, title, summary, cost lines, upkeep): ready to submit, booked at the practice marathon.
PRACTICE_PROPOSALS = [
    ("mieszkaniec@example.org", "Dębniki", "Poidełko i stojaki rowerowe przy Parku Ruczaj",
     "Poidełko z wodą pitną i dziesięć stojaków rowerowych przy wejściu do Parku Ruczaj od ul. Rostworowskiego.",
     [("Poidełko z podłączeniem do sieci", "1", 38_000_00), ("Stojak rowerowy", "10", 1_200_00)], 2_000_00),
    ("katarzyna.mazur@example.org", "Dębniki", "Ławki przy przystanku Czerwone Maki P+R",
     "Sześć ławek z oparciem i zadaszenie przy przystanku, gdzie pasażerowie czekają na tramwaj bez osłony.",
     [("Ławka z oparciem", "6", 2_600_00), ("Wiata przystankowa", "1", 45_000_00)], 1_800_00),
]
PRACTICE_SUPPORTERS = "\n".join(f"Mieszkanka Ruczaju {n}" for n in range(1, 16))


def seed_practice():
    """A second, non-current edition whose submission marathons run now, so that recording a submission at
    the desk can be tried today while the current edition is still at its residents' meetings. Two ready
    proposals (support list complete) are booked at its marathon; the demo ambassador helps there."""
    if db.session.scalar(select(Edition.id).where(Edition.name == PRACTICE_EDITION)):
        return
    today = clock.today()
    edition = Edition(name=PRACTICE_EDITION, year=today.year, is_current=False, citywide_pool=7_600_000_00,
                      rules_url="https://budzet.krakow.pl/", **_practice_dates(today))
    by_name = {d.name: d for d in db.session.scalars(select(District))}
    edition.budgets = [DistrictBudget(district_id=d.id, pool=1_500_000_00) for d in by_name.values()]
    db.session.add(edition)
    db.session.flush()
    coordinator, helper = person(COORDINATOR), person("ambasador@example.org")
    ready = []
    for lead_email, district, title, summary, lines, upkeep in PRACTICE_PROPOSALS:
        lead = person(lead_email)
        content = proposals.Content(
            scope="district", district_id=by_name[district].id, area_id=None, title=title, summary=summary,
            description=summary, location=f"{district}, okolice ul. Kobierzyńskiej", beneficiaries="Mieszkańcy Ruczaju",
            cost_lines=[costs.CostLine(item, Decimal(quantity), price) for item, quantity, price in lines],
            yearly_upkeep=upkeep)
        proposal = proposals.start_draft(lead, edition, content, change_note="Pierwsza wersja")
        # Its consultation lies in the edition's past: the state machine's own steps, without the stage rules.
        for action in ("send_to_consultation", "record_feedback", "mark_ready"):
            transitions._move(coordinator, proposal, transitions.TRANSITIONS[action], demo="practice edition")
        supporters.add_names(lead, proposal, PRACTICE_SUPPORTERS, consent=True)
        ready.append((lead, proposal))
    day, first_hour = _practice_day()
    marathon = marathons.create(coordinator, edition, marathons.Details(
        title=PRACTICE_MARATHON, day=day, online_url=None, place="Urząd Miasta Krakowa, ul. Wielicka 28A, sala 12",
        description="Maraton do wypróbowania: przy stanowisku pomocnika zapisz złożenie propozycji i numer "
                    "nadany przez platformę, na przykład WPD.0123.2026."))
    slots = [marathons.add_slot(coordinator, marathon, time(hour), 60, 6) for hour in range(first_hour, first_hour + 3)]
    marathons.add_helper(coordinator, marathon, helper)
    for (lead, proposal), slot in zip(ready, slots, strict=False):
        bookings.book(lead, slot, proposal)


def _practice_day():
    """Today, with times from the next full hour (from 16:00), or tomorrow when today's evening is over."""
    now = clock.now_in_warsaw()
    first_hour = max(16, now.hour + 1)
    if first_hour <= 20:
        return now.date(), first_hour
    return now.date() + timedelta(days=1), 16


def _stage_dates(start, workshops_days, marathons_close, submission_deadline):
    """An edition begun on `start`: 20 days' recruitment, meetings to day 80, workshops for `workshops_days`
    days from day 81, then the marathons from the next day until `marathons_close`."""
    return {"recruitment_opens": start, "recruitment_closes": start + timedelta(days=20),
            "meetings_open": start + timedelta(days=21), "meetings_close": start + timedelta(days=80),
            "workshops_open": start + timedelta(days=81),
            "workshops_close": start + timedelta(days=80 + workshops_days),
            "marathons_open": start + timedelta(days=81 + workshops_days), "marathons_close": marathons_close,
            "submission_deadline": submission_deadline}


def _practice_dates(today):
    """The first three stages are over; the marathons stage is open (it opened yesterday)."""
    return _stage_dates(today - timedelta(days=121), 39, today + timedelta(days=30), today + timedelta(days=35))


def _open_dates(today):
    """While its proposals are written: every stage ahead (the services refuse a past edition)."""
    return {"recruitment_opens": today, "recruitment_closes": today, "meetings_open": today,
            "meetings_close": today, "workshops_open": today, "workshops_close": today, "marathons_open": today,
            "marathons_close": today, "submission_deadline": today + timedelta(days=1)}


def _past_dates(today):
    start = today - timedelta(days=365)
    return _stage_dates(start, 40, start + timedelta(days=150), start + timedelta(days=155))
