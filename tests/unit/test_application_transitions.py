"""Ambassador application services: every status × action either succeeds with an audit event or raises."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pbflow.accounts import services as accounts
from pbflow.accounts.exports import collect
from pbflow.accounts.models import Role, User
from pbflow.ambassadors import services
from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus, AreaFollower
from pbflow.core import clock
from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent
from pbflow.editions import services as editions
from pbflow.editions.models import Area, District, Edition
from pbflow.extensions import db
from tests.conftest import PASSWORD

ACTIONS = ["withdraw", "approve", "reject"]


def events(verb=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if verb:
        query = query.where(AuditEvent.verb == verb)
    return db.session.scalars(query).all()


def run(action, actor, application):
    if action == "withdraw":
        return services.withdraw(actor, application)
    if action == "approve":
        return services.approve(actor, application)
    return services.reject(actor, application, "Za mało informacji o osiedlu.")


@pytest.fixture
def edition(make_edition):
    return make_edition()


@pytest.fixture
def coordinator(make_user):
    return make_user("Anna Nowak", "koordynatorka@example.org", roles=[Role.COORDINATOR])


def submit(user, edition, area=None, district=None, **overrides):
    values = {"motivation": "Chcę pomóc sąsiadom w budżecie obywatelskim.",
              "area_knowledge": "Mieszkam na tym osiedlu od dwudziestu lat.", "phone": "600 100 200",
              "publish_consent": True, **overrides}
    district = district or db.session.get(District, area.district_id)
    return services.apply(db.session.get(User, user.id), db.session.get(Edition, edition.id), district,
                          area=db.session.get(Area, area.id) if area else None, **values)


# --- the transition table ------------------------------------------------------------

@pytest.mark.parametrize("status", list(ApplicationStatus))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_status_and_action(app, ctx, edition, make_ambassador, make_user, coordinator, status, action):
    applicant = make_user()
    stored = make_ambassador(edition, user=applicant, status=status)
    application = db.session.get(AmbassadorApplication, stored.id)
    actor = db.session.get(User, applicant.id if action == "withdraw" else coordinator.id)
    before = len(events())

    if status is ApplicationStatus.SUBMITTED:
        run(action, actor, application)
        db.session.flush()
        expected = {"withdraw": "withdrawn", "approve": "approved", "reject": "rejected"}[action]
        assert application.status == expected
        event = events(f"application.{expected}")[-1]
        assert (event.actor_id, event.object_type, event.object_id) == (actor.id, "ambassador_applications", application.id)
    else:
        with pytest.raises(services.TransitionNotAllowed) as raised:
            run(action, actor, application)
        assert application.status == status.value
        assert len(events()) == before
        assert str(raised.value)  # a message the user can read


def test_approving_sets_the_decision_grants_the_role_and_mails_the_applicant(app, ctx, edition, make_ambassador,
                                                                            make_user, coordinator):
    applicant = make_user("Zofia Łukasik", "zofia@example.org", locale="en")
    application = db.session.get(AmbassadorApplication, make_ambassador(edition, user=applicant,
                                                                        status=ApplicationStatus.SUBMITTED).id)
    accounts.revoke_role(None, application.user, Role.AMBASSADOR)
    services.approve(db.session.get(User, coordinator.id), application, status_url="http://pbflow.test/my")
    db.session.flush()
    assert application.decided_by_id == coordinator.id and application.decided_at is not None
    assert application.user.has_role(Role.AMBASSADOR)
    assert [e.data["role"] for e in events("role.granted") if e.object_id == applicant.id] == ["ambassador"]
    mail = outbox()[-1]
    assert mail.to == "zofia@example.org" and "Approved" in mail.subject
    assert "Hello Zofia Łukasik," in mail.body and "http://pbflow.test/my" in mail.body


def test_rejecting_needs_a_reason(app, ctx, edition, make_ambassador, coordinator):
    application = db.session.get(AmbassadorApplication,
                                 make_ambassador(edition, status=ApplicationStatus.SUBMITTED).id)
    with pytest.raises(services.ApplicationError):
        services.reject(db.session.get(User, coordinator.id), application, "   ")
    assert application.status == "submitted" and not events("application.rejected")


def test_a_deleted_applicant_cannot_be_approved(app, ctx, edition, make_ambassador, make_user, coordinator):
    applicant = make_user()
    application = db.session.get(AmbassadorApplication,
                                 make_ambassador(edition, user=applicant, status=ApplicationStatus.SUBMITTED).id)
    application.user.deleted_at = clock.now_in_warsaw().replace(tzinfo=None)
    with pytest.raises(services.TransitionNotAllowed):
        services.approve(db.session.get(User, coordinator.id), application)


# --- applying ------------------------------------------------------------------------

def test_applying_for_an_existing_area(app, ctx, edition, make_area, make_user):
    area, user = make_area(), make_user()
    application = submit(user, edition, area)
    assert application.status == "submitted" and application.area_id == area.id
    assert application.proposed_area_name is None and application.phone == "600 100 200"
    event = events("application.submitted")[-1]
    assert (event.actor_id, event.object_id, event.data["area_id"]) == (user.id, application.id, area.id)


def test_applying_for_a_new_area_then_approval_creates_it(app, ctx, edition, districts, make_user, coordinator):
    applicant = make_user()  # factories commit on their own connection: make them before reading
    district = db.session.get(District, districts[7].id)
    application = submit(applicant, edition, district=district, proposed_area_name="Osiedle Podwawelskie",
                         proposed_area_description="Między ulicą Kapelanka a Wisłą.")
    assert application.area_id is None and application.area_label == "Osiedle Podwawelskie"
    services.approve(db.session.get(User, coordinator.id), application)
    db.session.flush()
    area = application.area
    assert (area.name, area.district_id, area.description) == ("Osiedle Podwawelskie", district.id,
                                                               "Między ulicą Kapelanka a Wisłą.")
    assert events("area.created")[-1].object_id == area.id
    assert events("application.approved")[-1].data["new_area"] is True


def test_a_proposal_named_like_an_existing_area_is_linked_to_it(app, ctx, edition, districts, make_user, coordinator):
    applicant = make_user()
    district = db.session.get(District, districts[0].id)
    application = submit(applicant, edition, district=district, proposed_area_name="Kazimierz Południe")
    existing = editions.create_area(None, district, "kazimierz  POŁUDNIE")  # added by a coordinator meanwhile
    services.approve(db.session.get(User, coordinator.id), application)
    db.session.flush()
    assert application.area_id == existing.id
    assert db.session.scalar(select(func.count()).select_from(Area).where(Area.district_id == district.id)) == 1
    assert events("application.approved")[-1].data["new_area"] is False


def test_applying_twice_is_refused_but_after_withdrawing_it_works(app, ctx, edition, make_area, make_user):
    area, user = make_area(), make_user()
    first = submit(user, edition, area)
    with pytest.raises(services.AlreadyApplied):
        submit(user, edition, area)
    services.withdraw(db.session.get(User, user.id), first)
    second = submit(user, edition, area)
    assert second.id != first.id and second.status == "submitted"


def test_a_rejected_applicant_cannot_apply_again_in_the_same_edition(app, ctx, edition, make_ambassador, make_area,
                                                                    make_user):
    user, area = make_user(), make_area()
    make_ambassador(edition, user=user, status=ApplicationStatus.REJECTED)
    with pytest.raises(services.AlreadyApplied):
        submit(user, edition, area)


@pytest.mark.parametrize("shift", [timedelta(days=-30), timedelta(days=30)])
def test_applying_outside_the_recruitment_window_is_refused(app, ctx, edition, make_area, make_user, monkeypatch, shift):
    area, user = make_area(), make_user()
    day = clock.today() + shift
    monkeypatch.setattr(clock, "today", lambda: day)
    with pytest.raises(services.RecruitmentClosed) as raised:
        submit(user, edition, area)
    assert "Wspólne Projekty 2026" in str(raised.value)
    assert db.session.scalar(select(func.count()).select_from(AmbassadorApplication)) == 0


def test_the_area_must_be_in_the_chosen_district(app, ctx, edition, districts, make_area, make_user):
    area, user = make_area(districts[0]), make_user()
    with pytest.raises(services.ApplicationError):
        submit(user, edition, area, district=db.session.get(District, districts[1].id))


def test_consent_to_publication_is_required(app, ctx, edition, make_area, make_user):
    area, user = make_area(), make_user()
    with pytest.raises(services.ApplicationError):
        submit(user, edition, area, publish_consent=False)


# --- joining an area, and the person's own data --------------------------------------------

def test_joining_and_leaving_an_area_is_idempotent_and_audited(app, ctx, make_area, make_user):
    area, user = make_area(), make_user()
    user, area = db.session.get(User, user.id), db.session.get(Area, area.id)
    assert services.follow_area(user, area) is True
    assert services.follow_area(user, area) is False
    assert services.is_following(user, area)
    assert services.unfollow_area(user, area) is True
    assert services.unfollow_area(user, area) is False
    assert [e.verb for e in events() if e.object_type == "areas" and e.actor_id == user.id] == ["area.joined", "area.left"]


def test_the_data_download_has_applications_and_followed_areas(app, ctx, edition, make_area, make_user):
    area, user = make_area(name="Osiedle Azory"), make_user()
    submit(user, edition, area)
    services.follow_area(db.session.get(User, user.id), db.session.get(Area, area.id))
    document = collect(db.session.get(User, user.id))
    [application] = document["ambassador_applications"]
    assert application["area"] == "Osiedle Azory" and application["phone"] == "600 100 200"
    assert application["status"] == "submitted" and application["motivation"].startswith("Chcę")
    assert [f["area"] for f in document["followed_areas"]] == ["Osiedle Azory"]


def test_deleting_the_account_erases_the_phone_withdraws_and_leaves_areas(app, ctx, edition, make_area, make_user):
    area, user = make_area(), make_user()
    application = submit(user, edition, area)
    services.follow_area(db.session.get(User, user.id), db.session.get(Area, area.id))
    accounts.delete_account(db.session.get(User, user.id), PASSWORD)
    db.session.flush()
    assert application.phone is None and application.status == "withdrawn"
    assert db.session.scalar(select(func.count()).select_from(AreaFollower)) == 0
