"""Building events, bookings and payments the way the app does, for the events tests."""

import itertools

import sqlalchemy as sa

from nalw.events import services
from nalw.events.models import Booking, BookingStatus, Event, WaitingListEntry
from nalw.extensions import db
from nalw.payments import services as payment_services
from nalw.payments.models import BillingProfile, Payment, Refund
from tests.factories import EventFactory, MembershipFactory, PersonFactory

_intent_numbers = itertools.count(1)


def published_event(staff=None, **overrides) -> Event:
    return EventFactory(staff=staff, **overrides)


def paid_event(**overrides) -> Event:
    return EventFactory(paid=True, **overrides)


def member():
    return MembershipFactory().person


def non_member():
    return PersonFactory()


def with_saved_card(person):
    """A saved card on record, as the card form leaves it (no Stripe call needed to begin a payment)."""
    db.session.add(
        BillingProfile(
            person_id=person.id,
            stripe_customer_id=f"cus_test_{person.id}",
            payment_method_id=f"pm_test_{person.id}",
            card_brand="visa",
            card_last4="4242",
        )
    )
    db.session.flush()
    return person


def begin_payment(booking) -> Payment:
    """The person submits the card form: the payment row is written, as the pay page does."""
    if payment_services.billing_profile(booking.person) is None:
        with_saved_card(booking.person)
    payment = services.begin_place_payment(booking.person, booking)
    payment.stripe_payment_intent_id = f"pi_test_{next(_intent_numbers)}"
    db.session.flush()
    return payment


def intent(payment, status="succeeded"):
    """Stripe's PaymentIntent for `payment`, as its webhook event carries it."""
    return {
        "id": payment.stripe_payment_intent_id,
        "object": "payment_intent",
        "status": status,
        "amount": payment.amount_pence,
        "latest_charge": f"ch_{payment.stripe_payment_intent_id}",
        "metadata": {"payment_id": str(payment.id)},
    }


def stripe_says(payment, status="succeeded", event_id=None):
    """A verified webhook event reaches payments, which applies it once."""
    kind = {"succeeded": "payment_intent.succeeded", "requires_action": "payment_intent.requires_action"}[status]
    event = {
        "id": event_id or f"evt_{payment.stripe_payment_intent_id}_{status}",
        "type": kind,
        "data": {"object": intent(payment, status)},
    }
    outcome = payment_services.handle_event(event)
    db.session.flush()
    return outcome


def bookings_of(event, status=None):
    query = sa.select(Booking).where(Booking.event_id == event.id).order_by(Booking.id)
    if status is not None:
        query = query.where(Booking.status == status)
    return db.session.scalars(query).all()


def confirmed(event):
    return bookings_of(event, BookingStatus.CONFIRMED)


def entry_of(event, person):
    return db.session.scalar(
        sa.select(WaitingListEntry)
        .where(WaitingListEntry.event_id == event.id, WaitingListEntry.person_id == person.id)
        .order_by(WaitingListEntry.id.desc())
    )


def fill(event, count=None):
    """Confirmed places for new people until `count` are taken (all of them by default)."""
    people = []
    for _ in range(count if count is not None else event.capacity):
        person = PersonFactory()
        booking = services.book_place(event, person)
        if booking.status is BookingStatus.HELD:
            stripe_says(begin_payment(booking))
        people.append(person)
    db.session.flush()
    return people


def begin_card_payment(booking, card_token) -> Payment:
    """The person saves a card on localstripe and presses Pay: the payment row is written, not yet charged."""
    payment_services.save_card(booking.person, card_token())
    return services.begin_place_payment(booking.person, booking)


def pay_by_card(booking, card_token) -> Payment:
    """The person saves a card on localstripe and pays for their held place, as the pay page does."""
    payment = begin_card_payment(booking, card_token)
    payment_services.submit_card_payment(payment)
    db.session.flush()
    return payment


def refunds_made(*bookings) -> list[Refund]:
    """Once the refunds written for these bookings are committed, the page asks localstripe for them."""
    refunds = services.pending_refunds(bookings)
    for refund in refunds:
        payment_services.submit_refund(refund)
    db.session.flush()
    return refunds
