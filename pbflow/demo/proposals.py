"""Demo proposals in the demo edition: one per step of the pathway, with versions, co-authors and costs.

Everything goes through the services (start_draft, save_version, add_author,
publish) and the state machine, so the history and audit trail look as they
would in real use (the demo edition has residents' meetings open today, so
drafts can be sent to the verifying units).
"""

from decimal import Decimal

from sqlalchemy import select

from pbflow.accounts import services as accounts
from pbflow.demo import feedback as demo_feedback
from pbflow.editions import services as editions
from pbflow.editions.models import District, Edition, Scope
from pbflow.extensions import db
from pbflow.proposals import costs, invitations, transitions
from pbflow.proposals import services as proposals
from pbflow.proposals.models import Proposal, ProposalStatus

S = ProposalStatus
# Residents who write proposals with the demo resident (mieszkaniec@example.org).
DEMO_RESIDENTS = [
    ("katarzyna.mazur@example.org", "Katarzyna Mazur"),
    ("pawel.dudek@example.org", "Paweł Dudek"),
]
RESIDENT = "mieszkaniec@example.org"
EXPERT = "ekspert@example.org"
AMBASSADOR = "ambasador@example.org"


def _lines(*lines):
    return [costs.CostLine(item, Decimal(quantity), price) for item, quantity, price in lines]


# Each proposal: the lead, co-authors, where, then its versions (change note, changes) and where it ends.
PROPOSALS = [
    {
        "lead": RESIDENT, "co_authors": ["katarzyna.mazur@example.org"], "district": "Dębniki", "area": "Ruczaj",
        "title": "Łąka kwietna i ławki przy Kobierzyńskiej",
        "summary": "Zamiast wiecznie koszonego trawnika łąka kwietna z ławkami w cieniu drzew: "
                   "miejsce do odpoczynku dla sąsiadów i schronienie dla owadów zapylających.",
        "description": "Trawnik między blokami przy ul. Kobierzyńskiej jest koszony kilka razy w roku i latem "
                       "zamienia się w spaloną słońcem pustkę.\n\nProponujemy:\n\n"
                       "- łąkę kwietną z rodzimych gatunków,\n- sześć ławek z oparciem,\n"
                       "- tablicę o owadach zapylających.\n\nNa spotkaniu mieszkańców pomysł poparło 40 osób.",
        "location": "Trawnik między blokami przy ul. Kobierzyńskiej 43–49",
        "beneficiaries": "Mieszkańcy okolicznych bloków, seniorzy, rodziny z dziećmi",
        "lines": [("Przygotowanie gleby i wysiew łąki (m²)", "850", 18_00),
                  ("Ławki z oparciem", "6", 2_400_00)],
        "upkeep": 3_500_00,
        "versions": [
            # The area's ambassador helps with the draft: she or he may edit drafts of the area.
            (AMBASSADOR, "Dodana tablica edukacyjna po rozmowie z ambasadorem",
             {"lines": [("Przygotowanie gleby i wysiew łąki (m²)", "850", 18_00), ("Ławki z oparciem", "6", 2_400_00),
                        ("Tablica edukacyjna", "1", 3_200_00)]}),
        ],
        "visibility": "edition", "end": S.DRAFT,
    },
    {
        "lead": "pawel.dudek@example.org", "co_authors": [RESIDENT], "district": "Podgórze Duchackie",
        "area": "Kurdwanów", "title": "Siłownia plenerowa na Kurdwanowie",
        "summary": "Siłownia plenerowa z ośmioma urządzeniami, także dla seniorów, na skwerze przy "
                   "ul. Witosa, z bezpieczną nawierzchnią i tablicą z instrukcjami ćwiczeń.",
        "description": "Najbliższa siłownia pod chmurką jest ponad dwa kilometry stąd. Skwer przy ul. Witosa "
                       "jest płaski, oświetlony i należy do miasta.",
        "location": "Skwer przy ul. Witosa, naprzeciw przystanku Kurdwanów P+R",
        "beneficiaries": "Dorośli i seniorzy z Kurdwanowa",
        "lines": [("Urządzenia siłowni plenerowej", "8", 9_800_00), ("Nawierzchnia bezpieczna (m²)", "120,5", 310_00),
                  ("Montaż i dokumentacja", "1", 12_000_00)],
        "upkeep": 4_000_00,
        "versions": [
            ("pawel.dudek@example.org", "Urządzenia dla seniorów i tablica z ćwiczeniami",
             {"lines": [("Urządzenia siłowni plenerowej", "8", 9_800_00),
                        ("Nawierzchnia bezpieczna (m²)", "120,5", 310_00), ("Montaż i dokumentacja", "1", 12_000_00),
                        ("Tablica z instrukcjami ćwiczeń", "1", 1_800_00)]}),
        ],
        "end": S.IN_CONSULTATION,
    },
    {
        "lead": "katarzyna.mazur@example.org", "co_authors": [], "district": "Nowa Huta", "area": "Pleszów",
        "title": "Zielone podwórko przy szkole na Pleszowie",
        "summary": "Szkolne podwórko z asfaltu zamienione w ogród: drzewa, rabaty, ogród deszczowy "
                   "i zielona klasa, otwarte po lekcjach dla wszystkich mieszkańców Pleszowa.",
        "description": "Podwórko szkoły jest całe wyasfaltowane i latem nagrzewa się do 50 °C. "
                       "Dyrekcja zgadza się otworzyć je po lekcjach dla mieszkańców.",
        "location": "Podwórko Szkoły Podstawowej przy ul. Makuszyńskiego",
        "beneficiaries": "Uczniowie, rodzice i mieszkańcy Pleszowa",
        "lines": [("Rozbiórka asfaltu (m²)", "600", 45_00), ("Nasadzenia drzew", "14", 1_900_00),
                  ("Ogród deszczowy", "1", 38_000_00), ("Zielona klasa – ławki i stoły", "1", 24_500_00)],
        "upkeep": 9_000_00,
        "versions": [],
        "end": S.FEEDBACK_RECEIVED,
    },
    {
        "lead": RESIDENT, "co_authors": ["pawel.dudek@example.org"], "district": "Bronowice", "area": "Bronowice Małe",
        "title": "Bezpieczne przejście przy szkole na Bronowicach",
        "summary": "Wyniesione przejście dla pieszych z doświetleniem i azylem przy szkole na Bronowicach "
                   "Małych, żeby dzieci bezpiecznie przechodziły przez ruchliwą ulicę.",
        "description": "Rano przez ulicę przechodzi ponad 300 dzieci. Kierowcy jeżdżą szybko, a przejście "
                       "jest słabo oświetlone.",
        "location": "Ul. Rydla przy Szkole Podstawowej nr 56",
        "beneficiaries": "Uczniowie i rodzice, piesi",
        "lines": [("Projekt organizacji ruchu", "1", 15_000_00), ("Wyniesienie przejścia", "1", 85_000_00)],
        "upkeep": 0,
        "versions": [
            (RESIDENT, "Uwagi Zarządu Dróg: doświetlenie przejścia i azyl dla pieszych",
             {"lines": [("Projekt organizacji ruchu", "1", 15_000_00), ("Wyniesienie przejścia", "1", 85_000_00),
                        ("Doświetlenie przejścia (lampa)", "2", 14_500_00), ("Azyl dla pieszych", "1", 32_000_00)],
              "upkeep": 1_200_00}),
        ],
        "end": S.REVISING,
    },
    {
        "lead": "pawel.dudek@example.org", "co_authors": [RESIDENT, "katarzyna.mazur@example.org"],
        "scope": Scope.CITYWIDE, "title": "Stojaki rowerowe przy przystankach kolei",
        "summary": "Dwieście stojaków rowerowych i dziesięć zadaszonych wiat przy przystankach kolei "
                   "aglomeracyjnej w całym Krakowie, żeby łatwiej było łączyć rower z pociągiem.",
        "description": "Przy większości przystanków kolei aglomeracyjnej nie ma gdzie zostawić roweru. "
                       "Stojaki typu „odwrócone U” są tanie i sprawdzone.",
        "location": "Przystanki kolei aglomeracyjnej w granicach Krakowa",
        "beneficiaries": "Mieszkańcy całego Krakowa dojeżdżający do pracy i szkoły",
        "lines": [("Stojak rowerowy „odwrócone U”", "200", 750_00), ("Wiata rowerowa", "10", 28_000_00)],
        "upkeep": 15_000_00,
        "versions": [
            ("pawel.dudek@example.org", "Lista przystanków uzgodniona z Zarządem Dróg",
             {"description": "Przy większości przystanków kolei aglomeracyjnej nie ma gdzie zostawić roweru. "
                             "Stojaki typu „odwrócone U” są tanie i sprawdzone.\n\nPrzystanki: Kraków Bieżanów, "
                             "Kraków Swoszowice, Kraków Łobzów, Kraków Zabłocie, Kraków Business Park."}),
            (RESIDENT, "Mniej wiat, więcej stojaków",
             {"lines": [("Stojak rowerowy „odwrócone U”", "260", 750_00), ("Wiata rowerowa", "8", 28_000_00)]}),
        ],
        "end": S.READY, "public": True,
    },
    {
        "lead": "katarzyna.mazur@example.org", "co_authors": [], "district": "Podgórze", "area": "Zabłocie",
        "title": "Kino plenerowe na bulwarach Zabłocia",
        "summary": "Sześć letnich seansów kina plenerowego na bulwarach Zabłocia z filmami dla dzieci "
                   "i dorosłych, bezpłatnych i otwartych dla wszystkich.",
        "description": "Seanse w piątkowe wieczory w lipcu i sierpniu.",
        "location": "Bulwar Podgórski przy kładce Ojca Bernatka",
        "beneficiaries": "Mieszkańcy Podgórza",
        "lines": [("Seans z licencją i nagłośnieniem", "6", 7_500_00)],
        "upkeep": 0,
        "versions": [],
        "end": S.WITHDRAWN,
    },
]


def _person(email, name, password):
    return accounts.find_by_email(email) or accounts.register(name, email, password, locale="pl")


def _content(spec, by_name, changes=None):
    spec = {**spec, **(changes or {})}
    district = by_name.get(spec.get("district"))
    area = editions.find_area(district.id, spec["area"]) if district and spec.get("area") else None
    return proposals.Content(
        scope=Scope(spec.get("scope", Scope.DISTRICT)).value, district_id=district.id if district else None,
        area_id=area.id if area else None, title=spec["title"], summary=spec["summary"],
        description=spec["description"], location=spec["location"], beneficiaries=spec["beneficiaries"],
        cost_lines=_lines(*((item, quantity.replace(",", "."), price) for item, quantity, price in spec["lines"])),
        yearly_upkeep=spec["upkeep"])


def _advance(spec, proposal, people):
    """Take the proposal as far as the spec says: sent to its units (Stage III demo data says which),
    then the units' published feedback moves it to "feedback received"."""
    lead = people[spec["lead"]]
    end = spec["end"]
    if end is S.WITHDRAWN:
        transitions.withdraw(lead, proposal, "Zgłosimy to jako wydarzenie dzielnicy, nie do budżetu.")
        return
    if end is S.DRAFT:
        return
    transitions.send_to_consultation(lead, proposal)
    demo_feedback.route(proposal, demo_feedback.FEEDBACK[proposal.title]["units"])
    if end is not S.IN_CONSULTATION:
        demo_feedback.publish_feedback(proposal)


def _create(spec, edition, by_name, people):
    lead = people[spec["lead"]]
    proposal = proposals.start_draft(lead, edition, _content(spec, by_name), change_note="Pierwsza wersja")
    for email in spec["co_authors"]:
        proposals.add_author(proposal, people[email])
    db.session.flush()
    if spec.get("visibility"):
        invitations.set_visibility(lead, proposal, spec["visibility"])
    if spec["end"] in (S.REVISING, S.READY):
        _advance({**spec, "end": S.FEEDBACK_RECEIVED}, proposal, people)
    changes = {}
    for author, note, change in spec["versions"]:
        changes.update(change)
        # The first save after feedback moves the proposal to "revising" (services.save_version).
        proposals.save_version(people[author], proposal, _content(spec, by_name, changes), proposal.current_version,
                               change_note=note)
    if spec["versions"] and spec["end"] in (S.REVISING, S.READY):
        demo_feedback.answer_changes(proposal, lead)
    if spec["end"] is S.READY:
        _add_demo_supporters(lead, proposal, edition)
        transitions.mark_ready(lead, proposal)
    elif spec["end"] is not S.REVISING:
        _advance(spec, proposal, people)
    if spec.get("public"):
        invitations.publish(lead, proposal)
    return proposal


def _add_demo_supporters(lead, proposal, edition):
    """The support list a ready proposal needs (Stage IV): invented names, each with consent."""
    from pbflow.marathons import supporters

    first = ("Anna", "Jan", "Maria", "Piotr", "Zofia", "Krzysztof", "Ewa", "Tomasz", "Łucja", "Michał")
    last = ("Nowak", "Kowalczyk", "Wójcik", "Kamińska", "Lewandowski", "Zielińska", "Szymański", "Dąbrowska")
    names = [f"{first[i % len(first)]} {last[(i * 3) % len(last)]}" for i in range(edition.supporters_required)]
    if names:
        supporters.add_names(lead, proposal, "\n".join(names), consent=True)


def seed(edition_name, password):
    """Add the demo proposals that are not there yet (by title); safe to run twice."""
    edition = db.session.scalar(select(Edition).where(Edition.name == edition_name))
    if edition is None:
        return
    people = {email: _person(email, name, password) for email, name in DEMO_RESIDENTS}
    for email in (RESIDENT, EXPERT, AMBASSADOR):
        people[email] = accounts.find_by_email(email)
    by_name = {d.name: d for d in db.session.scalars(select(District))}
    existing = set(db.session.scalars(select(Proposal.title).where(Proposal.edition_id == edition.id)))
    for spec in PROPOSALS:
        if spec["title"] not in existing:
            _create(spec, edition, by_name, people)
            db.session.flush()
