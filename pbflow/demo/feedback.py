"""Stage III demo data: what the units are responsible for, an expert in each unit that has work,
proposals routed to units with published feedback and answers, an expert workshop on green
courtyards, free consultation times and one booking, a reusable answer and an internal note.

Everything goes through the services a person would use (routing.route, reviews.publish,
answers.answer, workshops.schedule, consultations.publish and book), so inboxes, notifications,
the audit trail and proposal states look as in real use. Each piece is looked up first, so running
the demo twice adds nothing.
"""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from pbflow.accounts import services as accounts
from pbflow.accounts.models import Role
from pbflow.core import clock
from pbflow.core.clock import WARSAW
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.feedback import answers, notes, reviews, routing, snippets
from pbflow.feedback.models import (
    AnswerSnippet,
    AnswerStatus,
    FeedbackPoint,
    InternalNote,
    Routing,
    UnitMembership,
    VerifyingUnit,
)
from pbflow.workshops import consultations, workshops
from pbflow.workshops.models import ConsultationSlot, Workshop

COORDINATOR = "koordynator@example.org"
GREEN_EXPERT = "ekspert@example.org"

# code: (what the unit is responsible for, in residents' words; contact address)
RESPONSIBILITIES = {
    "green": ("Parki, skwery, zieleńce, drzewa i krzewy, łąki kwietne, trawniki, ogrody deszczowe, "
              "place zabaw w parkach, ławki w terenach zielonych.", "zzm@example.org"),
    "roads": ("Drogi, ulice, chodniki, przejścia dla pieszych, oświetlenie ulic, ścieżki rowerowe, stojaki "
              "rowerowe, przystanki, progi zwalniające, organizacja ruchu.", "zdmk@example.org"),
    "education": ("Szkoły, przedszkola, żłobki, boiska i podwórka szkolne, zajęcia dla uczniów, "
                  "wyposażenie szkół.", "edukacja@example.org"),
    "sport": ("Boiska, siłownie plenerowe, skateparki, obiekty sportowe, zajęcia sportowe i rekreacja.",
              "sport@example.org"),
    "culture": ("Biblioteki, domy kultury, wydarzenia kulturalne, kino plenerowe, koncerty, zabytki.",
                "kultura@example.org"),
    "social": ("Seniorzy, kluby seniora, osoby z niepełnosprawnościami, pomoc sąsiedzka, integracja, "
               "osoby w kryzysie.", "mops@example.org"),
    "buildings": ("Budynki komunalne, lokale miejskie, świetlice, remonty pomieszczeń, dostępność budynków.",
                  "zbk@example.org"),
}
# Experts beside the demo expert (who is in the green-spaces board): (email, name, unit code)
EXPERTS = [
    ("robert.sikora@example.org", "Robert Sikora", "roads"),
    ("joanna.pawlak@example.org", "Joanna Pawlak", "education"),
    ("lukasz.michalski@example.org", "Łukasz Michalski", "sport"),
]
EXPERT_OF_UNIT = {"green": GREEN_EXPERT, **{code: email for email, _name, code in EXPERTS}}

# Where each demo proposal goes and what the units said: unit code → verdict and failing criteria
# ({criterion position from 0: (result, note)}); a unit without an entry has not answered yet.
FEEDBACK = {
    "Siłownia plenerowa na Kurdwanowie": {"units": ["sport", "green"], "answers": {}},
    "Zielone podwórko przy szkole na Pleszowie": {
        "units": ["green", "education"],
        "answers": {
            "green": {"verdict": "needs_changes", "cost": "realistic", "failing": {
                1: ("does_not_meet", "Podwórko jest w trwałym zarządzie szkoły, nie Zarządu Zieleni. Potrzebna jest "
                                     "pisemna zgoda dyrekcji i Wydziału Edukacji na udostępnienie go po lekcjach.")},
                "suggestions": "Proszę dopisać w opisie godziny otwarcia podwórka dla mieszkańców i dołączyć "
                               "zgodę dyrekcji. Ogród deszczowy warto skonsultować z **Wodociągami**."},
            "education": {"verdict": "ready", "cost": "realistic", "failing": {},
                          "suggestions": "Dyrekcja szkoły zna pomysł i go popiera."},
        },
    },
    "Bezpieczne przejście przy szkole na Bronowicach": {
        "units": ["roads"],
        "answers": {"roads": {"verdict": "needs_changes", "cost": "too_low", "estimate": 160_000_00, "failing": {
            2: ("needs_change", "W kosztorysie brakuje doświetlenia przejścia i azylu dla pieszych; bez nich "
                                "Zarząd Dróg nie wykona wyniesienia przy tej szerokości jezdni.")},
            "suggestions": "Po uzupełnieniu kosztorysu prosimy o ponowne przesłanie propozycji."}},
        "changed": "Dopisaliśmy doświetlenie (2 lampy) i azyl dla pieszych, zgodnie z uwagą Zarządu Dróg.",
    },
    "Stojaki rowerowe przy przystankach kolei": {
        "units": ["roads"],
        "answers": {"roads": {"verdict": "ready", "cost": "realistic", "failing": {},
                              "suggestions": "Lokalizacje przy przystankach uzgodnimy z PKP PLK na etapie realizacji."}},
    },
}


def person(email):
    return accounts.find_by_email(email)


def seed_units(password):
    """Responsibilities and contacts for the routing suggestions, and one expert per unit with work (signing
    in with `password`)."""
    units = {u.code: u for u in db.session.scalars(select(VerifyingUnit))}
    for code, (responsibilities, contact) in RESPONSIBILITIES.items():
        if code in units:
            units[code].responsibilities, units[code].contact_email = responsibilities, contact
    for email, name, code in EXPERTS:
        user = person(email) or accounts.register(name, email, password, locale="pl")
        accounts.grant_role(None, user, Role.EXPERT)
        if code in units and not db.session.get(UnitMembership, (units[code].id, user.id)):
            db.session.add(UnitMembership(unit_id=units[code].id, user_id=user.id))
    db.session.flush()
    return units


def route(proposal, unit_codes):
    """The coordinator routes a proposal just sent to consultation to its units (default due date)."""
    units = {u.code: u for u in db.session.scalars(select(VerifyingUnit))}
    edition = db.session.get(Edition, proposal.edition_id)
    routing.route(person(COORDINATOR), proposal, [units[code].id for code in unit_codes],
                  routing.default_due(edition))


def publish_feedback(proposal):
    """Each unit with an answer in FEEDBACK publishes it; the last one moves the proposal on."""
    spec = FEEDBACK.get(proposal.title, {})
    units = {u.id: u.code for u in db.session.scalars(select(VerifyingUnit))}
    for routing_row in db.session.scalars(select(Routing).where(Routing.proposal_id == proposal.id)
                                          .order_by(Routing.id)):
        said = spec.get("answers", {}).get(units[routing_row.unit_id])
        if said is None or routing_row.status != "pending":
            continue
        expert = person(EXPERT_OF_UNIT[units[routing_row.unit_id]])
        feedback = reviews.draft_for(expert, routing_row)
        values = {"verdict": said["verdict"], "cost_assessment": said["cost"],
                  "suggestions": said.get("suggestions", ""),
                  "unit_estimate": f"{said['estimate'] // 100}" if said.get("estimate") else ""}
        for point in feedback.points:
            result, note = said["failing"].get(point.position, ("meets", ""))
            values[reviews.point_key(point.position, "result")] = result
            values[reviews.point_key(point.position, "note")] = note
            if note:
                values[reviews.point_key(point.position, "correctable")] = "yes"
        reviews.publish(expert, feedback, values)


def answer_changes(proposal, author):
    """The authors answer each open point: changed in the version they have just saved."""
    text = FEEDBACK.get(proposal.title, {}).get("changed")
    if not text:
        return
    for point in db.session.scalars(select(FeedbackPoint).where(
            FeedbackPoint.proposal_id == proposal.id, FeedbackPoint.answer_status == AnswerStatus.OPEN.value)):
        answers.answer(author, proposal, point, "changed", text, version_number=proposal.current_version)


def seed(edition_name):
    """The workshop, consultation times, a snippet and an internal note (after the proposals exist)."""
    from pbflow.proposals.models import Proposal

    edition = db.session.scalar(select(Edition).where(Edition.name == edition_name))
    if edition is None:
        return
    units = {u.code: u for u in db.session.scalars(select(VerifyingUnit))}
    green, expert, coordinator = units["green"], person(GREEN_EXPERT), person(COORDINATOR)
    by_title = {p.title: p for p in db.session.scalars(select(Proposal).where(Proposal.edition_id == edition.id))}
    _seed_workshop(edition, units, coordinator, by_title)
    _seed_consultations(edition, green, expert, by_title)
    if not db.session.scalar(select(AnswerSnippet.id).where(AnswerSnippet.unit_id == green.id)):
        snippets.create(expert, green.id, "Teren Skarbu Państwa",
                        "Działka należy do Skarbu Państwa, a nie do Gminy Miejskiej Kraków, więc miasto nie może "
                        "na niej realizować zadania z budżetu obywatelskiego. Prosimy wskazać inną lokalizację.")
    gym = by_title.get("Siłownia plenerowa na Kurdwanowie")
    if gym is not None and not db.session.scalar(select(InternalNote.id).where(InternalNote.proposal_id == gym.id)):
        note = notes.add(expert, gym.id, green.id, "Sprawdzić w ZGK, czy skwer przy Witosa nie jest w użytkowaniu "
                                                   "wieczystym spółdzielni.")
        notes.add(expert, gym.id, green.id, "Sprawdzone na mapie: działka gminna, bez obciążeń.", parent=note)


def _at(day, hour, minute=0):
    """A Kraków wall-clock time as the naive UTC the database keeps."""
    return datetime.combine(day, time(hour, minute), tzinfo=WARSAW).astimezone(UTC).replace(tzinfo=None)


WORKSHOP_THEME = "Zielone podwórka i skwery: warsztat z Zarządem Zieleni"


def _seed_workshop(edition, units, coordinator, by_title):
    """On the first day of the workshops stage; the authors of two green proposals invited, one confirmed."""
    if db.session.scalar(select(Workshop.id).where(Workshop.edition_id == edition.id,
                                                   Workshop.theme == WORKSHOP_THEME)):
        return
    day = max(edition.workshops_open, clock.today() + timedelta(days=1))
    workshop = workshops.schedule(coordinator, edition, workshops.WorkshopDetails(
        theme=WORKSHOP_THEME,
        description="Dla autorów propozycji zieleni na osiedlach i przy szkołach. Eksperci Zarządu Zieleni "
                    "i Wydziału Edukacji omówią:\n\n- czyj jest teren i jak uzyskać zgodę,\n"
                    "- ile kosztuje utrzymanie łąki i ogrodu deszczowego,\n- jak opisać lokalizację.",
        unit_ids=[units["green"].id, units["education"].id], starts_at=_at(day, 17), ends_at=_at(day, 19),
        place="Centrum Aktywności Seniorów – Ruczaj, ul. Kobierzyńska 98", online_url=None, capacity=20))
    for title in ("Zielone podwórko przy szkole na Pleszowie", "Łąka kwietna i ławki przy Kobierzyńskiej"):
        if title in by_title:
            workshops.invite(coordinator, workshop, by_title[title])
    lead = person("katarzyna.mazur@example.org")
    invitation = workshops.my_invite(workshop, lead) if lead else None
    if invitation is not None:
        workshops.confirm(lead, workshop, invitation)


def _seed_consultations(edition, green, expert, by_title):
    """Four half-hour times next week, the first booked by the demo resident for the flower meadow."""
    if db.session.scalar(select(ConsultationSlot.id).where(ConsultationSlot.expert_id == expert.id)):
        return
    day = clock.today() + timedelta(days=7)
    slots = consultations.publish(expert, edition, consultations.SlotDetails(
        unit_id=green.id, starts_at=_at(day, 16), minutes=30, repeat=4,
        place="Zarząd Zieleni Miejskiej, ul. Reymonta 20, pokój 12", online_url=None))
    meadow = by_title.get("Łąka kwietna i ławki przy Kobierzyńskiej")
    resident = person("mieszkaniec@example.org")
    if meadow is not None and resident is not None:
        consultations.book(resident, slots[0], meadow,
                           "Czy łąka kwietna na trawniku między blokami wymaga zgody spółdzielni?")
