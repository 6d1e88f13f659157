"""The waiting list: people wait for a place at a full event; freed places go to them in the order they joined,
through one function, `offer_freed_places`, whether a request freed them or the scheduled command found them."""

import datetime as dt

import sqlalchemy as sa

from nalw.core.links import absolute_link
from nalw.core.money import format_pence
from nalw.core.time import format_datetime, utcnow
from nalw.events import places
from nalw.events.emails import email_about
from nalw.events.errors import EventError
from nalw.events.models import Booking, BookingStatus, Event, EventStatus, WaitingListEntry, WaitingStatus
from nalw.extensions import db


def join_waiting_list(event, person, now=None) -> WaitingListEntry:
    """Wait for a place at a full event."""
    now = now or utcnow()
    event = places.lock_for_someone_new(event, person, now)
    if places.active_entry(event, person) is not None:
        raise EventError("You are already on the waiting list for this event.")
    fill_from_waiting_list(event, now)
    if places.places_taken(event, now) < event.capacity:
        raise EventError("A place is free at this event: book it instead of waiting.")
    entry = WaitingListEntry(event=event, person=person, joined_at=now, status=WaitingStatus.WAITING)
    db.session.add(entry)
    db.session.flush()
    return entry


def leave_waiting_list(event, person, now=None) -> WaitingListEntry:
    """Leave the list, or decline an offer: a declined offer's place goes to the next person."""
    now = now or utcnow()
    event = places.lock_event(event.id)
    entry = places.active_entry(event, person)
    if entry is None:
        raise EventError("You are not on the waiting list for this event.")
    entry.status = WaitingStatus.DECLINED if entry.status is WaitingStatus.OFFERED else WaitingStatus.LEFT
    entry.left_at = now
    db.session.flush()
    offer_freed_places(event, now)
    return entry


def offer_freed_places(event, now=None) -> list[WaitingListEntry]:
    """Give each free place to the next person waiting, under the event's lock: at a free event they
    are booked at once; at a paid one they get an offer that holds the place for the event's offer
    time. Lapsed holds and offers are expired first. No offer after booking closes or the event
    starts; an entry once offered is never offered again. The same code runs after a cancellation
    in a request and from the scheduled command; two runs at once queue on the lock, and the
    second sees the first's offers."""
    now = now or utcnow()
    event = places.lock_event(event.id)
    places.expire_lapsed(event, now)
    return fill_from_waiting_list(event, now)


def fill_from_waiting_list(event, now) -> list[WaitingListEntry]:
    """Under the lock, with lapsed holds and offers already expired."""
    if event.status is not EventStatus.PUBLISHED or now >= event.booking_closes_at or now >= event.starts_at:
        return []
    given = []
    free = event.capacity - places.places_taken(event, now)
    while free > 0:
        entry = db.session.scalar(
            sa.select(WaitingListEntry)
            .where(WaitingListEntry.event_id == event.id, WaitingListEntry.status == WaitingStatus.WAITING)
            .order_by(WaitingListEntry.joined_at, WaitingListEntry.id)
            .limit(1)
        )
        if entry is None:
            break
        if places.live_booking(event, entry.person) is not None:
            entry.status = WaitingStatus.BOOKED  # they booked a place some other way
            entry.left_at = now
            db.session.flush()
            continue
        price = places.price_for(event, entry.person)
        if price == 0:
            entry.status = WaitingStatus.BOOKED
            entry.offered_at = now
            entry.left_at = now
            db.session.flush()
            places.new_booking(event, entry.person, 0, "", "", now)
        else:
            entry.status = WaitingStatus.OFFERED
            entry.offered_at = now
            entry.offer_expires_at = min(now + dt.timedelta(hours=event.offer_hours), event.booking_closes_at)
            db.session.flush()
            email_about(
                event,
                entry.person,
                "place_offered",
                f"A place is free at {event.title}",
                entry=entry,
                price=format_pence(price),
                offer_expires=format_datetime(entry.offer_expires_at),
                book_link=absolute_link("events.book", event_id=event.id),
            )
        given.append(entry)
        free -= 1
    return given


def events_needing_offers(now=None) -> list[int]:
    """Published events still open for booking that have lapsed holds or offers, or people waiting."""
    now = now or utcnow()
    lapsed_holds = sa.select(Booking.event_id).where(
        Booking.status == BookingStatus.HELD, Booking.hold_expires_at <= now
    )
    waiting = sa.select(WaitingListEntry.event_id).where(
        sa.or_(
            WaitingListEntry.status == WaitingStatus.WAITING,
            sa.and_(WaitingListEntry.status == WaitingStatus.OFFERED, WaitingListEntry.offer_expires_at <= now),
        )
    )
    return list(
        db.session.scalars(
            sa.select(Event.id)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at > now,
                sa.or_(Event.id.in_(lapsed_holds), Event.id.in_(waiting)),
            )
            .order_by(Event.starts_at)
        )
    )
