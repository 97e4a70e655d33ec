"""Register, log in and out, reset a password, profile, and the user's own data."""

import json

from flask import Blueprint, Response, current_app, flash, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from pbflow.accounts import forms, services
from pbflow.accounts.throttle import Throttled, address_bucket
from pbflow.core.web.errors import too_many_attempts
from pbflow.core.web.htmx import form_page, invalid, render, see_other
from pbflow.core.web.permissions import public, signed_in
from pbflow.core.web.urls import external_url, safe_next
from pbflow.extensions import db, limiter

bp = Blueprint("accounts", __name__)


@bp.app_context_processor
def roles_in_templates():
    """Templates ask `current_user.has_role(Role.COORDINATOR)`; core's templating knows nothing of roles."""
    from pbflow.accounts.models import Role

    return {"Role": Role}


@bp.route("/privacy")
@public
def privacy():
    return render("accounts/privacy.html", version=services.PRIVACY_NOTICE_VERSION)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Remember the language: in the session for visitors, in the profile for users."""
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(current_user, locale)
            db.session.commit()
    return see_other(safe_next(request.form.get("next")) or url_for("home.index"))


AUTH_LIMIT = "30 per minute"


def _client_ip():
    return address_bucket(request.remote_addr)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register():
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(form.name.data, form.email.data, form.password.data,
                                     locale=str(get_locale()), ip=_client_ip())
        except Throttled as error:
            db.session.commit()
            return too_many_attempts(error.retry_after)
        except services.EmailTaken as error:
            db.session.commit()  # the attempt counts, or the form would probe addresses without limit
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to pbflow, %(name)s. Your account is ready.", name=user.name), "success")
            return see_other(url_for("home.index"))
    return form_page("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login():
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, _client_ip())
        except Throttled as error:
            return too_many_attempts(error.retry_after)
        db.session.commit()  # failed attempts are counted even when the log-in fails
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return see_other(safe_next(request.args.get("next")) or url_for("home.index"))
        form.password.errors.append(_("Wrong e-mail address or password."))
    return form_page("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return see_other(url_for("home.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            services.request_password_reset(
                form.email.data, _client_ip(),
                lambda token: external_url("accounts.reset_password", token=token))
        except Throttled as error:
            return too_many_attempts(error.retry_after)
        db.session.commit()
        flash(_("If an account uses this address, we have sent it a link to set a new password. Check your inbox."), "info")
        return see_other(url_for("accounts.login"))
    return form_page("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset_password(token):
    user = services.user_for_reset_token(token)
    if user is None:
        return render("accounts/reset_invalid.html", status=400)
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password has been changed. You can log in with the new one."), "success")
        return see_other(url_for("accounts.login"))
    return form_page("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@signed_in
def profile():
    form = forms.ProfileForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.locale.data = current_user.locale or "pl"
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.locale.data)
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return see_other(url_for("accounts.profile"))
    page = "accounts/profile.html"
    context = {"form": form, "password_form": forms.PasswordChangeForm(formdata=None)}
    return form_page(page, "accounts/_profile_form.html", **context)


@bp.route("/profile/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = forms.PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # login_user() needs the real object, not the proxy
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except Throttled as error:
            return too_many_attempts(error.retry_after)
        except services.WrongPassword as error:
            db.session.commit()  # the failed attempt is counted
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            # Keep this session (the others are signed out); renew "remember me" only if it was on.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(user, remember=remembered)
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return see_other(url_for("accounts.profile"))
    return form_page("accounts/change_password.html", "accounts/_password_form.html", password_form=form)


@bp.route("/profile/data")
@signed_in
def my_data():
    return render("accounts/my_data.html", delete_form=forms.DeleteAccountForm(formdata=None))


@bp.route("/profile/data.json")
@signed_in
def download_data():
    document = services.export_user_data(current_user)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="pbflow-my-data-{current_user.id}.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/profile/delete", methods=["POST"])
@signed_in
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except Throttled as error:
            return too_many_attempts(error.retry_after)
        except services.WrongPassword as error:
            db.session.commit()  # the failed attempt is counted
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your account has been deleted and your personal data erased."), "info")  # in their language
            logout_user()
            return see_other(url_for("home.index"))
    return invalid("accounts/my_data.html", "accounts/_delete_form.html", delete_form=form)
