"""Taking and giving back card money from a page: the same steps for a joining fee, a renewal or an event
place. These are the steps that commit around a Stripe call, so that our record is written before money moves."""

from flask import current_app, flash, redirect, url_for

from nalw.core.money import format_pence
from nalw.core.web import allow_card_field
from nalw.extensions import db
from nalw.payments import gateway, services
from nalw.payments.models import PaymentStatus, RefundStatus


def card_page_context(person):
    """What the card part of a payment page needs: the saved card and a fresh SetupIntent for a new one."""
    try:
        profile = services.billing_profile(person, create=True)
        setup_secret = services.start_card_setup(person)
    except gateway.GatewayError:
        db.session.rollback()
        profile = services.billing_profile(person)
        setup_secret = None  # the page says card payments are unavailable just now
    else:
        allow_card_field()  # only a page that shows the card field lets Stripe.js in
    db.session.commit()  # keep the Stripe customer id even if the person leaves the page
    return {
        "saved_card": profile.card_label if profile else None,
        "setup_secret": setup_secret,
        "publishable_key": current_app.config["STRIPE_PUBLISHABLE_KEY"],
        "stripe_js_url": current_app.config["STRIPE_JS_URL"],
    }


def pay_by_card(person, card_choice, setup_intent_id, begin_payment):
    """Save the new card if one was entered, write the payment row and commit, charge it and commit.

    `begin_payment()` is the owning domain's service that checks its rules and writes the row;
    its errors propagate with nothing saved. Returns the payment with Stripe's answer applied.
    """
    if card_choice != "saved" and not setup_intent_id:
        raise services.PaymentError(
            "Enter your card details: card number, expiry date and security code.", field="card"
        )
    new_card = card_choice != "saved"
    if new_card:
        services.save_card(person, setup_intent_id)
    payment = begin_payment()
    db.session.commit()  # the row exists before any money moves
    services.submit_card_payment(payment)
    if new_card and payment.status is PaymentStatus.FAILED:
        # A card declined on its first use is not kept for next time, nor offered as the default.
        services.forget_card(person)
    db.session.commit()
    return payment


def after_card_payment(payment, done_url, retry_url):
    """Where to send the person: done, to their bank's check, or back to try again."""
    if payment.status is PaymentStatus.REQUIRES_ACTION:
        return redirect(url_for("payments.authenticate", payment_id=payment.id, next=done_url))
    if payment.status is PaymentStatus.PENDING:
        flash(
            "We could not confirm your payment with the card service just now. Please do not pay again: "
            "we will check it within the hour and email you.",
            "warning",
        )
        return redirect(done_url)
    if payment.status is PaymentStatus.SUCCEEDED:
        return redirect(done_url)
    return redirect(retry_url)


def complete_refunds(refunds, flash_outcome=True):
    """After the refunds were committed as pending: ask Stripe for each, commit each answer, and (unless the
    request is not a person's) tell the person what happened. One Stripe does not answer stays pending for
    `flask payments reconcile`."""
    for refund in refunds:
        services.submit_refund(refund)
        db.session.commit()
        if not flash_outcome:
            continue
        amount = format_pence(refund.amount_pence)
        if refund.status is RefundStatus.SUCCEEDED:
            flash(f"Refunded {amount}.", "success")
        elif refund.status is RefundStatus.FAILED:
            flash(f"The refund of {amount} did not go through. {refund.failure_message}", "danger")
        else:
            flash(
                f"The card service did not answer, so the refund of {amount} is waiting. It is completed "
                "automatically within the hour: do not refund it again.",
                "warning",
            )
