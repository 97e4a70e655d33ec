"""The public list of ambassadors by district and area, and joining an area."""

from flask import Blueprint, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.ambassadors import forms, policy, queries, services
from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, public, signed_in
from pbflow.core.web.urls import safe_next
from pbflow.editions import services as editions
from pbflow.editions.models import Area
from pbflow.extensions import db

bp = Blueprint("directory", __name__)
nav_item("directory.index", _l("Ambassadors"), 20)


@bp.route("/ambassadors/")
@public
def index():
    edition = editions.current_edition()
    form = forms.DirectoryFilterForm(request.args)
    form.district.choices = forms.district_choices(editions.districts(), _l("All districts"))
    context = {"form": form, "edition": edition, "page": None, "groups": [], "followed": set(), "filters": {},
               "next_url": request.full_path.rstrip("?")}
    if not form.validate():
        return render("ambassadors/directory.html", "ambassadors/_directory_results.html", status=422, **context)
    if edition is not None:
        query = queries.directory(edition, form.district.data, form.q.data)
        page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
        context.update(page=page, groups=queries.group_by_district_and_area(page.items),
                       followed=queries.followed_area_ids(current_user, {a.area_id for a in page.items}),
                       filters={"district": form.district.data, "q": form.q.data or None})
    return render("ambassadors/directory.html", "ambassadors/_directory_results.html", **context)


def _area_url(area):
    return url_for("directory.index", district=area.district_id, _anchor=f"area-{area.id}")


def _after_follow(area, following, message):
    db.session.commit()
    if is_htmx_request():
        return render("ambassadors/directory.html", "ambassadors/_follow.html", area=area, following=following,
                      message=message, next_url=request.form.get("next"))
    flash(message, "success")
    back = safe_next(request.form.get("next"))
    return see_other(f"{back}#area-{area.id}" if back else _area_url(area))


@bp.route("/areas/<int:area_id>/join", methods=["GET", "POST"])
@signed_in
def join(area_id):
    area = db.get_or_404(Area, area_id)
    if request.method == "GET":  # back from logging in: show the area, the button is there
        return see_other(_area_url(area))
    authorize(policy.can_follow_areas(current_user))
    services.follow_area(current_user._get_current_object(), area)
    return _after_follow(area, True, _("You have joined the area %(area)s. Its meetings are in the meetings calendar: sign up there.",
                                       area=area.name))


@bp.route("/areas/<int:area_id>/leave", methods=["POST"])
@signed_in
def leave(area_id):
    area = db.get_or_404(Area, area_id)
    authorize(policy.can_follow_areas(current_user))
    services.unfollow_area(current_user._get_current_object(), area)
    return _after_follow(area, False, _("You have left the area %(area)s.", area=area.name))
