"""Online discussions: residents post ideas and comments, reply in threads and support ideas while the
discussion is open; the area's ambassador moderates; the page stays fast with a thousand comments."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.meetings import discussion
from pbflow.meetings.models import Comment, Idea, IdeaSupport, Meeting, MeetingStatus

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


@pytest.fixture
def ambassador(make_ambassador, make_user, edition):
    """The area's ambassador (a user) and their approved application (for make_meeting)."""
    user = make_user("Magdalena Wójcik", "magda@example.org")
    return user, make_ambassador(edition, user=user)


@pytest.fixture
def online(make_meeting, edition, ambassador):
    """An online discussion that opened an hour ago and closes in an hour."""
    return make_meeting(edition, ambassador=ambassador[1], fmt="online", starts_in=timedelta(hours=-1), hours=2,
                        title="Dyskusja o zieleni na osiedlu")


@pytest.fixture
def resident(client, login, people):
    login(client, people["resident"])
    return people["resident"]


def events(app, verb):
    with app.app_context():
        return db.session.execute(select(AuditEvent.actor_id, AuditEvent.object_id, AuditEvent.data)
                                  .where(AuditEvent.verb == verb).order_by(AuditEvent.id)).all()


def rows(app, model):
    with app.app_context():
        found = db.session.scalars(select(model).order_by(*model.__table__.primary_key.columns)).all()
        for row in found:
            db.session.expunge(row)
        return found


def page(client, meeting):
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def add_comment(app, meeting, author, body="Więcej drzew przy szkole!", **values):
    with app.app_context():
        comment = Comment(meeting_id=meeting.id, author_id=author.id, body=body, created_at=utcnow(), **values)
        db.session.add(comment)
        db.session.commit()
        return comment.id


def add_idea(app, meeting, author, title="Łąka kwietna przy bloku", description="Zamiast trawnika **łąka**."):
    with app.app_context():
        idea = Idea(meeting_id=meeting.id, title=title, description=description, created_by_id=author.id)
        db.session.add(idea)
        db.session.commit()
        return idea.id


def move(app, meeting, **values):
    with app.app_context():
        db.session.execute(db.update(Meeting).where(Meeting.id == meeting.id).values(**values))
        db.session.commit()


# --- posting comments, replies and ideas -----------------------------------------------------

def test_a_resident_comments_without_javascript_and_comes_back_to_the_comment(app, client, resident, online):
    response = client.post(f"/meetings/{online.id}/comments",
                           data={"thread-body": "Zażółć gęślą jaźń: potrzebujemy **ławek** przy stawie."})
    assert response.status_code == 303
    [comment] = rows(app, Comment)
    assert response.headers["Location"] == f"/meetings/{online.id}#comment-{comment.id}"
    assert (comment.author_id, comment.idea_id, comment.parent_id) == (resident.id, None, None)
    html = page(client, online)
    assert f'id="comment-{comment.id}"' in html
    assert "Zażółć gęślą jaźń: potrzebujemy <strong>ławek</strong> przy stawie." in html
    [(actor, object_id, data)] = events(app, "meeting.comment_posted")
    assert (actor, object_id, data["meeting_id"]) == (resident.id, comment.id, online.id)


def test_with_htmx_the_new_comment_and_a_fresh_form_replace_the_form(app, client, resident, online):
    response = client.htmx("POST", f"/meetings/{online.id}/comments", data={"thread-body": "Dzień dobry sąsiedzi"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [comment] = rows(app, Comment)
    assert "<html" not in html
    assert f'id="comment-{comment.id}" tabindex="-1" data-focus-on-swap' in html
    assert "Dzień dobry sąsiedzi" in html
    assert html.index(f'id="comment-{comment.id}"') < html.index('id="thread-box"')  # the post, then the form
    assert re.search(r'<textarea[^>]* id="thread-body"', html) and "Dzień dobry sąsiedzi</textarea>" not in html
    assert f'action="/meetings/{online.id}/comments/{comment.id}/replies"' in html  # one can reply at once


def test_replies_form_one_level_and_a_reply_to_a_reply_joins_the_thread(app, client, resident, online, people):
    root = add_comment(app, online, people["coordinator"], "Gdzie posadzić drzewa?")
    response = client.post(f"/meetings/{online.id}/comments/{root}/replies", data={f"reply-{root}-body": "Przy szkole."})
    assert response.status_code == 303
    first = rows(app, Comment)[-1]
    assert first.parent_id == root and response.headers["Location"].endswith(f"#comment-{first.id}")
    response = client.htmx("POST", f"/meetings/{online.id}/comments/{first.id}/replies",
                           data={f"reply-{root}-body": "I przy przychodni."})
    assert response.status_code == 200
    second = rows(app, Comment)[-1]
    assert second.parent_id == root  # attached to the thread's first comment, not nested deeper
    html = response.get_data(as_text=True)
    assert 'class="comment comment-reply"' in html and f'id="reply-{root}-box"' in html
    html = page(client, online)
    thread = html[html.index(f'id="comment-{root}"'):]
    assert thread.index("Przy szkole.") < thread.index("I przy przychodni.")
    assert [e[2]["parent_id"] for e in events(app, "meeting.comment_posted")] == [root, root]


def test_a_resident_posts_an_idea_comments_on_it_and_it_shows_first_among_the_ideas(app, client, resident, online):
    response = client.post(f"/meetings/{online.id}/ideas",
                           data={"idea-title": "Siłownia pod chmurką", "idea-description": "Przy *parku* Jordana."})
    [idea] = rows(app, Idea)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#idea-{idea.id}")
    assert (idea.created_by_id, idea.meeting_id, idea.support_count) == (resident.id, online.id, 0)
    response = client.htmx("POST", f"/meetings/{online.id}/ideas/{idea.id}/comments",
                           data={f"idea-{idea.id}-comment-body": "Świetny pomysł!"})
    assert response.status_code == 200
    [comment] = rows(app, Comment)
    assert comment.idea_id == idea.id
    html = page(client, online)
    card = html[html.index(f'id="idea-{idea.id}"'):html.index("discussion-threads-heading")]
    assert "Siłownia pod chmurką" in card and "<em>parku</em>" in card and "Świetny pomysł!" in card
    assert [e[1] for e in events(app, "meeting.idea_posted")] == [idea.id]


def test_a_new_idea_with_htmx_comes_back_as_its_card_and_a_fresh_form(app, client, resident, online):
    response = client.htmx("POST", f"/meetings/{online.id}/ideas", data={"idea-title": "Ławki", "idea-description": ""})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    [idea] = rows(app, Idea)
    assert f'id="idea-{idea.id}" aria-labelledby="idea-{idea.id}-title" tabindex="-1" data-focus-on-swap' in html
    assert 'id="idea-box"' in html and 'value="Ławki"' not in html


@pytest.mark.parametrize(("field", "value", "message"), [
    ("thread-body", "", "Write your comment first."),
    ("thread-body", "   \n  ", "Write your comment first."),
    ("thread-body", "ż" * 5001, "Use at most 5000 characters."),
])
def test_a_bad_comment_comes_back_with_its_error_and_nothing_is_saved(app, client, english, resident, online,
                                                                      field, value, message):
    response = client.post(f"/meetings/{online.id}/comments", data={field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    response = client.htmx("POST", f"/meetings/{online.id}/comments", data={field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'aria-invalid="true"' in html and message in html
    assert rows(app, Comment) == [] and events(app, "meeting.comment_posted") == []


def test_the_longest_comment_and_idea_title_allowed_are_saved(app, client, resident, online):
    assert client.post(f"/meetings/{online.id}/comments", data={"thread-body": "ą" * 5000}).status_code == 303
    assert client.post(f"/meetings/{online.id}/ideas", data={"idea-title": "ł" * 200}).status_code == 303
    assert len(rows(app, Comment)[0].body) == 5000 and len(rows(app, Idea)[0].title) == 200


def test_a_too_long_idea_title_or_an_empty_one_is_refused_with_the_input_kept(app, client, english, resident, online):
    response = client.post(f"/meetings/{online.id}/ideas", data={"idea-title": "x" * 201, "idea-description": "Opis ąę"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Use at most 200 characters." in html and "Opis ąę</textarea>" in html
    response = client.htmx("POST", f"/meetings/{online.id}/ideas", data={"idea-title": ""})
    assert response.status_code == 422 and "Give your idea a title." in response.get_data(as_text=True)
    assert rows(app, Idea) == []


def test_a_nul_character_is_refused_before_anything_is_saved(app, client, resident, online):
    assert client.post(f"/meetings/{online.id}/comments", data={"thread-body": "a\x00b"}).status_code == 400
    assert client.post(f"/meetings/{online.id}/ideas", data={"idea-title": "a\x00"}).status_code == 400
    assert rows(app, Comment) == [] and rows(app, Idea) == []


def test_html_and_scripts_in_posts_never_reach_the_page(app, client, resident, online, people):
    client.post(f"/meetings/{online.id}/comments", data={"thread-body": f"{SCRIPT} [klik](javascript:alert(1)) <b>x</b>"})
    client.post(f"/meetings/{online.id}/ideas", data={"idea-title": f"Tytuł {SCRIPT}", "idea-description": SCRIPT})
    for html in (page(client, online),
                 client.htmx("POST", f"/meetings/{online.id}/comments", data={"thread-body": SCRIPT}).get_data(as_text=True)):
        assert "<script>alert" not in html and "javascript:" not in html
    html = page(client, online)
    assert "Tytuł &lt;script&gt;" in html  # the title is escaped, shown as text
    assert rows(app, Comment)[0].body.startswith(SCRIPT)  # stored as typed, sanitised on display


def test_a_reply_or_an_idea_of_another_meeting_is_not_found(app, client, resident, online, make_meeting, edition,
                                                             ambassador, people):
    other = make_meeting(edition, ambassador=ambassador[1], fmt="online", starts_in=timedelta(hours=-1))
    foreign_comment = add_comment(app, other, people["coordinator"])
    foreign_idea = add_idea(app, other, people["coordinator"])
    assert client.post(f"/meetings/{online.id}/comments/{foreign_comment}/replies",
                       data={f"reply-{foreign_comment}-body": "Hej"}).status_code == 404
    assert client.post(f"/meetings/{online.id}/ideas/{foreign_idea}/comments",
                       data={f"idea-{foreign_idea}-comment-body": "Hej"}).status_code == 404
    assert client.post(f"/meetings/{online.id}/ideas/{foreign_idea}/support").status_code == 404
    assert client.post(f"/meetings/{online.id}/comments/999999/replies", data={"reply-999999-body": "x"}).status_code == 404
    assert len(rows(app, Comment)) == 1 and rows(app, IdeaSupport) == []


def test_a_meeting_held_in_person_has_no_discussion(app, client, resident, make_meeting, edition, ambassador):
    meeting = make_meeting(edition, ambassador=ambassador[1], starts_in=timedelta(hours=-1))
    assert 'id="discussion"' not in page(client, meeting)
    assert client.post(f"/meetings/{meeting.id}/comments", data={"thread-body": "Hej"}).status_code == 404
    assert client.get(f"/meetings/{meeting.id}/discussion?before=5").status_code == 404


def test_a_visitor_reads_the_discussion_and_is_asked_to_log_in_to_post(app, client, english, online, people):
    add_comment(app, online, people["resident"], "Widać mnie bez logowania")
    html = page(client, online)
    assert "Widać mnie bez logowania" in html and "Log in to take part in the discussion" in html
    assert 'id="thread-box"' not in html
    response = client.post(f"/meetings/{online.id}/comments", data={"thread-body": "Anonim"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert len(rows(app, Comment)) == 1


# --- when the discussion is open ------------------------------------------------------------

def test_before_it_opens_the_page_says_when_and_nothing_can_be_posted(app, client, english, resident, make_meeting,
                                                                      edition, ambassador):
    soon = make_meeting(edition, ambassador=ambassador[1], fmt="online", starts_in=timedelta(days=2))
    html = page(client, soon)
    assert "The discussion opens on" in html and 'id="thread-box"' not in html and 'id="idea-box"' not in html
    response = client.post(f"/meetings/{soon.id}/comments", data={"thread-body": "Za wcześnie"})
    assert response.status_code == 409
    assert "nothing can be posted before then" in response.get_data(as_text=True)
    assert rows(app, Comment) == []


def test_after_the_end_the_discussion_is_read_only(app, client, english, resident, online, people):
    idea = add_idea(app, online, people["coordinator"])
    root = add_comment(app, online, people["coordinator"], "Ostatnie słowo")
    move(app, online, starts_at=utcnow() - timedelta(hours=3), ends_at=utcnow() - timedelta(minutes=1))
    html = page(client, online)
    assert "It can be read but no longer changed." in html and "Ostatnie słowo" in html
    assert 'id="thread-box"' not in html and f'id="reply-{root}-box"' not in html and "/support" not in html
    message = "The discussion has ended; it can be read but no longer changed."
    for url, data in [(f"/meetings/{online.id}/comments", {"thread-body": "Po czasie"}),
                      (f"/meetings/{online.id}/comments/{root}/replies", {f"reply-{root}-body": "Po czasie"}),
                      (f"/meetings/{online.id}/ideas", {"idea-title": "Po czasie"}),
                      (f"/meetings/{online.id}/ideas/{idea}/comments", {f"idea-{idea}-comment-body": "Po czasie"})]:
        response = client.post(url, data=data)
        assert response.status_code == 409 and message in response.get_data(as_text=True), url
        response = client.htmx("POST", url, data=data)
        assert response.status_code == 409 and message in response.get_data(as_text=True), url
        assert "<html" not in response.get_data(as_text=True)
    response = client.htmx("POST", f"/meetings/{online.id}/ideas/{idea}/support")
    assert response.status_code == 409 and message in response.get_data(as_text=True)
    assert len(rows(app, Comment)) == 1 and len(rows(app, Idea)) == 1 and rows(app, IdeaSupport) == []


def test_the_closing_message_is_translated(app, client, resident, online):
    move(app, online, starts_at=utcnow() - timedelta(hours=3), ends_at=utcnow() - timedelta(minutes=1))
    response = client.post(f"/meetings/{online.id}/comments", data={"thread-body": "Po czasie"})
    assert response.status_code == 409
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale("pl"):
            polish = gettext("The discussion has ended; it can be read but no longer changed.")
    assert polish in response.get_data(as_text=True)


def test_a_cancelled_meeting_keeps_its_discussion_read_only(app, client, english, resident, online, people):
    add_comment(app, online, people["coordinator"], "Szkoda")
    move(app, online, status=MeetingStatus.CANCELLED.value, cancel_reason="Choroba")
    html = page(client, online)
    assert "The meeting has been cancelled; its discussion can be read" in html and "Szkoda" in html
    response = client.post(f"/meetings/{online.id}/comments", data={"thread-body": "Hej"})
    assert response.status_code == 409
    assert len(rows(app, Comment)) == 1


def test_posting_too_often_is_refused_with_a_clear_message(app, client, english, resident, online):
    with app.app_context():
        db.session.execute(insert(Comment), [
            {"meeting_id": online.id, "author_id": resident.id, "body": f"Wpis {n}", "created_at": utcnow(),
             "hidden_reason": ""} for n in range(discussion.POSTS_PER_WINDOW)])
        db.session.commit()
    response = client.post(f"/meetings/{online.id}/comments", data={"thread-body": "Jeszcze jeden"})
    assert response.status_code == 429
    assert "Please wait a few minutes before posting again." in response.get_data(as_text=True)
    assert client.post(f"/meetings/{online.id}/ideas", data={"idea-title": "Też nie"}).status_code == 429
    assert len(rows(app, Comment)) == discussion.POSTS_PER_WINDOW and rows(app, Idea) == []


# --- support ---------------------------------------------------------------------------------

def test_a_resident_supports_an_idea_once_and_can_withdraw(app, client, english, resident, online, people):
    idea = add_idea(app, online, people["coordinator"], title="Łąka kwietna")
    html = page(client, online)
    assert "Support<span class=\"visually-hidden\"> the idea “Łąka kwietna”</span>" in html
    response = client.htmx("POST", f"/meetings/{online.id}/ideas/{idea}/support")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="support-{idea}" tabindex="-1" data-focus-on-swap' in html
    assert "Supporters: 1" in html and "You support this idea." in html
    assert f'action="/meetings/{online.id}/ideas/{idea}/unsupport"' in html
    response = client.htmx("POST", f"/meetings/{online.id}/ideas/{idea}/support")  # twice: a message, never a 500
    assert response.status_code == 409 and "You already support this idea." in response.get_data(as_text=True)
    response = client.post(f"/meetings/{online.id}/ideas/{idea}/support")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#idea-{idea}")
    assert "You already support this idea." in page(client, online)
    assert rows(app, Idea)[0].support_count == 1 and len(rows(app, IdeaSupport)) == 1
    response = client.post(f"/meetings/{online.id}/ideas/{idea}/unsupport")
    assert response.status_code == 303
    assert rows(app, Idea)[0].support_count == 0 and rows(app, IdeaSupport) == []
    response = client.htmx("POST", f"/meetings/{online.id}/ideas/{idea}/unsupport")
    assert response.status_code == 409 and "You do not support this idea." in response.get_data(as_text=True)
    assert rows(app, Idea)[0].support_count == 0
    assert [e[0] for e in events(app, "meeting.idea_supported")] == [resident.id]
    assert [e[1] for e in events(app, "meeting.idea_unsupported")] == [idea]


def test_ideas_are_listed_most_supported_first(app, client, online, people, make_user):
    quiet = add_idea(app, online, people["coordinator"], title="Cichy pomysł")
    popular = add_idea(app, online, people["coordinator"], title="Popularny pomysł")
    with app.app_context():
        for _ in range(3):
            user = make_user()
            db.session.add(IdeaSupport(idea_id=popular, user_id=user.id))
        db.session.execute(db.update(Idea).where(Idea.id == popular).values(support_count=3))
        db.session.commit()
    html = page(client, online)
    assert html.index(f'id="idea-{popular}"') < html.index(f'id="idea-{quiet}"')
    assert "Supporters: 3" in html or "3" in html


# --- moderation ---------------------------------------------------------------------------

def test_the_ambassador_hides_a_comment_with_a_reason_and_residents_see_only_that(app, client, english, online,
                                                                                  ambassador, people, login):
    comment = add_comment(app, online, people["resident"], "Obraźliwy wpis o sąsiedzie")
    login(client, ambassador[0])
    response = client.post(f"/meetings/{online.id}/comments/{comment}/hide", data={f"hide-comment-{comment}-reason": ""})
    assert response.status_code == 422 and "Give the reason for hiding the post." in response.get_data(as_text=True)
    response = client.htmx("POST", f"/meetings/{online.id}/comments/{comment}/hide",
                           data={f"hide-comment-{comment}-reason": "Obraża sąsiada"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="comment-{comment}-content" tabindex="-1" data-focus-on-swap' in html
    assert "Reason: Obraża sąsiada" in html and "Show this comment again" in html
    [hidden] = rows(app, Comment)
    assert (hidden.hidden_by_id, hidden.hidden_reason) == (ambassador[0].id, "Obraża sąsiada") and hidden.hidden_at
    [(actor, object_id, data)] = events(app, "meeting.comment_hidden")
    assert (actor, object_id, data["reason"]) == (ambassador[0].id, comment, "Obraża sąsiada")

    client.post("/logout")
    html = page(client, online)  # the public
    assert "Hidden by the moderator." in html and "Obraźliwy wpis" not in html and "Obraża sąsiada" not in html
    login(client, people["resident"])
    html = page(client, online)
    assert "Obraźliwy wpis" not in html and "Hide this comment" not in html
    client.post("/logout")
    login(client, people["coordinator"])
    html = page(client, online)
    assert "Obraźliwy wpis o sąsiedzie" in html and "Reason: Obraża sąsiada" in html


def test_the_ambassador_shows_a_hidden_comment_again(app, client, online, ambassador, people, login):
    comment = add_comment(app, online, people["resident"], "Wpis", hidden_at=utcnow(), hidden_reason="Pomyłka")
    login(client, ambassador[0])
    response = client.post(f"/meetings/{online.id}/comments/{comment}/unhide")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#comment-{comment}")
    [shown] = rows(app, Comment)
    assert shown.hidden_at is None and shown.hidden_reason == ""
    assert events(app, "meeting.comment_unhidden")[0][2]["reason_was"] == "Pomyłka"
    assert client.post(f"/meetings/{online.id}/comments/{comment}/unhide").status_code == 409


def test_the_ambassador_hides_an_idea_and_it_can_no_longer_be_supported(app, client, english, online, ambassador,
                                                                        people, login):
    idea = add_idea(app, online, people["resident"], title="Reklama sklepu")
    login(client, ambassador[0])
    response = client.post(f"/meetings/{online.id}/ideas/{idea}/hide", data={f"hide-idea-{idea}-reason": "Reklama"})
    assert response.status_code == 303
    assert events(app, "meeting.idea_hidden")[0][2]["reason"] == "Reklama"
    client.post("/logout")
    login(client, people["resident"])
    html = page(client, online)
    assert "Hidden idea" in html and "Reklama sklepu" not in html
    response = client.htmx("POST", f"/meetings/{online.id}/ideas/{idea}/support")
    assert response.status_code == 409 and "hidden by the moderator" in response.get_data(as_text=True)
    assert rows(app, IdeaSupport) == []


def test_a_resident_cannot_hide_or_show_posts(app, client, resident, online, people):
    comment = add_comment(app, online, people["coordinator"])
    idea = add_idea(app, online, people["coordinator"])
    assert client.post(f"/meetings/{online.id}/comments/{comment}/hide",
                       data={f"hide-comment-{comment}-reason": "Nie lubię"}).status_code == 403
    assert client.post(f"/meetings/{online.id}/ideas/{idea}/hide",
                       data={f"hide-idea-{idea}-reason": "Nie lubię"}).status_code == 403
    assert client.post(f"/meetings/{online.id}/comments/{comment}/unhide").status_code == 403
    assert rows(app, Comment)[0].hidden_at is None and rows(app, Idea)[0].hidden_at is None
    assert events(app, "meeting.comment_hidden") == []


def test_an_ambassador_of_another_area_cannot_moderate(app, client, online, edition, make_ambassador, make_user,
                                                       people, login):
    stranger = make_user()
    make_ambassador(edition, user=stranger)
    comment = add_comment(app, online, people["resident"])
    login(client, stranger)
    assert client.post(f"/meetings/{online.id}/comments/{comment}/hide",
                       data={f"hide-comment-{comment}-reason": "x"}).status_code == 403


def test_moderators_can_still_hide_after_the_discussion_closed(app, client, online, ambassador, people, login):
    comment = add_comment(app, online, people["resident"])
    move(app, online, starts_at=utcnow() - timedelta(hours=3), ends_at=utcnow() - timedelta(minutes=1))
    login(client, ambassador[0])
    assert client.post(f"/meetings/{online.id}/comments/{comment}/hide",
                       data={f"hide-comment-{comment}-reason": "Spam"}).status_code == 303


# --- bounded and fast -----------------------------------------------------------------------

def bulk_comments(app, meeting, authors, count, ideas=()):
    """`count` comments in one INSERT: a quarter are replies, some are on ideas, some hidden."""
    with app.app_context():
        now = utcnow()
        roots = [{"meeting_id": meeting.id, "author_id": authors[n % len(authors)].id, "body": f"Wątek {n} **ż**",
                  "created_at": now, "idea_id": ideas[n % len(ideas)] if ideas and n % 5 == 0 else None,
                  "hidden_at": now if n % 17 == 0 else None, "hidden_reason": "Spam" if n % 17 == 0 else ""}
                 for n in range(count - count // 4)]
        db.session.execute(insert(Comment), roots)
        root_ids = db.session.scalars(select(Comment.id).where(Comment.meeting_id == meeting.id)
                                      .order_by(Comment.id.desc()).limit(50)).all()
        db.session.execute(insert(Comment), [
            {"meeting_id": meeting.id, "author_id": authors[n % len(authors)].id, "body": f"Odpowiedź {n}",
             "created_at": now, "parent_id": root_ids[n % len(root_ids)], "hidden_reason": ""}
            for n in range(count // 4)])
        db.session.commit()


@pytest.mark.parametrize("who", ["visitor", "resident", "ambassador"])
def test_the_discussion_page_takes_the_same_queries_for_ten_and_a_thousand_comments(
        app, client, online, make_meeting, edition, ambassador, people, make_user, login, count_queries, who):
    """Whether each idea can become a draft is asked of every idea: the answer for the meeting is read once."""
    authors = [make_user() for _ in range(5)]
    small = make_meeting(edition, ambassador=ambassador[1], fmt="online", starts_in=timedelta(hours=-1))
    for meeting, count, ideas in ((small, 10, 3), (online, 1000, 12)):
        idea_ids = [add_idea(app, meeting, authors[n % 5], title=f"Pomysł {n}") for n in range(ideas)]
        bulk_comments(app, meeting, authors, count, idea_ids)
    if who != "visitor":
        login(client, ambassador[0] if who == "ambassador" else people["resident"])
    counts = []
    for meeting in (small, online):
        page(client, meeting)  # warm up (session, current user)
        with count_queries() as statements:
            html = page(client, meeting)
        counts.append(len(statements))
        assert "Wątek" in html and "Odpowiedź" in html
    assert counts[0] == counts[1], counts
    assert html.count('class="comment"') + html.count('class="comment comment-reply"') <= (
        discussion.THREADS_PER_PAGE * (1 + discussion.REPLIES_MAX))


def test_the_page_shows_the_newest_threads_and_earlier_ones_page_by_keyset(app, client, online, people,
                                                                           count_queries, english):
    total = discussion.THREADS_PER_PAGE + 30
    with app.app_context():
        db.session.execute(insert(Comment), [
            {"meeting_id": online.id, "author_id": people["resident"].id, "body": f"Wpis numer {n}.",
             "created_at": utcnow(), "hidden_reason": ""} for n in range(total)])
        db.session.commit()
        ids = db.session.scalars(select(Comment.id).order_by(Comment.id)).all()
    html = page(client, online)
    assert "Wpis numer 29." not in html and "Wpis numer 30." in html and f"Wpis numer {total - 1}." in html
    assert html.index("Wpis numer 30.") < html.index(f"Wpis numer {total - 1}.")  # oldest first
    link = f"/meetings/{online.id}/discussion?before={ids[30]}"
    assert f'href="{link}"' in html and "Show earlier posts" in html
    response = client.get(link)
    earlier = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in earlier and "Back to the discussion" in earlier
    assert "Wpis numer 0." in earlier and "Wpis numer 29." in earlier and "Wpis numer 30." not in earlier
    assert "Show earlier posts" not in earlier
    fragment = client.htmx("GET", link).get_data(as_text=True)
    assert "<html" not in fragment and "Wpis numer 0." in fragment and "data-focus-on-swap" in fragment
    with count_queries() as statements:
        client.get(link)
    # SQLite writes every LIMIT as "LIMIT ? OFFSET ?" (with 0); PostgreSQL writes OFFSET only when asked
    assert not any("OFFSET" in s.upper().replace("LIMIT ? OFFSET ?", "") for s in statements)
    assert client.get(f"/meetings/{online.id}/discussion?before=abc").status_code == 404
    assert client.get(f"/meetings/{online.id}/discussion").status_code == 404


def test_a_reply_to_an_earlier_thread_without_javascript_returns_to_the_earlier_page(app, client, resident, online,
                                                                                     people):
    with app.app_context():
        db.session.execute(insert(Comment), [
            {"meeting_id": online.id, "author_id": people["coordinator"].id, "body": f"Wpis {n}",
             "created_at": utcnow(), "hidden_reason": ""} for n in range(discussion.THREADS_PER_PAGE + 1)])
        db.session.commit()
        oldest = db.session.scalar(select(Comment.id).order_by(Comment.id))
    response = client.post(f"/meetings/{online.id}/comments/{oldest}/replies", data={f"reply-{oldest}-body": "Stare"})
    reply = rows(app, Comment)[-1]
    assert response.status_code == 303
    assert response.headers["Location"] == f"/meetings/{online.id}/discussion?before={oldest + 1}#comment-{reply.id}"
    assert "Stare" in client.get(response.headers["Location"]).get_data(as_text=True)
