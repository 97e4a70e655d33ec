"""The training checklist: coordinators keep it and watch progress, ambassadors tick it off."""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.ambassadors import policy_files as policy
from pbflow.ambassadors import training
from pbflow.ambassadors.forms_training import TrainingItemForm
from pbflow.ambassadors.models import TrainingItem
from pbflow.core.web.htmx import form_page, is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.permissions import authorize, role_required
from pbflow.core.web.urls import safe_next
from pbflow.editions.services import current_edition
from pbflow.extensions import db

bp = Blueprint("training", __name__, url_prefix="/training")
nav_item("training.index", _l("Training"), 30, signed_in_with(Role.COORDINATOR))
nav_item("training.mine", _l("My training"), 36, signed_in_with(Role.AMBASSADOR))

ITEM_URL = "/items/<int:item_id>"


def _actor():
    return current_user._get_current_object()


def _edition():
    """?edition=<id> or the current edition; an unknown id is a 404."""
    edition_id = request.args.get("edition", type=int)
    edition = training.pick_edition(edition_id)
    if edition_id is not None and edition is None:
        abort(404)
    return edition


def _item(item_id):
    item = db.session.get(TrainingItem, item_id)
    if item is None:
        abort(404)
    return item


def _manage(edition, form=None, page_number=None, status=200, message=None, focus_item=None):
    """The coordinator's page, or for htmx only its checklist region."""
    page = None
    if edition is not None:
        page = db.paginate(training.items_query(edition), page=page_number or request.args.get("page", 1, type=int),
                           per_page=current_app.config["PAGE_SIZE"], error_out=False)
    form = form or TrainingItemForm(formdata=None)
    return render("training/index.html", "training/_manage.html", status=status, edition=edition, page=page,
                  form=form, editions=training.all_editions(),
                  total=training.count_items(edition) if edition else 0, message=message, focus_item=focus_item)


def _after_change(edition, message, page_number, focus_item=None):
    """htmx gets the checklist region (wherever the request came from in it); others a 303."""
    db.session.commit()
    if is_htmx_request():
        response = _manage(edition, page_number=page_number, message=message, focus_item=focus_item)
        response.headers.update({"HX-Retarget": "#training-manage", "HX-Reswap": "outerHTML"})
        return response
    flash(message, "success")
    return see_other(url_for("training.index", edition=edition.id, page=page_number if page_number > 1 else None))


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def index():
    edition = _edition()
    if request.method == "GET":
        return _manage(edition)
    if edition is None:
        abort(404)  # no current edition to add to
    form = TrainingItemForm()
    if form.validate_on_submit():
        item = training.create_item(_actor(), edition, **form.values(), upload=form.upload.data)
        page_number = training.page_of(item, current_app.config["PAGE_SIZE"])
        return _after_change(edition, _("Added to the checklist: %(title)s", title=item.title), page_number)
    return _manage(edition, form=form, status=422)


@bp.route(ITEM_URL + "/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(item_id):
    item = _item(item_id)
    authorize(policy.can_manage_training(current_user))
    form = TrainingItemForm(obj=item if request.method == "GET" else None, current_file=item.file)
    if form.validate_on_submit():
        training.update_item(_actor(), item, **form.values(), upload=form.upload.data,
                             remove_file=form.wants_file_removed)
        return _after_change(training.pick_edition(item.edition_id), _("Saved: %(title)s", title=item.title),
                             training.page_of(item, current_app.config["PAGE_SIZE"]), focus_item=item.id)
    return form_page("training/edit.html", "training/_edit_item.html", form=form, item=item,
                     in_place=is_htmx_request(), page_number=training.page_of(item, current_app.config["PAGE_SIZE"]))


@bp.route(ITEM_URL + "/delete", methods=["POST"])
@role_required(Role.COORDINATOR)
def delete(item_id):
    item = _item(item_id)
    authorize(policy.can_manage_training(current_user))
    edition, title = training.pick_edition(item.edition_id), item.title
    training.delete_item(_actor(), item)
    last_page = max(1, -(-training.count_items(edition) // current_app.config["PAGE_SIZE"]))
    return _after_change(edition, _("Removed from the checklist: %(title)s", title=title),
                         min(request.form.get("page", 1, type=int), last_page))


@bp.route(ITEM_URL + "/move/<any(up, down):direction>", methods=["POST"])
@role_required(Role.COORDINATOR)
def move(item_id, direction):
    item = _item(item_id)
    authorize(policy.can_manage_training(current_user))
    training.move_item(_actor(), item, direction)
    message = _("Moved up: %(title)s", title=item.title) if direction == "up" else _("Moved down: %(title)s", title=item.title)
    return _after_change(training.pick_edition(item.edition_id), message,
                         training.page_of(item, current_app.config["PAGE_SIZE"]), focus_item=item.id)


# --- progress ------------------------------------------------------------------

@bp.route("/progress")
@role_required(Role.COORDINATOR)
def progress():
    edition = _edition()
    page = counts = None
    if edition is not None:
        page = db.paginate(training.ambassadors_query(edition), per_page=current_app.config["PAGE_SIZE"], error_out=False)
        counts = training.done_counts(edition, [application.user_id for application in page.items])
    return render("training/progress.html", "training/_progress.html", edition=edition, page=page, counts=counts,
                  total=training.count_items(edition) if edition else 0, editions=training.all_editions())


# --- the ambassador's checklist ---------------------------------------------------

@bp.route("/mine")
@role_required(Role.AMBASSADOR, Role.COORDINATOR)
def mine():
    edition = current_edition()
    approved = policy.approved_applications(current_user, edition.id if edition else None)
    checklist = training.checklist(current_user, edition) if approved else []
    return render("training/mine.html", edition=edition, approved=approved, checklist=checklist)


def _tick(item_id, done):
    item = _item(item_id)
    authorize(policy.can_tick(current_user, item))
    changed = training.mark_done(_actor(), item) if done else training.mark_undone(_actor(), item)
    db.session.commit()
    next_url = safe_next(request.form.get("next")) or url_for("training.mine")
    if is_htmx_request():
        checklist = training.checklist(current_user, training.pick_edition(item.edition_id))
        return render("training/mine.html", "training/_tick.html", item=item, done=done, checklist=checklist,
                      next_url=next_url)
    if changed:
        flash(_("Marked as done: %(title)s", title=item.title) if done
              else _("Marked as not done yet: %(title)s", title=item.title), "success")
    return see_other(next_url)


@bp.route(ITEM_URL + "/done", methods=["POST"])
@role_required(Role.AMBASSADOR)
def done(item_id):
    return _tick(item_id, True)


@bp.route(ITEM_URL + "/undone", methods=["POST"])
@role_required(Role.AMBASSADOR)
def undone(item_id):
    return _tick(item_id, False)
