"""Member-facing pages: joining, paying, the membership page, renewal, organisation seats, the register."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.code_of_practice import services as code_services
from nalw.core.cpd_years import current_year
from nalw.core.forms import EmptyForm, carry_out
from nalw.core.links import absolute_link
from nalw.core.paging import page_number
from nalw.core.pdf import render_pdf
from nalw.core.permissions import Role, public, requires, signed_in
from nalw.core.records import belonging_or_404, found_or_404
from nalw.core.time import format_date
from nalw.extensions import db, limiter
from nalw.members import blueprint, cpd_requirements, organisations, renewals, services
from nalw.members.forms import (
    ApplicationForm,
    AutoRenewForm,
    CpdDeclarationForm,
    InviteForm,
    PaymentForm,
    RegisterSearchForm,
    RemoveSeatForm,
    ResignForm,
    SeatAcceptanceForm,
    WithdrawApplicationForm,
)
from nalw.members.models import IN_GOOD_STANDING, Membership, MembershipStatus, SeatInvitation, SeatStatus, Tier
from nalw.members.register import search_register
from nalw.payments import checkout
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentStatus


def _own_membership(membership_id) -> Membership:
    return belonging_or_404(Membership, membership_id, person_id=current_user.id)


@blueprint.route("/membership")
@signed_in
def my_membership():
    membership = services.current_membership(current_user)
    organisation_membership = services.current_membership(current_user, for_organisation=True)
    profile = payment_services.billing_profile(current_user)
    cpd_year = renewals.cpd_year_to_declare_for(membership) if membership is not None else None
    declared = cpd_year is None or renewals.declaration_for(membership, cpd_year) is not None
    return render_template(
        "members/my_membership.html",
        membership=membership,
        organisation_membership=organisation_membership,
        saved_card=profile.card_label if profile else None,
        renewable=membership is not None and renewals.is_renewable(membership),
        can_renew=membership is not None and renewals.can_renew(membership),
        renewal_opens_on=renewals.renewal_opens_on(membership) if membership and membership.expires_on else None,
        renewal_opens_days=renewals.RENEWAL_OPENS_DAYS,
        in_good_standing=membership is not None and membership.in_good_standing,
        cpd_year=cpd_year,
        declaration_form=CpdDeclarationForm() if not declared else None,
        cpd_hours_to_declare=cpd_requirements.hours_required(membership.tier, cpd_year)
        if membership and not declared
        else None,
    )


@blueprint.route("/membership/join")
@signed_in
def choose_tier():
    return render_template(
        "members/choose_tier.html",
        # The hours in force this CPD year; a change staff made for next year is not this year's requirement.
        cpd_hours=cpd_requirements.hours_by_tier(current_year()),
        tiers=services.open_tiers(),
        organisation_tiers=services.open_tiers(for_organisation=True),
        existing=services.current_membership(current_user),
    )


@blueprint.route("/membership/join/<int:tier_id>", methods=["GET", "POST"])
@signed_in
def apply(tier_id):
    tier = db.session.get(Tier, tier_id)
    if tier is None or not tier.open_for_applications:
        abort(404)
    code = code_services.current_version()
    form = ApplicationForm()
    if request.method == "GET":
        form.employer_name.data = None
        form.offer_code(code)
    if form.validate_on_submit():
        with carry_out(form) as call:
            membership = services.apply(current_user, tier, **form.joining_values())
        if call.succeeded:
            if membership.status is MembershipStatus.APPLIED:
                return redirect(url_for("members.pay", membership_id=membership.id))
            flash("Thank you: we have your application and will email you when it is decided.", "success")
            return redirect(url_for("members.my_membership"))
        form.offer_code(code)
    return render_template("members/apply.html", form=form, tier=tier, code=code)


def _pay_by_card(form, begin_payment, *, success, done_url, retry_url):
    """Take a card payment from a posted PaymentForm. Returns where to go next, or None to show
    the page again with the refusal or the decline on the form."""
    with carry_out(form) as call:
        payment = checkout.pay_by_card(
            current_user, request.form.get("card_choice"), form.card_token.data, begin_payment
        )
    if not call.succeeded:
        return None
    if payment.status is PaymentStatus.FAILED:
        form.form_errors.append(f"{payment.failure_message} Nothing was charged. Try again or use another card.")
        return None
    if payment.status is PaymentStatus.SUCCEEDED:
        flash(success, "success")
    return checkout.after_card_payment(payment, done_url, retry_url)


@blueprint.route("/membership/<int:membership_id>/pay", methods=["GET", "POST"])
@signed_in
def pay(membership_id):
    membership = _own_membership(membership_id)
    if membership.status is not MembershipStatus.APPLIED:
        return redirect(url_for("members.my_membership"))
    done_url = url_for("members.my_membership")
    awaiting = services.fee_awaiting_authentication(membership)
    if awaiting is not None:
        return redirect(url_for("payments.authenticate", payment_id=awaiting.id, next=done_url))
    form = PaymentForm()
    if form.validate_on_submit():
        outcome = _pay_by_card(
            form,
            lambda: services.begin_fee_payment(
                current_user, membership, form.amount_seen(), auto_renew=form.renew_automatically.data
            ),
            success="Payment received. We will review your application and email you.",
            done_url=done_url,
            retry_url=url_for("members.pay", membership_id=membership.id),
        )
        if outcome is not None:
            return outcome
    form.amount_pence.data = str(services.fee_due(membership))
    form.card_token.data = ""
    return render_template(
        "members/pay.html",
        form=form,
        membership=membership,
        fee=services.fee_due(membership),
        **checkout.card_page_context(current_user),
    )


@blueprint.route("/membership/renew", methods=["GET", "POST"])
@signed_in
def renew():
    membership = services.current_membership(current_user) or services.current_membership(
        current_user, for_organisation=True
    )
    if membership is None or not renewals.is_renewable(membership):
        flash("There is no membership to renew. You can apply for one.", "info")
        return redirect(url_for("members.my_membership"))
    if not renewals.can_renew(membership):
        flash(
            f"You can renew from {format_date(renewals.renewal_opens_on(membership))}, "
            f"{renewals.RENEWAL_OPENS_DAYS} days before your membership ends.",
            "info",
        )
        return redirect(url_for("members.my_membership"))
    awaiting = renewals.renewal_awaiting_authentication(membership)
    if awaiting is not None:
        return redirect(url_for("payments.authenticate", payment_id=awaiting.id, next=url_for("members.my_membership")))
    cpd_year = renewals.cpd_year_to_declare_for(membership)
    code = code_services.current_version()
    form = PaymentForm()
    if form.validate_on_submit():
        outcome = _pay_by_card(
            form,
            lambda: renewals.begin_renewal_payment(
                current_user,
                membership,
                form.amount_seen(),
                accepted_code=form.accept_code.data,
                accepted_code_version_id=form.code_version(),
                cpd_met=form.cpd_declaration(),
                auto_renew=form.renew_automatically.data,
            ),
            success="Thank you: your membership is renewed.",
            done_url=url_for("members.my_membership"),
            retry_url=url_for("members.renew"),
        )
        if outcome is not None:
            return outcome
    form.amount_pence.data = str(renewals.renewal_fee(membership))
    if not form.is_submitted():
        form.renew_automatically.data = membership.auto_renew  # what the member chose before, until they change it
    form.offer_code(code)
    form.card_token.data = ""
    return render_template(
        "members/renew.html",
        form=form,
        membership=membership,
        cpd_year=cpd_year,
        cpd_hours_to_declare=cpd_requirements.hours_required(membership.tier, cpd_year) if cpd_year else None,
        fee=renewals.renewal_fee(membership),
        code=code,
        **checkout.card_page_context(current_user),
    )


@blueprint.route("/membership/automatic-renewal", methods=["GET", "POST"])
@signed_in
def automatic_renewal():
    """Turning automatic renewal on or off: the GET says what will happen to the card and the membership,
    the POST makes the change."""
    membership = services.current_membership(current_user)
    if membership is None or not renewals.is_renewable(membership):
        abort(404)
    turning_on = not membership.auto_renew
    form = AutoRenewForm()
    if form.validate_on_submit():
        # The choice is a hidden field: a refusal is shown on the form as a whole.
        with carry_out(form) as call:
            renewals.set_auto_renew(current_user, membership, form.auto_renew.data == "on")
        if call.succeeded:
            flash(
                "Your membership will renew automatically with your saved card."
                if membership.auto_renew
                else "Automatic renewal is off: your card will not be charged. We will remind you by email to renew.",
                "success",
            )
            return redirect(url_for("members.my_membership"))
    form.auto_renew.data = "on" if turning_on else "off"
    profile = payment_services.billing_profile(current_user)
    return render_template(
        "members/automatic_renewal.html",
        form=form,
        membership=membership,
        turning_on=turning_on,
        saved_card=profile.card_label if profile else None,
        fee=renewals.renewal_fee(membership),
        charged_on=renewals.automatic_charge_on(membership),
        reminder_days=renewals.REMINDER_DAYS,
        auto_charge_days=renewals.AUTO_CHARGE_DAYS_BEFORE,
    )


@blueprint.route("/membership/cpd-declaration", methods=["POST"])
@signed_in
def cpd_declaration():
    """Members who renew automatically declare their CPD here, from their membership page."""
    membership = services.current_membership(current_user)
    if (
        membership is None
        or not renewals.is_renewable(membership)
        or renewals.cpd_year_to_declare_for(membership) is None
    ):
        abort(404)
    form = CpdDeclarationForm()
    if form.validate_on_submit():
        renewals.declare_cpd(membership, form.cpd_met.data == "yes")
        db.session.commit()
        flash("Thank you: your CPD declaration is recorded.", "success")
    else:
        flash("Choose yes or no, then press Record declaration.", "danger")
    return redirect(url_for("members.my_membership"))


@blueprint.route("/membership/resign", methods=["GET", "POST"])
@signed_in
def resign():
    """The page says what will happen (an application withdrawn, or a membership ended today with no refund and
    no more automatic charges); nothing changes until the person ticks the box and posts."""
    membership = services.current_membership(current_user)
    if membership is None:
        return redirect(url_for("members.my_membership"))
    withdrawing = membership.status is MembershipStatus.APPLIED
    form = WithdrawApplicationForm() if withdrawing else ResignForm()
    if form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors = [
                "Tick the box to confirm you want to withdraw your application"
                if withdrawing
                else "Tick the box to confirm you want to resign"
            ]
        else:
            reason = (form.reason.data or "").strip() or (
                "Application withdrawn by the applicant" if withdrawing else "Resigned by the member"
            )
            with carry_out(form) as call:
                services.resign(current_user, membership, reason)
            if call.succeeded:
                flash(
                    "Your application is withdrawn. You can apply again at any time."
                    if withdrawing
                    else "You have resigned. Thank you for being a member.",
                    "success",
                )
                return redirect(url_for("members.my_membership"))
    return render_template("members/resign.html", form=form, membership=membership, withdrawing=withdrawing)


@blueprint.route("/membership/certificate.pdf")
@requires(Role.MEMBER)
def certificate():
    membership = services.current_membership(current_user)
    if membership is None or membership.status not in IN_GOOD_STANDING:
        abort(404)
    register_link = absolute_link("members.register", q=membership.number)
    return render_pdf(
        "members/certificate.html",
        f"nalw-membership-{membership.number}.pdf",
        membership=membership,
        register_link=register_link,
    )


# --- The public register --------------------------------------------------------------------------


@blueprint.route("/register")
@public
@limiter.limit("60 per minute")
def register():
    form = RegisterSearchForm(request.args)
    page = None
    if form.q.data and form.validate():
        page = search_register(form.q.data, page_number())
    return render_template("members/register.html", form=form, page=page)


# --- Organisations ----------------------------------------------------------------------------------


def _my_organisation():
    return found_or_404(organisations.organisation_for_admin(current_user))


@blueprint.route("/organisation", methods=["GET", "POST"])
@requires(Role.ORGANISATION_ADMIN)
def organisation():
    organisation = _my_organisation()
    form = InviteForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            organisations.invite(current_user, organisation, form.email.data)
        if call.succeeded:
            flash(f"Invitation sent to {form.email.data.strip().lower()}.", "success")
            return redirect(url_for("members.organisation"))
    return render_template(
        "members/organisation.html",
        organisation=organisation,
        form=form,
        invitations=organisations.invitations(organisation),
        seats_taken=organisations.seats_taken(organisation),
        seat_limit=organisations.seat_limit(organisation),
        remove_form=EmptyForm(),
    )


@blueprint.route("/organisation/seats/<int:invitation_id>/remove", methods=["GET", "POST"])
@requires(Role.ORGANISATION_ADMIN)
def remove_seat(invitation_id):
    """Removing a seat holder ends their membership, so the organisation page links here to confirm it first; an
    invitation not yet accepted is cancelled by the page's button, posting here at once."""
    organisation = _my_organisation()
    invitation = belonging_or_404(SeatInvitation, invitation_id, organisation_id=organisation.id)
    if invitation.status not in (SeatStatus.INVITED, SeatStatus.ACCEPTED):
        return redirect(url_for("members.organisation"))
    form = RemoveSeatForm()
    if invitation.status is SeatStatus.INVITED:
        form.submit.label.text = "Cancel the invitation"
    if form.validate_on_submit():
        with carry_out(form) as call:
            organisations.remove_seat(current_user, organisation, invitation)
        if call.succeeded:
            flash(f"The seat of {invitation.email} is free again.", "success")
            return redirect(url_for("members.organisation"))
    return render_template("members/remove_seat.html", form=form, invitation=invitation, organisation=organisation)


@blueprint.route("/organisation/join/<token>", methods=["GET", "POST"])
@signed_in
def accept_invitation(token):
    invitation = organisations.invitation_from_link(token)  # an unusable link shows the link problem page
    code = code_services.current_version()
    form = SeatAcceptanceForm()
    if request.method == "GET":
        form.employer_name.data = invitation.organisation.name
        form.offer_code(code)
    if form.validate_on_submit():
        with carry_out(form) as call:
            organisations.accept(current_user, token, **form.joining_values())
        if call.succeeded:
            flash(f"Welcome to NALW. You have a seat in {invitation.organisation.name}'s membership.", "success")
            return redirect(url_for("members.my_membership"))
        form.offer_code(code)
    return render_template("members/accept_invitation.html", form=form, invitation=invitation, code=code)
