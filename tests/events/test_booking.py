"""Booking a place: prices, holds while paying, late payments, cancellation and refunds."""

import datetime as dt

import pytest
import time_machine

from nalw.core.time import utcnow
from nalw.events import errors, programme, services
from nalw.events.models import BookingStatus
from nalw.extensions import db
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentStatus, RefundStatus
from tests.events.steps import (
    begin_card_payment,
    begin_payment,
    bookings_of,
    confirmed,
    fill,
    member,
    non_member,
    paid_event,
    pay_by_card,
    published_event,
    refunds_made,
    stripe_says,
)
from tests.helpers import emails_to
from tests.payments.steps import StripeApi


def test_free_place_is_confirmed_at_once_with_an_ics_in_the_email(app):
    event = published_event(title="Link Worker Day 2027")
    person = non_member()

    booking = services.book_place(event, person, access_needs="Step-free access", dietary="Vegan")

    assert booking.status is BookingStatus.CONFIRMED
    assert booking.price_pence == 0
    assert (booking.access_needs, booking.dietary) == ("Step-free access", "Vegan")
    [email] = emails_to(person.email)
    assert email.subject == "Your place at Link Worker Day 2027 is confirmed"
    [attachment] = email.attachments
    assert attachment["filename"] == "event.ics"
    assert attachment["content_type"] == "text/calendar"
    assert "SUMMARY:Link Worker Day 2027" in attachment["text"]


def test_a_booking_is_dated_at_the_time_it_was_made(app):
    event = published_event()
    booked_at = utcnow() - dt.timedelta(hours=1)

    booking = services.book_place(event, non_member(), now=booked_at)

    assert (booking.created_at, booking.confirmed_at) == (booked_at, booked_at)


def test_member_in_good_standing_pays_the_member_price_and_others_the_non_member_price(app):
    event = paid_event(member_price_pence=2500, non_member_price_pence=4000)

    assert services.book_place(event, member()).price_pence == 2500
    assert services.book_place(event, non_member()).price_pence == 4000


def test_paid_place_is_held_for_the_hold_time_and_confirmed_when_paid(app):
    event = paid_event(hold_minutes=15)
    person = non_member()
    with time_machine.travel(utcnow(), tick=False):
        booking = services.book_place(event, person)
        assert booking.status is BookingStatus.HELD
        assert booking.hold_expires_at == utcnow() + dt.timedelta(minutes=15)

    stripe_says(begin_payment(booking))

    assert booking.status is BookingStatus.CONFIRMED
    assert [email.subject for email in emails_to(person.email)] == [f"Your place at {event.title} is confirmed"]


def test_full_event_refuses_a_booking_with_the_waiting_list_offered(app):
    event = published_event(capacity=2)
    fill(event)

    with pytest.raises(errors.EventFull, match="Join the waiting list"):
        services.book_place(event, non_member())


def test_one_live_booking_per_person_per_event(app):
    event = published_event()
    person = non_member()
    services.book_place(event, person)

    with pytest.raises(errors.AlreadyBooked):
        services.book_place(event, person)
    assert len(bookings_of(event)) == 1


def test_booking_before_it_opens_after_it_closes_or_for_a_draft_is_refused(app):
    now = utcnow()
    not_yet = published_event(booking_opens_at=now + dt.timedelta(days=1))
    closed = published_event(
        booking_opens_at=now - dt.timedelta(days=3), booking_closes_at=now - dt.timedelta(minutes=1)
    )
    draft = programme.create_event(non_member(), **_draft_values())

    with pytest.raises(errors.BookingClosed, match="Booking opens on"):
        services.book_place(not_yet, non_member())
    with pytest.raises(errors.BookingClosed, match="has closed"):
        services.book_place(closed, non_member())
    with pytest.raises(errors.BookingClosed, match="not open for booking"):
        services.book_place(draft, non_member())


def _draft_values():
    from tests.factories import event_values

    return event_values(title="Draft webinar")


def test_unpaid_hold_stops_counting_after_it_expires(app):
    event = paid_event(capacity=1, hold_minutes=15)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        services.book_place(event, non_member())
        with pytest.raises(errors.EventFull):
            services.book_place(event, non_member())
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        latecomer = services.book_place(event, non_member())

    assert latecomer.status is BookingStatus.HELD
    assert [booking.status for booking in bookings_of(event)] == [BookingStatus.EXPIRED, BookingStatus.HELD]


def test_payment_after_the_hold_expired_confirms_the_place_if_one_is_still_free(app):
    event = paid_event(capacity=2, hold_minutes=15)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        booking = services.book_place(event, non_member())
        payment = begin_payment(booking)
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        stripe_says(payment)

    assert booking.status is BookingStatus.CONFIRMED
    assert payment.status is PaymentStatus.SUCCEEDED


def test_payment_after_the_hold_expired_is_refunded_when_the_place_has_gone(app, card_token, localstripe_url):
    event = paid_event(capacity=1, hold_minutes=15)
    person = non_member()
    start = utcnow()
    with time_machine.travel(start, tick=False):
        booking = services.book_place(event, person)
        payment = begin_card_payment(booking, card_token)
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        other = services.book_place(event, non_member())
        pay_by_card(other, card_token)
        payment_services.submit_card_payment(payment)  # the card is charged after the hold ran out
        [refund] = refunds_made(booking)

    assert other.status is BookingStatus.CONFIRMED
    assert booking.status is BookingStatus.CANCELLED
    assert payment.status is PaymentStatus.REFUNDED
    assert (refund.idempotency_key, refund.amount_pence) == (f"booking-{booking.id}-refund", payment.amount_pence)
    charge = StripeApi(localstripe_url).get(f"charges/{payment.stripe_charge_id}")
    assert charge["amount_refunded"] == payment.amount_pence
    [email] = emails_to(person.email)
    assert email.subject == f"Your payment for {event.title} has been refunded"


def test_two_late_payers_for_one_place_get_one_place(app, card_token):
    event = paid_event(capacity=1, hold_minutes=15)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        first = services.book_place(event, non_member())
        first_payment = begin_card_payment(first, card_token)
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        second = services.book_place(event, non_member())
        second_payment = begin_card_payment(second, card_token)
    with time_machine.travel(start + dt.timedelta(minutes=40), tick=False):
        payment_services.submit_card_payment(second_payment)
        payment_services.submit_card_payment(first_payment)
        refunds = refunds_made(first, second)

    assert [booking.status for booking in (first, second)] == [BookingStatus.CANCELLED, BookingStatus.CONFIRMED]
    assert [(refund.payment, refund.status) for refund in refunds] == [(first_payment, RefundStatus.SUCCEEDED)]
    assert (first_payment.status, second_payment.status) == (PaymentStatus.REFUNDED, PaymentStatus.SUCCEEDED)
    assert len(confirmed(event)) == 1


def test_duplicated_or_out_of_order_payment_events_confirm_one_booking_and_send_one_email(app):
    event = paid_event()
    person = non_member()
    booking = services.book_place(event, person)
    payment = begin_payment(booking)

    stripe_says(payment, "succeeded", event_id="evt_1")
    stripe_says(payment, "succeeded", event_id="evt_1")  # the same event again
    stripe_says(payment, "succeeded", event_id="evt_2")  # Stripe sends it twice under two ids
    stripe_says(payment, "requires_action", event_id="evt_0")  # an older event arriving late

    assert booking.status is BookingStatus.CONFIRMED
    assert payment.status is PaymentStatus.SUCCEEDED
    assert len(confirmed(event)) == 1
    assert [email.subject for email in emails_to(person.email)] == [f"Your place at {event.title} is confirmed"]


def test_attendee_cancels_before_the_cutoff_and_is_refunded_in_full(app, card_token, localstripe_url):
    event = paid_event(refund_cutoff_days=7, starts_at=utcnow() + dt.timedelta(days=10))
    person = non_member()
    booking = services.book_place(event, person)
    payment = pay_by_card(booking, card_token)

    services.cancel_booking(person, booking)
    [refund] = refunds_made(booking)

    assert booking.status is BookingStatus.CANCELLED
    assert (refund.amount_pence, refund.status) == (4000, RefundStatus.SUCCEEDED)
    assert payment.status is PaymentStatus.REFUNDED
    assert StripeApi(localstripe_url).get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == 4000
    assert emails_to(person.email)[-1].subject == f"Your place at {event.title} is cancelled"


def test_a_booking_is_refunded_once_even_when_its_refund_is_asked_for_twice(app, card_token, localstripe_url):
    event = paid_event(refund_cutoff_days=7, starts_at=utcnow() + dt.timedelta(days=10))
    person = non_member()
    booking = services.book_place(event, person)
    payment = pay_by_card(booking, card_token)
    services.cancel_booking(person, booking)
    [refund] = refunds_made(booking)

    # The same refund asked for again (a commit lost after Stripe answered, say) finds the first.
    again = services.refund_booking(person, booking, payment, 4000, "Place cancelled by the attendee")
    payment_services.submit_refund(again)

    assert again == refund
    assert len(payment.refunds) == 1
    assert StripeApi(localstripe_url).get(f"charges/{payment.stripe_charge_id}")["amount_refunded"] == 4000


def test_attendee_cancels_after_the_cutoff_and_gets_no_refund(app, card_token):
    event = paid_event(refund_cutoff_days=7, starts_at=utcnow() + dt.timedelta(days=5))
    person = non_member()
    booking = services.book_place(event, person)
    payment = pay_by_card(booking, card_token)

    services.cancel_booking(person, booking)

    assert booking.status is BookingStatus.CANCELLED
    assert refunds_made(booking) == []
    assert payment.status is PaymentStatus.SUCCEEDED


def test_nobody_cancels_someone_elses_booking(app):
    event = published_event()
    booking = services.book_place(event, non_member())

    with pytest.raises(errors.EventError, match="not your booking"):
        services.cancel_booking(non_member(), booking)
    db.session.flush()
    assert booking.status is BookingStatus.CONFIRMED
