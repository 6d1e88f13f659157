"""Staff refunds (through Stripe for cards, recorded for the rest) and payments received offline."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from nalw.core.audit import AuditEntry
from nalw.core.time import format_date, london_today
from nalw.extensions import db
from nalw.members.models import MembershipStatus
from nalw.payments import gateway
from nalw.payments.models import PaymentMethod, PaymentStatus, Refund, RefundStatus
from tests.factories import MembershipFactory, renew_by_invoice
from tests.helpers import emails_to, page_text, sign_in
from tests.payments.steps import payments_of, reconcile, refund, refund_key_on

NO_STRIPE = "http://127.0.0.1:9"  # nothing listens here: a call to Stripe would fail the request


def audit_entries(action, payment):
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(
            AuditEntry.action == action, AuditEntry.target_type == "Payment", AuditEntry.target_id == str(payment.id)
        )
        .order_by(AuditEntry.id)
    ).all()


def refunds_of(payment):
    return db.session.scalars(sa.select(Refund).where(Refund.payment_id == payment.id).order_by(Refund.id)).all()


def field_error(response, field_id):
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else None


@pytest.fixture
def staff_client(client, person_as):
    """The same test client, now signed in as a member of staff: (client, staff)."""
    staff = person_as("staff")

    def become_staff():
        sign_in(client, staff)
        return client, staff

    return become_staff


# --- Card refunds -----------------------------------------------------------------------------------


def test_staff_refund_in_full_goes_through_stripe_and_is_audited(paid_membership, staff_client, stripe_api):
    person, membership, payment = paid_membership()
    client, staff = staff_client()

    response = refund(client, payment, "45.00")

    assert "Refunded £45.00." in page_text(response)
    assert "Nothing to refund." in page_text(response)
    assert payment.status is PaymentStatus.REFUNDED and payment.refunded_pence == 4500
    (made,) = refunds_of(payment)
    assert made.amount_pence == 4500 and made.created_by_id == staff.id
    assert made.reason == "Cancelled within 14 days"
    assert stripe_api.get(f"refunds/{made.stripe_refund_id}")["amount"] == 4500
    assert stripe_api.get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == 4500
    (entry,) = audit_entries("payment.refunded", payment)
    assert entry.actor_id == staff.id
    assert entry.before == {"status": "succeeded", "refunded_pence": 0}
    assert entry.after == {"status": "refunded", "refunded_pence": 4500}
    assert entry.summary == f"Refunded £45.00 of {payment.receipt_number}: Cancelled within 14 days"


def test_staff_refund_in_parts_until_nothing_is_left(paid_membership, staff_client, stripe_api):
    person, membership, payment = paid_membership()
    client, staff = staff_client()

    first = refund(client, payment, "10.00")

    assert "Refunded £10.00." in page_text(first)
    assert "Up to £35.00 can be refunded." in page_text(first)
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED and payment.refunded_pence == 1000

    refund(client, payment, "£35")

    assert payment.status is PaymentStatus.REFUNDED and payment.refunded_pence == 4500
    assert [made.amount_pence for made in refunds_of(payment)] == [1000, 3500]
    assert all(made.stripe_refund_id.startswith("re_") for made in refunds_of(payment))
    assert stripe_api.get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == 4500
    assert len(audit_entries("payment.refunded", payment)) == 2


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("35.01", "You can refund at most £35.00 of this payment."),
        ("0", "Enter an amount to refund of at least 1p."),
        ("ten pounds", "Enter an amount in pounds, like 45 or 45.50"),
    ],
)
def test_refund_amount_not_within_what_is_left_is_refused_on_the_field(
    paid_membership, staff_client, stripe_api, amount, message
):
    person, membership, payment = paid_membership()
    client, staff = staff_client()
    refund(client, payment, "10.00")

    response = refund(client, payment, amount)

    assert response.status_code == 200
    assert field_error(response, "amount") == f"Error: {message}"
    assert payment.refunded_pence == 1000 and payment.status is PaymentStatus.PARTIALLY_REFUNDED
    assert len(refunds_of(payment)) == 1
    assert stripe_api.get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == 1000
    assert len(audit_entries("payment.refunded", payment)) == 1


def test_refund_of_a_failed_payment_is_refused(applicant, pay_for, staff_client):
    person, membership = applicant()
    pay_for(membership, "4000000000000341")
    (payment,) = payments_of(person)
    client, staff = staff_client()

    response = refund(client, payment, "45.00")

    assert "Nothing to refund." in page_text(response)
    assert refunds_of(payment) == [] and payment.status is PaymentStatus.FAILED


def stripe_refunds_of(stripe_api, payment):
    return stripe_api.get("refunds", payment_intent=payment.stripe_payment_intent_id)["data"]


def test_refund_while_stripe_is_down_waits_and_reconcile_completes_it_once(
    app, paid_membership, staff_client, stripe_api, runner, localstripe_url
):
    person, membership, payment = paid_membership()
    client, staff = staff_client()
    page = client.get(f"/admin/payments/{payment.id}/refund")
    app.config["STRIPE_API_BASE"] = NO_STRIPE

    response = refund(client, payment, "45.00", refund_key=refund_key_on(page))

    assert "The card service did not answer, so the refund of £45.00 is waiting." in page_text(response)
    assert "Nothing to refund." in page_text(response)  # nobody refunds it a second time meanwhile
    (waiting,) = refunds_of(payment)
    assert waiting.status is RefundStatus.PENDING and waiting.stripe_refund_id is None
    assert payment.status is PaymentStatus.SUCCEEDED and payment.refunded_pence == 0
    assert membership.status is MembershipStatus.PAID
    assert audit_entries("payment.refunded", payment) == []

    still_down = reconcile(runner, "--older-than", "0")
    assert f"refund {waiting.id}: pending -> pending" in still_down
    assert waiting.status is RefundStatus.PENDING
    app.config["STRIPE_API_BASE"] = localstripe_url
    output = reconcile(runner, "--older-than", "0")
    reconcile(runner, "--older-than", "0")

    assert f"refund {waiting.id}: pending -> succeeded" in output
    assert waiting.status is RefundStatus.SUCCEEDED and waiting.stripe_refund_id.startswith("re_")
    assert payment.status is PaymentStatus.REFUNDED and payment.refunded_pence == 4500
    assert membership.status is MembershipStatus.APPLIED
    assert [made["amount"] for made in stripe_refunds_of(stripe_api, payment)] == [4500]
    assert stripe_api.get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == 4500
    (entry,) = audit_entries("payment.refunded", payment)
    assert entry.actor_id == staff.id


def test_a_refund_form_sent_twice_refunds_once(paid_membership, staff_client, stripe_api):
    person, membership, payment = paid_membership()
    client, staff = staff_client()
    refund_key = refund_key_on(client.get(f"/admin/payments/{payment.id}/refund"))

    first = refund(client, payment, "10.00", refund_key=refund_key)
    second = refund(client, payment, "10.00", refund_key=refund_key)

    assert "Refunded £10.00." in page_text(first) and "Refunded £10.00." in page_text(second)
    assert "Up to £35.00 can be refunded." in page_text(second)
    (made,) = refunds_of(payment)
    assert made.status is RefundStatus.SUCCEEDED
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED and payment.refunded_pence == 1000
    assert [made["amount"] for made in stripe_refunds_of(stripe_api, payment)] == [1000]
    assert len(audit_entries("payment.refunded", payment)) == 1


def test_a_refund_form_sent_again_after_stripe_did_not_answer_completes_the_waiting_refund_once(
    app, paid_membership, staff_client, stripe_api, localstripe_url
):
    person, membership, payment = paid_membership()
    client, staff = staff_client()
    refund_key = refund_key_on(client.get(f"/admin/payments/{payment.id}/refund"))
    app.config["STRIPE_API_BASE"] = NO_STRIPE
    refund(client, payment, "45.00", refund_key=refund_key)
    app.config["STRIPE_API_BASE"] = localstripe_url

    again = refund(client, payment, "45.00", refund_key=refund_key)

    assert "Refunded £45.00." in page_text(again)
    (made,) = refunds_of(payment)
    assert made.status is RefundStatus.SUCCEEDED
    assert payment.status is PaymentStatus.REFUNDED
    assert [made["amount"] for made in stripe_refunds_of(stripe_api, payment)] == [4500]


def test_a_refund_stripe_made_whose_answer_was_lost_is_found_not_made_again(
    app, paid_membership, staff_client, stripe_api, runner, localstripe_url
):
    person, membership, payment = paid_membership()
    client, staff = staff_client()
    app.config["STRIPE_API_BASE"] = NO_STRIPE
    refund(client, payment, "45.00")
    (waiting,) = refunds_of(payment)
    app.config["STRIPE_API_BASE"] = localstripe_url
    # Stripe made the refund, but the answer never reached us (the process died before recording it).
    made_at_stripe = gateway.refund(
        payment_intent_id=payment.stripe_payment_intent_id, amount_pence=4500, idempotency_key=waiting.idempotency_key
    )

    reconcile(runner, "--older-than", "0")

    assert waiting.status is RefundStatus.SUCCEEDED and waiting.stripe_refund_id == made_at_stripe
    assert payment.status is PaymentStatus.REFUNDED and payment.refunded_pence == 4500
    assert [made["id"] for made in stripe_refunds_of(stripe_api, payment)] == [made_at_stripe]


def test_a_refund_stripe_refuses_is_recorded_as_failed_and_changes_nothing(paid_membership, staff_client):
    person, membership, payment = paid_membership()
    client, staff = staff_client()
    payment.stripe_payment_intent_id = "pi_unknown_to_stripe"
    db.session.commit()

    response = refund(client, payment, "45.00")

    assert "The refund of £45.00 did not go through. The card service refused the refund:" in page_text(response)
    (refused,) = refunds_of(payment)
    assert refused.status is RefundStatus.FAILED
    assert payment.status is PaymentStatus.SUCCEEDED and payment.refunded_pence == 0
    assert payment.refundable_pence == 4500  # it can be refunded another way
    assert audit_entries("payment.refunded", payment) == []
    (entry,) = audit_entries("payment.refund_failed", payment)
    assert entry.actor_id == staff.id


# --- Offline payments -------------------------------------------------------------------------------


def record_offline(client, membership, method, amount="45.00", reference="INV-2041"):
    return client.post(
        f"/admin/memberships/{membership.id}/offline-payment",
        data={"amount": amount, "method": method, "reference": reference},
        follow_redirects=True,
    )


@pytest.mark.parametrize("method", [PaymentMethod.INVOICE, PaymentMethod.BANK_TRANSFER])
def test_staff_record_an_offline_payment_and_the_application_is_paid(app, applicant, staff_client, stripe_api, method):
    person, membership = applicant()
    client, staff = staff_client()
    app.config["STRIPE_API_BASE"] = NO_STRIPE

    response = record_offline(client, membership, method.value)

    assert "Recorded £45.00 received." in page_text(response)
    (payment,) = payments_of(person)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.method is method
    assert payment.amount_pence == 4500 and payment.offline_reference == "INV-2041"
    assert payment.recorded_by_id == staff.id and payment.stripe_payment_intent_id is None
    assert membership.status is MembershipStatus.PAID
    assert emails_to(person.email)[-1].subject == "We have your membership application and payment"
    (entry,) = audit_entries("payment.offline_recorded", payment)
    assert entry.actor_id == staff.id
    assert entry.after == {
        "amount_pence": 4500,
        "method": method.value,
        "reference": "INV-2041",
        "purpose": "membership_fee",
    }
    assert f"by {method.label.lower()} (INV-2041) for {person.name}" in entry.summary


def test_offline_payment_is_refused_while_a_card_payment_is_in_progress(awaiting_bank_check, staff_client):
    person, membership, card_payment, client_secret = awaiting_bank_check()
    client, staff = staff_client()

    response = record_offline(client, membership, "invoice")

    assert "This has already been paid, or a payment for it is in progress." in page_text(response)
    assert payments_of(person) == [card_payment]
    assert membership.status is MembershipStatus.APPLIED
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action.like("payment.%"))) == 0


def test_offline_payment_needs_an_amount_and_a_reference(applicant, staff_client):
    person, membership = applicant()
    client, staff = staff_client()

    response = record_offline(client, membership, "invoice", amount="", reference="")

    text = page_text(response)
    assert "Enter the amount received, like 400.00" in text
    assert "Enter the invoice number or bank reference" in text
    assert payments_of(person) == [] and membership.status is MembershipStatus.APPLIED


def test_refunding_an_offline_payment_records_it_without_stripe(app, applicant, staff_client):
    person, membership = applicant()
    client, staff = staff_client()
    record_offline(client, membership, "bank_transfer")
    (payment,) = payments_of(person)
    app.config["STRIPE_API_BASE"] = NO_STRIPE

    page = client.get(f"/admin/payments/{payment.id}")
    assert "Up to £45.00 can be refunded; return the money by bank transfer and record it here." in page_text(page)
    response = refund(client, payment, "45.00", reason="Paid twice by the employer")

    assert "Refunded £45.00." in page_text(response)
    assert payment.status is PaymentStatus.REFUNDED and payment.refunded_pence == 4500
    (made,) = refunds_of(payment)
    assert made.stripe_refund_id is None and made.created_by_id == staff.id
    (entry,) = audit_entries("payment.refunded", payment)
    assert entry.summary == f"Refunded £45.00 of {payment.receipt_number}: Paid twice by the employer"


# --- Confirming a refund ----------------------------------------------------------------------------


def test_refund_page_says_what_will_happen_and_the_get_changes_nothing(paid_membership, staff_client, stripe_api):
    person, membership, payment = paid_membership(name="Amara Okafor")
    client, staff = staff_client()

    page = client.get(f"/admin/payments/{payment.id}/refund")

    text = page_text(page)
    assert "Up to £45.00 can be refunded." in text
    assert "The money goes back to Amara Okafor's card straight away" in text
    assert (
        "Refunding all of it sends Amara Okafor's application back to waiting for payment; "
        "refunding part of it leaves the application as it is." in text
    )
    assert payment.status is PaymentStatus.SUCCEEDED and refunds_of(payment) == []
    assert membership.status is MembershipStatus.PAID
    assert audit_entries("payment.refunded", payment) == []
    assert stripe_api.get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == 0


def test_refund_post_refunds_and_the_application_goes_back_to_waiting_for_payment(paid_membership, staff_client):
    person, membership, payment = paid_membership()
    client, staff = staff_client()

    response = refund(client, payment, "45.00", reason="Withdrew before the decision")

    assert "Refunded £45.00." in page_text(response)
    assert payment.status is PaymentStatus.REFUNDED
    assert membership.status is MembershipStatus.APPLIED


def test_refund_page_of_a_renewal_says_the_membership_keeps_its_dates(app, staff_client):
    client, staff = staff_client()
    membership = MembershipFactory(staff=staff, expires_on=london_today() + dt.timedelta(days=10))
    renewal = renew_by_invoice(membership, staff)

    text = page_text(client.get(f"/admin/payments/{renewal.id}/refund"))

    assert (
        f"The membership is not changed: it keeps its dates (it ends on {format_date(membership.expires_on)})." in text
    )
    assert "Nothing is sent from here: return the money by bank transfer, and this records it." in text
    assert renewal.status is PaymentStatus.SUCCEEDED and refunds_of(renewal) == []


def test_staff_payment_page_names_what_was_paid_for_not_the_internal_reference(paid_membership, staff_client):
    person, membership, payment = paid_membership()
    client, staff = staff_client()

    text = page_text(client.get(f"/admin/payments/{payment.id}"))

    assert f"For {payment.description}" in text
    assert payment.description.startswith("Link Worker membership fee, 20")
    assert f"membership:{membership.id}" not in text
