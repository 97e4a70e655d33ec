"""Stage I demo data: the current edition around today, areas, ambassadors, training, materials.

District pools are Kraków's real 2022 pools (Pabulib META "budget"), in złoty.
"""

from datetime import timedelta

from sqlalchemy import select

from pbflow.accounts import services as accounts
from pbflow.accounts.models import Role
from pbflow.ambassadors.models import (
    AmbassadorApplication,
    ApplicationStatus,
    Material,
    MaterialKind,
    TrainingItem,
    TrainingProgress,
)
from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.editions import services as editions
from pbflow.editions.models import District, DistrictBudget, Edition, FeedbackCriterion
from pbflow.extensions import db

EDITION_NAME = "Wspólne Projekty 2027"
CITYWIDE_POOL_2022 = 7_600_000
DISTRICT_POOLS_2022 = {
    "Stare Miasto": 1_260_803, "Grzegórzki": 1_346_300, "Prądnik Czerwony": 1_545_319,
    "Prądnik Biały": 1_967_873, "Krowodrza": 1_608_953, "Bronowice": 1_673_229,
    "Zwierzyniec": 1_921_258, "Dębniki": 2_415_205, "Łagiewniki-Borek Fałęcki": 1_448_162,
    "Swoszowice": 1_269_486, "Podgórze Duchackie": 1_658_372, "Bieżanów-Prokocim": 1_848_660,
    "Podgórze": 2_255_001, "Czyżyny": 1_548_961, "Mistrzejowice": 1_515_945,
    "Bieńczyce": 1_214_309, "Wzgórza Krzesławickie": 1_629_958, "Nowa Huta": 2_272_198,
}
AREAS = {
    "Stare Miasto": [("Kazimierz", "Ulice Kazimierza między Dietla a Wisłą."), ("Kleparz", "Okolice Rynku Kleparskiego i ul. Długiej.")],
    "Grzegórzki": [("Osiedle Oficerskie", "Ulice wokół al. Beliny-Prażmowskiego."), ("Dąbie", "Osiedle Dąbie nad Wisłą.")],
    "Prądnik Czerwony": [("Olsza", "Osiedla Olsza i Olsza II."), ("Ugorek", "Osiedle Ugorek i okolice ul. Dobrego Pasterza.")],
    "Prądnik Biały": [("Azory", "Osiedle Azory."), ("Witkowice", "Witkowice i Tonie.")],
    "Krowodrza": [("Łobzów", "Okolice ul. Wrocławskiej i Parku Krakowskiego."), ("Krowodrza Górka", "Osiedle Krowodrza Górka.")],
    "Bronowice": [("Bronowice Małe", "Okolice ul. Rydla i Pasternik."), ("Mydlniki", "Mydlniki i okolice stacji.")],
    "Zwierzyniec": [("Salwator", "Salwator i bulwary nad Wisłą."), ("Wola Justowska", "Wola Justowska i Las Wolski.")],
    "Dębniki": [("Ruczaj", "Osiedle Ruczaj i okolice Kampusu UJ."), ("Osiedle Podwawelskie", "Bloki między ul. Konopnickiej a Rzemieślniczą.")],
    "Łagiewniki-Borek Fałęcki": [("Łagiewniki", "Okolice Sanktuarium i ul. Zakopiańskiej."), ("Borek Fałęcki", "Borek Fałęcki i Park Solvay.")],
    "Swoszowice": [("Jugowice", "Osiedle Jugowice."), ("Opatkowice", "Opatkowice i okolice ul. Zakopiańskiej.")],
    "Podgórze Duchackie": [("Kurdwanów", "Osiedle Kurdwanów Nowy."), ("Wola Duchacka", "Osiedla Wola Duchacka Wschód i Zachód.")],
    "Bieżanów-Prokocim": [("Nowy Prokocim", "Osiedle Nowy Prokocim."), ("Złocień", "Osiedle Złocień.")],
    "Podgórze": [("Zabłocie", "Zabłocie i bulwary nad Wisłą."), ("Płaszów", "Płaszów i okolice ul. Wielickiej.")],
    "Czyżyny": [("Osiedle Dywizjonu 303", "Osiedle Dywizjonu 303 i okolice."), ("Łęg", "Łęg i okolice Parku Lotników.")],
    "Mistrzejowice": [("Osiedle Piastów", "Osiedle Piastów."), ("Osiedle Tysiąclecia", "Osiedle Tysiąclecia.")],
    "Bieńczyce": [("Osiedle Kalinowe", "Osiedle Kalinowe."), ("Osiedle Przy Arce", "Okolice kościoła Arka Pana.")],
    "Wzgórza Krzesławickie": [("Krzesławice", "Krzesławice i Park Krzesławicki."), ("Osiedle na Stoku", "Osiedle na Stoku.")],
    "Nowa Huta": [("Pleszów", "Pleszów i okolice."), ("Osiedla wokół Placu Centralnego", "Osiedla Centrum A–E.")],
}
CRITERIA = [
    ("Zadanie własne gminy", "Propozycja mieści się w zadaniach własnych gminy Kraków."),
    ("Teren należący do miasta", "Propozycja dotyczy terenu, którym miasto może dysponować."),
    ("Realny koszt", "Szacunkowy koszt odpowiada cenom rynkowym."),
    ("Podany roczny koszt utrzymania", "Autorzy podali, ile będzie kosztować utrzymanie rocznie."),
    ("Ogólnodostępność", "Efekt będzie dostępny dla wszystkich mieszkańców."),
    ("Koszt w limicie", "Koszt nie przekracza limitu dla danej puli."),
]
# (email, name, district, area, status)
AMBASSADORS = [
    ("ambasador@example.org", "Piotr Kowalski", "Dębniki", "Ruczaj", ApplicationStatus.APPROVED),
    ("magdalena.wojcik@example.org", "Magdalena Wójcik", "Podgórze Duchackie", "Kurdwanów", ApplicationStatus.APPROVED),
    ("tomasz.lewandowski@example.org", "Tomasz Lewandowski", "Nowa Huta", "Pleszów", ApplicationStatus.APPROVED),
    ("agnieszka.kaminska@example.org", "Agnieszka Kamińska", "Bronowice", "Bronowice Małe", ApplicationStatus.APPROVED),
    ("marek.zajac@example.org", "Marek Zając", "Prądnik Biały", "Azory", ApplicationStatus.SUBMITTED),
    ("ewelina.krol@example.org", "Ewelina Król", "Czyżyny", None, ApplicationStatus.SUBMITTED),
]
TRAINING = [
    ("Poznaj zasady budżetu obywatelskiego", "Przeczytaj **regulamin** i sprawdź limity kosztów dla swojej dzielnicy.", "https://budzet.krakow.pl/"),
    ("Jak prowadzić spotkanie mieszkańców", "Przygotowanie sali, agenda, lista obecności i notatka ze spotkania.", None),
    ("Diagnoza potrzeb lokalnych", "Metody: spacer badawczy, mapa potrzeb, krótka ankieta.", None),
    ("Dane osobowe na spotkaniach", "Co wolno zapisać w notatce, a czego nie (RODO).", None),
    ("Od pomysłu do propozycji zadania", "Jak opisać zadanie, lokalizację i szacunkowy koszt.", None),
]


def _dates(today):
    """Residents' meetings are open today (and opened weeks ago, so the demo's meeting held three weeks
    ago lies inside the stage), so a first run shows held meetings, upcoming ones and an
    open online discussion, and drafts can be sent to the verifying units."""
    return {
        "recruitment_opens": today - timedelta(days=50), "recruitment_closes": today - timedelta(days=26),
        "meetings_open": today - timedelta(days=25), "meetings_close": today + timedelta(days=40),
        "workshops_open": today + timedelta(days=41), "workshops_close": today + timedelta(days=80),
        "marathons_open": today + timedelta(days=81), "marathons_close": today + timedelta(days=110),
        "submission_deadline": today + timedelta(days=115),
    }


def seed_edition():
    edition = db.session.scalar(select(Edition).where(Edition.name == EDITION_NAME))
    if edition is not None:
        return edition
    dates = _dates(clock.today())
    db.session.execute(db.update(Edition).values(is_current=False))
    edition = Edition(name=EDITION_NAME, year=dates["meetings_close"].year, is_current=True,
                      citywide_pool=CITYWIDE_POOL_2022 * 100, rules_url="https://budzet.krakow.pl/", **dates)
    districts = db.session.scalars(select(District)).all()
    edition.budgets = [DistrictBudget(district_id=d.id, pool=DISTRICT_POOLS_2022.get(d.name, 0) * 100) for d in districts]
    edition.criteria = [FeedbackCriterion(position=i, title=t, description=d) for i, (t, d) in enumerate(CRITERIA, 1)]
    db.session.add(edition)
    db.session.flush()
    return edition


def seed_areas():
    for district in db.session.scalars(select(District)):
        for name, description in AREAS.get(district.name, []):
            if editions.find_area(district.id, name) is None:
                editions.create_area(None, district, name, description)


def seed_ambassadors(edition, password):
    by_name = {d.name: d for d in db.session.scalars(select(District))}
    for email, name, district_name, area_name, status in AMBASSADORS:
        user = accounts.find_by_email(email) or accounts.register(name, email, password, locale="pl")
        if db.session.scalar(select(AmbassadorApplication).where(
                AmbassadorApplication.edition_id == edition.id, AmbassadorApplication.user_id == user.id)):
            continue
        district = by_name[district_name]
        area = editions.find_area(district.id, area_name) if area_name else None
        db.session.add(AmbassadorApplication(
            edition_id=edition.id, user_id=user.id, district_id=district.id, area_id=area.id if area else None,
            proposed_area_name=None if area else "Osiedle 2 Pułku Lotniczego",
            proposed_area_description=None if area else "Bloki przy al. Jana Pawła II.",
            motivation="Chcę pomóc sąsiadom zamienić pomysły na dobre propozycje zadań.",
            area_knowledge=f"Mieszkam w tej okolicy od lat i znam {district_name}.",
            phone="+48 600 100 200", publish_consent=True, status=status.value,
            decided_at=utcnow() if status == ApplicationStatus.APPROVED else None))
        if status == ApplicationStatus.APPROVED:
            accounts.grant_role(None, user, Role.AMBASSADOR)


def seed_training(edition):
    if db.session.scalar(select(TrainingItem).where(TrainingItem.edition_id == edition.id)):
        return
    items = [TrainingItem(edition_id=edition.id, position=i, title=t, description=d, link_url=link)
             for i, (t, d, link) in enumerate(TRAINING, 1)]
    db.session.add_all(items)
    db.session.flush()
    first_ambassador = accounts.find_by_email(AMBASSADORS[0][0])
    db.session.add_all(TrainingProgress(item_id=item.id, user_id=first_ambassador.id) for item in items[:2])


def seed_materials(edition):
    if db.session.scalar(select(Material).where(Material.edition_id == edition.id)):
        return
    debniki = db.session.scalar(select(District).where(District.name == "Dębniki"))
    db.session.add_all([
        Material(edition_id=edition.id, kind=MaterialKind.GUIDE.value, title="Regulamin budżetu obywatelskiego Krakowa",
                 description="Zasady, limity i harmonogram.", link_url="https://budzet.krakow.pl/"),
        Material(edition_id=edition.id, district_id=debniki.id, kind=MaterialKind.PAST_RESULTS.value,
                 title="Wyniki budżetu obywatelskiego 2022 – Dębniki",
                 description="Projekty, koszty i liczba głosów w dzielnicy VIII.", link_url="https://budzet.krakow.pl/"),
    ])


def seed(password):
    seed_areas()
    edition = seed_edition()
    seed_ambassadors(edition, password)
    seed_training(edition)
    seed_materials(edition)
