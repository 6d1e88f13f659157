"""What events hold about a person, for their data download and for erasure.

Erasure waits while the person holds a place at an event still to start: cancelling it is theirs to choose (a refund
depends on when they cancel), and a place kept for an anonymous person is a place lost to the waiting list. Then
it keeps each booking (what was paid and refunded, and who came, are the body's records), with the person
anonymised by accounts; it deletes the access needs and dietary answers (possibly health data), takes the person
off every waiting list they are still on (a place offered to them goes to the next person), and deletes the
secret address of their calendar feed, which would otherwise keep serving their bookings.
"""

import sqlalchemy as sa

from nalw.core.personal_data import as_iso, erasure_refusal, personal_data_eraser, personal_data_exporter
from nalw.core.time import format_datetime, utcnow
from nalw.events import waiting_list
from nalw.events.models import ACTIVE_WAITING_STATUSES, CalendarFeedToken, EventStatus
from nalw.events.summaries import bookings_of, waiting_list_entries_of
from nalw.extensions import db


@personal_data_exporter("event_bookings")
def export_bookings(person):
    return [
        {
            "event": booking.event.title,
            "starts_at": as_iso(booking.event.starts_at),
            "status": booking.status.value,
            "price_pence": booking.price_pence,
            "access_needs": booking.access_needs,
            "dietary_requirements": booking.dietary,
            "requirements_deleted_at": as_iso(booking.requirements_deleted_at),
            "booked_at": as_iso(booking.created_at),
            "confirmed_at": as_iso(booking.confirmed_at),
            "cancelled_at": as_iso(booking.cancelled_at),
            "checked_in_at": as_iso(booking.checked_in_at),
        }
        for booking in bookings_of(person.id)
    ]


@personal_data_exporter("event_waiting_lists")
def export_waiting_lists(person):
    return [
        {
            "event": entry.event.title,
            "joined_at": as_iso(entry.joined_at),
            "status": entry.status.value,
            "offered_at": as_iso(entry.offered_at),
            "offer_expires_at": as_iso(entry.offer_expires_at),
            "left_at": as_iso(entry.left_at),
        }
        for entry in waiting_list_entries_of(person.id)
    ]


@personal_data_exporter("event_calendar_feed")
def export_calendar_feed(person):
    """Whether they have a calendar feed address, and since when; never the secret in it."""
    created_at = db.session.scalar(
        sa.select(CalendarFeedToken.created_at).where(CalendarFeedToken.person_id == person.id)
    )
    return {"has_feed_address": created_at is not None, "address_made_at": as_iso(created_at)}


def places_to_come(person, now) -> list:
    """The person's live bookings (held or confirmed) at published events that have not started, soonest first."""
    return sorted(
        (
            booking
            for booking in bookings_of(person.id)
            if booking.is_live and booking.event.status is EventStatus.PUBLISHED and booking.event.starts_at > now
        ),
        key=lambda booking: booking.event.starts_at,
    )


@erasure_refusal
def refuse_while_holding_a_place(person):
    places = places_to_come(person, utcnow())
    if not places:
        return None
    event = places[0].event
    others = f" and {len(places) - 1} more" if len(places) > 1 else ""
    return (
        f"You have a place at {event.title} on {format_datetime(event.starts_at)}{others}. "
        "Cancel your places on the My bookings page first, then erase your account."
    )


@personal_data_eraser
def erase_events(person):
    now = utcnow()
    for booking in bookings_of(person.id):
        if booking.access_needs or booking.dietary:
            booking.access_needs = ""
            booking.dietary = ""
            booking.requirements_deleted_at = now
    for entry in waiting_list_entries_of(person.id):
        if entry.status.value in ACTIVE_WAITING_STATUSES:
            waiting_list.leave_waiting_list(entry.event, person, now)
    db.session.execute(sa.delete(CalendarFeedToken).where(CalendarFeedToken.person_id == person.id))
    db.session.flush()
