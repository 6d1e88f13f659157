"""Counting places: what holds one, how many are left, and the lock that keeps bookings within capacity.

Every change that takes or frees a place first locks the event's row (`lock_event`), then counts what holds
a place (`places_taken`): confirmed bookings, unexpired holds while someone pays, and unexpired waiting-list
offers."""

import datetime as dt

import sqlalchemy as sa

from nalw.core.links import absolute_link
from nalw.core.time import format_datetime, utcnow
from nalw.events.calendars import calendar_text
from nalw.events.emails import email_about
from nalw.events.errors import AlreadyBooked, BookingClosed
from nalw.events.models import Booking, BookingStatus, Event, EventStatus, WaitingListEntry, WaitingStatus
from nalw.extensions import db
from nalw.members import services as member_services

# The row lock on the event is what keeps bookings within capacity. Only the concurrency test's
# control turns it off, to show that without it simultaneous bookings overbook.
LOCK_EVENT_ROWS = True


def lock_event(event_id) -> Event:
    """The event, re-read and locked until the transaction ends.

    A row lock (SELECT ... FOR UPDATE) rather than an advisory lock: it needs no key scheme of its
    own, it is released by commit or rollback whatever happens, and it also makes staff edits of the
    same row (a smaller capacity, a cancellation) wait for bookings in flight, and bookings for them,
    which an advisory lock would not. Plain reads of the event are not blocked, so the public pages
    stay fast while bookings queue. (SQLite ignores it: it has one writer at a time anyway.)
    """
    query = sa.select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
    if LOCK_EVENT_ROWS:
        query = query.with_for_update()
    return db.session.scalars(query).one()


def places_taken(event, now) -> int:
    """Confirmed places, holds not yet expired and waiting-list offers not yet expired."""
    bookings = db.session.scalar(
        sa.select(sa.func.count(Booking.id)).where(
            Booking.event_id == event.id,
            sa.or_(
                Booking.status == BookingStatus.CONFIRMED,
                sa.and_(Booking.status == BookingStatus.HELD, Booking.hold_expires_at > now),
            ),
        )
    )
    offers = db.session.scalar(
        sa.select(sa.func.count(WaitingListEntry.id)).where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status == WaitingStatus.OFFERED,
            WaitingListEntry.offer_expires_at > now,
        )
    )
    return bookings + offers


def places_left(event, now=None) -> int:
    return max(0, event.capacity - places_taken(event, now or utcnow()))


def in_good_standing(person) -> bool:
    """Membership's own notion: an individual membership that is active or in grace."""
    membership = member_services.current_membership(person)
    return membership is not None and membership.in_good_standing


def price_for(event, person) -> int:
    return event.price_for(in_good_standing(person))


def live_booking(event, person) -> Booking | None:
    """The person's held or confirmed booking of the event, if any (at most one: a unique index)."""
    return _persons_row(Booking, event, person, (BookingStatus.HELD, BookingStatus.CONFIRMED))


def active_entry(event, person) -> WaitingListEntry | None:
    """The person's waiting or offered entry on the event's waiting list, if any (at most one)."""
    return _persons_row(WaitingListEntry, event, person, (WaitingStatus.WAITING, WaitingStatus.OFFERED))


def _persons_row(model, event, person, statuses):
    row = model.event_id == event.id, model.person_id == person.id, model.status.in_(statuses)
    return db.session.scalar(sa.select(model).where(*row))


def booking_open(event, now) -> bool:
    """Whether the event takes bookings at `now`: the rule `book_place` applies, for pages to show."""
    try:
        check_booking_open(event, now)
    except BookingClosed:
        return False
    return True


def lock_for_someone_new(event, person, now) -> Event:
    """Where booking and joining the waiting list start: the event locked, open for booking, its lapsed holds
    and offers expired, and `person` not already holding a place (AlreadyBooked)."""
    event = lock_event(event.id)
    check_booking_open(event, now)
    expire_lapsed(event, now)
    if live_booking(event, person) is not None:
        raise AlreadyBooked()
    return event


def check_booking_open(event, now):
    if event.status is EventStatus.CANCELLED:
        raise BookingClosed("This event has been cancelled.")
    if event.status is not EventStatus.PUBLISHED:
        raise BookingClosed("This event is not open for booking.")
    if now < event.booking_opens_at:
        raise BookingClosed(f"Booking opens on {format_datetime(event.booking_opens_at)}.")
    if now >= event.booking_closes_at or now >= event.starts_at:
        raise BookingClosed("Booking for this event has closed.")


def expire_lapsed(event, now):
    """Holds and offers whose time has run out stop counting: mark them so."""
    for booking in db.session.scalars(
        sa.select(Booking).where(
            Booking.event_id == event.id, Booking.status == BookingStatus.HELD, Booking.hold_expires_at <= now
        )
    ):
        booking.status = BookingStatus.EXPIRED
    for entry in db.session.scalars(
        sa.select(WaitingListEntry).where(
            WaitingListEntry.event_id == event.id,
            WaitingListEntry.status == WaitingStatus.OFFERED,
            WaitingListEntry.offer_expires_at <= now,
        )
    ):
        entry.status = WaitingStatus.EXPIRED
    db.session.flush()


def new_booking(event, person, price_pence, access_needs, dietary, now) -> Booking:
    booking = Booking(
        event=event,
        person=person,
        price_pence=price_pence,
        access_needs=(access_needs or "").strip(),
        dietary=(dietary or "").strip(),
        created_at=now,
    )
    if price_pence == 0:
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
    else:
        booking.status = BookingStatus.HELD
        booking.hold_expires_at = now + dt.timedelta(minutes=event.hold_minutes)
    db.session.add(booking)
    db.session.flush()
    if booking.status is BookingStatus.CONFIRMED:
        email_confirmation(booking)
    return booking


def email_confirmation(booking):
    event = booking.event
    email_about(
        event,
        booking.person,
        "booking_confirmed",
        f"Your place at {event.title} is confirmed",
        booking=booking,
        bookings_link=absolute_link("events.my_bookings"),
        attachments=[("event.ics", "text/calendar", calendar_text([event], with_joining_link=True))],
    )
