"""A payment awaiting the bank's check is cancelled (an organisation handed to a new admin): at Stripe and here."""

import pytest

from nalw.members.models import MembershipStatus
from nalw.payments import gateway
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentStatus
from tests.payments.steps import reconcile

REASON = "Cancelled: Riverside PCN was handed to a new admin, who pays for its membership now."


def test_a_payment_awaiting_the_bank_is_cancelled_at_stripe_and_fails_with_the_reason(
    awaiting_bank_check, stripe_api, authenticate_payment
):
    person, membership, payment, client_secret = awaiting_bank_check()

    payment_services.cancel_awaiting_payment(payment, REASON)

    assert (payment.status, payment.failure_message) == (PaymentStatus.FAILED, REASON)
    assert stripe_api.payment_intent(payment.stripe_payment_intent_id)["status"] == "canceled"
    assert "error" in authenticate_payment(payment.stripe_payment_intent_id, client_secret)
    assert membership.status is MembershipStatus.APPLIED
    # Another payment for the same thing may start now.
    assert payment_services.live_payment_for(payment.purpose, membership.id) is None


def test_a_cancel_whose_commit_was_lost_is_settled_by_reconcile_or_by_cancelling_again(
    app, runner, awaiting_bank_check, stripe_api
):
    # Stripe cancelled both; our rows, whose commit was lost, still await the bank.
    first = awaiting_bank_check()[2]
    second = awaiting_bank_check()[2]
    for payment in (first, second):
        gateway.cancel_payment_intent(payment.stripe_payment_intent_id)
        assert payment.status is PaymentStatus.REQUIRES_ACTION

    payment_services.cancel_awaiting_payment(second, REASON)
    output = reconcile(runner, "--older-than", "0")

    assert f"payment {first.id}: requires_action -> failed" in output
    assert first.status is PaymentStatus.FAILED
    assert (second.status, second.failure_message) == (PaymentStatus.FAILED, REASON)
    assert stripe_api.payment_intent(second.stripe_payment_intent_id)["status"] == "canceled"


def test_a_payment_stripe_does_not_cancel_for_want_of_an_answer_is_left_awaiting_the_bank(
    app, localstripe_url, awaiting_bank_check, stripe_api
):
    payment = awaiting_bank_check()[2]
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens here

    with pytest.raises(payment_services.PaymentError) as refused:
        payment_services.cancel_awaiting_payment(payment, REASON)

    app.config["STRIPE_API_BASE"] = localstripe_url
    assert refused.value.message == (
        f"Stripe did not answer when we asked it to cancel payment {payment.receipt_number}, which is waiting for "
        "the bank's check. Try again in a few minutes."
    )
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert stripe_api.payment_intent(payment.stripe_payment_intent_id)["status"] == "requires_action"
