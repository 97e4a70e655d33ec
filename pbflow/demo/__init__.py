"""Demo data: Kraków's districts, the city's verifying units, one person per role, a few proposals,
monitoring indicators and activities, and Kraków's real PB results 2018–2022 from the shared Pabulib files."""

import os
from pathlib import Path

from sqlalchemy import func, select

from pbflow.accounts import services as accounts
from pbflow.accounts.models import Role, User
from pbflow.editions.models import District
from pbflow.extensions import db
from pbflow.feedback.models import UnitMembership, VerifyingUnit

# The 18 districts of Kraków (number, name, ASCII slug as in Pabulib file names).
KRAKOW_DISTRICTS = [
    (1, "Stare Miasto", "Stare_Miasto"),
    (2, "Grzegórzki", "Grzegorzki"),
    (3, "Prądnik Czerwony", "Pradnik_Czerwony"),
    (4, "Prądnik Biały", "Pradnik_Bialy"),
    (5, "Krowodrza", "Krowodrza"),
    (6, "Bronowice", "Bronowice"),
    (7, "Zwierzyniec", "Zwierzyniec"),
    (8, "Dębniki", "Debniki"),
    (9, "Łagiewniki-Borek Fałęcki", "Lagiewniki-Borek_Falecki"),
    (10, "Swoszowice", "Swoszowice"),
    (11, "Podgórze Duchackie", "Podgorze_Duchackie"),
    (12, "Bieżanów-Prokocim", "Biezanow-Prokocim"),
    (13, "Podgórze", "Podgorze"),
    (14, "Czyżyny", "Czyzyny"),
    (15, "Mistrzejowice", "Mistrzejowice"),
    (16, "Bieńczyce", "Bienczyce"),
    (17, "Wzgórza Krzesławickie", "Wzgorza_Krzeslawickie"),
    (18, "Nowa Huta", "Nowa_Huta"),
]

# (code, name, short name, field) of the city's units that verify proposals.
VERIFYING_UNITS = [
    ("green", "Zarząd Zieleni Miejskiej w Krakowie", "ZZM", "tereny zielone, parki, skwery, drzewa"),
    ("roads", "Zarząd Dróg Miasta Krakowa", "ZDMK", "drogi, chodniki, ścieżki rowerowe, transport"),
    ("education", "Wydział Edukacji UMK", "WE", "szkoły, przedszkola, edukacja"),
    ("sport", "Wydział Sportu UMK", "WS", "boiska, obiekty i zajęcia sportowe"),
    ("culture", "Wydział Kultury i Dziedzictwa Narodowego UMK", "WKiDN", "kultura, biblioteki, wydarzenia"),
    ("social", "Miejski Ośrodek Pomocy Społecznej w Krakowie", "MOPS", "pomoc społeczna, seniorzy, integracja"),
    ("buildings", "Zarząd Budynków Komunalnych w Krakowie", "ZBK", "budynki komunalne, lokale"),
]

DEMO_PASSWORD = "krakow-demo-2026"  # noqa: S105 - printed by scripts/run on purpose
# (email, name, roles, verifying unit code)
DEMO_USERS = [
    ("koordynator@example.org", "Anna Nowak", [Role.COORDINATOR], None),
    ("ambasador@example.org", "Piotr Kowalski", [Role.AMBASSADOR], None),
    ("ekspert@example.org", "Ewa Wiśniewska", [Role.EXPERT], "green"),
    ("mieszkaniec@example.org", "Jan Zieliński", [], None),
    ("partner@example.org", "Barbara Wróbel", [Role.PARTNER], None),
]
# What each login can do right now is worked out, and printed by scripts/run, by pbflow/demo/walk.py.


def database_is_empty():
    return not db.session.scalar(select(func.count()).select_from(District)) and not db.session.scalar(
        select(func.count()).select_from(User))


def seed_districts():
    existing = {d.number: d for d in db.session.scalars(select(District))}
    for number, name, slug in KRAKOW_DISTRICTS:
        district = existing.get(number) or District(number=number)
        district.name, district.slug = name, slug
        db.session.add(district)


def seed_units():
    existing = {u.code: u for u in db.session.scalars(select(VerifyingUnit))}
    for code, name, short_name, field in VERIFYING_UNITS:
        unit = existing.get(code) or VerifyingUnit(code=code)
        unit.name, unit.short_name, unit.field = name, short_name, field
        db.session.add(unit)
    db.session.flush()


def seed_users():
    units = {u.code: u for u in db.session.scalars(select(VerifyingUnit))}
    for email, name, roles, unit_code in DEMO_USERS:
        user = accounts.find_by_email(email)
        if user is None:
            user = accounts.register(name, email, DEMO_PASSWORD, locale="pl")
        for role in roles:
            accounts.grant_role(None, user, role)
        if unit_code and not db.session.get(UnitMembership, (units[unit_code].id, user.id)):
            db.session.add(UnitMembership(unit=units[unit_code], user=user))


def seed():
    """Everything through the services; links in notifications need a request, e-mails stay unsent."""
    from flask import current_app

    from pbflow.demo import feedback, marathons, meetings, monitoring, proposals, stage_one

    mail_backend = current_app.config["MAIL_BACKEND"]
    current_app.config["MAIL_BACKEND"] = "memory"  # demo people have made-up addresses
    try:
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            seed_districts()
            seed_units()
            seed_users()
            db.session.flush()
            feedback.seed_units(DEMO_PASSWORD)
            stage_one.seed(DEMO_PASSWORD)
            proposals.seed(stage_one.EDITION_NAME, DEMO_PASSWORD)
            meetings.seed(stage_one.EDITION_NAME)
            feedback.seed(stage_one.EDITION_NAME)
            marathons.seed_current(stage_one.EDITION_NAME)
            marathons.seed_past()
            marathons.seed_practice()
            monitoring.seed(stage_one.EDITION_NAME)
            db.session.commit()
    finally:
        current_app.config["MAIL_BACKEND"] = mail_backend
        current_app.extensions.pop("pbflow_outbox", None)
    seed_past_results()


def pabulib_folder():
    """Kraków's results 2018–2022: PBFLOW_PABULIB_DIR, else shared/data/pabulib beside the checkout."""
    configured = os.environ.get("PBFLOW_PABULIB_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"


def seed_past_results():
    """Real past results, so a newcomer's first run already shows them; a file loaded before is skipped."""
    from pbflow.past_results import importer

    folder = pabulib_folder()
    if not folder.is_dir():
        return None
    return importer.import_paths([folder])
