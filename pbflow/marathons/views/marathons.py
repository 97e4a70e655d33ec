"""Submission marathons: the public list, a page per marathon, planning them (coordinators), booking a time."""

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role, User
from pbflow.core.web.htmx import form_page, is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, public, role_required, signed_in
from pbflow.editions import services as editions
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.marathons import bookings, ical, listing, marathons, policy
from pbflow.marathons.forms.marathons import (
    BookingForm,
    ButtonForm,
    HelperForm,
    MarathonForm,
    MoveForm,
    PeopleSearchForm,
    ReasonForm,
    SeatsForm,
    SlotForm,
)
from pbflow.marathons.models import Marathon, MarathonSlot
from pbflow.proposals.models import Proposal

bp = Blueprint("marathons", __name__, url_prefix="/marathons")

nav_item("marathons.index", _l("Submission marathons"), 45)


def _actor():
    return current_user._get_current_object()


def _marathon(marathon_id, for_update=False):
    marathon = marathons.load(marathon_id, for_update=for_update)
    if marathon is None:
        abort(404)
    return marathon


def _refused(error, form=None):
    """403 for a policy's no; otherwise the message beside its field (True) or for the page (False)."""
    db.session.rollback()
    if error.status == 403:
        abort(403)
    return form is not None and form.show_refusal(error)


# --- the list and the page -------------------------------------------------------------

@bp.route("/")
@public
def index():
    edition = editions.current_edition()
    context = {"edition": edition, "page": None, "mine": bookings.mine(current_user),
               "may_manage": policy.can_manage_marathons(current_user)}
    if edition is None:
        return render("marathons/index.html", "marathons/_list.html", **context)
    try:
        context["page"] = listing.page(edition.id, request.args.get("after"))
    except listing.BadCursor:
        context["cursor_error"] = _("This page link is damaged. Start again from the first page.")
        return render("marathons/index.html", "marathons/_list.html", status=400, **context)
    return render("marathons/index.html", "marathons/_list.html", **context)


def _page_context(marathon, booking_form=None, slot_form=None, **extra):
    slots = marathons.slots_of(marathon.id)
    context = listing.page_context(current_user, marathon, slots)
    if booking_form is None:
        booking_form = BookingForm(formdata=None)
    booking_form.set_choices(slots, [proposal for proposal, _booking in context["bookable"]])
    context.update(booking_form=booking_form, slot_form=slot_form or SlotForm(formdata=None),
                   may_use_desk=policy.can_use_desk(current_user, marathon), **extra)
    return context


@bp.route("/<int:marathon_id>")
@public
def show(marathon_id):
    return render("marathons/show.html", **_page_context(_marathon(marathon_id)))


# --- planning (coordinators) -----------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new():
    edition = editions.current_edition()
    form = MarathonForm()
    if edition is not None and form.validate_on_submit():
        try:
            marathon = marathons.create(_actor(), edition, form.details())
        except marathons.MarathonError as error:
            shown = _refused(error, form)
            return render("marathons/form.html", status=422 if shown else error.status, form=form, edition=edition,
                          marathon=None, form_error=None if shown else str(error))
        db.session.commit()
        flash(_("The marathon is planned. Now add its times and helpers."), "success")
        return see_other(url_for(".show", marathon_id=marathon.id))
    status = 409 if edition is None and request.method == "POST" else None
    if status:
        return render("marathons/form.html", status=status, form=form, edition=None, marathon=None)
    return form_page("marathons/form.html", form=form, edition=edition, marathon=None)


@bp.route("/<int:marathon_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(marathon_id):
    marathon = _marathon(marathon_id, for_update=request.method == "POST")
    authorize(policy.can_change(current_user, marathon))
    edition = db.session.get(Edition, marathon.edition_id)
    form = MarathonForm() if request.method == "POST" else MarathonForm(formdata=None)
    if request.method == "GET":
        form.fill(marathon)
    if form.validate_on_submit():
        try:
            marathons.update_details(_actor(), marathon, edition, form.details())
        except marathons.MarathonError as error:
            shown = _refused(error, form)
            return render("marathons/form.html", status=422 if shown else error.status, form=form, edition=edition,
                          marathon=marathon, form_error=None if shown else str(error))
        db.session.commit()
        flash(_("The marathon is saved."), "success")
        return see_other(url_for(".show", marathon_id=marathon.id))
    return form_page("marathons/form.html", form=form, edition=edition, marathon=marathon)


@bp.route("/<int:marathon_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(marathon_id):
    marathon = _marathon(marathon_id, for_update=request.method == "POST")
    authorize(policy.can_manage_marathons(current_user))
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            marathons.cancel(_actor(), marathon, form.reason.data)
        except marathons.MarathonError as error:
            _refused(error)
            return render("marathons/cancel.html", status=error.status, form=form, marathon=marathon,
                          booked=listing.booked_count(marathon.id), form_error=str(error))
        db.session.commit()
        flash(_("The marathon is cancelled; the authors who had booked a time have been told."), "success")
        return see_other(url_for(".show", marathon_id=marathon.id))
    return form_page("marathons/cancel.html", form=form, marathon=marathon, booked=listing.booked_count(marathon.id))


@bp.route("/<int:marathon_id>/slots", methods=["POST"])
@signed_in
def add_slot(marathon_id):
    marathon = _marathon(marathon_id, for_update=True)
    authorize(policy.can_manage_marathons(current_user))
    form = SlotForm()
    if form.validate():
        try:
            marathons.add_slot(_actor(), marathon, form.starts.data, form.minutes.data, form.seats.data)
        except marathons.MarathonError as error:
            shown = _refused(error, form)
            return render("marathons/show.html", status=422 if shown else error.status,
                          **_page_context(marathon, slot_form=form, slot_error=None if shown else str(error)))
        db.session.commit()
        flash(_("The time is added."), "success")
        return see_other(url_for(".show", marathon_id=marathon.id) + "#times")
    return render("marathons/show.html", status=422, **_page_context(marathon, slot_form=form))


def _slot(slot_id):
    slot = db.session.scalar(db.select(MarathonSlot).where(MarathonSlot.id == slot_id))
    if slot is None:
        abort(404)
    return slot, _marathon(slot.marathon_id, for_update=True)


@bp.route("/slots/<int:slot_id>/seats", methods=["POST"])
@signed_in
def slot_seats(slot_id):
    slot, marathon = _slot(slot_id)
    authorize(policy.can_manage_marathons(current_user))
    form = SeatsForm()
    error_text = None
    if form.validate():
        try:
            marathons.change_seats(_actor(), marathon, slot, form.seats.data)
        except marathons.MarathonError as error:
            _refused(error)
            error_text, status = str(error), error.status
        else:
            db.session.commit()
            flash(_("The number of seats is changed."), "success")
            return see_other(url_for(".show", marathon_id=marathon.id) + "#times")
    else:
        error_text, status = " ".join(str(e) for e in form.seats.errors) or _("The form has expired. Please try again."), 422
    return render("marathons/show.html", status=status,
                  **_page_context(marathon, seats_error=(slot.id, error_text)))


@bp.route("/slots/<int:slot_id>/remove", methods=["POST"])
@signed_in
def remove_slot(slot_id):
    slot, marathon = _slot(slot_id)
    authorize(policy.can_manage_marathons(current_user))
    if not ButtonForm().validate():
        return render("marathons/show.html", status=422, **_page_context(
            marathon, seats_error=(slot.id, _("The form has expired. Please try again."))))
    try:
        marathons.remove_slot(_actor(), marathon, slot)
    except marathons.MarathonError as error:
        _refused(error)
        return render("marathons/show.html", status=error.status,
                      **_page_context(marathon, seats_error=(slot_id, str(error))))
    db.session.commit()
    flash(_("The time is removed."), "success")
    return see_other(url_for(".show", marathon_id=marathon.id) + "#times")


@bp.route("/<int:marathon_id>/helpers", methods=["GET", "POST"])
@signed_in
def helpers(marathon_id):
    marathon = _marathon(marathon_id, for_update=request.method == "POST")
    authorize(policy.can_manage_marathons(current_user))
    search = PeopleSearchForm(request.args)
    form = HelperForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                marathons.add_helper(_actor(), marathon, db.session.get(User, form.person.data))
            except marathons.MarathonError as error:
                _refused(error)
                form.person.errors = [str(error)]
                status = error.status
            else:
                db.session.commit()
                flash(_("The helper is added."), "success")
                return see_other(url_for(".helpers", marathon_id=marathon.id))
        else:
            status = 422
    found = marathons.search_people(search.q.data) if search.validate() and len(search.q.data or "") >= 2 else []
    return render("marathons/helpers.html", "marathons/_people.html", status=status, marathon=marathon,
                  search=search, form=form, found=found, helpers=marathons.helpers_of(marathon.id),
                  may_change=policy.can_change(current_user, marathon))


@bp.route("/<int:marathon_id>/helpers/<int:user_id>/remove", methods=["POST"])
@signed_in
def remove_helper(marathon_id, user_id):
    marathon = _marathon(marathon_id, for_update=True)
    authorize(policy.can_manage_marathons(current_user))
    if not ButtonForm().validate():
        abort(400)
    try:
        marathons.remove_helper(_actor(), marathon, user_id)
    except marathons.MarathonError as error:
        _refused(error)
        abort(error.status)
    db.session.commit()
    flash(_("The helper is removed."), "success")
    return see_other(url_for(".helpers", marathon_id=marathon.id))


# --- booking (the lead author) ---------------------------------------------------------

@bp.route("/<int:marathon_id>/book", methods=["POST"])
@signed_in
def book(marathon_id):
    marathon = _marathon(marathon_id)
    form = BookingForm()
    context = _page_context(marathon, booking_form=form)
    if not form.validate():
        return render("marathons/show.html", "marathons/_booking.html", status=422, **context)
    slot = db.session.get(MarathonSlot, form.slot.data)
    if slot is None or slot.marathon_id != marathon.id:
        form.slot.errors = [_("Choose one of the times.")]
        return render("marathons/show.html", "marathons/_booking.html", status=422, **context)
    try:
        bookings.book(_actor(), slot, db.session.get(Proposal, form.proposal.data))
    except bookings.BookingError as error:
        shown = _refused(error, form)
        return render("marathons/show.html", "marathons/_booking.html", status=422 if error.status == 422 else
                      error.status, **_page_context(marathon, booking_form=form,
                                                    booking_error=None if shown else str(error)))
    db.session.commit()
    message = _("Booked. The authors have been told by e-mail, with a calendar entry.")
    if is_htmx_request():
        return render("marathons/show.html", "marathons/_booking.html", **_page_context(
            marathon, booking_message=message))
    flash(message, "success")
    return see_other(url_for(".show", marathon_id=marathon.id) + "#booking")


def _booking(booking_id, for_update=False):
    booking = bookings.load(booking_id, for_update=for_update)
    if booking is None:
        abort(404)
    proposal = db.session.get(Proposal, booking.proposal_id)
    return booking, proposal


@bp.route("/bookings/<int:booking_id>/move", methods=["GET", "POST"])
@signed_in
def move(booking_id):
    booking, proposal = _booking(booking_id, for_update=request.method == "POST")
    authorize(policy.can_change_booking(current_user, booking, proposal))
    form = MoveForm()
    form.set_choices(listing.future_slots(proposal.edition_id, exclude_slot_id=booking.slot_id))
    context = {"booking": booking, "proposal": proposal, "form": form, **listing.booking_facts(booking)}
    if form.validate_on_submit():
        try:
            bookings.move(_actor(), booking, db.session.get(MarathonSlot, form.slot.data))
        except bookings.BookingError as error:
            shown = _refused(error, form)
            return render("marathons/move.html", status=422 if shown else error.status,
                          form_error=None if shown else str(error), **context)
        db.session.commit()
        flash(_("The place is moved. The authors have been told by e-mail."), "success")
        return see_other(url_for(".show", marathon_id=booking.marathon_id) + "#booking")
    return form_page("marathons/move.html", **context)


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel_booking(booking_id):
    booking, proposal = _booking(booking_id, for_update=request.method == "POST")
    authorize(policy.can_change_booking(current_user, booking, proposal))
    form = ButtonForm()
    context = {"booking": booking, "proposal": proposal, "form": form, **listing.booking_facts(booking)}
    if form.validate_on_submit():
        marathon_id = booking.marathon_id
        try:
            bookings.cancel(_actor(), booking)
        except bookings.BookingError as error:
            _refused(error)
            return render("marathons/cancel_booking.html", status=error.status, form_error=str(error), **context)
        db.session.commit()
        flash(_("The place is cancelled. The seat is free for someone else."), "success")
        return see_other(url_for(".show", marathon_id=marathon_id))
    return form_page("marathons/cancel_booking.html", **context)


@bp.route("/bookings/<int:booking_id>.ics")
@signed_in
def booking_ics(booking_id):
    booking, proposal = _booking(booking_id)
    authorize(policy.can_see_booking(current_user, booking, proposal))
    slot = db.session.get(MarathonSlot, booking.slot_id)
    marathon = db.session.get(Marathon, booking.marathon_id)
    return Response(ical.booking_bytes(booking, slot, marathon, proposal), content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="marathon-{booking.id}.ics"'})
