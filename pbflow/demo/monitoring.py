"""Monitoring demo data: the current edition's indicators (computed from pbflow's data, two recorded by
hand with their measurements, one set for a district), some thirty activities recorded by the demo
partner and the coordinator over the weeks since recruitment opened, and one kept report for an
earlier period, so the dashboard shows "since the last report".

Indicators, measurements, activities and the report go through the services (define_indicator,
record_measurement, record_activity, reports.make), so the audit trail looks as in real use; every day
lies within the edition's span and on or before today, as those services require. Each piece is looked
up first: running the demo twice adds nothing.

The demo's expert feedback is published seconds after its proposals were routed, so "median days to
feedback" would read 0; its rounds are dated back here (Feedback.round_started_at, which only
monitoring reads) as if the units had taken one to two weeks.
"""

from datetime import timedelta
from itertools import cycle

from sqlalchemy import select

from pbflow.accounts import services as accounts
from pbflow.core import clock
from pbflow.editions import services as editions
from pbflow.editions.models import District, Edition
from pbflow.extensions import db
from pbflow.feedback.models import Feedback, FeedbackStatus
from pbflow.monitoring import reports, services
from pbflow.monitoring.models import RECORDED, Activity, Indicator, Report
from pbflow.monitoring.sources import SOURCES
from pbflow.proposals.models import Proposal

COORDINATOR = "koordynator@example.org"
PARTNER = "partner@example.org"
FEEDBACK_DAYS = (9, 12, 14, 17)  # how long the units took with the demo's published feedback, in turn

FIRST_TIME = "Mieszkańcy, którzy po raz pierwszy wzięli udział w BO"
SATISFIED = "Odsetek uczestników zadowolonych ze szkoleń"
# (name_pl, name_en, kind, source, unit of a recorded one, baseline, target, district) — figures in units
INDICATORS = [
    ("Zatwierdzeni ambasadorzy partycypacji", "Participation ambassadors approved", "output",
     "ambassadors_approved", None, 0, 18, None),
    ("Uczestnicy spotkań mieszkańców", "Participants at residents' meetings", "output",
     "meeting_participants", None, 0, 400, None),
    ("Godziny szkoleń", "Training hours", "output", "training_hours", None, 0, 328, None),
    ("Godziny doradztwa", "Advice hours", "output", "advice_hours", None, 0, 511, None),
    ("Szkolenia, dyżury i wydarzenia w Podgórzu Duchackim", "Trainings, advice sessions and events in "
     "Podgórze Duchackie", "output", "activity_sessions", None, 0, 27, "Podgórze Duchackie"),
    ("Propozycje złożone na platformie miasta", "Proposals submitted to the city's platform", "result",
     "proposals_submitted", None, 0, 60, None),
    ("Mediana dni od wysłania do opinii eksperta", "Median days from sending to expert feedback", "result",
     "median_days_to_feedback", None, 21, 10, None),
    ("Mieszkańcy zaangażowani w ścieżkę", "Residents involved in the pathway", "result",
     "residents_involved", None, 0, 500, None),
    (FIRST_TIME, "Residents taking part in PB for the first time", "result", RECORDED, "people", 0, 96, None),
    (SATISFIED, "Share of participants satisfied with the trainings", "result", RECORDED, "percent", 70, 85, None),
]
# name_pl: [(days ago, value, where the figure comes from)]
MEASUREMENTS = {
    FIRST_TIME: [(40, 38, "Listy obecności i ankiety na wejściu, pierwsze dwa tygodnie rekrutacji"),
                 (19, 87, "Listy obecności ze spotkań i szkoleń, stan na koniec października"),
                 (3, 130, "Listy obecności i ankiety, stan bieżący")],
    SATISFIED: [(36, 78.5, "Ankiety po szkoleniach, 42 odpowiedzi"),
                (6, 83, "Ankiety po szkoleniach, 117 odpowiedzi")],
}

LED_BY = {"bw": "Barbara Wróbel", "kn": "Kamil Nowicki", "pk": "Piotr Kowalski (ambasador)",
          "mw": "Magdalena Wójcik (ambasadorka)", "tl": "Tomasz Lewandowski (ambasador)", "an": "Anna Nowak"}
# (days ago, kind, title, hours, participants, of them new to PB, district, area, led by, note)
ACTIVITIES = [
    (48, "training", "Szkolenie wstępne dla ambasadorów: zasady budżetu obywatelskiego", 4, 14, 6, None, None, "an",
     "Regulamin, harmonogram edycji, rola ambasadora."),
    (46, "event", "Stoisko informacyjne na Rynku Podgórskim", 5, 60, 38, "Podgórze", "Płaszów", "bw",
     "Ulotki i mapa pomysłów; wiele osób pierwszy raz słyszało o BO."),
    (45, "advice", "Dyżur doradczy w Centrum Aktywności Seniorów", 3, 8, 5, "Dębniki", "Ruczaj", "pk",
     "Pytania o to, kto może zgłosić propozycję."),
    (43, "training", "Szkolenie dla ambasadorów: jak prowadzić spotkanie mieszkańców", 6, 12, 0, None, None, "kn",
     "Agenda, lista obecności, notatka ze spotkania; ćwiczenia w parach."),
    (41, "advice", "Dyżur konsultacyjny w bibliotece na Pleszowie", 3, 6, 4, "Nowa Huta", "Pleszów", "tl", ""),
    (40, "consultation", "Konsultacje z radą dzielnicy Podgórze Duchackie", 2, 15, 2, "Podgórze Duchackie", None,
     "bw", "Rada wskazała tereny miejskie, na których można planować zadania."),
    (38, "advice", "Dyżur doradczy na Kurdwanowie", 3, 9, 6, "Podgórze Duchackie", "Kurdwanów", "mw",
     "Dwa pomysły na podwórka szkolne."),
    (36, "training", "Warsztat: diagnoza potrzeb lokalnych", 4, 18, 9, "Bronowice", None, "kn",
     "Spacer badawczy i mapa potrzeb."),
    (35, "event", "Kawiarenka obywatelska dla seniorów", 2, 22, 15, "Podgórze Duchackie", "Wola Duchacka", "bw",
     "Rozmowy przy kawie o tym, czego brakuje na osiedlu."),
    (33, "advice", "Dyżur doradczy online", 4, 11, 7, None, None, "kn", "Głównie pytania o kosztorys."),
    (31, "consultation", "Spacer badawczy po Ruczaju", 2, 16, 10, "Dębniki", "Ruczaj", "pk",
     "Trasa od pętli przy Czerwone Maki do Kobierzyńskiej."),
    (30, "training", "Szkolenie online: od pomysłu do propozycji zadania", 3, 34, 21, None, None, "an",
     "Nagranie udostępnione uczestnikom."),
    (28, "advice", "Dyżur doradczy w Klubie Kultury Bronowice Małe", 3, 7, 3, "Bronowice", "Bronowice Małe", "bw", ""),
    (27, "training", "Warsztat kosztorysowania propozycji", 5, 19, 8, "Podgórze Duchackie", None, "kn",
     "Ceny jednostkowe z poprzednich edycji, koszt utrzymania."),
    (25, "event", "Spotkanie informacyjne w szkole na Kurdwanowie", 2, 45, 30, "Podgórze Duchackie", "Kurdwanów",
     "mw", "Rodzice uczniów SP nr 162."),
    (23, "advice", "Dyżur konsultacyjny: kosztorysy (telefon i e-mail)", 6, 14, 4, None, None, "bw",
     "Czternaście rozmów, większość o nawierzchniach i nasadzeniach."),
    (21, "consultation", "Konsultacje z Zarządem Zieleni Miejskiej: łąki kwietne", 2, 9, 1, None, None, "an",
     "Wstępne opinie do trzech pomysłów zieleni."),
    (20, "advice", "Dyżur doradczy w Nowej Hucie", 4, 10, 6, "Nowa Huta", None, "tl", ""),
    (18, "training", "Szkolenie: dostępność projektów dla osób z niepełnosprawnościami", 3, 16, 5, None, None,
     "kn", "Z udziałem pełnomocnika ds. osób z niepełnosprawnościami."),
    (16, "event", "Gra miejska „Budżet w Nowej Hucie”", 4, 52, 33, "Nowa Huta", "Osiedla wokół Placu Centralnego",
     "tl", "Dwanaście drużyn, zadania przy Placu Centralnym."),
    (15, "advice", "Dyżur doradczy na Kurdwanowie", 3, 12, 5, "Podgórze Duchackie", "Kurdwanów", "mw",
     "Pomoc w opisie lokalizacji i celu zadania."),
    (13, "consultation", "Konsultacje z Zarządem Dróg: bezpieczne przejścia", 2, 8, 0, "Bronowice", None, "an",
     "Opinia o wyniesionym przejściu przy szkole."),
    (12, "training", "Warsztat: zieleń w propozycjach zadań", 4, 21, 11, "Dębniki", None, "kn",
     "Gatunki rodzime, koszt pielęgnacji, ogrody deszczowe."),
    (10, "advice", "Dyżur doradczy w Centrum Aktywności Seniorów", 3, 7, 2, "Dębniki", "Ruczaj", "pk", ""),
    (9, "event", "Kino plenerowe i stoisko BO na Zabłociu", 3, 40, 27, "Podgórze", "Zabłocie", "bw",
     "Pokaz filmu o budżetach obywatelskich w innych miastach."),
    (7, "training", "Szkolenie dla seniorów: jak zgłosić pomysł", 2, 13, 10, "Podgórze Duchackie", "Wola Duchacka",
     "bw", "Zajęcia przy komputerach w bibliotece."),
    (6, "consultation", "Konsultacje z radą dzielnicy Nowa Huta", 2, 11, 1, "Nowa Huta", None, "tl", ""),
    (4, "advice", "Dyżur doradczy online", 5, 13, 5, None, None, "kn", "Pytania o współautorów i zgody."),
    (2, "advice", "Dyżur konsultacyjny w bibliotece na Pleszowie", 3, 5, 2, "Nowa Huta", "Pleszów", "tl", ""),
    (1, "training", "Szkolenie: odpowiedź na opinię eksperta", 3, 17, 4, None, None, "an",
     "Jak poprawić propozycję po uwagach jednostki."),
]
REPORT_ENDS_DAYS_AGO = 25  # the kept report covers recruitment opening up to this day


def _hundredths(value):
    return round(value * 100)


def _date_feedback_rounds(edition):
    rows = db.session.scalars(
        select(Feedback).join(Proposal, Proposal.id == Feedback.proposal_id)
        .where(Proposal.edition_id == edition.id, Feedback.status == FeedbackStatus.PUBLISHED.value)
        .order_by(Feedback.id)).all()
    for feedback, days in zip(rows, cycle(FEEDBACK_DAYS)):  # noqa: B905 - cycle never ends
        feedback.round_started_at = feedback.published_at - timedelta(days=days)


def seed_indicators(coordinator, edition, today):
    districts = {d.name: d.id for d in db.session.scalars(select(District))}
    for name_pl, name_en, kind, source, unit, baseline, target, district in INDICATORS:
        indicator = services.define_indicator(coordinator, edition, {
            "name_pl": name_pl, "name_en": name_en, "kind": kind, "source": source,
            "unit": unit or SOURCES[source].unit.value, "baseline": _hundredths(baseline),
            "target": _hundredths(target), "district_id": districts[district] if district else None,
            "area_id": None})
        for days_ago, value, note in MEASUREMENTS.get(name_pl, []):
            services.record_measurement(coordinator, indicator, edition, _hundredths(value),
                                        today - timedelta(days=days_ago), note)


def seed_activities(people, edition, today):
    districts = {d.name: d for d in db.session.scalars(select(District))}
    for days_ago, kind, title, hours, participants, new, district, area, led_by, note in ACTIVITIES:
        place = districts[district] if district else None
        found = editions.find_area(place.id, area) if area else None
        recorder = people["coordinator"] if led_by == "an" else people["partner"]
        services.record_activity(recorder, edition, {
            "kind": kind, "title": title, "held_on": today - timedelta(days=days_ago), "minutes": round(hours * 60),
            "participants": participants, "new_participants": new, "district_id": place.id if place else None,
            "area_id": found.id if found else None, "led_by": LED_BY[led_by], "note": note})


def seed_report(coordinator, edition, today):
    """A report kept for the weeks up to REPORT_ENDS_DAYS_AGO, dated the day after its period."""
    first, _last = services.edition_span(edition)
    last_day = today - timedelta(days=REPORT_ENDS_DAYS_AGO)
    report = reports.make(coordinator, edition, first, last_day, "pl")
    report.created_at -= timedelta(days=REPORT_ENDS_DAYS_AGO - 1)


def seed(edition_name):
    """Indicators with measurements, activities and a kept report in the edition; the demo partner is one
    of DEMO_USERS (pbflow/demo/__init__.py), so scripts/run prints its login."""
    edition = db.session.scalar(select(Edition).where(Edition.name == edition_name))
    if edition is None:
        return
    today = clock.today()
    people = {"coordinator": accounts.find_by_email(COORDINATOR), "partner": accounts.find_by_email(PARTNER)}
    if db.session.scalar(select(Indicator.id).where(Indicator.edition_id == edition.id).limit(1)) is None:
        _date_feedback_rounds(edition)
        seed_indicators(people["coordinator"], edition, today)
    if db.session.scalar(select(Activity.id).where(Activity.edition_id == edition.id).limit(1)) is None:
        seed_activities(people, edition, today)
    if db.session.scalar(select(Report.id).where(Report.edition_id == edition.id).limit(1)) is None:
        seed_report(people["coordinator"], edition, today)
