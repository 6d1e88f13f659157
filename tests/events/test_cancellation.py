"""Staff cancel an event: everyone booked and waiting is told, every paid place refunded once, on
localstripe; with Stripe down half-way, running it again finishes without a second refund."""

import datetime as dt

import sqlalchemy as sa

from nalw.core.time import utcnow
from nalw.events import services as event_services
from nalw.events import waiting_list
from nalw.events.models import BookingStatus, EventStatus, WaitingStatus
from nalw.extensions import db
from nalw.payments.models import PaymentStatus, Refund
from tests.events.steps import bookings_of, entry_of, paid_event, pay_by_card
from tests.factories import PersonFactory
from tests.helpers import emails_to, page_text, sign_in
from tests.payments.steps import StripeApi

NO_STRIPE = "http://127.0.0.1:9"  # nothing listens here


def refunds_of(payment):
    return db.session.scalars(sa.select(Refund).where(Refund.payment_id == payment.id)).all()


def paid_places(event, count, card_token):
    payments = []
    for _ in range(count):
        booking = event_services.book_place(event, PersonFactory())
        payment = pay_by_card(booking, card_token)
        assert payment.status is PaymentStatus.SUCCEEDED and booking.status is BookingStatus.CONFIRMED
        payments.append(payment)
    return payments


def cancel(client, event, reason="The venue has flooded."):
    return client.post(f"/admin/events/{event.id}/cancel", data={"reason": reason}, follow_redirects=True)


def test_event_cancellation_refunds_each_paid_place_and_tells_everyone(
    app, client, person_as, card_token, localstripe_url
):
    event = paid_event(capacity=2)
    payments = paid_places(event, 2, card_token)
    waiting = PersonFactory()
    waiting_list.join_waiting_list(event, waiting)
    sign_in(client, person_as("staff"))

    page = page_text(cancel(client, event))

    assert "Everyone booked has been refunded and told" in page
    assert event.status is EventStatus.CANCELLED
    stripe = StripeApi(localstripe_url)
    for payment in payments:
        (refund,) = refunds_of(payment)
        assert payment.status is PaymentStatus.REFUNDED
        assert stripe.get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == payment.amount_pence
    assert [booking.status for booking in bookings_of(event)] == [BookingStatus.CANCELLED] * 2
    for person in [payment.person for payment in payments] + [waiting]:
        assert [email.subject for email in emails_to(person.email)][-1] == f"Cancelled: {event.title}"
    assert entry_of(event, waiting).status is WaitingStatus.LEFT


def test_event_cancellation_interrupted_by_stripe_is_finished_by_a_second_run_refunding_nobody_twice(
    app, client, person_as, card_token, localstripe_url
):
    event = paid_event(capacity=3)
    payments = paid_places(event, 3, card_token)
    sign_in(client, person_as("staff"))
    app.config["STRIPE_API_BASE"] = NO_STRIPE

    first = page_text(cancel(client, event))

    assert "3 bookings cancelled and told; 3 not refunded yet" in first
    assert event.status is EventStatus.CANCELLED
    assert all(payment.status is PaymentStatus.SUCCEEDED for payment in payments)

    app.config["STRIPE_API_BASE"] = localstripe_url
    second = page_text(client.post(f"/admin/events/{event.id}/settle", follow_redirects=True))
    third = client.post(f"/admin/events/{event.id}/settle", follow_redirects=True)

    assert "Everyone booked has been refunded and told" in second
    assert third.status_code == 200
    stripe = StripeApi(localstripe_url)
    for payment in payments:
        assert len(refunds_of(payment)) == 1
        assert stripe.get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == payment.amount_pence
        assert [email.subject for email in emails_to(payment.person.email)].count(f"Cancelled: {event.title}") == 1


def test_a_run_stopped_after_some_bookings_refunds_each_booking_once(app, card_token, localstripe_url, person_as):
    from nalw.events import attendance
    from nalw.events.settling import settle_cancellation

    event = paid_event(capacity=3)
    payments = paid_places(event, 3, card_token)
    attendance.cancel_event(person_as("staff"), event, "Speaker ill")
    db.session.commit()
    first_booking = attendance.bookings_to_settle(event)[0]
    attendance.settle_cancelled_booking(first_booking)
    db.session.commit()

    app.config["STRIPE_API_BASE"] = NO_STRIPE
    assert settle_cancellation(event) == (2, 3)  # settled and told; their refunds wait for Stripe
    app.config["STRIPE_API_BASE"] = localstripe_url
    assert settle_cancellation(event) == (0, 0)
    assert settle_cancellation(event) == (0, 0)

    assert [len(refunds_of(payment)) for payment in payments] == [1, 1, 1]
    assert all(payment.status is PaymentStatus.REFUNDED for payment in payments)


def test_the_settle_command_finishes_a_cancellation_left_half_way(app, runner, card_token, person_as):
    from nalw.events import attendance

    event = paid_event(capacity=2)
    payments = paid_places(event, 2, card_token)
    attendance.cancel_event(person_as("staff"), event, "Venue flooded")
    db.session.commit()  # the staff member's request stopped here, before any booking was settled

    first = runner.invoke(args=["events", "settle"]).output
    second = runner.invoke(args=["events", "settle"]).output

    assert first.strip() == "events settle: 2 bookings settled, 0 refunds still waiting for the card service"
    assert second.strip() == "events settle: 0 bookings settled, 0 refunds still waiting for the card service"
    assert [len(refunds_of(payment)) for payment in payments] == [1, 1]
    assert all(payment.status is PaymentStatus.REFUNDED for payment in payments)
    for payment in payments:
        assert [email.subject for email in emails_to(payment.person.email)].count(f"Cancelled: {event.title}") == 1


def test_an_event_that_has_started_cannot_be_cancelled_and_nobody_is_refunded(app, client, person_as, card_token):
    event = paid_event(title="Leeds roadshow")
    (payment,) = paid_places(event, 1, card_token)
    event.starts_at, event.ends_at = utcnow() - dt.timedelta(hours=2), utcnow() + dt.timedelta(hours=4)
    db.session.flush()
    sign_in(client, person_as("staff"))

    event_page = page_text(client.get(f"/admin/events/{event.id}"))
    refused = page_text(cancel(client, event))

    assert "Cancel the event" not in event_page
    assert "it can no longer be cancelled. To refund someone's place, press Refund beside the payment" in refused
    db.session.refresh(event)
    assert event.status is EventStatus.PUBLISHED and event.cancelled_at is None
    assert [booking.status for booking in bookings_of(event)] == [BookingStatus.CONFIRMED]
    assert payment.status is PaymentStatus.SUCCEEDED and refunds_of(payment) == []
    assert f"Cancelled: {event.title}" not in [email.subject for email in emails_to(payment.person.email)]
