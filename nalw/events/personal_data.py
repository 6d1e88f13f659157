"""What events hold about a person, for their data download and for erasure.

Erasure keeps each booking (what was paid and refunded, and who came, are the body's records), with the person
anonymised by accounts; it deletes the access needs and dietary answers (possibly health data), takes the person
off every waiting list they are still on (a place offered to them goes to the next person), and deletes the
secret address of their calendar feed, which would otherwise keep serving their bookings.
"""

import sqlalchemy as sa

from nalw.core.personal_data import as_iso, personal_data_eraser, personal_data_exporter
from nalw.core.time import utcnow
from nalw.events import waiting_list
from nalw.events.models import ACTIVE_WAITING_STATUSES, CalendarFeedToken
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
