"""Upcoming events offered on a member's CPD page for the standards they have logged nothing against this year."""

import sqlalchemy as sa
from flask import url_for

from nalw.core.time import utcnow
from nalw.cpd.suggestions import Suggestion
from nalw.events.models import Event, EventStatus, event_standards
from nalw.extensions import db


def upcoming_events_for_standards(standards, limit) -> list[Suggestion]:
    """Published events still taking bookings that cover any of `standards`, earliest first, in one query.
    Registered with CPD's suggestions when events is imported."""
    codes = {standard.id: standard.code for standard in standards}
    now = utcnow()
    rows = db.session.execute(
        sa.select(Event.id, Event.title, Event.starts_at, event_standards.c.standard_id)
        .join(event_standards, event_standards.c.event_id == Event.id)
        .where(
            event_standards.c.standard_id.in_(codes),
            Event.status == EventStatus.PUBLISHED,
            Event.booking_opens_at <= now,
            Event.booking_closes_at > now,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(limit * len(codes))
    ).all()
    found = {}
    for event_id, title, starts_at, standard_id in rows:
        found.setdefault(event_id, (title, starts_at, []))[2].append(codes[standard_id])
    return [
        Suggestion(title, starts_at, url_for("events.event_page", event_id=event_id), tuple(sorted(covered)))
        for event_id, (title, starts_at, covered) in list(found.items())[:limit]
    ]
