"""Stripe's webhook, members' receipts, and the staff payment pages."""

import dataclasses
import operator

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from nalw.core.forms import carry_out
from nalw.core.listing import Column, Listing
from nalw.core.money import format_pence, pounds_text
from nalw.core.paging import page_number
from nalw.core.permissions import Role, public, requires, safe_next, signed_in
from nalw.core.records import belonging_or_404
from nalw.core.time import format_datetime
from nalw.core.web import allow_card_field
from nalw.extensions import csrf, db, limiter
from nalw.payments import blueprint, checkout, gateway, income, lists, purposes, services
from nalw.payments.forms import PaymentFilterForm, RefundForm
from nalw.payments.models import MONEY_TAKEN_STATUSES, Payment, PaymentStatus

# Rows on a page of the staff payments list, and of a member's own payments.
STAFF_PAYMENTS_PER_PAGE = 50
MY_PAYMENTS_PER_PAGE = 25


@blueprint.route("/stripe/webhook", methods=["POST"])
@public
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """Stripe's signed events. A bad signature changes nothing; a replay is answered and ignored."""
    try:
        event = gateway.verified_event(request.get_data(), request.headers.get("Stripe-Signature", ""))
    except ValueError as error:
        current_app.logger.warning("stripe webhook refused: %s", error)
        return jsonify(error="invalid signature"), 400
    # Not carry_out: a malformed event is answered to Stripe with a 400, not shown to a person.
    try:
        outcome = services.handle_event(event)
        db.session.commit()
    except services.MalformedEvent as error:
        db.session.rollback()
        current_app.logger.warning("stripe webhook malformed event: %s", error)
        return jsonify(error="malformed event"), 400
    except sa.exc.IntegrityError:
        db.session.rollback()
        if not services.event_handled(event["id"]):
            raise  # not a duplicate: fail loudly, and Stripe delivers it again later
        # The same event delivered twice at once: the other delivery recorded and applied it.
        outcome = "duplicate: handled by a simultaneous delivery"
    current_app.logger.info("stripe webhook %s %s: %s", event["id"], event["type"], outcome)
    # A refund the event wrote (money arrived for a payment given up on) is asked of Stripe now it is committed.
    payment = services.payment_in_event(event)
    if payment is not None:
        checkout.complete_refunds(services.pending_refunds([payment]), flash_outcome=False)
    return jsonify(received=True, outcome=outcome)


def _payment_visible_to(person, payment_id) -> Payment:
    """The owner sees their own payments; staff see everyone's."""
    payment = db.session.get(Payment, payment_id)
    if payment is None or (payment.person_id != person.id and not person.has_role(Role.STAFF)):
        abort(404)
    return payment


@blueprint.route("/account/payments")
@signed_in
def my_payments():
    query = sa.select(Payment).where(Payment.person_id == current_user.id).order_by(Payment.id.desc())
    page = db.paginate(query, page=page_number(), per_page=MY_PAYMENTS_PER_PAGE, error_out=False)
    return render_template("payments/my_payments.html", page=page)


@blueprint.route("/account/payments/<int:payment_id>")
@signed_in
def receipt(payment_id):
    payment = _payment_visible_to(current_user, payment_id)
    if payment.status not in MONEY_TAKEN_STATUSES:
        abort(404)  # no receipt for money never taken
    return render_template("payments/receipt.html", payment=payment)


# In a month's list, the amount taken of a payment taken in another month (listed for a refund made in this one).
NOT_TAKEN_IN_MONTH = "—"


def _payment_columns(payment_of, day, money):
    """The staff list's columns around its `day` column and its `money` columns; `payment_of` reads a row's
    payment."""
    return (
        Column(
            "Receipt",
            lambda row: payment_of(row).receipt_number,
            link=lambda row: url_for("payments.staff_payment", payment_id=payment_of(row).id),
        ),
        day,
        Column("Person", lambda row: payment_of(row).person.name),
        Column("Email", lambda row: payment_of(row).person.email, on_page=False),
        Column("For", lambda row: payment_of(row).description),
        *money,
        Column("How", lambda row: payment_of(row).method.label),
        Column("Reference", lambda row: payment_of(row).offline_reference, on_page=False),
        Column("Status", lambda row: payment_of(row).status.label),
    )


def _month_columns(month):
    """Filtered to a month, a row is (Payment, taken_pence, refunded_pence) and its money columns are only what
    was taken and refunded in that month, so they add up to the month's figures; the day is when it was taken."""
    named = f"{month:%B %Y}"
    return _payment_columns(
        operator.attrgetter("Payment"),
        Column("Taken on", lambda row: format_datetime(row.Payment.succeeded_at)),
        (
            Column(
                f"Taken in {named}",
                lambda row: NOT_TAKEN_IN_MONTH if row.taken_pence is None else format_pence(row.taken_pence),
            ),
            Column(f"Refunded in {named}", lambda row: format_pence(row.refunded_pence)),
        ),
    )


STAFF_PAYMENTS = Listing(
    caption="Payments, newest first",
    filter_form=PaymentFilterForm,
    query=lists.staff_list,
    columns=_payment_columns(
        lambda payment: payment,
        Column("Date", lambda payment: format_datetime(payment.created_at)),
        (
            Column("Amount", lambda payment: format_pence(payment.amount_pence)),
            Column("Refunded", lambda payment: format_pence(payment.refunded_pence)),
        ),
    ),
    endpoint="payments.staff_payments",
    csv_endpoint="payments.staff_payments_csv",
    filename="payments.csv",
    per_page=STAFF_PAYMENTS_PER_PAGE,
    empty="No payments match these filters.",
)


def _staff_payments_listing():
    """(listing, month, narrowed): the staff payments list, with the month's own money columns when it is filtered
    to one, and whether other filters narrow that month's payments too (its rows can then add up to less than
    the month's figures, which count them all)."""
    form, filters = STAFF_PAYMENTS.read_filters()
    month = filters["month"] if filters is not None else None
    if month is None:
        return STAFF_PAYMENTS, None, False
    narrowed = any(value is not None for name, value in form.filters().items() if name != "month")
    return dataclasses.replace(STAFF_PAYMENTS, columns=_month_columns(month)), month, narrowed


@blueprint.route("/admin/payments")
@requires(Role.STAFF)
def staff_payments():
    listing, month, narrowed = _staff_payments_listing()
    return render_template(
        "payments/staff_list.html",
        listing=listing.page(),
        month=month,
        month_takings=income.month_takings(month) if month is not None else None,
        not_taken_in_month=NOT_TAKEN_IN_MONTH,
        narrowed_within_month=narrowed,
    )


@blueprint.route("/admin/payments.csv")
@requires(Role.STAFF)
def staff_payments_csv():
    listing, _month, _narrowed = _staff_payments_listing()
    return listing.csv()


@blueprint.route("/admin/payments/<int:payment_id>")
@requires(Role.STAFF)
def staff_payment(payment_id):
    return render_template("payments/staff_payment.html", payment=_payment_visible_to(current_user, payment_id))


@blueprint.route("/admin/payments/<int:payment_id>/refund", methods=["GET", "POST"])
@requires(Role.STAFF)
def refund(payment_id):
    """The refund is its own page: it says how much can go back, where the money goes and what happens to what
    was paid for, before the button. GET changes nothing; the POST refunds."""
    payment = _payment_visible_to(current_user, payment_id)
    form = RefundForm()
    # The same form sent again (a double click, a retry) goes on to the refund it asked for already.
    sent_again = form.is_submitted() and services.refund_with_key(form.refund_key.data or "") is not None
    if not payment.refundable_pence and not sent_again:
        flash("Nothing is left to refund on this payment.", "info")
        return redirect(url_for("payments.staff_payment", payment_id=payment.id))
    if not form.is_submitted():
        form.amount.data = pounds_text(payment.refundable_pence)
        form.refund_key.data = services.new_refund_key()
    if form.validate_on_submit():
        with carry_out(form) as call:
            made = services.request_refund(
                current_user, payment, form.amount.pence, form.reason.data, idempotency_key=form.refund_key.data
            )
        if call.succeeded:
            checkout.complete_refunds([made])
            return redirect(url_for("payments.staff_payment", payment_id=payment.id))
    return render_template("payments/refund.html", payment=payment, form=form, effect=purposes.refund_effect(payment))


@blueprint.route("/payments/<int:payment_id>/authenticate")
@signed_in
def authenticate(payment_id):
    """The cardholder's bank wants them to confirm: Stripe.js shows its check, then we read the result."""
    payment = _own_payment(payment_id)
    next_path = safe_next(request.args.get("next")) or url_for("payments.my_payments")
    if payment.status is not PaymentStatus.REQUIRES_ACTION:
        return redirect(next_path)
    try:
        intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    except gateway.GatewayError as error:
        # Stripe not answering is no refusal to roll back (carry_out's work): the check can be finished later.
        flash(f"{error.message} Your bank's check can be finished later from your payments page.", "warning")
        return redirect(next_path)
    allow_card_field()
    return render_template(
        "payments/authenticate.html",
        payment=payment,
        client_secret=intent.client_secret,
        publishable_key=current_app.config["STRIPE_PUBLISHABLE_KEY"],
        stripe_js_url=current_app.config["STRIPE_JS_URL"],
        done_url=url_for("payments.authenticated", payment_id=payment.id, next=next_path),
    )


@blueprint.route("/payments/<int:payment_id>/authenticated")
@signed_in
def authenticated(payment_id):
    """Back from the bank's check: never trust the browser, read the PaymentIntent."""
    payment = _own_payment(payment_id)
    try:
        services.refresh_from_stripe(payment)
    except gateway.GatewayError:
        # Stripe's webhook or the reconcile run will settle it; the person is not left at an error page.
        db.session.rollback()
    db.session.commit()
    checkout.complete_refunds(services.pending_refunds([payment]), flash_outcome=False)
    if payment.status is PaymentStatus.SUCCEEDED:
        flash(f"Payment of {format_pence(payment.amount_pence)} received. Thank you.", "success")
    elif payment.status is PaymentStatus.FAILED:
        flash(
            f"The payment did not go through: {payment.failure_message} Nothing was charged. "
            "Pay again and complete your bank's check when it appears, or use another card.",
            "danger",
        )
    else:
        flash("Your bank has not confirmed the payment yet. We will email you when it does.", "warning")
    return redirect(safe_next(request.args.get("next")) or url_for("payments.my_payments"))


def _own_payment(payment_id):
    return belonging_or_404(Payment, payment_id, person_id=current_user.id)
