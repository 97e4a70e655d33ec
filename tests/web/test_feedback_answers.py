"""Authors answer feedback points (changed / not changed / a question), experts reply in the thread;
the proposal page shows each point's answer status with the link to the comparison."""

import dataclasses
import re

import pytest
from sqlalchemy import select

from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.feedback.models import FEEDBACK_TEXT_MAX, FeedbackPoint, PointAnswer
from pbflow.proposals import services as proposals
from pbflow.proposals.models import Proposal


def new_version(app, proposal, author, title):
    """The authors save a changed text: the next version (a feedback_received proposal starts revising)."""
    with app.test_request_context():
        row = db.session.get(Proposal, proposal.id)
        content = dataclasses.replace(proposals.Content.of(proposals.get_version(row)), title=title)
        proposals.save_version(db.session.merge(author), row, content, row.current_version)
        number = row.current_version
        db.session.commit()
        return number


def points_of(app, feedback):
    with app.app_context():
        return {p.position: p.id for p in db.session.scalars(
            select(FeedbackPoint).where(FeedbackPoint.feedback_id == feedback.id))}


def point_row(app, point_id):
    with app.app_context():
        point = db.session.get(FeedbackPoint, point_id)
        return point.answer_status, point.answered_in_version


def thread(app, point_id):
    with app.app_context():
        return [(a.kind, a.version_number, a.body) for a in db.session.scalars(
            select(PointAnswer).where(PointAnswer.point_id == point_id).order_by(PointAnswer.id))]


def notified(app, user, kind):
    with app.app_context():
        return db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind == kind)).all()


def url(proposal_id, point_id):
    return f"/proposals/{proposal_id}/points/{point_id}/answers"


def form(point_id, kind, body="", version=""):
    return {f"point-{point_id}-kind": kind, f"point-{point_id}-body": body, f"point-{point_id}-version": version}


@pytest.fixture
def scene(app, make_user, make_edition, make_proposal, make_unit, make_expert, make_routing, make_feedback):
    """A proposal with feedback from two units: green spaces asks for changes on two points, roads is happy."""
    edition = make_edition(open_stage="workshops", criteria=True)
    lead, co_author = make_user("Zofia Dąbrowska"), make_user("Marek Lis")
    proposal = make_proposal(edition, author=lead, co_authors=[co_author], status="feedback_received")
    green, roads = make_unit(), make_unit(name="Drogi Testowe Krakowa", short_name="ZDMK")
    green_expert, roads_expert = make_expert(green, name="Ewa Wiśniewska"), make_expert(roads)
    green_feedback = make_feedback(make_routing(proposal, green), author=green_expert,
                                   results={1: "needs_change", 2: "does_not_meet"})
    roads_feedback = make_feedback(make_routing(proposal, roads), author=roads_expert, verdict="ready")
    points = points_of(app, green_feedback)
    return {"edition": edition, "lead": lead, "co_author": co_author, "proposal": proposal, "green": green,
            "green_expert": green_expert, "roads_expert": roads_expert, "green_feedback": green_feedback,
            "roads_feedback": roads_feedback, "point": points[1], "other_point": points[2], "meets": points[0]}


def test_changed_names_the_new_version_and_tells_the_experts(app, client, login, scene):
    number = new_version(app, scene["proposal"], scene["lead"], "Plac zabaw i ławki przy Zielonej")
    login(client, scene["co_author"])
    response = client.post(url(scene["proposal"].id, scene["point"]),
                           data=form(scene["point"], "changed", "Dodaliśmy ławki.", str(number)))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/proposals/{scene['proposal'].id}#point-{scene['point']}"
    assert point_row(app, scene["point"]) == ("changed", 2)
    assert thread(app, scene["point"]) == [("changed", 2, "Dodaliśmy ławki.")]
    assert [n.data["title"] for n in notified(app, scene["green_expert"], "answer_posted")] == [
        "Plac zabaw i ławki przy Zielonej"]
    assert notified(app, scene["roads_expert"], "answer_posted") == []
    assert notified(app, scene["lead"], "answer_posted") == []
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "feedback_point.changed"))
        assert (event.actor_id, event.object_id, event.data["version"]) == (scene["co_author"].id, scene["point"], 2)


def test_not_changed_and_a_question_then_the_experts_reply(app, client, login, scene):
    login(client, scene["lead"])
    assert client.post(url(scene["proposal"].id, scene["point"]),
                       data=form(scene["point"], "not_changed", "Działka należy do miasta.")).status_code == 303
    assert point_row(app, scene["point"]) == ("not_changed", None)
    assert client.post(url(scene["proposal"].id, scene["other_point"]),
                       data=form(scene["other_point"], "question", "Czy wystarczy mniejszy plac?")).status_code == 303
    assert point_row(app, scene["other_point"]) == ("question", None)
    login(client, scene["green_expert"])
    response = client.post(url(scene["proposal"].id, scene["other_point"]),
                           data=form(scene["other_point"], "reply", "Tak, do 300 m² wystarczy."))
    assert response.status_code == 303
    assert point_row(app, scene["other_point"]) == ("question", None)  # a question until the authors answer
    assert [kind for kind, _v, _b in thread(app, scene["other_point"])] == ["question", "reply"]
    for author in (scene["lead"], scene["co_author"]):
        assert len(notified(app, author, "expert_replied")) == 1
    assert notified(app, scene["green_expert"], "expert_replied") == []
    login(client, scene["lead"])
    assert client.post(url(scene["proposal"].id, scene["other_point"]),
                       data=form(scene["other_point"], "not_changed", "Zostajemy przy 400 m².")).status_code == 303
    assert point_row(app, scene["other_point"]) == ("not_changed", None)
    with app.app_context():  # the page says where each point stands (English wording)
        app.extensions["babel"].locale_selector = lambda: "en"
    html = client.get(f"/proposals/{scene['proposal'].id}").get_data(as_text=True)
    box = html.split(f'id="point-{scene["other_point"]}-thread"')[1].split("</ol>")[0]
    assert "not changed:" in box and "Zostajemy przy 400 m²." in box
    assert box.index("Czy wystarczy mniejszy plac?") < box.index("Tak, do 300 m² wystarczy.")  # oldest first


@pytest.mark.parametrize("version", ["1", "3", "abc", ""])
def test_changed_needs_a_version_newer_than_the_one_read_that_exists(app, client, login, scene, english, version):
    new_version(app, scene["proposal"], scene["lead"], "Plac zabaw i ławki przy Zielonej")
    login(client, scene["lead"])
    response = client.post(url(scene["proposal"].id, scene["point"]),
                           data=form(scene["point"], "changed", "Mój komentarz zostaje", version))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose" in html and "Mój komentarz zostaje</textarea>" in html
    assert thread(app, scene["point"]) == [] and point_row(app, scene["point"]) == ("open", None)


@pytest.mark.parametrize("kind, body, message", [
    ("not_changed", "   ", "Write your answer first."),
    ("question", "", "Write your question first."),
    ("not_changed", "ą" * (FEEDBACK_TEXT_MAX + 1), "Use at most 10000 characters."),
    ("", "Bez rodzaju", "Choose what kind of answer this is."),
    ("maybe", "Nie wiem", "Choose what kind of answer this is."),
])
def test_bad_answers_come_back_with_the_message(app, client, login, scene, english, kind, body, message):
    login(client, scene["lead"])
    response = client.post(url(scene["proposal"].id, scene["point"]), data=form(scene["point"], kind, body))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert thread(app, scene["point"]) == []


def test_a_point_of_another_proposal_or_of_a_draft_is_not_found(app, client, login, scene, make_proposal,
                                                                make_routing, make_feedback, make_unit):
    other = make_proposal(scene["edition"], author=scene["lead"], status="feedback_received")
    other_point = points_of(app, make_feedback(make_routing(other, scene["green"]), results={1: "needs_change"}))[1]
    login(client, scene["lead"])
    assert client.post(url(scene["proposal"].id, other_point),
                       data=form(other_point, "not_changed", "Nie.")).status_code == 404
    draft_unit = make_unit()
    draft = make_feedback(make_routing(scene["proposal"], draft_unit), results={1: "needs_change"}, published=False)
    draft_point = points_of(app, draft)[1]
    assert client.post(url(scene["proposal"].id, draft_point),
                       data=form(draft_point, "not_changed", "Nie.")).status_code == 404
    assert thread(app, other_point) == thread(app, draft_point) == []


def test_only_authors_answer_and_only_the_units_experts_reply(app, client, login, scene, make_user, people):
    with app.app_context():
        db.session.get(Proposal, scene["proposal"].id).is_public = True
        db.session.commit()
    pid, point = scene["proposal"].id, scene["point"]
    for person, kind in ((people["resident"], "not_changed"), (people["coordinator"], "not_changed"),
                         (scene["roads_expert"], "reply"), (scene["green_expert"], "not_changed"),
                         (scene["lead"], "reply")):
        login(client, person)
        assert client.post(url(pid, point), data=form(point, kind, "Tekst")).status_code == 403, (person.name, kind)
    assert thread(app, point) == [] and point_row(app, point) == ("open", None)
    client.post("/logout")
    assert client.post(url(pid, point), data=form(point, "not_changed", "Tekst")).status_code in (302, 303, 401)


def test_a_point_that_asks_nothing_cannot_be_answered(app, client, login, scene, english):
    login(client, scene["lead"])
    response = client.post(url(scene["proposal"].id, scene["meets"]), data=form(scene["meets"], "not_changed", "x"))
    assert response.status_code == 422 and "asks for no change" in response.get_data(as_text=True)
    assert thread(app, scene["meets"]) == []


def test_the_page_shows_each_point_answered_with_the_version_to_compare(app, client, login, scene, english):
    number = new_version(app, scene["proposal"], scene["lead"], "Plac zabaw i ławki przy Zielonej")
    login(client, scene["lead"])
    client.post(url(scene["proposal"].id, scene["point"]), data=form(scene["point"], "changed", "", str(number)))
    client.post(url(scene["proposal"].id, scene["other_point"]),
                data=form(scene["other_point"], "question", "Czy **mniejszy** plac wystarczy? <script>alert(1)</script>"))
    html = client.get(f"/proposals/{scene['proposal'].id}").get_data(as_text=True)
    assert "The experts' feedback" in html and "Zarząd Ziel" in html and "Drogi Testowe Krakowa" in html
    section = html.split('id="feedback"')[1]
    point_box = section.split(f'id="point-{scene["point"]}"')[1].split('class="feedback-point"')[0]
    compare = f'/proposals/{scene["proposal"].id}/compare?a=1&amp;b=2'
    assert f'href="{compare}">changed in version 2</a>' in point_box
    other_box = section.split(f'id="point-{scene["other_point"]}"')[1]
    assert "question to the experts" in other_box and "<strong>mniejszy</strong>" in other_box
    assert "<script>alert(1)</script>" not in html and "alert(1)" not in other_box.split("<strong>")[0]
    assert "Proszę doprecyzować lokalizację." in section  # the suggestions
    assert "not answered yet" not in section  # both points needing an answer are answered
    response = client.get(compare.replace("&amp;", "&"))
    assert response.status_code == 200


def test_drafts_never_show_and_the_estimate_reads_as_money(app, client, login, scene, make_unit, make_routing,
                                                           make_feedback, english):
    unit = make_unit(name="Inwestycje Testowe")
    make_feedback(make_routing(scene["proposal"], unit), suggestions="Szkic tajny", published=False)
    with app.app_context():
        from pbflow.feedback.models import Feedback
        db.session.get(Feedback, scene["green_feedback"].id).unit_estimate = 1_280_000_00
        db.session.commit()
    login(client, scene["lead"])
    html = client.get(f"/proposals/{scene['proposal'].id}").get_data(as_text=True)
    section = html.split('id="feedback"')[1].split("</section>")[0]
    assert "Szkic tajny" not in html and "Inwestycje Testowe" not in section
    assert "the unit's estimate: PLN1,280,000" in section
    assert section.count("not answered yet") == 2


def test_htmx_answers_swap_the_thread_and_plain_posts_redirect(app, client, login, scene, english):
    login(client, scene["lead"])
    pid, point = scene["proposal"].id, scene["point"]
    response = client.htmx("POST", url(pid, point), data=form(point, "question", "Zażółć gęślą jaźń?"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<div class="point-thread" id="point-{point}-thread">')
    answer_id = thread_ids(app, point)[-1]
    assert re.search(rf'id="answer-{answer_id}" tabindex="-1" data-focus-on-swap', html)
    assert "Zażółć gęślą jaźń?" in html and "question to the experts" in html
    assert f'hx-target="#point-{point}-thread"' in html and 'hx-swap="outerHTML"' in html
    response = client.htmx("POST", url(pid, point), data=form(point, "not_changed", ""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and "Write your answer first." in html
    assert "data-focus-on-swap" in html and 'aria-invalid="true"' in html
    response = client.post(url(pid, point), data=form(point, "not_changed", "Bez zmian."))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your answer has been posted." in page


def test_a_plain_post_that_fails_shows_the_whole_page_with_the_input(app, client, login, scene, english):
    login(client, scene["lead"])
    response = client.post(url(scene["proposal"].id, scene["point"]),
                           data=form(scene["point"], "question", ""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html and "Write your question first." in html
    box = html.split(f'id="point-{scene["point"]}-thread"')[1].split("</details>")[0]
    assert "<details" in box and " open>" in box and re.search(r'<input checked[^>]* value="question"', box)


def thread_ids(app, point_id):
    with app.app_context():
        return list(db.session.scalars(select(PointAnswer.id).where(PointAnswer.point_id == point_id)
                                       .order_by(PointAnswer.id)))
