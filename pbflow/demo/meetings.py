"""Demo residents' meetings: Kraków venues, a held meeting in Ruczaj with its record, one in Ruczaj going on
as the demo is loaded (for its ambassador to record), two upcoming meetings with free places, and an online
discussion open now.

The rows are built directly, not through the scheduling service, because the held meeting lies in
the past and the service refuses to schedule one there; the invariants the services keep are kept
here too: confirmed_seats is the sum of the confirmed sign-ups' seats, a meeting's district is its
area's, a held meeting's attendance is frozen by records.counted_attendance (as mark_held does) and
an idea's support_count is its number of IdeaSupport rows. Each meeting is looked up by title and
area first, so running the demo twice adds nothing.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from pbflow.accounts import services as accounts
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.editions import services as editions
from pbflow.editions.models import District, Edition
from pbflow.extensions import db
from pbflow.meetings import records
from pbflow.meetings.models import (
    Comment,
    Idea,
    IdeaRaiser,
    IdeaSupport,
    Meeting,
    MeetingFormat,
    MeetingSignup,
    Need,
    SignupStatus,
    Venue,
    VenueKind,
    WalkIn,
)
from pbflow.meetings.services import venue_key
from pbflow.proposals.models import Proposal

LINKED_DRAFT = "Łąka kwietna i ławki przy Kobierzyńskiej"

# (name, address, kind, district, accessibility)
VENUES = [
    ("Centrum Aktywności Seniorów – Ruczaj", "ul. Kobierzyńska 98, 30-382 Kraków", VenueKind.ACTIVITY_CENTRE,
     "Dębniki", "Wejście bez progów od strony parkingu, toaleta dla osób z niepełnosprawnościami, pętla indukcyjna."),
    ("Szkoła Podstawowa nr 162 na Kurdwanowie", "ul. Bochenka 30, 30-693 Kraków", VenueKind.SCHOOL,
     "Podgórze Duchackie", "Sala gimnastyczna na parterze, podjazd dla wózków przy głównym wejściu."),
    ("Biblioteka Kraków – filia na Pleszowie", "os. Na Skarpie 27, 31-909 Kraków", VenueKind.LIBRARY,
     "Nowa Huta", "Filia na parterze, jeden niski stopień przy wejściu, dzwonek do obsługi."),
    ("Klub Kultury Bronowice Małe", "ul. Rydla 42, 30-087 Kraków", VenueKind.CULTURE_CENTRE,
     "Bronowice", "Sala na piętrze bez windy; na prośbę spotkanie przenosimy do sali na parterze."),
]

HELD_TITLE = "Spotkanie mieszkańców Ruczaju: zieleń i miejsca do odpoczynku"
HELD_MINUTES = """## Notatka ze spotkania

Spotkanie prowadził ambasador obszaru Ruczaj. Przyszło 10 osób, w tym pięć spoza listy zapisanych.

### Najważniejsze ustalenia

1. Mieszkańcy chcą **więcej cienia i ławek** przy ul. Kobierzyńskiej.
2. Trawnik między blokami 43–49 nadaje się na łąkę kwietną – Zarząd Zieleni Miejskiej potwierdził,
   że teren należy do miasta.
3. Brakuje bezpiecznego przejścia do pętli tramwajowej Czerwone Maki.

### Co dalej

- Jan Zieliński i Katarzyna Mazur przygotują szkic propozycji „Łąka kwietna i ławki przy Kobierzyńskiej”.
- Kolejne spotkanie: warsztaty z kosztorysowania w przyszłym miesiącu.
"""
HELD_NEEDS = [
    "Za mało ławek i cienia przy ul. Kobierzyńskiej",
    "Latem trawniki między blokami są wypalone i puste",
    "Niebezpieczne przejście do pętli Czerwone Maki",
    "Brak miejsca na spotkania sąsiedzkie pod dachem",
]
# (title, description, raised by residents with an account, raised by names without one)
HELD_IDEAS = [
    (LINKED_DRAFT, "Łąka z rodzimych gatunków zamiast koszonego trawnika i sześć ławek z oparciem.",
     ["mieszkaniec@example.org", "katarzyna.mazur@example.org"], ""),
    ("Doświetlone przejście do pętli Czerwone Maki", "Lampy i progi zwalniające na dojściu do pętli.",
     ["pawel.dudek@example.org"], "pani Halina z bloku 45"),
    ("Świetlica sąsiedzka w pawilonie", "Wynajęcie części pawilonu na zajęcia dla seniorów i dzieci.",
     [], "Stanisław Nowicki"),
]
HELD_SIGNUPS = [  # (email, seats, attended)
    ("mieszkaniec@example.org", 2, True),
    ("katarzyna.mazur@example.org", 1, True),
    ("pawel.dudek@example.org", 1, True),
    ("ewelina.krol@example.org", 1, False),
    ("marek.zajac@example.org", 1, True),
]
HELD_WALK_INS = ["Stanisław Nowicki", "Halina Górska"]
HELD_WALK_IN_COUNT = 3

# (area, district, ambassador, title, venue, room, days from today, capacity, agenda, what to bring, sign-ups)
UPCOMING = [
    ("Kurdwanów", "Podgórze Duchackie", "magdalena.wojcik@example.org",
     "Kurdwanów: co zmienić na naszym osiedlu?", "Szkoła Podstawowa nr 162 na Kurdwanowie", "sala nr 12, parter",
     5, 30, "1. Przywitanie i zasady budżetu obywatelskiego\n2. Mapa potrzeb osiedla\n3. Zbieramy pomysły",
     "Zdjęcia miejsc, które warto zmienić, i długopis.",
     [("pawel.dudek@example.org", 1), ("mieszkaniec@example.org", 2)]),
    ("Pleszów", "Nowa Huta", "tomasz.lewandowski@example.org",
     "Pleszów: spacer i rozmowa o zieleni", "Biblioteka Kraków – filia na Pleszowie", "czytelnia",
     12, 20, "1. Krótki spacer po osiedlu\n2. Rozmowa w bibliotece: zieleń przy szkole i na skwerach", "",
     [("katarzyna.mazur@example.org", 1)]),
]

ONLINE_TITLE = "Bronowice Małe: pomysły na okolice ul. Rydla – dyskusja online"
# (title, description, posted by, supported by)
ONLINE_IDEAS = [
    ("Stojaki rowerowe przy przystanku Bronowice Małe",
     "Dziesięć stojaków w kształcie odwróconego U i zadaszenie.", "agnieszka.kaminska@example.org",
     ["mieszkaniec@example.org", "pawel.dudek@example.org", "katarzyna.mazur@example.org"]),
    ("Poidełko i ławki na skwerze przy Rydla",
     "Poidełko z wodą pitną i kilka ławek w cieniu.", "mieszkaniec@example.org",
     ["ewelina.krol@example.org"]),
    ("Zajęcia dla dzieci w klubie kultury w soboty",
     "Bezpłatne warsztaty plastyczne i muzyczne dla dzieci z okolicy.", "katarzyna.mazur@example.org", []),
]
# (idea index or None for the discussion itself, author, body, replies as (author, body))
ONLINE_THREADS = [
    (0, "pawel.dudek@example.org", "Przydałyby się też stojaki przy szkole, nie tylko przy przystanku.",
     [("agnieszka.kaminska@example.org", "Dobry pomysł – dopiszę szkołę jako drugą lokalizację."),
      ("mieszkaniec@example.org", "Zgadzam się, rano rowery stoją przypięte do płotu.")]),
    (None, "ewelina.krol@example.org",
     "Czy w dyskusji mogą brać udział osoby z sąsiedniego osiedla?",
     [("agnieszka.kaminska@example.org", "Tak, każdy mieszkaniec Krakowa może pisać i popierać pomysły.")]),
    (1, "katarzyna.mazur@example.org", "Poidełko koniecznie z miską dla psów na dole.", []),
]


def _at(day, hour, minute=0):
    """A naive UTC datetime on that day (Kraków's evening 18:00 is 17:00 UTC in winter)."""
    return datetime.combine(day, time(hour, minute))


def seed_venues(by_district):
    venues = {}
    for name, address, kind, district, accessibility in VENUES:
        venue = db.session.scalar(select(Venue).where(Venue.name_key == venue_key(name)))
        if venue is None:
            venue = Venue(name=name, name_key=venue_key(name), address=address, kind=kind.value,
                          district_id=by_district[district].id, accessibility=accessibility)
            db.session.add(venue)
            db.session.flush()
        venues[name] = venue
    return venues


def _existing(edition, area, title):
    return db.session.scalar(select(Meeting).where(
        Meeting.edition_id == edition.id, Meeting.area_id == area.id, Meeting.title == title))


def _meeting(edition, area, organiser, title, **fields):
    meeting = Meeting(edition_id=edition.id, area_id=area.id, district_id=area.district_id,
                      organiser_id=organiser.id, title=title, **fields)
    db.session.add(meeting)
    db.session.flush()
    audit.record(organiser, "meeting.scheduled", meeting, demo=True)
    return meeting


def _sign_up(meeting, people, signups, when, attended=()):
    for email, seats in signups:
        db.session.add(MeetingSignup(meeting_id=meeting.id, user_id=people[email].id, seats=seats,
                                     status=SignupStatus.CONFIRMED.value, created_at=when, confirmed_at=when,
                                     attended=email in attended))
    meeting.confirmed_seats = sum(seats for _, seats in signups)
    db.session.flush()


def seed_held(edition, area, people, venue, today):
    organiser = people["ambasador@example.org"]
    if _existing(edition, area, HELD_TITLE):
        return
    starts = _at(today - timedelta(days=21), 17)
    meeting = _meeting(edition, area, organiser, HELD_TITLE, format=MeetingFormat.IN_PERSON.value,
                       venue_id=venue.id, room="sala widowiskowa, parter", starts_at=starts,
                       ends_at=starts + timedelta(hours=2), capacity=25,
                       agenda="1. Czym jest budżet obywatelski\n2. Diagnoza potrzeb Ruczaju\n3. Pomysły i kto je opisze",
                       what_to_bring="Pomysły i zdjęcia miejsc, które warto zmienić.", minutes=HELD_MINUTES,
                       walk_in_count=HELD_WALK_IN_COUNT)
    _sign_up(meeting, people, [(e, s) for e, s, _ in HELD_SIGNUPS], starts - timedelta(days=7),
             attended={e for e, _, came in HELD_SIGNUPS if came})
    db.session.add_all(WalkIn(meeting_id=meeting.id, name=name, created_at=starts) for name in HELD_WALK_INS)
    db.session.add_all(Need(meeting_id=meeting.id, position=i, text=text, created_by_id=organiser.id,
                            created_at=starts + timedelta(minutes=30)) for i, text in enumerate(HELD_NEEDS, 1))
    draft = db.session.scalar(select(Proposal).where(Proposal.edition_id == edition.id,
                                                     Proposal.title == LINKED_DRAFT))
    for title, description, raisers, names in HELD_IDEAS:
        idea = Idea(meeting_id=meeting.id, title=title, description=description, raised_by_names=names,
                    created_by_id=organiser.id)
        idea.raisers = [IdeaRaiser(user_id=people[email].id) for email in raisers]
        if title == LINKED_DRAFT and draft is not None:
            # Linked both ways, as ideas.turn_into_draft does.
            idea.proposal_id = draft.id
            draft.origin_meeting_id = meeting.id
        db.session.add(idea)
    db.session.flush()
    records.mark_held(organiser, meeting)  # freezes the attendance as the meeting day page does
    meeting.held_at = starts + timedelta(hours=2, minutes=15)  # held three weeks ago, not today


TODAY_TITLE = "Ruczaj: plac zabaw przy Kobierzyńskiej – spotkanie dziś"
TODAY_SIGNUPS = [("mieszkaniec@example.org", 1), ("katarzyna.mazur@example.org", 2)]


def seed_today(edition, area, people, venue, now):
    """A meeting of the demo ambassador's area that began half an hour before the demo was loaded: its
    ambassador can tick who came, write down needs and ideas and mark it held right away."""
    if _existing(edition, area, TODAY_TITLE):
        return
    starts = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    meeting = _meeting(edition, area, people["ambasador@example.org"], TODAY_TITLE,
                       format=MeetingFormat.IN_PERSON.value, venue_id=venue.id, room="sala nr 2, parter",
                       starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=20,
                       agenda="1. Gdzie brakuje placu zabaw\n2. Co mówi Zarząd Zieleni\n3. Kto opisze pomysł")
    _sign_up(meeting, people, TODAY_SIGNUPS, now - timedelta(days=2))


def seed_upcoming(edition, people, venues, by_district, today):
    for (area_name, district, email, title, venue, room, days, capacity, agenda, bring,
         signups) in UPCOMING:
        area = editions.find_area(by_district[district].id, area_name)
        if area is None or _existing(edition, area, title):
            continue
        starts = _at(today + timedelta(days=days), 16, 30)
        meeting = _meeting(edition, area, people[email], title, format=MeetingFormat.IN_PERSON.value,
                           venue_id=venues[venue].id, room=room, starts_at=starts,
                           ends_at=starts + timedelta(hours=2), capacity=capacity, agenda=agenda,
                           what_to_bring=bring)
        _sign_up(meeting, people, signups, utcnow() - timedelta(days=1))


def seed_online(edition, people, by_district, today):
    area = editions.find_area(by_district["Bronowice"].id, "Bronowice Małe")
    if area is None or _existing(edition, area, ONLINE_TITLE):
        return
    moderator = people["agnieszka.kaminska@example.org"]
    starts = _at(today - timedelta(days=1), 7)
    meeting = _meeting(edition, area, moderator, ONLINE_TITLE, format=MeetingFormat.ONLINE.value,
                       starts_at=starts, ends_at=_at(today + timedelta(days=6), 21), capacity=500,
                       agenda="Piszcie pomysły na okolice ul. Rydla i popierajcie te, które są dla Was ważne.")
    ideas = []
    for i, (title, description, author, supporters) in enumerate(ONLINE_IDEAS):
        idea = Idea(meeting_id=meeting.id, title=title, description=description,
                    created_by_id=people[author].id, support_count=len(supporters),
                    created_at=starts + timedelta(hours=1 + i))
        db.session.add(idea)
        db.session.flush()
        db.session.add_all(IdeaSupport(idea_id=idea.id, user_id=people[e].id, created_at=starts + timedelta(hours=5))
                           for e in supporters)
        ideas.append(idea)
    for n, (idea_index, author, body, replies) in enumerate(ONLINE_THREADS):
        when = starts + timedelta(hours=3 + n)
        root = Comment(meeting_id=meeting.id, idea_id=None if idea_index is None else ideas[idea_index].id,
                       author_id=people[author].id, body=body, created_at=when)
        db.session.add(root)
        db.session.flush()
        db.session.add_all(Comment(meeting_id=meeting.id, idea_id=root.idea_id, parent_id=root.id,
                                   author_id=people[e].id, body=text, created_at=when + timedelta(minutes=20 * k))
                           for k, (e, text) in enumerate(replies, 1))
    db.session.flush()


def seed(edition_name):
    """Add the demo meetings that are not there yet (by title and area); safe to run twice."""
    edition = db.session.scalar(select(Edition).where(Edition.name == edition_name))
    if edition is None:
        return
    by_district = {d.name: d for d in db.session.scalars(select(District))}
    emails = {e for e, _, _ in HELD_SIGNUPS} | {"ambasador@example.org"} | {u[2] for u in UPCOMING}
    emails |= {e for e, _ in TODAY_SIGNUPS}
    emails |= {i[2] for i in ONLINE_IDEAS} | {e for i in ONLINE_IDEAS for e in i[3]}
    people = {email: accounts.find_by_email(email) for email in emails | {"agnieszka.kaminska@example.org"}}
    if any(person is None for person in people.values()):
        return
    today = utcnow().date()
    venues = seed_venues(by_district)
    ruczaj = editions.find_area(by_district["Dębniki"].id, "Ruczaj")
    if ruczaj is not None:
        seed_held(edition, ruczaj, people, venues["Centrum Aktywności Seniorów – Ruczaj"], today)
        seed_today(edition, ruczaj, people, venues["Centrum Aktywności Seniorów – Ruczaj"], utcnow())
    seed_upcoming(edition, people, venues, by_district, today)
    seed_online(edition, people, by_district, today)
