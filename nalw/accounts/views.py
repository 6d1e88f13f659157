"""Account pages: thin handlers that validate a form, call a service, commit once and redirect."""

import json
import time

from flask import Response, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from nalw.accounts import blueprint, services
from nalw.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DisableTwoFactorForm,
    EmptyForm,
    EnableTwoFactorForm,
    EraseAccountForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
    TwoFactorForm,
)
from nalw.accounts.models import Person
from nalw.accounts.security import InvalidLink, provisioning_uri, qr_code_svg
from nalw.core.forms import carry_out, carry_out_button, show_refusal
from nalw.core.permissions import Role, public, safe_next, signed_in
from nalw.extensions import db, limiter

PENDING_SIGN_IN_SECONDS = 300


def _sign_in_limit_key():
    return services.sign_in_limit_key(request.form.get("email") or "", _client_address())


def _client_address():
    return request.remote_addr or "unknown"


def _ip_limit():
    return current_app.config["SIGN_IN_LIMIT_PER_IP"]


def _address_limit():
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def _refused(response):
    """Whether a sign-in attempt counts against the limits: only one refused (the form comes back). A sign-in
    that worked goes on with a redirect and counts for nothing, so link workers behind one NHS network address
    signing in at nine o'clock do not use up their shared allowance."""
    return response.status_code != 302


@blueprint.app_errorhandler(InvalidLink)
def link_problem(error):
    """A link tampered with, expired or already used, wherever it is followed (a view lets the service's
    InvalidLink pass): nothing the request started is kept, and the page says how to get a new link."""
    db.session.rollback()
    return render_template("accounts/link_problem.html", message=error.message), 400


def _start_session(person, remember):
    """Sign `person` in on a fresh session, so no value from before sign-in carries over.

    The server-side sign-in session opened here is what the session and remember-me cookies name.
    """
    session.clear()
    services.complete_sign_in(person, _client_address(), request.user_agent.string)
    login_user(person, remember=remember)


def _this_session():
    return current_user.sign_in_session


# --- Sign-up and verification -------------------------------------------------------------


@blueprint.route("/sign-up", methods=["GET", "POST"])
@public
@limiter.limit(_ip_limit, methods=["POST"])
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = SignUpForm()
    if form.validate_on_submit():
        services.sign_up(form.name.data, form.email.data, form.password.data)
        db.session.commit()
        session["signed_up_email"] = form.email.data
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/sign_up.html", form=form)


@blueprint.route("/sign-up/check-your-email")
@public
def check_email():
    return render_template("accounts/check_email.html", email=session.get("signed_up_email"))


@blueprint.route("/verify/<token>")
@public
def verify_email(token):
    services.verify_email(token)
    db.session.commit()
    flash("Thank you: your email address is confirmed.", "success")
    return redirect(url_for("accounts.account") if current_user.is_authenticated else url_for("accounts.sign_in"))


@blueprint.route("/verify/resend", methods=["POST"])
@signed_in
@limiter.limit("5 per hour")
def resend_verification():
    if not current_user.email_verified:
        carry_out_button(
            lambda: services.send_verification_email(current_user),
            done=f"We have sent a new confirmation link to {current_user.email}.",
        )
    return redirect(url_for("accounts.account"))


# --- Signing in and out -------------------------------------------------------------------


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_refused)
@limiter.limit(_address_limit, key_func=_sign_in_limit_key, methods=["POST"], deduct_when=_refused)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = SignInForm()
    next_path = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        # Not carry_out: a refused sign-in is committed, not rolled back, so the failed attempt (and any
        # lock) is recorded.
        try:
            person = services.authenticate(form.email.data, form.password.data, _client_address())
        except services.AccountError as error:
            db.session.commit()
            form.form_errors.append(error.message)
        else:
            if person.two_factor_enabled:
                db.session.commit()
                session["pending_sign_in"] = {
                    "person": person.id,
                    "remember": bool(form.remember.data),
                    "next": next_path,
                    "started": time.time(),
                }
                return redirect(url_for("accounts.sign_in_two_factor"))
            _start_session(person, form.remember.data)
            db.session.commit()
            if person.two_factor_required:
                flash("Your role needs two-factor sign-in. Set it up to continue.", "warning")
                return redirect(url_for("accounts.two_factor_setup"))
            return redirect(next_path or _home_of(person))
    return render_template("accounts/sign_in.html", form=form)


def _home_of(person):
    """Where a sign-in with nowhere else to go lands: staff at their dashboard, everyone else at home."""
    return url_for("admin.dashboard") if person.has_role(Role.STAFF) else url_for("core.home")


def _pending_person():
    pending = session.get("pending_sign_in")
    if not pending or time.time() - pending.get("started", 0) > PENDING_SIGN_IN_SECONDS:
        session.pop("pending_sign_in", None)
        return None, None
    return db.session.get(Person, pending["person"]), pending


@blueprint.route("/sign-in/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_refused)
def sign_in_two_factor():
    person, pending = _pending_person()
    if person is None or not person.is_active:
        flash("Your sign-in took too long. Please sign in again.", "warning")
        return redirect(url_for("accounts.sign_in"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        # Not carry_out: a wrong code is committed, not rolled back, so the failed attempt (and any lock) is
        # recorded; a lock also ends the pending sign-in.
        try:
            used = services.verify_second_factor(person, form.code.data, _client_address())
        except services.AccountLocked as error:
            db.session.commit()
            session.pop("pending_sign_in", None)
            flash(error.message, "danger")
            return redirect(url_for("accounts.sign_in"))
        except services.AccountError as error:
            db.session.commit()
            show_refusal(form, error)
        else:
            _start_session(person, pending["remember"])
            db.session.commit()
            if used == "recovery":
                left = services.unused_recovery_code_count(person)
                flash(
                    f"You used a recovery code. You have {left} left; you can make new ones on your account page.",
                    "warning",
                )
            return redirect(safe_next(pending.get("next")) or _home_of(person))
    return render_template("accounts/sign_in_two_factor.html", form=form)


@blueprint.route("/sign-out", methods=["POST"])
@public
def sign_out():
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Ended on the server, so a copy of either cookie stops working too.
            services.end_sign_in_session(_this_session())
            db.session.commit()
        # Clear first: logout_user leaves a note in the session that deletes the remember-me cookie.
        session.clear()
        logout_user()
        flash("You have signed out.", "success")
    return redirect(url_for("core.home"))


@blueprint.route("/sign-out-everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere():
    form = EmptyForm()
    if form.validate_on_submit():
        services.sign_out_everywhere(current_user)
        db.session.commit()
        session.clear()
        logout_user()
        flash("You are signed out on every device, this one too.", "success")
        return redirect(url_for("accounts.sign_in"))
    return redirect(url_for("accounts.account"))


# --- Passwords -----------------------------------------------------------------------------


@blueprint.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(_ip_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@blueprint.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    services.person_for_reset_link(token)  # an unusable link shows the link problem page
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        logout_user()
        flash("Your password has been changed. Sign in with your new password.", "success")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@blueprint.route("/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            services.change_password(current_user, form.current_password.data, form.password.data, keep=_this_session())
        if call.succeeded:
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


# --- Account and email ----------------------------------------------------------------------


@blueprint.route("/")
@signed_in
def account():
    return render_template(
        "accounts/account.html",
        resend_form=EmptyForm(),
        sign_out_everywhere_form=EmptyForm(),
        other_sessions=services.live_sign_in_session_count(current_user) - 1,
        recovery_codes_left=services.unused_recovery_code_count(current_user) if current_user.two_factor_enabled else 0,
    )


@blueprint.route("/email", methods=["GET", "POST"])
@signed_in
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            new_email = services.request_email_change(current_user, form.email.data, form.password.data)
        if call.succeeded:
            flash(f"We have sent a link to {new_email}. Your address changes when you follow it.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_email.html", form=form)


@blueprint.route("/email/confirm/<token>")
@public
def confirm_email_change(token):
    person = services.confirm_email_change(token)
    db.session.commit()
    flash(f"Your email address is now {person.email}.", "success")
    return redirect(url_for("accounts.account") if current_user.is_authenticated else url_for("accounts.sign_in"))


# --- Two-factor ------------------------------------------------------------------------------


@blueprint.route("/two-factor", methods=["GET", "POST"])
@signed_in
def two_factor_setup():
    if current_user.two_factor_enabled:
        return render_template(
            "accounts/two_factor_status.html",
            disable_form=DisableTwoFactorForm(),
            codes_form=EmptyForm(),
            must_keep=current_user.two_factor_required,
            recovery_codes_left=services.unused_recovery_code_count(current_user),
        )
    # Kept with the sign-in session on the server: the session cookie is signed, not secret.
    secret = services.enrolment_secret(_this_session())
    db.session.commit()
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            services.enable_two_factor(current_user, _this_session(), form.code.data)
        if call.succeeded:
            flash("Two-factor sign-in is on.", "success")
            return redirect(url_for("accounts.recovery_codes"))
    uri = provisioning_uri(secret, current_user.email)
    return render_template("accounts/two_factor_setup.html", form=form, secret=secret, qr_svg=qr_code_svg(uri))


@blueprint.route("/two-factor/recovery-codes", methods=["GET", "POST"])
@signed_in
def recovery_codes():
    """New codes are shown once, right after they are made."""
    if request.method == "POST":
        form = EmptyForm()
        if form.validate_on_submit() and current_user.two_factor_enabled:
            services.make_new_recovery_codes(current_user, _this_session())
            db.session.commit()
        return redirect(url_for("accounts.recovery_codes"))
    codes = services.take_recovery_codes_to_show(_this_session())
    if not codes:
        return redirect(url_for("accounts.two_factor_setup"))
    db.session.commit()
    response = make_response(render_template("accounts/recovery_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/two-factor/disable", methods=["POST"])
@signed_in
def disable_two_factor():
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            services.disable_two_factor(current_user, form.password.data, keep=_this_session())
        if call.succeeded:
            flash("Two-factor sign-in is off.", "success")
            return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/two_factor_status.html",
        disable_form=form,
        codes_form=EmptyForm(),
        must_keep=current_user.two_factor_required,
        recovery_codes_left=services.unused_recovery_code_count(current_user),
    )


# --- Personal data ---------------------------------------------------------------------------


@blueprint.route("/data")
@signed_in
def download_data():
    export = services.export_personal_data(current_user)
    return Response(
        json.dumps(export, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-nalw-data.json"', "Cache-Control": "no-store"},
    )


@blueprint.route("/erase", methods=["GET", "POST"])
@signed_in
def erase():
    form = EraseAccountForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            services.erase_person(current_user._get_current_object(), form.password.data)
        if call.succeeded:
            session.clear()
            logout_user()
            flash("Your personal data has been erased and you have been signed out.", "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/erase.html", form=form)
