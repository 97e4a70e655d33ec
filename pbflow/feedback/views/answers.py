"""Answers under feedback points: the authors answer, the unit's experts reply, in one thread per point.

Without JavaScript the POST answers 303 back to the point on the proposal page; htmx gets the
point's thread again (the new message focused, a fresh form). A form that fails comes back 422 with
the input kept; a kind of answer this person may not post is 403."""

from flask import Blueprint, abort, flash, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.web.errors import render_error
from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.extensions import db
from pbflow.feedback import answers, rounds, sections  # noqa: F401  (rounds and sections register hooks)
from pbflow.feedback.forms.answers import AnswerForm
from pbflow.feedback.models import AnswerKind
from pbflow.proposals.views.pages import load_visible, page_context

bp = Blueprint("answers", __name__, url_prefix="/proposals")

THREAD = "feedback/answers/_thread.html"


def _thread(proposal, point, status=200, **values):
    context = sections.thread_context(current_user, proposal, point, **values)
    return make_response(render_template(THREAD, **context), status)


def _refused(proposal_id, point_id, form, status, error=None):
    """The point's thread (htmx) or the whole proposal page again, with the form's input and the message."""
    db.session.rollback()
    proposal = load_visible(proposal_id)
    point = answers.point_of(proposal, point_id)
    forms = sections.AnswerForms(proposal, point.id, form, error)
    if is_htmx_request():
        return _thread(proposal, point, status, forms=forms)
    context = page_context(proposal)
    sections.with_failed_form(context["sections"], forms)
    return render("proposals/show.html", status=status, **context)


@bp.route("/<int:proposal_id>/points/<int:point_id>/answers", methods=["POST"])
@signed_in  # authors answer, the unit's experts reply: answers.kinds_for and the service decide
def post(proposal_id, point_id):
    proposal = load_visible(proposal_id)
    point = answers.point_of(proposal, point_id) or abort(404)
    kinds = answers.kinds_for(current_user, proposal, point.feedback)
    authorize(bool(kinds))
    form = AnswerForm(prefix=f"point-{point.id}", kinds=kinds,
                      versions=answers.versions_for(proposal, point.feedback))
    if not form.validate():
        return _refused(proposal_id, point_id, form, 422)
    try:
        message = answers.answer(current_user._get_current_object(), proposal, point, form.kind.data,
                                 form.body.data, form.version.data)
    except (answers.NotAllowed, answers.NothingToAnswer) as error:
        db.session.rollback()
        return render_error(error.status, str(error))
    except answers.AnswerError as error:
        return _refused(proposal_id, point_id, form, error.status, str(error))
    db.session.commit()
    if is_htmx_request():
        return _thread(proposal, point, focus_id=f"answer-{message.id}")
    flash(_("Your reply has been posted.") if message.kind == AnswerKind.REPLY.value
          else _("Your answer has been posted."), "success")
    return see_other(url_for("proposals.show", proposal_id=proposal.id, _anchor=f"point-{point.id}"))
