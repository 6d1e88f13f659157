"""The programme: staff create, edit, publish and cancel events. Every change is audited."""

import sqlalchemy as sa

from nalw.code_of_practice import services as code_services
from nalw.code_of_practice.models import Standard
from nalw.core.audit import record_audit
from nalw.core.time import format_datetime, utcnow
from nalw.events.errors import EventError
from nalw.events.models import (
    Event,
    EventKind,
    EventStatus,
)
from nalw.events.places import lock_event, places_taken
from nalw.events.waiting_list import offer_freed_places
from nalw.extensions import db

EVENT_FIELDS = (
    "title",
    "description",
    "kind",
    "region",
    "starts_at",
    "ends_at",
    "format",
    "venue",
    "joining_url",
    "capacity",
    "member_price_pence",
    "non_member_price_pence",
    "booking_opens_at",
    "booking_closes_at",
    "cpd_quarter_hours",
    "refund_cutoff_days",
    "offer_hours",
    "hold_minutes",
)


def _snapshot(event):
    values = {field: getattr(event, field) for field in EVENT_FIELDS}
    values["status"] = event.status
    values["standards"] = [standard.code for standard in event.standards]
    return values


def event_refusals(values, event=None) -> list[EventError]:
    """Every rule the values break, each at its field. A value that is None (a form field that did not
    read) is passed over: the form has already said what is wrong with it."""
    refusals = []

    def refuse(message, field):
        refusals.append(EventError(message, field=field))

    kind, starts_at, ends_at = values.get("kind"), values.get("starts_at"), values.get("ends_at")
    opens_at, closes_at, capacity = (
        values.get("booking_opens_at"),
        values.get("booking_closes_at"),
        values.get("capacity"),
    )
    if kind is EventKind.ROADSHOW and values.get("region") is None:
        refuse("Choose the region of this roadshow", "region")
    if starts_at and ends_at and ends_at <= starts_at:
        refuse("The end must be after the start", "ends_at")
    if opens_at and closes_at and closes_at <= opens_at:
        refuse("Booking must close after it opens", "booking_closes_at")
    elif closes_at and starts_at and closes_at > starts_at:
        refuse("Booking must close no later than the event starts", "booking_closes_at")
    if capacity is not None and capacity < 1:
        refuse("Capacity must be at least 1 place", "capacity")
    event_format = values.get("format")
    if event_format is not None and event_format.has_venue and not (values.get("venue") or "").strip():
        refuse("Enter the venue, or choose the online format", "venue")
    published = event is not None and event.status is EventStatus.PUBLISHED
    if published and event_format is not None and event_format.has_joining_link and not values.get("joining_url"):
        refuse("Enter the online joining link: people booked on an online or hybrid event need it", "joining_url")
    if event is not None and event.id is not None and capacity is not None:
        taken = places_taken(event, utcnow())
        if capacity < taken:
            refuse(f"{taken} places are already taken: capacity cannot be less than that", "capacity")
    return refusals


def _check_event_values(values, event=None):
    """Refuse values no event may have, at the field they belong to (the first problem; the staff
    form shows them all through `event_refusals`)."""
    refusals = event_refusals(values, event)
    if refusals:
        raise refusals[0]


def _standards_from(standard_ids):
    """Standards of the current code of practice only."""
    version = code_services.current_version()
    if not standard_ids or version is None:
        return []
    return list(
        db.session.scalars(sa.select(Standard).where(Standard.version_id == version.id, Standard.id.in_(standard_ids)))
    )


def create_event(actor, *, standard_ids=(), **values) -> Event:
    """A new event, in draft until published."""
    _check_event_values(values)
    event = Event(**values, status=EventStatus.DRAFT)
    event.standards = _standards_from(standard_ids)
    db.session.add(event)
    db.session.flush()
    record_audit(actor, "event.created", event, after=_snapshot(event), summary=f"Created event {event.title}")
    return event


def edit_event(actor, event, *, standard_ids=(), **values) -> Event:
    """Change an event's details. Capacity never goes below the places already taken."""
    event = lock_event(event.id)
    if event.status is EventStatus.CANCELLED:
        raise EventError("A cancelled event cannot be changed.")
    _check_event_values(values, event)
    before = _snapshot(event)
    for field, value in values.items():
        setattr(event, field, value)
    event.standards = _standards_from(standard_ids)
    db.session.flush()
    record_audit(actor, "event.edited", event, before=before, after=_snapshot(event), summary=f"Edited {event.title}")
    if event.status is EventStatus.PUBLISHED:
        offer_freed_places(event)  # more capacity: the waiting list goes first
    return event


def publish_event(actor, event) -> Event:
    if event.status is not EventStatus.DRAFT:
        raise EventError("Only a draft event can be published.")
    if event.format.has_joining_link and not event.joining_url:
        raise EventError("Add the online joining link before publishing an online or hybrid event.")
    before = _snapshot(event)
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    record_audit(
        actor, "event.published", event, before=before, after=_snapshot(event), summary=f"Published {event.title}"
    )
    return event


def cancel_event(actor, event, reason) -> Event:
    """Cancel the event itself. Each booking is then settled by `settle_cancelled_booking`."""
    event = lock_event(event.id)
    if event.status is EventStatus.CANCELLED:
        raise EventError("This event is already cancelled.")
    if event.has_started:
        # Cancelling would refund and tell everyone booked, those who came included.
        raise EventError(
            f"This event started on {format_datetime(event.starts_at)} (UK time): it can no longer be cancelled. "
            "To refund someone's place, press Refund beside the payment on their member page."
        )
    if not (reason or "").strip():
        raise EventError("Enter the reason, which we send to everyone booked", field="reason")
    before = _snapshot(event)
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    event.cancellation_reason = reason.strip()[:500]
    record_audit(
        actor,
        "event.cancelled",
        event,
        before=before,
        after=_snapshot(event),
        summary=f"Cancelled {event.title}: {event.cancellation_reason}",
    )
    return event
