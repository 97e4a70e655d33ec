"""Bench data: many realistic proposals, inserted in bulk, for `flask --app app seed-bench`.

Proposals go into the current edition (the demo data is loaded first when
there is none), spread over the districts and the city-wide pool, with 1–5
versions each, a lead author and up to three co-authors from a pool of bench
users, Polish text from word lists (so full-text search has real words with
diacritics), cost lines in grosze and a mix of statuses, some public.

Speed: rows are built in Python and written with Core executemany in
batches, one transaction per batch, with explicit ids; every bench user
shares one password hash computed once. On SQLite the FTS5 insert trigger is
set aside while loading and the index rebuilt once at the end (a third
faster at 100,000); PostgreSQL's GIN index is over a stored generated column
and updates itself. No audit events are written: this is load,
not history. Running it again appends more proposals (and reuses the bench
users already there), so it also works on a database that has demo data.
"""

import random
import secrets
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from pbflow.accounts.models import User
from pbflow.accounts.passwords import hash_password
from pbflow.accounts.services import PRIVACY_NOTICE_VERSION
from pbflow.core.database import utcnow
from pbflow.editions import services as editions
from pbflow.editions.models import Area, District
from pbflow.extensions import db
from pbflow.proposals import page_stamps, search
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalStatus, ProposalVersion

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - bench accounts only, printed on purpose
BENCH_EMAIL = "bench.author{}@example.org"
BATCH = 5000

S = ProposalStatus
# (status, weight, fewest versions, most versions)
STATUSES = [
    (S.DRAFT, 38, 1, 3), (S.IN_CONSULTATION, 14, 1, 3), (S.FEEDBACK_RECEIVED, 10, 2, 4),
    (S.REVISING, 14, 3, 5), (S.READY, 9, 3, 5), (S.SUBMITTED, 8, 3, 5), (S.WITHDRAWN, 5, 1, 4),
    (S.MERGED, 2, 1, 4),
]

FIRST_NAMES = ["Anna", "Piotr", "Zofia", "Łukasz", "Małgorzata", "Grzegorz", "Żaneta", "Jędrzej", "Katarzyna",
               "Paweł", "Agnieszka", "Michał", "Barbara", "Tomasz", "Ewa", "Krzysztof", "Joanna", "Wojciech",
               "Magdalena", "Jakub", "Dorota", "Marcin", "Elżbieta", "Bartłomiej", "Aleksandra", "Szymon"]
LAST_NAMES = ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zieliński", "Szymańska",
              "Woźniak", "Dąbrowski", "Kozłowska", "Jankowski", "Mazur", "Kwiatkowska", "Krawczyk", "Piotrowski",
              "Grabowska", "Pawłowski", "Michalska", "Król", "Wieczorek", "Jabłońska", "Wróbel", "Nowakowski",
              "Majewska", "Olszewski", "Stępień", "Malinowska", "Jaworski", "Adamczyk", "Dudek", "Zając"]

# (title phrase, what the summary proposes)
THINGS = [
    ("Plac zabaw", "nowy plac zabaw z bezpieczną nawierzchnią"),
    ("Siłownia plenerowa", "siłownię plenerową z urządzeniami dla dorosłych i seniorów"),
    ("Zieleń osiedlowa", "nowe nasadzenia drzew i krzewów, czyli więcej zieleni"),
    ("Łąka kwietna", "łąkę kwietną zamiast wiecznie koszonego trawnika"),
    ("Ławki i cień", "ławki z oparciem i drzewa dające cień"),
    ("Ścieżka rowerowa", "bezpieczną ścieżkę rowerową oddzieloną od chodnika"),
    ("Oświetlenie chodnika", "energooszczędne oświetlenie LED wzdłuż chodnika"),
    ("Boisko wielofunkcyjne", "boisko wielofunkcyjne z piłkochwytami"),
    ("Biblioteczka sąsiedzka", "biblioteczkę sąsiedzką z wymianą książek"),
    ("Zajęcia dla seniorów", "cotygodniowe zajęcia ruchowe i warsztaty dla seniorów"),
    ("Warsztaty dla dzieci", "warsztaty przyrodnicze i plastyczne dla dzieci"),
    ("Pumptrack", "tor rowerowy typu pumptrack dla dzieci i młodzieży"),
    ("Wybieg dla psów", "ogrodzony wybieg dla psów z poidłem"),
    ("Poidełko z wodą pitną", "poidełko z wodą pitną dla mieszkańców i zwierząt"),
    ("Stojaki rowerowe", "stojaki rowerowe i wiatę na rowery"),
    ("Ogród społeczny", "ogród społeczny z grządkami dla sąsiadów"),
    ("Kino plenerowe", "cykl letnich seansów kina plenerowego"),
    ("Tężnia solankowa", "tężnię solankową z ławkami dookoła"),
    ("Bezpieczne przejście", "wyniesione przejście dla pieszych z doświetleniem"),
    ("Remont chodnika", "remont zniszczonego chodnika i obniżenie krawężników"),
    ("Mural na ścianie szczytowej", "mural o historii dzielnicy na ścianie szczytowej"),
    ("Skwer sąsiedzki", "skwer z zielenią, ławkami i stołem do gier"),
    ("Ogród deszczowy", "ogród deszczowy zatrzymujący wodę opadową"),
    ("Festyn rodzinny", "festyn rodzinny z koncertem i grami dla dzieci"),
]
STREETS = ["Zielonej", "Wielickiej", "Kalwaryjskiej", "Długiej", "Krowoderskiej", "Łokietka", "Żółkiewskiego",
           "Bieńczyckiej", "Kobierzyńskiej", "Bronowickiej", "Wrocławskiej", "Mogilskiej", "Grzegórzeckiej",
           "Prądnickiej", "Zakopiańskiej", "Półłanki", "Nowosądeckiej", "Dobrego Pasterza", "Słomianej",
           "Różanej", "Źródlanej", "Wąwozowej", "Łużyckiej", "Śliwkowej", "Ćwiklińskiej"]
PLACES = ["przy ul. {street}", "na osiedlu przy {street}", "w parku przy {street}", "przy szkole nr {n}",
          "przy przedszkolu nr {n}", "na skwerze przy {street}", "nad Wisłą", "przy bibliotece"]
GOALS = ["mieszkańcy mieli gdzie odpocząć w cieniu", "dzieci bawiły się bezpiecznie blisko domu",
         "seniorzy mogli spotykać się na świeżym powietrzu", "było mniej betonu, a więcej zieleni",
         "piesi i rowerzyści czuli się bezpiecznie", "sąsiedzi mogli się lepiej poznać",
         "woda deszczowa wsiąkała w ziemię zamiast płynąć do kanalizacji",
         "młodzież miała miejsce do aktywnego spędzania czasu"]
SENTENCES = [
    "Na spotkaniu mieszkańców w {month} ponad {n} osób poparło ten pomysł.",
    "Teren należy do miasta i jest dziś zaniedbany: rośnie tam kilka starych drzew, a trawnik zamienia się w błoto.",
    "Projekt uzupełnia zieleń w okolicy i łączy się z istniejącą ścieżką spacerową.",
    "Wszystkie elementy będą ogólnodostępne, także dla osób z niepełnosprawnościami i rodziców z wózkami.",
    "Zarząd Zieleni Miejskiej wstępnie potwierdził, że nasadzenia są możliwe w tym miejscu.",
    "Koszt utrzymania obejmuje przeglądy, naprawy, podlewanie i sprzątanie przez cały rok.",
    "Nawierzchnia będzie przepuszczalna, żeby woda deszczowa nie tworzyła kałuż.",
    "Lokalizację wybraliśmy wspólnie podczas spaceru badawczego z sąsiadami.",
    "W promieniu pięciuset metrów mieszka około {n}00 osób, w tym wiele rodzin z dziećmi i seniorów.",
    "Rada dzielnicy zaopiniowała pomysł pozytywnie na sesji w {month}.",
    "Drzewa zostaną posadzone jesienią, kiedy mają największą szansę się przyjąć.",
    "Ławki ustawimy tak, żeby latem stały w cieniu, a zimą w słońcu.",
    "Źródłem inspiracji był podobny projekt zrealizowany na sąsiednim osiedlu.",
    "Żółte tabliczki poprowadzą spacerowiczów od przystanku tramwajowego.",
    "Chodnik jest wąski i dziurawy, a wieczorem bardzo ciemny.",
    "Z miejsca korzystają uczniowie pobliskiej szkoły podstawowej w drodze na lekcje.",
    "Proponowane urządzenia mają certyfikaty bezpieczeństwa i gwarancję producenta.",
    "Zajęcia poprowadzą doświadczeni instruktorzy, a udział będzie bezpłatny.",
    "Harmonogram zakłada realizację w ciągu jednego sezonu budowlanego.",
    "Mieszkańcy zadeklarowali pomoc przy pracach porządkowych i opiece nad rabatami.",
    "Wydarzenie odbędzie się w weekend, żeby mogły przyjść całe rodziny.",
    "Na miejscu brakuje koszy na śmieci i stojaków na rowery.",
    "Obecnie najbliższe podobne miejsce jest oddalone o ponad dwa kilometry.",
    "Projekt nie wymaga wycinki drzew ani zmiany organizacji ruchu.",
    "Koszty oszacowaliśmy na podstawie ofert trzech wykonawców i cen z poprzednich edycji.",
    "Teren jest płaski i łatwo dostępny z przystanku autobusowego.",
    "Wiosną zorganizujemy sąsiedzki dzień sprzątania okolicy.",
    "Pomysł zgłosiła grupa rodziców z pobliskiego przedszkola.",
    "Elementy małej architektury będą odporne na wandalizm i łatwe w naprawie.",
    "Zależy nam na tym, żeby miejsce żyło przez cały rok, nie tylko latem.",
]
MONTHS = ["styczniu", "lutym", "marcu", "kwietniu", "maju", "czerwcu", "wrześniu", "październiku", "listopadzie"]
BENEFICIARIES = ["Dzieci do lat 12 i ich opiekunowie", "Seniorzy z okolicznych bloków", "Wszyscy mieszkańcy osiedla",
                 "Rowerzyści i piesi", "Młodzież ze szkół w okolicy", "Właściciele psów i sąsiedzi",
                 "Rodziny z dziećmi i osoby starsze", "Mieszkańcy całego Krakowa"]
# (item, fewest, most (quantity), thousandths allowed, lowest and highest unit price in złoty)
COST_ITEMS = [
    ("Projekt i uzgodnienia", 1, 1, False, 8_000, 40_000), ("Urządzenia zabawowe", 2, 8, False, 8_000, 30_000),
    ("Nawierzchnia bezpieczna (m²)", 40, 300, True, 250, 450), ("Ławki z oparciem", 2, 12, False, 1_500, 3_500),
    ("Kosze na śmieci", 2, 10, False, 600, 1_500), ("Nasadzenia drzew", 5, 40, False, 800, 2_500),
    ("Krzewy i byliny", 20, 300, False, 30, 120), ("Oświetlenie LED (punkt świetlny)", 3, 20, False, 6_000, 12_000),
    ("Tablica informacyjna", 1, 2, False, 2_000, 5_000), ("Prowadzenie zajęć (godzina)", 20, 120, False, 100, 250),
    ("Materiały warsztatowe", 1, 1, False, 1_000, 10_000), ("Nadzór inwestorski", 1, 1, False, 5_000, 20_000),
    ("Stojaki rowerowe", 4, 20, False, 600, 1_200), ("Nawierzchnia mineralna (m²)", 50, 400, True, 120, 220),
    ("Urządzenia siłowni plenerowej", 3, 10, False, 5_000, 14_000), ("Ogrodzenie (mb)", 20, 120, True, 180, 400),
]
CHANGE_NOTES = ["Poprawki po spotkaniu z mieszkańcami", "Uwzględnione uwagi eksperta", "Dodany koszt utrzymania",
                "Doprecyzowana lokalizacja", "Korekta kosztorysu", "Krótsze streszczenie", "Literówki", ""]


def _quantity_text(thousandths):
    whole, rest = divmod(thousandths, 1000)
    return str(whole) if not rest else f"{whole}.{rest:03d}".rstrip("0")


def _cost_line(rng, item_index=None):
    item, low, high, fractional, price_low, price_high = COST_ITEMS[
        rng.randrange(len(COST_ITEMS)) if item_index is None else item_index]
    quantity = rng.randint(low, high) * 1000
    if fractional and rng.random() < 0.5:
        quantity += rng.choice((250, 500, 750))
    unit_price = rng.randint(price_low, price_high) * 100 + rng.choice((0, 0, 50, 99))
    # Round half up, exactly as costs.CostLine.amount does with Decimals.
    amount = (quantity * unit_price + 500) // 1000
    return {"item": item, "quantity": _quantity_text(quantity), "unit_price": unit_price, "amount": amount}


class Generator:
    """Builds rows for one run; ids continue after what the database already holds."""

    def __init__(self, edition, districts, areas_by_district, author_ids, next_ids, seed):
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.edition = edition
        self.districts = districts
        self.areas = areas_by_district
        self.author_ids = author_ids
        self.proposal_id, self.version_id = next_ids
        self.first_id = self.proposal_id
        self.start = utcnow() - timedelta(days=120)
        weights = [w for _s, w, _a, _b in STATUSES]
        self.status_draws = STATUSES, weights

    def _title(self, thing, place):
        title = f"{thing} {place}"
        return title if len(title) <= 60 else thing

    def _place(self):
        rng = self.rng
        return rng.choice(PLACES).format(street=rng.choice(STREETS), n=rng.randint(1, 160))

    def _sentence(self):
        rng = self.rng
        return rng.choice(SENTENCES).format(month=rng.choice(MONTHS), n=rng.randint(2, 90))

    def _content(self, district):
        rng = self.rng
        thing, summary_object = rng.choice(THINGS)
        place = self._place()
        where = f" w dzielnicy {district.name}" if district is not None else " w całym Krakowie"
        summary = f"Proponujemy {summary_object} {place}{where}, aby {rng.choice(GOALS)}."
        paragraphs = [" ".join(self._sentence() for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(2, 3))]
        description = "\n\n".join(paragraphs)
        lines = [_cost_line(rng) for _ in range(rng.randint(1, 6))]
        located = rng.random() < 0.5
        return {
            "title": self._title(thing, place), "short_title": thing,
            "latitude": Decimal(f"{50.0 + rng.random() * 0.12:.6f}") if located else None,
            "longitude": Decimal(f"{19.8 + rng.random() * 0.3:.6f}") if located else None, "summary": summary[:250], "description": description,
            "location": f"{place[0].upper()}{place[1:]}, Kraków", "beneficiaries": rng.choice(BENEFICIARIES),
            "cost_lines": lines, "yearly_upkeep": rng.choice((0, 0, rng.randint(5, 400) * 100_00)),
        }

    def _earlier(self, content, steps_back):
        """An earlier version: fewer lines, a shorter description, sometimes another title."""
        rng = self.rng
        earlier = dict(content)
        earlier["cost_lines"] = content["cost_lines"][:max(1, len(content["cost_lines"]) - steps_back)]
        if steps_back:
            earlier["description"] = content["description"].rsplit("\n\n", 1)[0] if "\n\n" in content[
                "description"] else content["description"]
            if rng.random() < 0.3:
                earlier["title"] = content["short_title"]
            if rng.random() < 0.5:
                earlier["yearly_upkeep"] = 0
        return earlier

    def batch(self, count):
        """Rows for `count` proposals: (proposals, authors, versions)."""
        rng = self.rng
        proposals, authors, versions = [], [], []
        statuses, weights = self.status_draws
        for _ in range(count):
            pid = self.proposal_id
            self.proposal_id += 1
            status, _w, fewest, most = rng.choices(statuses, weights)[0]
            if status is S.MERGED and pid == self.first_id:
                status = S.WITHDRAWN
            citywide = rng.random() < 0.12
            district = None if citywide else rng.choice(self.districts)
            area_id = None
            if district is not None and self.areas.get(district.id) and rng.random() < 0.5:
                area_id = rng.choice(self.areas[district.id])
            content = self._content(district)
            team = rng.sample(self.author_ids, min(len(self.author_ids), rng.choice((1, 1, 2, 2, 3, 4))))
            created = self.start + timedelta(minutes=rng.randint(0, 60 * 24 * 100))
            count_versions = rng.randint(fewest, most)
            moment = created
            for number in range(1, count_versions + 1):
                snapshot = self._earlier(content, count_versions - number)
                total = sum(line["amount"] for line in snapshot["cost_lines"])
                versions.append({
                    "id": self.version_id, "proposal_id": pid, "number": number, "created_at": moment,
                    "created_by_id": rng.choice(team), "change_note": "" if number == 1 else rng.choice(CHANGE_NOTES),
                    "scope": "citywide" if citywide else "district",
                    "district_id": district.id if district else None, "area_id": area_id,
                    "title": snapshot["title"], "summary": snapshot["summary"],
                    "description": snapshot["description"], "location": snapshot["location"],
                    "latitude": snapshot["latitude"], "longitude": snapshot["longitude"], "beneficiaries": snapshot["beneficiaries"],
                    "cost_lines": snapshot["cost_lines"], "total_cost": total,
                    "yearly_upkeep": snapshot["yearly_upkeep"]})
                self.version_id += 1
                if number < count_versions:
                    moment += timedelta(hours=rng.randint(2, 24 * 12))
            changed = moment + timedelta(hours=rng.randint(0, 72))
            public = rng.random() < (0.05 if status is S.DRAFT else 0.45 if status is not S.SUBMITTED else 0.9)
            proposals.append({
                "id": pid, "edition_id": self.edition.id, "scope": "citywide" if citywide else "district",
                "district_id": district.id if district else None, "area_id": area_id, "status": status.value,
                "current_version": count_versions,
                "title": content["title"], "summary": content["summary"], "description": content["description"],
                "total_cost": sum(line["amount"] for line in content["cost_lines"]),
                "yearly_upkeep": content["yearly_upkeep"], "is_public": public,
                "published_at": changed if public else None,
                "draft_visibility": "edition" if rng.random() < 0.3 else "authors",
                "merged_into_id": rng.randrange(self.first_id, pid) if status is S.MERGED else None,
                "platform_reference": (f"BO{self.edition.year}.{district.number if district else 'OM'}.{pid}"
                                       if status is S.SUBMITTED else None),
                "status_changed_at": changed, "created_by_id": team[0], "created_at": created, "updated_at": moment,
            })
            for position, user_id in enumerate(team):
                authors.append({"proposal_id": pid, "user_id": user_id, "role": "lead" if position == 0 else "co_author",
                                "consent_at": created})
        return proposals, authors, versions


# --- the database side -----------------------------------------------------------------

def _next_id(model):
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def ensure_edition():
    """The current edition; the demo data (districts, edition, areas, people) when there is none."""
    edition = editions.current_edition()
    if edition is None:
        from pbflow import demo

        demo.seed()
        edition = editions.current_edition()
    return edition


def ensure_authors(count, echo):
    """Ids of `count` bench users, creating the missing ones with one shared password hash."""
    existing = dict(db.session.execute(
        select(User.email, User.id).where(User.email.like("bench.author%@example.org"))).all())
    wanted = [BENCH_EMAIL.format(i) for i in range(1, count + 1)]
    missing = [email for email in wanted if email not in existing]
    if missing:
        started = time.perf_counter()
        password_hash = hash_password(BENCH_PASSWORD)
        next_id, now = _next_id(User), utcnow()
        rows = []
        for offset, email in enumerate(missing):
            i = int(email.removeprefix("bench.author").split("@")[0])
            rows.append({"id": next_id + offset, "email": email,
                         "name": f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}",
                         "password_hash": password_hash, "locale": "pl", "login_token": secrets.token_urlsafe(32),
                         "created_at": now, "consented_at": now, "privacy_version": PRIVACY_NOTICE_VERSION})
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(User.__table__), rows[start:start + BATCH])
        db.session.commit()
        existing.update({row["email"]: row["id"] for row in rows})
        echo(f"{len(rows)} bench users created in {time.perf_counter() - started:.1f} s "
             f"(password for each: {BENCH_PASSWORD})")
    return [existing[email] for email in wanted]


@contextmanager
def _search_index_rebuilt_after(echo):
    """SQLite: load without the FTS insert trigger, then rebuild the index once and restore the trigger.

    Through the trigger, row by row, 100,000 proposals took 91 s instead of 63 s.
    PostgreSQL's index is over a stored generated column and needs nothing.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        yield
        return
    trigger = f"{Proposal.__tablename__}_ai"
    sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
                            {"name": trigger})
    if sql is None:  # no search index here (yet): nothing to keep current
        yield
        return
    db.session.execute(text(f'DROP TRIGGER "{trigger}"'))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        started = time.perf_counter()
        rebuild = f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')"  # noqa: S608
        db.session.execute(text(rebuild))
        db.session.execute(text(sql))
        # A search read between a batch and this rebuild found the old index: not to be served from now on.
        page_stamps.renew(db.session.connection(), page_stamps.NAME, page_stamps.WORDS)
        db.session.commit()
        echo(f"search index rebuilt in {time.perf_counter() - started:.1f} s")


def _fix_sequences():
    """Explicit ids leave PostgreSQL's sequences behind; move them past the highest id."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (User, Proposal, ProposalVersion):
        db.session.execute(select(func.setval(func.pg_get_serial_sequence(model.__tablename__, "id"),
                                              select(func.coalesce(func.max(model.id), 1)).scalar_subquery())))


def seed(count, authors=None, seed_value=2026, echo=print):
    """Insert `count` proposals into the current edition; returns the new proposals' ids as a range."""
    started = time.perf_counter()
    edition = ensure_edition()
    districts = db.session.scalars(select(District).order_by(District.number)).all()
    if not districts:
        raise click.ClickException("There are no districts: run `flask --app app seed-demo` first.")
    areas = {}
    for area_id, district_id in db.session.execute(select(Area.id, Area.district_id)):
        areas.setdefault(district_id, []).append(area_id)
    author_ids = ensure_authors(authors or max(20, count // 4), echo)
    first = _next_id(Proposal)
    generator = Generator(edition, districts, areas, author_ids, (first, _next_id(ProposalVersion)), seed_value + first)
    db.session.commit()
    version_count = 0
    with _search_index_rebuilt_after(echo):
        for done in range(0, count, BATCH):
            proposals, proposal_authors, versions = generator.batch(min(BATCH, count - done))
            db.session.execute(insert(Proposal.__table__), proposals)
            db.session.execute(insert(ProposalAuthor.__table__), proposal_authors)
            db.session.execute(insert(ProposalVersion.__table__), versions)
            db.session.commit()
            version_count += len(versions)
            echo(f"  {done + len(proposals):>7} / {count} proposals, {version_count} versions, "
                 f"{time.perf_counter() - started:.1f} s")
    _fix_sequences()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    echo(f"{count} proposals with {version_count} versions in {edition.name} "
         f"inserted in {time.perf_counter() - started:.1f} s")
    return range(first, first + count)


@click.command("seed-bench")
@with_appcontext
@click.option("--proposals", "count", type=click.IntRange(1, 2_000_000), required=True,
              help="How many proposals to add.")
@click.option("--authors", type=click.IntRange(1), help="Size of the bench users' pool (default: a quarter of N).")
@click.option("--seed", "seed_value", type=int, default=2026, show_default=True, help="Random seed.")
def seed_bench(count, authors, seed_value):
    """Fill the database with N realistic proposals for benchmarks (appends when some exist)."""
    seed(count, authors=authors, seed_value=seed_value, echo=click.echo)

