"""Stripe's signed webhooks: only a good signature is heard, and each event changes money at most once.

The PaymentIntents and charges in these events are the real objects read back from localstripe;
localstripe sends no webhooks we can receive in a test, so the test signs and posts them as Stripe would.
"""

import copy
import datetime as dt
import json
import logging

import pytest
import sqlalchemy as sa
import time_machine

from nalw.extensions import db
from nalw.members.models import MembershipStatus
from nalw.payments.models import PaymentStatus, Refund
from tests.helpers import emails_to, sign_in
from tests.payments.steps import history_of, payments_of, post_event, refund, stripe_events
from tests.stripe_helpers import VISA, signed_event, signed_payload

PAID_EMAIL = "We have your membership application and payment"


def paid_emails(person):
    return [message for message in emails_to(person.email) if message.subject == PAID_EMAIL]


def changes_to_paid(membership):
    return [change for change in history_of(membership) if change.to_status is MembershipStatus.PAID]


@pytest.fixture
def bank_check_done_page_closed(awaiting_bank_check, authenticate_payment, stripe_api):
    """The cardholder passed their bank's check at Stripe, then closed the tab: our site never heard.
    Returns (person, membership, payment, the PaymentIntent as Stripe now has it)."""
    person, membership, payment, client_secret = awaiting_bank_check()
    assert authenticate_payment(payment.stripe_payment_intent_id, client_secret)["status"] == "succeeded"
    intent = stripe_api.payment_intent(payment.stripe_payment_intent_id)
    assert payment.status is PaymentStatus.REQUIRES_ACTION and membership.status is MembershipStatus.APPLIED
    return person, membership, payment, intent


# --- Signatures ------------------------------------------------------------------------------------


def _signed_then_broken(how, event_type, intent):
    payload, headers = signed_event(event_type, intent)
    if how == "missing signature":
        del headers["Stripe-Signature"]
    elif how == "signed with another secret":
        payload, headers = signed_event(event_type, intent, secret="whsec_someone_else")
    elif how == "payload changed after signing":
        payload = payload.replace(b'"amount": 4500', b'"amount": 1')
    elif how == "signature from an hour ago":
        with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)):
            payload, headers = signed_event(event_type, intent)
    return payload, headers


@pytest.mark.parametrize(
    "how",
    ["missing signature", "signed with another secret", "payload changed after signing", "signature from an hour ago"],
)
def test_webhook_without_a_good_signature_is_refused_and_changes_nothing(
    client, bank_check_done_page_closed, how, caplog
):
    person, membership, payment, intent = bank_check_done_page_closed
    payload, headers = _signed_then_broken(how, "payment_intent.succeeded", intent)

    with caplog.at_level(logging.WARNING, logger="nalw"):
        response = client.post("/stripe/webhook", data=payload, headers=headers)

    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid signature"}
    assert "stripe webhook refused" in caplog.text
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert membership.status is MembershipStatus.APPLIED
    assert stripe_events() == []
    assert paid_emails(person) == []


# --- A payment finished at the bank after the page was closed ---------------------------------------


def test_payment_completed_after_the_page_was_closed_is_settled_by_the_webhook(client, bank_check_done_page_closed):
    person, membership, payment, intent = bank_check_done_page_closed

    response = post_event(client, "payment_intent.succeeded", intent)

    assert response.status_code == 200
    assert response.get_json()["outcome"] == f"payment {payment.id}: succeeded"
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.stripe_charge_id == intent["latest_charge"]["id"]
    assert payment.succeeded_at is not None
    assert membership.status is MembershipStatus.PAID
    assert len(changes_to_paid(membership)) == 1
    assert len(paid_emails(person)) == 1


def test_webhook_replay_changes_nothing(client, bank_check_done_page_closed, caplog):
    person, membership, payment, intent = bank_check_done_page_closed
    payload, headers = signed_event("payment_intent.succeeded", intent)
    client.post("/stripe/webhook", data=payload, headers=headers)
    event_id = json.loads(payload)["id"]

    with caplog.at_level(logging.INFO, logger="nalw"):
        replay = client.post("/stripe/webhook", data=payload, headers=headers)

    assert replay.status_code == 200
    assert replay.get_json()["outcome"] == "duplicate: already handled"
    assert f"stripe webhook {event_id} payment_intent.succeeded: duplicate: already handled" in caplog.text
    (event,) = stripe_events()
    assert event.outcome == f"payment {payment.id}: succeeded"
    assert payment.status is PaymentStatus.SUCCEEDED
    assert len(changes_to_paid(membership)) == 1
    assert len(paid_emails(person)) == 1


def test_a_second_success_event_for_the_same_payment_changes_nothing_more(client, bank_check_done_page_closed):
    person, membership, payment, intent = bank_check_done_page_closed
    post_event(client, "payment_intent.succeeded", intent)
    succeeded_at = payment.succeeded_at

    response = post_event(client, "payment_intent.succeeded", intent)

    assert response.status_code == 200
    assert len(stripe_events()) == 2
    assert payment.succeeded_at == succeeded_at
    assert len(changes_to_paid(membership)) == 1
    assert len(paid_emails(person)) == 1


def test_the_webhook_and_the_return_from_the_bank_together_pay_once(client, bank_check_done_page_closed):
    """The person came back to our page after all, and Stripe's event arrived too."""
    person, membership, payment, intent = bank_check_done_page_closed
    client.get(f"/payments/{payment.id}/authenticated")

    post_event(client, "payment_intent.succeeded", intent)

    assert payment.status is PaymentStatus.SUCCEEDED
    assert len(changes_to_paid(membership)) == 1
    assert len(paid_emails(person)) == 1


def test_event_whose_amount_differs_from_our_record_changes_nothing_and_is_logged(
    client, bank_check_done_page_closed, caplog
):
    person, membership, payment, intent = bank_check_done_page_closed

    with caplog.at_level(logging.WARNING, logger="nalw"):
        response = post_event(client, "payment_intent.succeeded", {**intent, "amount": 100})

    assert response.status_code == 200
    assert f"payment {payment.id}: Stripe amount 100 differs from ours 4500" in caplog.text
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert membership.status is MembershipStatus.APPLIED
    assert paid_emails(person) == []


# --- Out of order -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "stale_state"),
    [
        (
            "payment_intent.payment_failed",
            {
                "status": "requires_payment_method",
                "latest_charge": None,
                "last_payment_error": {"message": "The provided PaymentMethod has failed authentication."},
            },
        ),
        ("payment_intent.requires_action", {"status": "requires_action", "latest_charge": None}),
        ("payment_intent.processing", {"status": "processing", "latest_charge": None}),
    ],
)
def test_an_older_event_arriving_after_success_changes_nothing(
    client, bank_check_done_page_closed, event_type, stale_state
):
    person, membership, payment, intent = bank_check_done_page_closed
    post_event(client, "payment_intent.succeeded", intent)
    stale = {**copy.deepcopy(intent), **stale_state}

    response = post_event(client, event_type, stale)

    assert response.status_code == 200
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.failure_message is None
    assert payment.stripe_charge_id == intent["latest_charge"]["id"]
    assert membership.status is MembershipStatus.PAID
    assert len(changes_to_paid(membership)) == 1
    assert len(paid_emails(person)) == 1


def test_a_failure_event_for_a_payment_awaiting_the_bank_marks_it_failed_and_the_fee_unpaid(
    client, awaiting_bank_check, authenticate_payment, stripe_api
):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret, success=False)
    intent = stripe_api.payment_intent(payment.stripe_payment_intent_id)

    response = post_event(client, "payment_intent.payment_failed", intent)

    assert response.status_code == 200
    assert payment.status is PaymentStatus.FAILED
    assert payment.failure_message == "Your bank's check was not completed."
    assert membership.status is MembershipStatus.APPLIED
    assert paid_emails(person) == []


def test_money_arriving_for_a_payment_given_up_on_is_refunded_when_another_paid_for_the_same_thing(
    client, awaiting_bank_check, authenticate_payment, stripe_api, pay_for
):
    """The bank check failed, the person paid again with another card, and then finished the first
    payment too (on Stripe's own page): the second charge is given straight back, not kept."""
    person, membership, first, client_secret = awaiting_bank_check()
    authenticate_payment(first.stripe_payment_intent_id, client_secret, success=False)
    client.get(f"/payments/{first.id}/authenticated")
    assert first.status is PaymentStatus.FAILED
    pay_for(membership, VISA)
    second = payments_of(person)[-1]
    assert second.status is PaymentStatus.SUCCEEDED and membership.status is MembershipStatus.PAID
    # On Stripe's page the person gives the first PaymentIntent a card that works, and confirms it.
    stripe_api.post(f"payment_intents/{first.stripe_payment_intent_id}", payment_method=_visa_method(stripe_api))
    intent = stripe_api.post(f"payment_intents/{first.stripe_payment_intent_id}/confirm")
    assert intent["status"] == "succeeded"

    response = post_event(client, "payment_intent.succeeded", intent)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert first.status is PaymentStatus.REFUNDED and first.refunded_pence == 4500
    (refund,) = first.refunds
    assert refund.stripe_refund_id.startswith("re_")
    assert stripe_api.payment_intent(first.stripe_payment_intent_id)["latest_charge"]["amount_refunded"] == 4500
    assert second.status is PaymentStatus.SUCCEEDED and second.refunded_pence == 0
    assert len(changes_to_paid(membership)) == 1
    assert len(paid_emails(person)) == 1


def _visa_method(stripe_api):
    return stripe_api.post(
        "payment_methods",
        type="card",
        **{"card[number]": VISA, "card[exp_month]": 12, "card[exp_year]": 2034, "card[cvc]": "123"},
    )["id"]


# --- Events we cannot match -------------------------------------------------------------------------


def test_event_for_an_unknown_payment_is_logged_and_ignored(client, paid_membership, caplog):
    person, membership, payment = paid_membership()
    intent = {
        "id": "pi_not_one_of_ours",
        "object": "payment_intent",
        "status": "succeeded",
        "amount": 4500,
        "latest_charge": "ch_not_one_of_ours",
        "metadata": {},
    }

    with caplog.at_level(logging.WARNING, logger="nalw"):
        response = post_event(client, "payment_intent.succeeded", intent)

    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored: unknown payment intent"
    assert "unknown payment intent pi_not_one_of_ours" in caplog.text
    (event,) = stripe_events()
    assert event.outcome == "ignored: unknown payment intent"
    assert payment.status is PaymentStatus.SUCCEEDED and payment.stripe_charge_id != "ch_not_one_of_ours"


def test_event_naming_our_payment_in_its_metadata_but_another_intent_is_ignored(client, paid_membership, caplog):
    person, membership, payment = paid_membership()
    intent = {
        "id": "pi_someone_elses",
        "object": "payment_intent",
        "status": "requires_payment_method",
        "amount": 4500,
        "latest_charge": None,
        "last_payment_error": {"message": "Your card was declined."},
        "metadata": {"payment_id": str(payment.id)},
    }

    with caplog.at_level(logging.WARNING, logger="nalw"):
        response = post_event(client, "payment_intent.payment_failed", intent)

    assert response.get_json()["outcome"] == "ignored: unknown payment intent"
    assert "unknown payment intent pi_someone_elses" in caplog.text
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.stripe_payment_intent_id != "pi_someone_elses"


def test_refund_event_for_an_unknown_charge_is_logged_and_ignored(client, paid_membership, caplog):
    person, membership, payment = paid_membership()
    charge = {"id": "ch_not_one_of_ours", "object": "charge", "payment_intent": "pi_not_one_of_ours"}

    with caplog.at_level(logging.WARNING, logger="nalw"):
        response = post_event(client, "charge.refunded", {**charge, "amount": 4500, "amount_refunded": 4500})

    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored: unknown charge"
    assert "refund for unknown charge ch_not_one_of_ours" in caplog.text
    assert payment.status is PaymentStatus.SUCCEEDED and payment.refunded_pence == 0


def test_event_of_a_kind_we_do_not_use_is_recorded_and_ignored(client, paid_membership):
    person, membership, payment = paid_membership()

    response = post_event(client, "customer.created", {"id": "cus_x", "object": "customer"})

    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored: not an event we use"
    assert [event.type for event in stripe_events()] == ["customer.created"]


# --- Refunds made at Stripe (charge.refunded) -------------------------------------------------------


def refund_at_stripe(stripe_api, payment, amount_pence):
    """A refund made in the Stripe dashboard; returns the charge as Stripe then describes it."""
    stripe_api.post("refunds", payment_intent=payment.stripe_payment_intent_id, amount=amount_pence)
    return stripe_api.get(f"charges/{payment.stripe_charge_id}")


def test_refund_made_at_stripe_is_recorded_from_charge_refunded(client, paid_membership, stripe_api):
    person, membership, payment = paid_membership()

    post_event(client, "charge.refunded", refund_at_stripe(stripe_api, payment, 1500))

    assert payment.refunded_pence == 1500
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED

    post_event(client, "charge.refunded", refund_at_stripe(stripe_api, payment, 3000))

    assert payment.refunded_pence == 4500
    assert payment.status is PaymentStatus.REFUNDED
    assert payment.refundable_pence == 0


def test_refund_event_replayed_or_older_and_smaller_changes_nothing(client, paid_membership, stripe_api):
    person, membership, payment = paid_membership()
    partly_refunded = refund_at_stripe(stripe_api, payment, 1500)
    fully_refunded = refund_at_stripe(stripe_api, payment, 3000)
    payload, headers = signed_event("charge.refunded", fully_refunded)
    client.post("/stripe/webhook", data=payload, headers=headers)

    replay = client.post("/stripe/webhook", data=payload, headers=headers)
    older = post_event(client, "charge.refunded", partly_refunded)

    assert replay.get_json()["outcome"].startswith("duplicate")
    assert older.status_code == 200
    assert payment.refunded_pence == 4500
    assert payment.status is PaymentStatus.REFUNDED
    assert len(stripe_events()) == 2


def test_refund_made_here_is_not_counted_again_when_stripe_reports_it(client, paid_membership, person_as, stripe_api):
    person, membership, payment = paid_membership()
    sign_in(client, person_as("staff"))
    refund(client, payment, "10.00", reason="Goodwill")
    assert payment.refunded_pence == 1000

    post_event(client, "charge.refunded", stripe_api.get(f"charges/{payment.stripe_charge_id}"))

    assert payment.refunded_pence == 1000
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED
    assert db.session.scalar(sa.select(sa.func.count(Refund.id)).where(Refund.payment_id == payment.id)) == 1


# --- Signed, but not an event we can read -----------------------------------------------------------


def _event(event_type, data_object, **fields):
    return {"id": "evt_malformed_1", "object": "event", "type": event_type, "data": {"object": data_object}, **fields}


def _succeeded(intent_id, **fields):
    return {"id": intent_id, "object": "payment_intent", "status": "succeeded", "amount": 4500, **fields}


# (what is wrong, the event as a function of our payment's PaymentIntent id)
MALFORMED_EVENTS = {
    "not an object at all": lambda intent_id: [intent_id],
    "no data": lambda intent_id: {"id": "evt_malformed_1", "type": "payment_intent.succeeded"},
    "no event id": lambda intent_id: {"type": "payment_intent.succeeded", "data": {"object": _succeeded(intent_id)}},
    "event id too long to keep": lambda intent_id: _event(
        "payment_intent.succeeded", _succeeded(intent_id), id="evt_" + "x" * 200
    ),
    "event type not text": lambda intent_id: _event(42, _succeeded(intent_id)),
    "event type too long to keep": lambda intent_id: _event("payment_intent." + "x" * 100, _succeeded(intent_id)),
    "object is text": lambda intent_id: _event("payment_intent.succeeded", intent_id),
    "intent without an id": lambda intent_id: _event("payment_intent.succeeded", {"status": "succeeded"}),
    "intent id a number": lambda intent_id: _event("payment_intent.succeeded", _succeeded(12345)),
    "status a list": lambda intent_id: _event("payment_intent.succeeded", _succeeded(intent_id, status=["ok"])),
    "amount in words": lambda intent_id: _event("payment_intent.succeeded", _succeeded(intent_id, amount="lots")),
    "charge a number": lambda intent_id: _event("payment_intent.succeeded", _succeeded(intent_id, latest_charge=7)),
    "metadata a list": lambda intent_id: _event(
        "payment_intent.succeeded", _succeeded("pi_unknown", metadata=["payment_id", 1])
    ),
    "error not an object": lambda intent_id: _event(
        "payment_intent.payment_failed", _succeeded("pi_unknown", status="canceled", last_payment_error="declined")
    ),
    "refunded amount in words": lambda intent_id: _event(
        "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": intent_id, "amount_refunded": "lots"}
    ),
    "refunded charge's intent a list": lambda intent_id: _event(
        "charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": [intent_id], "amount_refunded": 4500}
    ),
}


@pytest.mark.parametrize("what_is_wrong", list(MALFORMED_EVENTS))
def test_signed_but_malformed_event_is_refused_logged_and_changes_nothing(
    client, paid_membership, what_is_wrong, caplog
):
    person, membership, payment = paid_membership()
    event = MALFORMED_EVENTS[what_is_wrong](payment.stripe_payment_intent_id)
    payload, headers = signed_payload(json.dumps(event).encode())

    with caplog.at_level(logging.WARNING, logger="nalw"):
        response = client.post("/stripe/webhook", data=payload, headers=headers)

    assert response.status_code == 400
    assert response.get_json() == {"error": "malformed event"}
    assert "stripe webhook malformed event" in caplog.text
    assert stripe_events() == []
    assert payment.status is PaymentStatus.SUCCEEDED and payment.refunded_pence == 0


def test_event_naming_a_payment_number_too_big_for_the_database_is_ignored(client, paid_membership):
    paid_membership()
    intent = _succeeded("pi_unknown", metadata={"payment_id": "9" * 30})

    response = post_event(client, "payment_intent.succeeded", intent)

    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored: unknown payment intent"
