"""Booking: people book, pay for, cancel and are refunded for places. Services flush; callers commit.

The rest of the domain lives beside this module, each concept in one: `errors` (what a refusal is),
`places` (counting places under the event's lock), `waiting_list` (who gets a freed place), `programme`
(staff create, publish and cancel events), `attendance` (check-in and CPD), `scheduled` (reminders and
forgetting needs after the event).
"""

import datetime as dt

import sqlalchemy as sa

from nalw.core.audit import record_audit
from nalw.core.links import absolute_link
from nalw.core.money import format_pence
from nalw.core.time import utcnow
from nalw.events import places
from nalw.events.emails import email_about
from nalw.events.errors import EventError, EventFull, HoldExpired
from nalw.events.models import Booking, BookingStatus, EventStatus, WaitingStatus
from nalw.events.waiting_list import fill_from_waiting_list, offer_freed_places
from nalw.extensions import db
from nalw.payments import services as payment_services
from nalw.payments.models import Payment, PaymentPurpose, Refund, RefundStatus


def book_place(event, person, access_needs="", dietary="", now=None) -> Booking:
    """Book `person` a place, in one transaction under the event's lock.

    People on the waiting list go first: a free place is offered to them before anyone new gets it.
    A person with an offer takes the place it holds. Free places are confirmed at once; a paid place
    is held for the event's hold time while the person pays (`begin_place_payment`). The member price
    applies to a membership in good standing. Raises EventFull when no place is left.
    """
    now = now or utcnow()
    event = places.lock_for_someone_new(event, person, now)
    fill_from_waiting_list(event, now)
    booking = places.live_booking(event, person)
    if booking is not None:
        return booking  # booked from the waiting list just now (a free event)
    entry = places.active_entry(event, person)
    if entry is not None and entry.status is WaitingStatus.OFFERED:
        entry.status = WaitingStatus.BOOKED  # the place the offer held becomes this booking's
    elif places.places_taken(event, now) >= event.capacity:
        raise EventFull()
    elif entry is not None:
        entry.status = WaitingStatus.BOOKED
        entry.left_at = now
    return places.new_booking(event, person, places.price_for(event, person), access_needs, dietary, now)


def begin_place_payment(person, booking, now=None) -> Payment:
    """Start paying for a held place. Refused once the hold has run out."""
    now = now or utcnow()
    if booking.person_id != person.id:
        raise EventError("That is not your booking.")
    if booking.status is BookingStatus.CONFIRMED:
        raise EventError("This place is already paid for and confirmed.")
    if booking.status is not BookingStatus.HELD or booking.hold_expires_at <= now:
        raise HoldExpired(
            f"We held this place for {booking.event.hold_minutes} minutes and the time ran out. "
            "Book again to see whether a place is still free."
        )
    payment = _begin_card_payment(booking)
    booking.payment_id = payment.id
    return payment


def _begin_card_payment(booking) -> Payment:
    """The one call into payments that starts paying for a place."""
    return payment_services.begin_card_payment(
        booking.person,
        PaymentPurpose.EVENT_PLACE,
        booking.id,
        booking.price_pence,
        f"Place at {booking.event.title}",
    )


def _booking_for_payment(payment) -> Booking | None:
    return db.session.get(Booking, payment.subject_id)


def place_paid(payment):
    """Payments calls this once when a place's payment succeeds.

    Within its hold, the place is confirmed. After the hold expired, it is confirmed only if a place
    is still free under the lock; otherwise the payment is refunded in full and the person told.
    """
    booking = _booking_for_payment(payment)
    if booking is None or booking.status is BookingStatus.CONFIRMED:
        return
    now = utcnow()
    event = places.lock_event(booking.event_id)
    booking.payment_id = payment.id
    if booking.status is BookingStatus.HELD and booking.hold_expires_at > now:
        _confirm(booking, now)
        return
    if booking.status is BookingStatus.HELD:
        booking.status = BookingStatus.EXPIRED
        db.session.flush()
    place_free = (
        booking.status is BookingStatus.EXPIRED
        and event.status is EventStatus.PUBLISHED
        and now < event.starts_at
        and places.live_booking(event, booking.person) is None
        and places.places_taken(event, now) < event.capacity
    )
    if place_free:
        _confirm(booking, now)
        return
    if booking.status is BookingStatus.EXPIRED:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
    refund_booking(
        None, booking, payment, payment.refundable_pence, "Place no longer available: refunded automatically"
    )
    email_about(
        event,
        booking.person,
        "late_payment_refunded",
        f"Your payment for {event.title} has been refunded",
        booking=booking,
        amount=format_pence(payment.amount_pence),
        events_link=absolute_link("events.event_page", event_id=event.id),
    )


def _confirm(booking, now):
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now
    db.session.flush()
    places.email_confirmation(booking)


def place_refunded(payment):
    """Payments calls this once when a place's payment is refunded in full (by staff, say): the place
    is given up and goes to the waiting list."""
    booking = _booking_for_payment(payment)
    if booking is None or not booking.is_live:
        return
    event = places.lock_event(booking.event_id)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = utcnow()
    db.session.flush()
    offer_freed_places(event)


def refund_key(booking) -> str:
    """A booking is refunded at most once, so its refund has one idempotency key: asking again (a lost
    commit, a run repeated) finds the refund already written instead of making a second."""
    return f"booking-{booking.id}-refund"


def refund_booking(actor, booking, payment, amount_pence, reason) -> Refund | None:
    """Write the booking's refund as pending; the caller commits, then `checkout.complete_refunds` asks Stripe
    (and `flask payments reconcile` asks again for one Stripe did not answer)."""
    if amount_pence <= 0:
        return None
    return payment_services.request_refund(actor, payment, amount_pence, reason, idempotency_key=refund_key(booking))


def pending_refunds(bookings) -> list[Refund]:
    """Refunds of these bookings' payments written but not yet answered by Stripe, in one query."""
    booking_ids = [booking.id for booking in bookings]
    if not booking_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Refund)
            .join(Payment, Payment.id == Refund.payment_id)
            .where(
                Payment.purpose == PaymentPurpose.EVENT_PLACE,
                Payment.subject_id.in_(booking_ids),
                Refund.status == RefundStatus.PENDING,
            )
            .order_by(Refund.id)
        )
    )


def refund_due_pence(booking, now=None) -> int:
    """A full refund up to the event's cut-off (that many days before it starts), none after."""
    now = now or utcnow()
    if booking.payment_id is None or booking.status is not BookingStatus.CONFIRMED:
        return 0
    if now > booking.event.starts_at - dt.timedelta(days=booking.event.refund_cutoff_days):
        return 0
    payment = db.session.get(Payment, booking.payment_id)
    return payment.refundable_pence if payment is not None else 0


def cancel_booking(person, booking, now=None) -> Booking:
    """The attendee gives up their place: refunded in full up to the cut-off, none after; the place
    goes to the waiting list."""
    now = now or utcnow()
    if booking.person_id != person.id:
        raise EventError("That is not your booking.")
    event = places.lock_event(booking.event_id)
    if not booking.is_live:
        raise EventError("This booking is already cancelled.")
    if now >= event.starts_at:
        raise EventError("This event has started: a place can no longer be cancelled.")
    refund = refund_due_pence(booking, now)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    db.session.flush()
    if refund:
        refund_booking(
            person, booking, db.session.get(Payment, booking.payment_id), refund, "Place cancelled by the attendee"
        )
    record_audit(
        person,
        "booking.cancelled",
        booking,
        after={"refund_pence": refund},
        summary=f"Cancelled a place at {event.title}",
    )
    email_about(
        event,
        person,
        "booking_cancelled",
        f"Your place at {event.title} is cancelled",
        booking=booking,
        refund=format_pence(refund) if refund else None,
    )
    offer_freed_places(event, now)
    return booking
