"""On the day and after: check-in one by one or in bulk, CPD credit for attendance, certificates,
and settling an event's cancellation booking by booking. Services flush; callers commit.

Check-in opens on the event's day (UK time), never before: a check-in gives a certificate of attendance and a
CPD draft, which must not exist for an event still to come.
"""

import datetime as dt

import sqlalchemy as sa

from nalw.core.audit import record_audit
from nalw.core.links import absolute_link
from nalw.core.money import format_pence
from nalw.core.time import format_date, london_to_utc, to_london, utcnow
from nalw.cpd import services as cpd_services
from nalw.events.emails import email_about
from nalw.events.errors import EventError
from nalw.events.models import Booking, BookingStatus, Event, EventStatus, WaitingListEntry, WaitingStatus
from nalw.events.services import refund_booking
from nalw.extensions import db
from nalw.payments.models import Payment

PROVIDER = "National Association of Link Workers"


def cpd_source_key(event) -> str:
    return f"event:{event.id}"


def check_in_opens_at(event) -> dt.datetime:
    """The start of the event's first day, UK time: when check-in, one by one or in bulk, opens."""
    first_day = to_london(event.starts_at).date()
    return london_to_utc(dt.datetime.combine(first_day, dt.time()))


def check_in_refusal(event, now) -> str | None:
    """Why nobody can be checked in at the event now (None: they can): it is not running, or its day has not come.
    The staff pages ask it to offer check-in only where the service would act."""
    if event.status is not EventStatus.PUBLISHED:
        return "This event is not running: nobody can be checked in."
    if now < check_in_opens_at(event):
        return (
            f"Check-in opens on {format_date(to_london(event.starts_at).date())}, the day of the event. "
            "Check people in or mark who came from then."
        )
    return None


def _check_in_allowed(booking, now):
    if booking.status is not BookingStatus.CONFIRMED:
        raise EventError("Only people with a confirmed place can be checked in.")
    EventError.refuse_if(check_in_refusal(booking.event, now))


def check_in(actor, booking, now=None) -> Booking:
    """Mark a confirmed attendee as present and credit their CPD with a draft entry (once)."""
    now = now or utcnow()
    _check_in_allowed(booking, now)
    if booking.checked_in_at is not None:
        return booking
    booking.checked_in_at = now
    event = booking.event
    cpd_services.credit_event_attendance(
        booking.person,
        source_key=cpd_source_key(event),
        done_on=to_london(event.starts_at).date(),
        title=event.title,
        quarter_hours=event.cpd_quarter_hours,
        standard_ids=[standard.id for standard in event.standards],
        provider=PROVIDER,
    )
    db.session.flush()
    record_audit(actor, "booking.checked_in", booking, summary=f"Checked in {booking.person.name} at {event.title}")
    return booking


def undo_check_in(actor, booking) -> Booking:
    """Undo a check-in made in error: the CPD draft goes too, unless the member has started on it."""
    if booking.checked_in_at is None:
        return booking
    booking.checked_in_at = None
    cpd_services.withdraw_event_credit(booking.person, cpd_source_key(booking.event))
    db.session.flush()
    record_audit(
        actor,
        "booking.check_in_undone",
        booking,
        summary=f"Undid the check-in of {booking.person.name} at {booking.event.title}",
    )
    return booking


def mark_attended(actor, event, booking_ids, now=None) -> int:
    """Attendance marked in bulk (after the event, say): confirmed bookings of this event only are
    checked in; anything else in `booking_ids` is passed over. Returns how many were newly marked."""
    now = now or utcnow()
    EventError.refuse_if(check_in_refusal(event, now))
    if not booking_ids:
        raise EventError("No attendee was chosen: tick the box beside each person who came, then press the button.")
    bookings = db.session.scalars(
        sa.select(Booking).where(
            Booking.event_id == event.id,
            Booking.id.in_([int(booking_id) for booking_id in booking_ids] or [0]),
            Booking.status == BookingStatus.CONFIRMED,
            Booking.checked_in_at.is_(None),
        )
    ).all()
    for booking in bookings:
        check_in(actor, booking, now)
    return len(bookings)


def attended(event, person) -> Booking | None:
    """The booking that shows `person` attended `event`, if they did: the certificate's condition."""
    return db.session.scalar(
        sa.select(Booking).where(
            Booking.event_id == event.id,
            Booking.person_id == person.id,
            Booking.status == BookingStatus.CONFIRMED,
            Booking.checked_in_at.is_not(None),
        )
    )


# --- An event's cancellation, settled booking by booking -------------------------------------------


def bookings_to_settle(event) -> list[int]:
    """Bookings of a cancelled event not yet refunded and told, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Booking.id)
            .where(
                Booking.event_id == event.id,
                Booking.cancellation_settled_at.is_(None),
                Booking.status.in_((BookingStatus.HELD, BookingStatus.CONFIRMED)),
            )
            .order_by(Booking.id)
        )
    )


def settled_bookings(event) -> list[Booking]:
    """Bookings of a cancelled event already refunded (or with their refund waiting for Stripe) and told."""
    return db.session.scalars(
        sa.select(Booking)
        .where(Booking.event_id == event.id, Booking.cancellation_settled_at.is_not(None))
        .order_by(Booking.id)
    ).all()


def settle_cancelled_booking(booking_id, now=None) -> Booking | None:
    """Refund one booking of a cancelled event in full and tell its holder, once.

    The booking row is locked and checked first, so two runs never settle it twice. The refund is written
    as pending with the booking's own idempotency key, in the same transaction that marks the booking;
    the caller commits, then asks Stripe (`checkout.complete_refunds`), and a refund Stripe did not answer
    is asked for again by the next run or `flask payments reconcile`. A payment already refunded in full
    (by staff, say) is not refunded again.
    """
    now = now or utcnow()
    booking = db.session.scalar(sa.select(Booking).where(Booking.id == booking_id).with_for_update(of=Booking))
    if booking is None or booking.cancellation_settled_at is not None or not booking.is_live:
        return None
    event = booking.event
    if event.status is not EventStatus.CANCELLED:
        raise EventError("Only a cancelled event's bookings are settled.")
    payment = db.session.get(Payment, booking.payment_id) if booking.payment_id else None
    refunded = 0
    if booking.status is BookingStatus.CONFIRMED and payment is not None and payment.refundable_pence:
        refunded = payment.refundable_pence
        refund_booking(None, booking, payment, refunded, f"Event cancelled: {event.title}")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancellation_settled_at = now
    db.session.flush()
    email_about(
        event,
        booking.person,
        "event_cancelled",
        f"Cancelled: {event.title}",
        refund=format_pence(refunded) if refunded else None,
        events_link=absolute_link("events.event_list"),
    )
    return booking


def tell_waiting_list_of_cancellation(event, now=None) -> int:
    """Everyone still waiting (or holding an offer) leaves the list and is told. Part of the same
    transaction as the cancellation itself: no money moves, so nothing can fail half-way."""
    now = now or utcnow()
    entries = db.session.scalars(
        sa.select(WaitingListEntry).where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status.in_((WaitingStatus.WAITING, WaitingStatus.OFFERED)),
        )
    ).all()
    for entry in entries:
        entry.status = WaitingStatus.LEFT
        entry.left_at = now
        email_about(
            event,
            entry.person,
            "event_cancelled",
            f"Cancelled: {event.title}",
            refund=None,
            events_link=absolute_link("events.event_list"),
        )
    db.session.flush()
    return len(entries)


def cancel_event(actor, event, reason) -> Event:
    """Staff cancel an event: it is marked cancelled and the waiting list told, in one transaction.
    The bookings are then settled one by one (`settle_cancelled_booking`), each in its own transaction."""
    from nalw.events import programme

    event = programme.cancel_event(actor, event, reason)
    tell_waiting_list_of_cancellation(event)
    return event
