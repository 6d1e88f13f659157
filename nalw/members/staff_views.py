"""Staff pages for applications and memberships, and the admin's tier settings."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.core.cpd_years import current_year, year_starting_in
from nalw.core.forms import EmptyForm, carry_out, carry_out_button, validate_all
from nalw.core.listing import Column, Listing
from nalw.core.money import format_pence, pounds_text
from nalw.core.permissions import Role, requires, safe_next
from nalw.core.time import format_datetime, london_today
from nalw.extensions import db
from nalw.members import blueprint, cpd_requirements, organisations, renewals, services
from nalw.members.forms import HandOverForm, MembershipFilterForm, ReasonForm, TierForm
from nalw.members.models import Membership, MembershipStatus, Organisation, Tier
from nalw.payments import checkout
from nalw.payments import services as payment_services
from nalw.payments.forms import OfflinePaymentForm
from nalw.payments.models import PaymentMethod, PaymentStatus

# The two lists of applications, by the status that puts an application in each.
APPLICATION_STAGES = {
    "paid": (MembershipStatus.PAID, "Paid applications waiting for a decision", "paid_page"),
    "unpaid": (MembershipStatus.APPLIED, "Applications not paid yet", "unpaid_page"),
}


def _applications(stage) -> Listing:
    status, caption, page_param = APPLICATION_STAGES[stage]
    return Listing(
        caption=caption,
        filter_form=MembershipFilterForm,
        query=services.applications,
        columns=(
            Column(
                "Applicant",
                lambda membership: membership.person.name,
                link=lambda membership: url_for("members.staff_membership", membership_id=membership.id),
            ),
            Column("Email", lambda membership: membership.person.email, on_page=False),
            Column("Membership", lambda membership: membership.tier.name),
            Column("Job and employer", lambda membership: f"{membership.job_title}, {membership.employer_name}"),
            Column("Employer type", lambda membership: membership.employer_type.label, on_page=False),
            Column("Region", lambda membership: membership.region.label),
            Column("Applied", lambda membership: format_datetime(membership.created_at, with_time=False)),
        ),
        endpoint="members.applications",
        csv_endpoint="members.applications_csv",
        filename=f"applications-{stage}.csv",
        per_page=services.APPLICATIONS_PER_PAGE,
        page_param=page_param,
        empty="None match these filters.",
        fixed={"status": status},
        csv_args={"stage": stage},
    )


@blueprint.route("/admin/applications")
@requires(Role.STAFF)
def applications():
    """Two lists, each paged on its own (?paid_page=2, ?unpaid_page=3), filtered alike."""
    return render_template(
        "members/staff_applications.html", paid=_applications("paid").page(), unpaid=_applications("unpaid").page()
    )


@blueprint.route("/admin/applications.csv")
@requires(Role.STAFF)
def applications_csv():
    """One of the two lists (?stage=paid or unpaid), with the page's filters."""
    stage = request.args.get("stage", "paid")
    if stage not in APPLICATION_STAGES:
        abort(404)
    return _applications(stage).csv()


@blueprint.route("/admin/memberships/<int:membership_id>")
@requires(Role.STAFF)
def staff_membership(membership_id):
    return _membership_page(db.get_or_404(Membership, membership_id))


def _organisation_of(membership) -> Organisation | None:
    """The organisation whose own membership this is (None for a personal membership or a seat)."""
    return db.session.get(Organisation, membership.organisation_id) if membership.for_organisation else None


def _hand_over_form(**kwargs):
    # Prefixed: the page may also hold the offline payment form, and two inputs with one id confuse assistive
    # technology.
    return HandOverForm(prefix="hand_over", **kwargs)


def _membership_page(membership, offline_form=None, hand_over_form=None):
    """The page, with the form just posted (its errors at their fields) in place of its empty twin."""
    organisation = _organisation_of(membership)
    payments = services.payments_for(membership)
    refusal = organisations.hand_over_refusal(organisation, payments) if organisation is not None else None
    return render_template(
        "members/staff_membership.html",
        membership=membership,
        organisation=organisation,
        can_hand_over=organisation is not None and refusal is None,
        # A current membership that cannot be handed over just now (a payment is being taken) says why, in the
        # form's place; one that ended has nothing to hand over.
        hand_over_waits=refusal if refusal is not None and membership.is_current else None,
        awaiting_the_bank=[payment for payment in payments if payment.status is PaymentStatus.REQUIRES_ACTION],
        hand_over_form=_hand_over_form(formdata=None) if hand_over_form is None else hand_over_form,
        history=services.membership_history(membership),
        payments=payments,
        declarations=renewals.declarations(membership),
        button=EmptyForm(),
        decisions=services.reasoned_decisions_open(membership),
        offline_form=OfflinePaymentForm(formdata=None) if offline_form is None else offline_form,
        fee_due=renewals.amount_due(membership),
        renewal_opens_on=renewals.renewal_not_open_until(membership),
    )


@blueprint.route("/admin/memberships/<int:membership_id>/approve", methods=["POST"])
@requires(Role.STAFF)
def approve(membership_id):
    """One press: approving needs no reason. Back where staff pressed it (`next`), else the membership page."""
    membership = db.get_or_404(Membership, membership_id)
    carry_out_button(
        lambda: services.approve(current_user, membership),
        done=lambda _: f"Approved: membership number {membership.number}.",
    )
    return redirect(_back_to(membership))


@dataclass(frozen=True)
class ReasonedDecision:
    """A decision staff take with a reason, on a page of its own that says what it does."""

    action: str  # its address and the verb of its reason's label: "reject", "suspend" or "reinstate"
    take: Callable  # the service: take(actor, membership, reason)
    button: str  # the page's button, as the link to the page reads
    undone: str  # what staff go back without doing: "Cancel: go back without <undone>"
    done: Callable[[Membership], str]  # the message once it is committed
    after_commit: Callable[[Membership], None] = lambda _membership: None


def _refund_after_rejection(membership):
    # The rejection and the refund of its fee are committed: only now is Stripe asked to give the money back.
    checkout.complete_refunds(payment_services.pending_refunds(services.payments_for(membership)))


REJECT = ReasonedDecision(
    action="reject",
    take=services.reject,
    button="Reject the application",
    undone="rejecting the application",
    done=lambda _membership: "Application rejected.",
    after_commit=_refund_after_rejection,
)
SUSPEND = ReasonedDecision(
    action="suspend",
    take=services.suspend,
    button="Suspend the membership",
    undone="suspending the membership",
    done=lambda _membership: "Membership suspended.",
)
REINSTATE = ReasonedDecision(
    action="reinstate",
    take=services.reinstate,
    button="Reinstate the membership",
    undone="reinstating the membership",
    done=lambda membership: f"Membership reinstated: now {membership.status.label.lower()}.",
)


def _back_to(membership):
    """Where staff came from (`next`: a path on this site only), else the membership page."""
    return safe_next(request.args.get("next")) or url_for("members.staff_membership", membership_id=membership.id)


def _reasoned_decision(membership_id, decision):
    """The decision's page: what it does, and the reason to give. A reason left out comes back at its field and
    nothing changes; a status that no longer allows it (it moved meanwhile) comes back on the form."""
    membership = db.get_or_404(Membership, membership_id)
    refusal = services.REASONED_DECISIONS[decision.action](membership) if request.method == "GET" else None
    if refusal is not None:
        flash(refusal, "info")
        return redirect(url_for("members.staff_membership", membership_id=membership.id))
    form = ReasonForm()
    form.reason.label.text = f"Reason to {decision.action}"
    form.submit.label.text = decision.button
    if form.validate_on_submit():
        with carry_out(form) as call:
            decision.take(current_user, membership, form.reason.data)
        if call.succeeded:
            flash(decision.done(membership), "success")
            decision.after_commit(membership)
            return redirect(_back_to(membership))
    organisation = _organisation_of(membership)
    return render_template(
        "members/decision.html",
        form=form,
        decision=decision,
        membership=membership,
        organisation=organisation,
        holder=organisation.name if organisation is not None else membership.person.name,
        back_to=_back_to(membership),
        # What only one decision's page tells.
        fees_to_refund=services.fees_refunded_on_rejection(membership) if decision is REJECT else [],
        returns_to=services.status_for_dates(membership, london_today()) if decision is REINSTATE else None,
        suspension=_latest_suspension(membership) if decision is REINSTATE else None,
    )


def _latest_suspension(membership):
    """The change that suspended the membership last (None if it never was)."""
    return next(
        (
            change
            for change in services.membership_history(membership)
            if change.to_status is MembershipStatus.SUSPENDED
        ),
        None,
    )


@blueprint.route("/admin/memberships/<int:membership_id>/reject", methods=["GET", "POST"])
@requires(Role.STAFF)
def reject(membership_id):
    return _reasoned_decision(membership_id, REJECT)


@blueprint.route("/admin/memberships/<int:membership_id>/suspend", methods=["GET", "POST"])
@requires(Role.STAFF)
def suspend(membership_id):
    return _reasoned_decision(membership_id, SUSPEND)


@blueprint.route("/admin/memberships/<int:membership_id>/reinstate", methods=["GET", "POST"])
@requires(Role.STAFF)
def reinstate(membership_id):
    return _reasoned_decision(membership_id, REINSTATE)


@blueprint.route("/admin/memberships/<int:membership_id>/offline-payment", methods=["POST"])
@requires(Role.STAFF)
def record_offline_payment(membership_id):
    """Errors come back at their fields on the membership page; nothing is saved until all is right."""
    membership = db.get_or_404(Membership, membership_id)
    form = OfflinePaymentForm()
    if form.validate_on_submit():
        with carry_out(form) as call:
            renewals.record_offline_payment(
                current_user,
                membership,
                amount_pence=form.amount.pence,
                method=PaymentMethod(form.method.data),
                offline_reference=form.reference.data,
                override_reason=form.override_reason.data,
            )
        if call.succeeded:
            flash(f"Recorded {format_pence(form.amount.pence)} received.", "success")
            return redirect(url_for("members.staff_membership", membership_id=membership.id))
    return _membership_page(membership, offline_form=form)


@blueprint.route("/admin/memberships/<int:membership_id>/hand-over", methods=["POST"])
@requires(Role.STAFF)
def hand_over(membership_id):
    """Hand an organisation's own membership to a colleague. Errors come back at their fields on the membership
    page; nothing is saved until all is right."""
    membership = db.get_or_404(Membership, membership_id)
    organisation = _organisation_of(membership)
    if organisation is None:
        abort(404)
    form = _hand_over_form()
    if form.validate_on_submit():
        with carry_out(form) as call:
            new_admin = organisations.hand_over(current_user, organisation, form.email.data, form.reason.data)
        if call.succeeded:
            flash(f"{organisation.name} is now run by {new_admin.name} ({new_admin.email}).", "success")
            return redirect(url_for("members.staff_membership", membership_id=membership.id))
    return _membership_page(membership, hand_over_form=form)


# --- Tiers (admin) --------------------------------------------------------------------------------


@blueprint.route("/admin/tiers")
@requires(Role.ADMIN)
def tiers():
    this_year = current_year()
    next_year = year_starting_in(this_year.key + 1)
    return render_template(
        "members/tiers.html",
        tiers=services.all_tiers(),
        hours_this_year=cpd_requirements.hours_by_tier(this_year),
        hours_next_year=cpd_requirements.hours_by_tier(next_year),
        next_year=next_year,
    )


@blueprint.route("/admin/tiers/new", methods=["GET", "POST"])
@blueprint.route("/admin/tiers/<int:tier_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_tier(tier_id=None):
    tier = None if tier_id is None else db.get_or_404(Tier, tier_id)
    form = TierForm(obj=tier)
    if tier is None:
        # A new tier's hours hold for every CPD year: there is no earlier figure to keep.
        del form.cpd_hours_for_current_year
    else:
        form.cpd_hours_for_current_year.description = (
            f"Changes what members must log in the CPD year {current_year().label}, which is under way. "
            "Recorded in the audit log."
        )
    if tier is not None and not form.is_submitted():
        form.annual_fee.data = pounds_text(tier.annual_fee_pence)
        form.eligibility.data = tier.eligibility.value
    # Every problem at once: the form's own checks, then the tier rules on whatever was entered.
    if form.is_submitted() and validate_all(
        form,
        lambda: services.tier_refusals(
            tier, name=form.name.data, eligibility=form.chosen_eligibility(), seats=form.seats.data
        ),
    ):
        with carry_out(form) as call:
            saved = services.save_tier(
                current_user,
                tier,
                name=form.name.data,
                description=form.description.data,
                annual_fee_pence=form.annual_fee.pence,
                eligibility=form.chosen_eligibility(),
                cpd_hours_required=form.cpd_hours_required.data,
                seats=form.seats.data,
                open_for_applications=form.open_for_applications.data,
                cpd_hours_for_current_year=tier is not None and form.cpd_hours_for_current_year.data,
            )
        if call.succeeded:
            flash(f"Tier {saved.name} saved.", "success")
            return redirect(url_for("members.tiers"))
    return render_template("members/edit_tier.html", form=form, tier=tier)
