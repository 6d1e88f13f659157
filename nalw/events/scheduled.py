"""Scheduled work: reminders before an event, and forgetting access and dietary needs after it."""

import datetime as dt

import sqlalchemy as sa

from nalw.core.links import absolute_link
from nalw.core.time import utcnow
from nalw.events.emails import email_about
from nalw.events.models import (
    Booking,
    BookingStatus,
    Event,
    EventStatus,
)
from nalw.extensions import db

REMINDERS = (
    # (column, how long before the start it is due, subject)
    ("reminder_week_sent_at", dt.timedelta(days=7), "{title} is next week"),
    ("reminder_day_sent_at", dt.timedelta(days=1), "{title} is tomorrow"),
)


def send_reminders(now=None) -> int:
    """Remind confirmed attendees 7 days and 1 day before, each reminder once. Rows are claimed with
    FOR UPDATE SKIP LOCKED, so two runs at once never remind anyone twice. A booking made within a
    day of the event gets only the one-day reminder."""
    now = now or utcnow()
    sent = 0
    for column, before, subject in REMINDERS:
        bookings = db.session.scalars(
            sa.select(Booking)
            .join(Event, Event.id == Booking.event_id)
            .where(
                Booking.status == BookingStatus.CONFIRMED,
                getattr(Booking, column).is_(None),
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at > now,
                Event.starts_at <= now + before,
            )
            .order_by(Booking.id)
            .with_for_update(of=Booking, skip_locked=True)
        ).all()
        for booking in bookings:
            if column == "reminder_week_sent_at" and booking.event.starts_at <= now + dt.timedelta(days=1):
                booking.reminder_week_sent_at = now  # too late for it: the day-before reminder goes instead
                continue
            setattr(booking, column, now)
            email_about(
                booking.event,
                booking.person,
                "reminder",
                subject.format(title=booking.event.title),
                booking=booking,
                bookings_link=absolute_link("events.my_bookings"),
            )
            sent += 1
    db.session.flush()
    return sent


# Access needs and dietary answers may be health data: kept this many days after the event, then deleted.
REQUIREMENTS_KEPT_DAYS = 30


def forget_requirements(kept_days, now=None) -> int:
    """Delete access needs and dietary requirements (possibly health data) `kept_days` after the event."""
    now = now or utcnow()
    bookings = db.session.scalars(
        sa.select(Booking)
        .join(Event, Event.id == Booking.event_id)
        .where(
            Event.ends_at < now - dt.timedelta(days=kept_days),
            Booking.requirements_deleted_at.is_(None),
            sa.or_(Booking.access_needs != "", Booking.dietary != ""),
        )
    ).all()
    for booking in bookings:
        booking.access_needs = ""
        booking.dietary = ""
        booking.requirements_deleted_at = now
    db.session.flush()
    return len(bookings)
