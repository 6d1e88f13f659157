"""`flask payments reconcile`: payments left unsettled are brought into line with what Stripe says."""

import datetime as dt

import time_machine

from nalw.core.time import utcnow
from nalw.extensions import db
from nalw.members.models import MembershipStatus
from nalw.members.services import begin_fee_payment
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentStatus
from tests.helpers import emails_to
from tests.payments.steps import history_of, payments_of, reconcile
from tests.stripe_helpers import DECLINED, setup_secret_in

PAID_EMAIL = "We have your membership application and payment"


def test_reconcile_settles_a_payment_whose_bank_check_was_finished_at_stripe(
    runner, awaiting_bank_check, authenticate_payment
):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret)

    output = reconcile(runner, "--older-than", "0")

    assert f"payment {payment.id}: requires_action -> succeeded" in output
    assert "reconcile: 1 payments checked" in output
    assert payment.status is PaymentStatus.SUCCEEDED and payment.stripe_charge_id.startswith("ch_")
    assert membership.status is MembershipStatus.PAID
    assert [message.subject for message in emails_to(person.email)].count(PAID_EMAIL) == 1


def test_reconcile_marks_failed_a_payment_whose_bank_check_failed(runner, awaiting_bank_check, authenticate_payment):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret, success=False)

    output = reconcile(runner, "--older-than", "0")

    assert f"payment {payment.id}: requires_action -> failed" in output
    assert payment.status is PaymentStatus.FAILED
    assert payment.failure_message == "Your bank's check was not completed."
    assert membership.status is MembershipStatus.APPLIED


def test_running_reconcile_twice_is_harmless(runner, awaiting_bank_check, authenticate_payment):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret)
    reconcile(runner, "--older-than", "0")

    output = reconcile(runner, "--older-than", "0")

    assert output == "reconcile: 0 payments checked\n"
    assert payment.status is PaymentStatus.SUCCEEDED
    assert [message.subject for message in emails_to(person.email)].count(PAID_EMAIL) == 1
    assert [change.to_status for change in history_of(membership)].count(MembershipStatus.PAID) == 1


def test_reconcile_leaves_settled_payments_alone(runner, paid_membership, applicant, pay_for):
    person, membership, paid = paid_membership()
    declined_person, declined_membership = applicant()
    pay_for(declined_membership, DECLINED)
    (declined,) = payments_of(declined_person)
    settled = {payment.id: (payment.status, payment.updated_at) for payment in (paid, declined)}

    output = reconcile(runner, "--older-than", "0")

    assert output == "reconcile: 0 payments checked\n"
    assert {payment.id: (payment.status, payment.updated_at) for payment in (paid, declined)} == settled
    assert paid.status is PaymentStatus.SUCCEEDED and declined.status is PaymentStatus.FAILED


def test_reconcile_waits_ten_minutes_before_touching_a_payment_the_browser_may_still_finish(
    runner, awaiting_bank_check, authenticate_payment
):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret)

    assert reconcile(runner) == "reconcile: 0 payments checked\n"
    assert payment.status is PaymentStatus.REQUIRES_ACTION

    with time_machine.travel(utcnow() + dt.timedelta(minutes=11)):
        output = reconcile(runner)

    assert f"payment {payment.id}: requires_action -> succeeded" in output
    assert payment.status is PaymentStatus.SUCCEEDED


def test_reconcile_charges_a_payment_row_stripe_never_answered_for(runner, applicant, client, confirm_card):
    """The row was written and committed, then the server stopped before Stripe was asked."""
    person, membership = applicant()
    page = client.get(f"/membership/{membership.id}/pay")
    payment_services.save_card(person, confirm_card(setup_secret_in(page)))
    payment = begin_fee_payment(person, membership, 4500)
    db.session.commit()

    output = reconcile(runner, "--older-than", "0")

    assert f"payment {payment.id}: pending -> succeeded" in output
    assert payment.status is PaymentStatus.SUCCEEDED and payment.stripe_payment_intent_id.startswith("pi_")
    assert membership.status is MembershipStatus.PAID


def test_reconcile_keeps_a_payment_for_next_time_when_stripe_does_not_answer(
    app, runner, awaiting_bank_check, authenticate_payment
):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret)
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens there

    output = reconcile(runner, "--older-than", "0")

    assert f"payment {payment.id}: Stripe did not answer" in output
    assert "will try again next run" in output
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert membership.status is MembershipStatus.APPLIED
