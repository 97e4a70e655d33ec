"""Online discussion views on the meetings blueprint: post, reply, support, moderate, page back.

Without JavaScript every POST answers 303 back to the post on the meeting page; an htmx request
gets the changed fragment (the new post with a fresh form, the support box, the moderated post).
A form that fails comes back 422 with the input; a rule of the discussion that says no (closed,
not open yet, supported already) comes back with its message as 409 (429 when posting too often).
"""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.permissions import authorize, public, signed_in
from pbflow.extensions import db
from pbflow.meetings import discussion, policy
from pbflow.meetings.forms import discussion as forms
from pbflow.meetings.views.pages import bp, load_meeting, page_context


def _actor():
    return current_user._get_current_object()


def _online(meeting_id):
    meeting = load_meeting(meeting_id)
    if not meeting.is_online:
        abort(404)
    return meeting


def _idea(meeting, idea_id):
    return discussion.idea_in(meeting, idea_id) or abort(404)


def _comment(meeting, comment_id):
    return discussion.comment_in(meeting, comment_id) or abort(404)


def _back(meeting, anchor):
    return see_other(url_for(".show", meeting_id=meeting.id, _anchor=anchor))


def _fragment_context(meeting, **values):
    return {"meeting": meeting, "policy": policy, "may_manage": policy.can_manage(current_user, meeting),
            "may_post": policy.can_post(current_user), "discussion_phase": discussion.phase(meeting),
            "Phase": discussion.Phase, "may_see_hidden": policy.can_see_hidden(current_user, meeting),
            "discussion_forms": forms.FormsOnPage(), **values}


def _earlier_page(meeting, before, status=200, **values):
    ideas = {idea.id: idea for idea in discussion.ideas_of(meeting)}
    return render("meetings/discussion_earlier.html", "meetings/_earlier_threads.html", status=status,
                  **_fragment_context(meeting, thread_page=discussion.threads_of(meeting, before=before),
                                      ideas_by_id=ideas, **values))


def _thread_elsewhere(meeting, values):
    """A reply's thread that is not among the newest ones on the meeting page: where it shows instead."""
    root = values.get("root")
    if root is not None and not discussion.on_first_page(meeting, root.id):
        return root.id + 1
    return None


def _refused(meeting, partial, status, key=None, form=None, error=None, **values):
    """The page (or, for htmx, the box the form lives in) again, with the form's input and the message."""
    db.session.rollback()
    failed = forms.FormsOnPage(key, form, error)
    if is_htmx_request():
        return render("meetings/show.html", partial, status=status,
                      **_fragment_context(meeting, **values, discussion_forms=failed))
    before = _thread_elsewhere(meeting, values)
    if before is not None:
        return _earlier_page(meeting, before, status, discussion_forms=failed)
    context = page_context(meeting)
    context["discussion_forms"] = failed
    return render("meetings/show.html", status=status, **context)


def _post(meeting, box, key, form, post, **values):
    """Try a post: 422 for the form, the rule's status for the service, then the new post and a fresh form."""
    partial = "meetings/_comment_form.html" if box != "idea_form" else "meetings/_idea_form.html"
    if not form.validate_on_submit():
        return _refused(meeting, partial, 422, key, form, box=box, **values)
    try:
        created = post()
    except discussion.DiscussionError as error:
        return _refused(meeting, partial, error.status, key, form, str(error), box=box, **values)
    db.session.commit()
    anchor = f"idea-{created.id}" if box == "idea_form" else f"comment-{created.id}"
    if not is_htmx_request():
        flash(_("Your idea has been posted.") if box == "idea_form" else _("Your comment has been posted."), "success")
        before = _thread_elsewhere(meeting, values)
        if before is not None:
            return see_other(url_for(".earlier", meeting_id=meeting.id, before=before, _anchor=anchor))
        return _back(meeting, anchor)
    created = (discussion.idea_in(meeting, created.id) if box == "idea_form"
               else discussion.comment_in(meeting, created.id))
    return render("meetings/show.html", "meetings/_posted.html",
                  **_fragment_context(meeting, box=box, created=created, supported=set(), **values))


@bp.route("/<int:meeting_id>/comments", methods=["POST"])
@signed_in
def post_comment(meeting_id):
    meeting = _online(meeting_id)
    authorize(policy.can_post(current_user))
    form = forms.CommentForm(prefix="thread")
    return _post(meeting, "thread", "thread", form,
                 lambda: discussion.post_comment(_actor(), meeting, form.body.data))


@bp.route("/<int:meeting_id>/ideas/<int:idea_id>/comments", methods=["POST"])
@signed_in
def comment_on_idea(meeting_id, idea_id):
    meeting = _online(meeting_id)
    idea = _idea(meeting, idea_id)
    authorize(policy.can_post(current_user))
    form = forms.CommentForm(prefix=f"idea-{idea.id}-comment")
    return _post(meeting, "idea", f"idea-{idea.id}-comment", form,
                 lambda: discussion.post_comment(_actor(), meeting, form.body.data, idea=idea), idea=idea)


@bp.route("/<int:meeting_id>/comments/<int:comment_id>/replies", methods=["POST"])
@signed_in
def reply(meeting_id, comment_id):
    meeting = _online(meeting_id)
    to = _comment(meeting, comment_id)
    root = to if to.parent_id is None else _comment(meeting, to.parent_id)
    authorize(policy.can_post(current_user))
    form = forms.CommentForm(prefix=f"reply-{root.id}")
    return _post(meeting, "reply", f"reply-{root.id}", form,
                 lambda: discussion.post_reply(_actor(), meeting, root, form.body.data), root=root)


@bp.route("/<int:meeting_id>/ideas", methods=["POST"])
@signed_in
def post_idea(meeting_id):
    meeting = _online(meeting_id)
    authorize(policy.can_post(current_user))
    form = forms.IdeaForm(prefix="idea")
    return _post(meeting, "idea_form", "idea", form,
                 lambda: discussion.post_idea(_actor(), meeting, form.title.data, form.description.data))


# --- support -----------------------------------------------------------------------------

def _support_answer(meeting, idea, change, message):
    try:
        change(_actor(), meeting, idea)
    except discussion.DiscussionError as error:
        db.session.rollback()
        return _support_box(meeting, discussion.idea_in(meeting, idea.id), str(error), error.status)
    db.session.commit()
    if is_htmx_request():
        return _support_box(meeting, idea, message, 200)
    flash(message, "success")
    return _back(meeting, f"idea-{idea.id}")


def _support_box(meeting, idea, message, status):
    if not is_htmx_request() and status >= 400:
        flash(message, "error")
        return _back(meeting, f"idea-{idea.id}")
    return render("meetings/show.html", "meetings/_support.html", status=status, **_fragment_context(
        meeting, idea=idea, supported=discussion.supports(current_user, [idea.id]), support_message=message,
        support_failed=status >= 400))


@bp.route("/<int:meeting_id>/ideas/<int:idea_id>/support", methods=["POST"])
@signed_in
def support(meeting_id, idea_id):
    meeting = _online(meeting_id)
    idea = _idea(meeting, idea_id)
    authorize(policy.can_post(current_user))
    return _support_answer(meeting, idea, discussion.support,
                           _("You support the idea “%(title)s”.", title=idea.title))


@bp.route("/<int:meeting_id>/ideas/<int:idea_id>/unsupport", methods=["POST"])
@signed_in
def unsupport(meeting_id, idea_id):
    meeting = _online(meeting_id)
    idea = _idea(meeting, idea_id)
    authorize(policy.can_post(current_user))
    return _support_answer(meeting, idea, discussion.unsupport,
                           _("You no longer support the idea “%(title)s”.", title=idea.title))


# --- moderation --------------------------------------------------------------------------

def _moderated(meeting, post, kind, hiding):
    """Hide (with the reason from the form) or show again a comment or an idea."""
    authorize(policy.can_manage(current_user, meeting))
    key = f"hide-{kind}-{post.id}"
    partial = "meetings/_comment_body.html" if kind == "comment" else "meetings/_idea_body.html"
    values = {"post": post} if kind == "comment" else {"idea": post}
    form = forms.HideForm(prefix=key)
    if hiding and not form.validate_on_submit():
        return _refused(meeting, partial, 422, key, form, **values)
    try:
        if hiding:
            discussion.hide(_actor(), meeting, post, form.reason.data)
        else:
            discussion.unhide(_actor(), meeting, post)
    except discussion.DiscussionError as error:
        return _refused(meeting, partial, error.status, key, form, str(error), **values)
    db.session.commit()
    message = (_("The post is hidden; residents see only that the moderator hid it.") if hiding
               else _("The post is shown again."))
    if not is_htmx_request():
        flash(message, "success")
        return _back(meeting, f"{kind}-{post.id}")
    supported = discussion.supports(current_user, [post.id]) if kind == "idea" else set()
    return render("meetings/show.html", partial, **_fragment_context(
        meeting, moderation_message=message, supported=supported, **values))


@bp.route("/<int:meeting_id>/comments/<int:comment_id>/hide", methods=["POST"])
@signed_in
def hide_comment(meeting_id, comment_id):
    meeting = _online(meeting_id)
    return _moderated(meeting, _comment(meeting, comment_id), "comment", hiding=True)


@bp.route("/<int:meeting_id>/comments/<int:comment_id>/unhide", methods=["POST"])
@signed_in
def unhide_comment(meeting_id, comment_id):
    meeting = _online(meeting_id)
    return _moderated(meeting, _comment(meeting, comment_id), "comment", hiding=False)


@bp.route("/<int:meeting_id>/ideas/<int:idea_id>/hide", methods=["POST"])
@signed_in
def hide_idea(meeting_id, idea_id):
    meeting = _online(meeting_id)
    return _moderated(meeting, _idea(meeting, idea_id), "idea", hiding=True)


@bp.route("/<int:meeting_id>/ideas/<int:idea_id>/unhide", methods=["POST"])
@signed_in
def unhide_idea(meeting_id, idea_id):
    meeting = _online(meeting_id)
    return _moderated(meeting, _idea(meeting, idea_id), "idea", hiding=False)


# --- earlier threads -----------------------------------------------------------------------

@bp.route("/<int:meeting_id>/discussion")
@public
def earlier(meeting_id):
    """Threads older than ?before=<thread id>, a page at a time; htmx appends them in place."""
    meeting = _online(meeting_id)
    before = request.args.get("before", "")
    if not (before.isascii() and before.isdigit()) or len(before) > 12:
        abort(404)
    return _earlier_page(meeting, int(before))
