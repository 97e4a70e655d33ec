"""Command-line tasks a city's administrator runs."""

from sqlalchemy import func, select

from pbflow.accounts.models import Role, User
from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.demo import DEMO_PASSWORD, DEMO_USERS, stage_one
from pbflow.demo import feedback as demo_feedback
from pbflow.demo import marathons as demo_marathons
from pbflow.demo import meetings as demo_meetings
from pbflow.demo import proposals as demo_proposals
from pbflow.editions.models import District, Edition
from pbflow.extensions import db
from pbflow.feedback.models import UnitMembership, VerifyingUnit


def counts(app, models=(District, VerifyingUnit, User, UnitMembership)):
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in models}


def test_demo_data_loads_krakow_and_one_person_per_role_and_is_safe_twice(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    first = counts(app)
    extra_ambassadors = {a[0] for a in stage_one.AMBASSADORS} - {u[0] for u in DEMO_USERS}
    people = (len(DEMO_USERS) + len(extra_ambassadors) + len(demo_proposals.DEMO_RESIDENTS)
              + len(demo_feedback.EXPERTS))
    assert first == {"District": 18, "VerifyingUnit": 7, "User": people, "UnitMembership": 1 + len(demo_feedback.EXPERTS)}
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(app) == first
    with app.app_context():
        names = db.session.scalars(select(District.name).order_by(District.number)).all()
        assert names[0] == "Stare Miasto" and names[-1] == "Nowa Huta" and "Łagiewniki-Borek Fałęcki" in names
        coordinator = db.session.scalar(select(User).where(User.email == "koordynator@example.org"))
        assert coordinator.has_role(Role.COORDINATOR)


def test_demo_data_brings_krakows_real_past_results(app, runner, client, english):
    from pbflow.past_results.models import PastResult

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PastResult)) == 95
    assert "2018" in client.get("/results/citywide").get_data(as_text=True)


def test_demo_logins_work(app, runner, login):
    runner.invoke(args=["seed-demo"])
    client = app.test_client()
    login(client, "koordynator@example.org", DEMO_PASSWORD)
    assert client.get("/users/").status_code == 200
    partner = app.test_client()
    login(partner, "partner@example.org", DEMO_PASSWORD)
    assert partner.get("/monitoring/activities").status_code == 200


def test_seed_if_empty_leaves_a_used_database_alone(app, runner, make_user):
    make_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert counts(app)["District"] == 0


def test_create_user_creates_a_coordinator(app, runner, login):
    result = runner.invoke(args=["create-user", "Maria@Example.org", "--name", "Maria Dąbrowska",
                                 "--role", "coordinator", "--password", "sekretne hasło krakowskie"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        verbs = db.session.scalars(select(AuditEvent.verb).order_by(AuditEvent.id)).all()
        assert verbs == ["account.registered", "role.granted"]
    client = app.test_client()
    login(client, "maria@example.org", "sekretne hasło krakowskie")
    assert client.get("/users/").status_code == 200


def test_create_user_promotes_an_existing_user(app, runner, make_user):
    person = make_user(email="jan@example.org")
    result = runner.invoke(args=["create-user", "JAN@example.org", "--role", "expert", "--role", "ambassador"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, person.id).role_names == {Role.EXPERT, Role.AMBASSADOR}


def test_create_user_refuses_weak_passwords_and_missing_names(runner):
    result = runner.invoke(args=["create-user", "x@example.org", "--name", "X", "--password", "short"])
    assert result.exit_code != 0 and "at least 10" in result.output
    result = runner.invoke(args=["create-user", "y@example.org", "--password", "long enough password"])
    assert result.exit_code != 0 and "--name" in result.output


def test_demo_edition_is_current_with_meetings_open_areas_ambassadors_and_training(app, runner):
    from pbflow.ambassadors.models import AmbassadorApplication, TrainingItem
    from pbflow.editions import services as editions
    from pbflow.editions.models import Area, Stage

    runner.invoke(args=["seed-demo"])
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        edition = editions.current_edition()
        assert edition.name == stage_one.EDITION_NAME
        assert editions.open_stage(edition) == Stage.MEETINGS
        assert {b.district.name: b.pool for b in edition.budgets}["Dębniki"] == 2_415_205_00
        assert len(edition.criteria) == 6
        assert db.session.scalar(select(func.count()).select_from(Area)) == 36
        statuses = db.session.scalars(select(AmbassadorApplication.status)).all()
        assert statuses.count("approved") == 4 and statuses.count("submitted") == 2
        assert db.session.scalar(select(func.count()).select_from(TrainingItem)) == 5


def test_demo_proposals_walk_the_pathway_with_versions_co_authors_and_costs(app, runner):
    from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalVersion

    runner.invoke(args=["seed-demo"])
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        current = db.session.scalar(select(Edition.id).where(Edition.is_current))
        found = db.session.scalars(select(Proposal).where(Proposal.edition_id == current).order_by(Proposal.id)).all()
        assert [p.status for p in found] == ["draft", "in_consultation", "feedback_received", "revising", "ready",
                                             "withdrawn"]
        assert [p.title for p in found] == [spec["title"] for spec in demo_proposals.PROPOSALS]
        assert [p.current_version for p in found] == [2, 2, 1, 2, 3, 1]
        assert [p.is_public for p in found] == [False, False, False, False, True, False]
        assert found[4].scope == "citywide" and found[4].district_id is None
        versions = db.session.scalars(select(ProposalVersion).where(ProposalVersion.proposal_id == found[3].id)
                                      .order_by(ProposalVersion.number)).all()
        assert versions[1].total_cost - versions[0].total_cost == 2 * 14_500_00 + 32_000_00
        assert found[3].total_cost == versions[1].total_cost == sum(line["amount"] for line in versions[1].cost_lines)
        roles = db.session.execute(select(ProposalAuthor.proposal_id, ProposalAuthor.role).where(
            ProposalAuthor.proposal_id.in_([p.id for p in found]))).all()
        assert sorted(p for p, role in roles if role == "lead") == [p.id for p in found]
        assert len(roles) == 11
        verbs = db.session.scalars(select(AuditEvent.verb).where(AuditEvent.object_id == found[4].id,
                                                                 AuditEvent.object_type == "proposals")).all()
        assert verbs[-2:] == ["proposal.mark_ready", "proposal.published"]


def test_demo_stage_three_routes_proposals_with_feedback_answers_a_workshop_and_consultations(app, runner):
    """The demo expert has a proposal awaiting the unit's feedback; published feedback moved proposals on;
    the revised one answered its point; a workshop, free consultation times and one booking; safe twice."""
    from pbflow.feedback.models import (
        AnswerSnippet,
        Feedback,
        FeedbackPoint,
        InternalNote,
        PointAnswer,
        Routing,
        VerifyingUnit,
    )
    from pbflow.proposals.models import Proposal
    from pbflow.workshops.models import (
        ConsultationBooking,
        ConsultationSlot,
        Workshop,
        WorkshopInvite,
    )

    models = (Routing, Feedback, FeedbackPoint, PointAnswer, AnswerSnippet, InternalNote, Workshop, WorkshopInvite,
              ConsultationSlot, ConsultationBooking)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = counts(app, models)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(app, models) == first
    assert first["Routing"] == 6 and first["Feedback"] == 4 and first["Workshop"] == 1
    assert first["ConsultationSlot"] == 4 and first["ConsultationBooking"] == 1 and first["PointAnswer"] == 1
    with app.app_context():
        green = db.session.scalar(select(VerifyingUnit).where(VerifyingUnit.code == "green"))
        assert "łąki kwietne" in green.responsibilities
        pending = db.session.execute(select(Proposal.title, Routing.status).join(Routing).where(
            Routing.unit_id == green.id)).all()
        assert ("Siłownia plenerowa na Kurdwanowie", "pending") in pending
        crossing = db.session.scalar(select(Proposal).where(Proposal.title.like("Bezpieczne przejście%")))
        [point] = db.session.scalars(select(FeedbackPoint).where(FeedbackPoint.proposal_id == crossing.id,
                                                                 FeedbackPoint.answer_status != "none")).all()
        assert (point.answer_status, point.answered_in_version) == ("changed", 2)


def test_demo_stage_four_has_a_marathon_with_bookings_and_last_years_submissions_with_decisions(app, runner,
                                                                                                client, login):
    """The current edition's marathon (three times, two helpers, two booked proposals), last year's
    edition with three recorded submissions and the city's decisions, and a practice edition whose marathon
    runs now; the export lists last year's; safe twice."""
    from pbflow.marathons.models import (
        Marathon,
        MarathonBooking,
        MarathonHelper,
        MarathonSlot,
        OfficialOutcome,
        Submission,
    )

    models = (Marathon, MarathonSlot, MarathonHelper, MarathonBooking, Submission, OfficialOutcome)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = counts(app, models)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(app, models) == first
    # + the practice edition's marathon running now: three times, one helper, two booked proposals
    assert first == {"Marathon": 3, "MarathonSlot": 7, "MarathonHelper": 4, "MarathonBooking": 7, "Submission": 3,
                     "OfficialOutcome": 3}
    with app.app_context():
        past = db.session.scalar(select(Edition).where(Edition.name == demo_marathons.PAST_EDITION))
        assert not past.is_current and past.marathons_close < clock.today()
        slots = db.session.scalars(select(MarathonSlot)).all()
        assert all(slot.booked_seats == db.session.scalar(select(func.count()).select_from(MarathonBooking).where(
            MarathonBooking.slot_id == slot.id, MarathonBooking.status == "active")) for slot in slots)
    login(client, "koordynator@example.org", DEMO_PASSWORD)
    export = client.get(f"/marathons/submitted/{past.id}.csv").get_data(as_text=True)
    assert "WPD.0117.2026" in export and "Ławki i stoliki na bulwarze przy Kolnej" in export


def test_demo_meetings_are_held_upcoming_and_online_and_safe_twice(app, runner):
    from pbflow.editions.models import Area
    from pbflow.meetings import records
    from pbflow.meetings.models import (
        Comment,
        Idea,
        IdeaSupport,
        Meeting,
        MeetingSignup,
        Need,
        Venue,
        WalkIn,
    )
    from pbflow.proposals.models import Proposal

    models = (Venue, Meeting, MeetingSignup, WalkIn, Need, Idea, IdeaSupport, Comment)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = counts(app, models)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(app, models) == first
    assert first["Venue"] == 4 and first["Meeting"] == 5  # held, going on now, two upcoming, online
    with app.app_context():
        found = {m.title: m for m in db.session.scalars(select(Meeting))}
        held = found[demo_meetings.HELD_TITLE]
        assert held.status == "held" and held.held_at is not None
        assert held.attendance == records.counted_attendance(held) == 5 + 2 + 3
        draft = db.session.scalar(select(Proposal).where(Proposal.title == demo_meetings.LINKED_DRAFT))
        assert draft.origin_meeting_id == held.id
        assert db.session.scalar(select(Idea.proposal_id).where(Idea.meeting_id == held.id,
                                                                Idea.title == draft.title)) == draft.id
        for meeting in found.values():
            seats = db.session.scalars(select(MeetingSignup.seats).where(MeetingSignup.meeting_id == meeting.id,
                                                                         MeetingSignup.status == "confirmed")).all()
            assert meeting.confirmed_seats == sum(seats) <= meeting.capacity
            assert meeting.district_id == db.session.get(Area, meeting.area_id).district_id
        planned = [m for m in found.values() if m.status == "planned" and not m.is_online]
        assert len(planned) == 3 and all(m.free_seats > 0 for m in planned) and any(m.what_to_bring for m in planned)
        now = found[demo_meetings.TODAY_TITLE]  # begun, for its ambassador to record
        assert now.starts_at <= utcnow() < now.ends_at and records.held_refused(now) == ""
        online = found[demo_meetings.ONLINE_TITLE]
        from pbflow.meetings import discussion

        assert discussion.phase(online) is discussion.Phase.OPEN
        for idea in db.session.scalars(select(Idea).where(Idea.meeting_id == online.id)):
            assert idea.support_count == db.session.scalar(
                select(func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea.id))
        assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.parent_id.is_not(None))) == 3


def _indicator_row(page, name):
    """The dashboard's table row of the indicator called `name`."""
    import re

    return next(row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if name in row)


def test_demo_monitoring_has_indicators_activities_and_a_kept_report_and_the_dashboard_shows_them(app, runner, login):
    """Computed and recorded indicators (one set for a district), activities recorded by the demo partner,
    a report kept for an earlier period; the dashboard shows their values to a visitor and a coordinator in
    both languages; safe twice."""
    from pbflow.demo import monitoring as demo_monitoring
    from pbflow.monitoring import services as monitoring
    from pbflow.monitoring.models import Activity, Indicator, Measurement, Report

    models = (Indicator, Measurement, Activity, Report)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = counts(app, models)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(app, models) == first
    assert first == {"Indicator": len(demo_monitoring.INDICATORS), "Activity": len(demo_monitoring.ACTIVITIES),
                     "Measurement": sum(len(found) for found in demo_monitoring.MEASUREMENTS.values()), "Report": 1}
    today = clock.today()
    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.name == stage_one.EDITION_NAME))
        first_day, last_day = monitoring.edition_span(edition)
        days = db.session.scalars(select(Activity.held_on)).all() + db.session.scalars(
            select(Measurement.measured_on)).all()
        assert all(first_day <= day <= min(today, last_day) for day in days)
        partner = db.session.scalar(select(User).where(User.email == demo_monitoring.PARTNER))
        assert partner.has_role(Role.PARTNER)
        assert db.session.scalar(select(func.count()).select_from(Activity).where(
            Activity.recorded_by_id == partner.id)) > len(demo_monitoring.ACTIVITIES) // 2
        assert db.session.scalar(select(func.count()).select_from(Indicator).where(
            Indicator.district_id.is_not(None))) == 1
        report = db.session.scalar(select(Report))
        assert report.period_end < today and report.figures["activities"]

    training_hours = sum(a[3] for a in demo_monitoring.ACTIVITIES if a[1] == "training")
    first_time = demo_monitoring.MEASUREMENTS[demo_monitoring.FIRST_TIME][-1][1]
    visitor, coordinator = app.test_client(), app.test_client()
    login(coordinator, "koordynator@example.org", DEMO_PASSWORD)
    for language, names in (("pl", ("Godziny szkoleń", demo_monitoring.FIRST_TIME)),
                            ("en", ("Training hours", "Residents taking part in PB for the first time"))):
        app.extensions["babel"].locale_selector = lambda language=language: language
        for client in (visitor, coordinator):
            response = client.get(f"/monitoring/?edition={edition.id}")
            assert response.status_code == 200
            page = response.get_data(as_text=True)
            computed, recorded = (_indicator_row(page, name) for name in names)
            assert f">{training_hours}</td>" in computed
            assert f">{first_time}</td>" in recorded and "+" in recorded  # a change since the kept report
