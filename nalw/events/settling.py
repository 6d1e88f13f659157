"""Settling a cancelled event: each booking refunded and told in a transaction of its own, then Stripe asked for
the refunds. Run by staff from the event's page, and by `flask events settle` for whatever is left; run it
again at any time, and nobody is refunded or told twice. Unlike a service, this commits: one transaction a
booking is the point."""

import sqlalchemy as sa

from nalw.events import attendance, services
from nalw.events.models import Booking, BookingStatus, Event, EventStatus
from nalw.extensions import db
from nalw.payments import checkout


def settle_cancellation(event) -> tuple[int, int]:
    """(settled now, left to do). A booking is left to do while it is unsettled or its refund waits for Stripe."""
    settled = 0
    for booking_id in attendance.bookings_to_settle(event):
        booking = attendance.settle_cancelled_booking(booking_id)
        db.session.commit()
        settled += booking is not None
    # The settled bookings' refunds are committed as pending: only now is Stripe asked for them.
    checkout.complete_refunds(services.pending_refunds(attendance.settled_bookings(event)), flash_outcome=False)
    return settled, left_to_settle(event)


def left_to_settle(event) -> int:
    """Bookings not yet settled, and settled ones whose refund still waits for Stripe."""
    return len(attendance.bookings_to_settle(event)) + len(services.pending_refunds(attendance.settled_bookings(event)))


def events_to_settle() -> list[int]:
    """Cancelled events with a live booking not yet settled (a cancellation interrupted half-way). Refunds that
    wait for Stripe are also asked again by `flask payments reconcile`."""
    unsettled = sa.select(Booking.event_id).where(
        Booking.cancellation_settled_at.is_(None), Booking.status.in_((BookingStatus.HELD, BookingStatus.CONFIRMED))
    )
    return list(
        db.session.scalars(
            sa.select(Event.id).where(Event.status == EventStatus.CANCELLED, Event.id.in_(unsettled)).order_by(Event.id)
        )
    )
