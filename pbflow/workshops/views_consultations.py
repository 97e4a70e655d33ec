"""Individual consultations: the list of open times, publishing them, booking one, cancelling, the .ics."""

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.database import utcnow
from pbflow.core.web.htmx import form_page, is_htmx_request, render, see_other
from pbflow.core.web.permissions import authorize, public, signed_in
from pbflow.editions import services as editions
from pbflow.extensions import db
from pbflow.feedback.models import VerifyingUnit
from pbflow.proposals.models import Proposal
from pbflow.workshops import consultations, ical, policy
from pbflow.workshops.forms import BookingForm, ReasonForm, SlotFilterForm, SlotForm
from pbflow.workshops.models import ConsultationBooking, SlotStatus

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


def _actor():
    return current_user._get_current_object()


def _slot(slot_id, for_update=False):
    slot = consultations.load_slot(slot_id, for_update=for_update)
    if slot is None:
        abort(404)
    return slot


def _units():
    return db.session.scalars(db.select(VerifyingUnit).order_by(VerifyingUnit.name).limit(500)).all()


def _list_context(status_message=None):
    edition = editions.current_edition()
    form = SlotFilterForm(request.args if request.method == "GET" else None)
    form.set_choices(_units())
    context = {"edition": edition, "form": form, "page": None, "url_args": {},
               "may_publish": policy.can_publish_slots(current_user), "taken_message": status_message}
    if edition is None:
        return context, 200
    if request.method == "GET" and not form.validate():
        return context, 400
    unit_id = form.unit.data if request.method == "GET" else None
    try:
        context["page"] = consultations.page(edition.id, unit_id,
                                             request.args.get("after") if request.method == "GET" else None)
    except ValueError:
        context["cursor_error"] = _("This page link is damaged. Start again from the first page.")
        return context, 400
    context["url_args"] = {"unit": unit_id} if unit_id else {}
    return context, 200


@bp.route("/")
@public
def index():
    context, status = _list_context()
    return render("workshops/consultations.html", "workshops/_slots.html", status=status, **context)


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    authorize(policy.can_publish_slots(current_user))
    edition = editions.current_edition()
    units = [u for u in _units() if u.id in policy.unit_ids_of(current_user)]
    form = SlotForm()
    form.set_choices(units)
    if request.method == "GET" and len(units) == 1:
        form.unit.data = units[0].id
    context = {"edition": edition}
    if edition is None:
        return render("workshops/slot_form.html", status=409 if request.method == "POST" else 200, form=None,
                      **context)
    if form.validate_on_submit():
        try:
            created = consultations.publish(_actor(), edition, form.details())
        except consultations.ConsultationError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            shown = form.show_refusal(error)
            return render("workshops/slot_form.html", status=422 if shown else error.status, form=form,
                          form_error=None if shown else str(error), **context)
        db.session.commit()
        flash(_("Published: %(num)d consultation time(s). Authors can book them now.", num=len(created)), "success")
        return see_other(url_for(".mine"))
    return form_page("workshops/slot_form.html", form=form, **context)


@bp.route("/<int:slot_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel_slot(slot_id):
    slot = _slot(slot_id, for_update=request.method == "POST")
    authorize(policy.can_cancel_slot(current_user, slot))
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            consultations.cancel_slot(_actor(), slot, form.reason.data)
        except consultations.ConsultationError as error:
            db.session.rollback()
            return render("workshops/cancel_slot.html", status=error.status, form=form, slot=slot,
                          form_error=str(error))
        db.session.commit()
        flash(_("The consultation time is cancelled; if someone had booked it, they have been told."), "success")
        return see_other(url_for(".mine"))
    return form_page("workshops/cancel_slot.html", form=form, slot=slot,
                     booking=consultations.active_booking(slot.id))


def _booking_context(slot, form):
    unit = db.session.get(VerifyingUnit, slot.unit_id)
    return {"slot": slot, "unit": unit, "form": form, "past": slot.starts_at <= utcnow(),
            "taken": consultations.active_booking(slot.id) is not None}


@bp.route("/<int:slot_id>/book", methods=["GET", "POST"])
@signed_in
def book(slot_id):
    slot = _slot(slot_id)
    form = BookingForm()
    form.set_choices(consultations.bookable_proposals(current_user, slot.edition_id))
    if form.validate_on_submit():
        proposal = db.session.get(Proposal, form.proposal.data)
        try:
            consultations.book(_actor(), slot, proposal, form.question.data)
        except consultations.SlotTaken as error:
            db.session.rollback()
            return _taken(str(error))
        except consultations.ConsultationError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            if error.field:
                form[error.field].errors = [*form[error.field].errors, str(error)]
                return render("workshops/book.html", "workshops/_booking_form.html", status=422,
                              **_booking_context(slot, form))
            if slot.state is SlotStatus.OPEN and slot.starts_at > utcnow():  # the person's own clash
                return render("workshops/book.html", "workshops/_booking_form.html", status=409,
                              form_error=str(error), **_booking_context(slot, form))
            return _taken(str(error))
        db.session.commit()
        message = _("Booked. The expert has been told; you find the consultation under “My consultations”.")
        flash(message, "success")
        return see_other(url_for(".mine"))
    return form_page("workshops/book.html", "workshops/_booking_form.html", **_booking_context(slot, form))


def _taken(message):
    """409 with the list of open times refreshed: the whole page, or (htmx) the list in the form's place."""
    context, _status = _list_context(status_message=message)
    response = render("workshops/consultations.html", "workshops/_slots.html", status=409, **context)
    if is_htmx_request():
        response.headers["HX-Retarget"] = "#booking"
        response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.route("/mine")
@signed_in
def mine():
    upcoming, past = consultations.mine(current_user)
    return render("workshops/mine.html", upcoming=upcoming, past=past, now=utcnow(),
                  slots=consultations.my_open_slots(current_user) if policy.can_publish_slots(current_user) else [],
                  may_publish=policy.can_publish_slots(current_user))


def _booking(booking_id, for_update=False):
    query = db.select(ConsultationBooking).where(ConsultationBooking.id == booking_id)
    if for_update:
        query = query.with_for_update()
    booking = db.session.scalar(query)
    if booking is None:
        abort(404)
    slot = consultations.load_slot(booking.slot_id)
    authorize(policy.is_booking_side(current_user, booking, slot))
    return booking, slot


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel_booking(booking_id):
    booking, slot = _booking(booking_id, for_update=request.method == "POST")
    proposal = db.session.get(Proposal, booking.proposal_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            consultations.cancel_booking(_actor(), booking, slot, form.reason.data)
        except consultations.ConsultationError as error:
            db.session.rollback()
            return render("workshops/cancel_booking.html", status=error.status, form=form, booking=booking,
                          slot=slot, proposal=proposal, form_error=str(error))
        db.session.commit()
        flash(_("The consultation is cancelled; the other side has been told."), "success")
        return see_other(url_for(".mine"))
    return form_page("workshops/cancel_booking.html", form=form, booking=booking, slot=slot, proposal=proposal)


@bp.route("/bookings/<int:booking_id>.ics")
@signed_in
def booking_ics(booking_id):
    booking, slot = _booking(booking_id)
    proposal = db.session.get(Proposal, booking.proposal_id)
    unit = db.session.get(VerifyingUnit, slot.unit_id)
    return Response(ical.booking_bytes(booking, slot, proposal, unit), content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="consultation-{booking.id}.ics"'})
