"""Events: made and published through the events services, as staff make them on the staff event form."""

import datetime as dt

import factory

from nalw.core.regions import Region
from nalw.core.time import utcnow
from nalw.events import programme
from nalw.events.models import Event, EventFormat, EventKind
from nalw.extensions import db
from tests.factories.accounts import staff_member


def event_values(**overrides):
    """What the staff event form sends for an in-person roadshow a month from now, booking open now."""
    now = utcnow().replace(microsecond=0)
    starts_at = overrides.pop("starts_at", now + dt.timedelta(days=30))
    values = {
        "title": "North West roadshow",
        "description": "A day of talks and workshops for link workers.",
        "kind": EventKind.ROADSHOW,
        "region": Region.NORTH_WEST,
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=6),
        "format": EventFormat.IN_PERSON,
        "venue": "Manchester Central Library",
        "joining_url": "",
        "capacity": 10,
        "member_price_pence": 0,
        "non_member_price_pence": 0,
        "booking_opens_at": now - dt.timedelta(days=1),
        "booking_closes_at": starts_at - dt.timedelta(hours=1),
        "cpd_quarter_hours": 20,
        "refund_cutoff_days": 7,
        "offer_hours": 24,
        "hold_minutes": 15,
    }
    values.update(overrides)
    return values


class EventFactory(factory.Factory):
    """A published event, free by default: `EventFactory(capacity=2)`, `EventFactory(paid=True)`,
    `EventFactory(draft=True)`. Any field of the staff event form can be given by name (see `event_values`)."""

    class Meta:
        model = Event

    staff = None  # who creates and publishes it: a new member of staff unless given
    draft = False

    class Params:
        paid = factory.Trait(member_price_pence=2500, non_member_price_pence=4000)

    @classmethod
    def _create(cls, model_class, *, staff, draft, **overrides):
        staff = staff or staff_member()
        event = programme.create_event(staff, **event_values(**overrides))
        if not draft:
            programme.publish_event(staff, event)
        db.session.flush()
        return event

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("An event is made through the services: use EventFactory(), not .build().")


def under_way(event):
    """The event's day has come after its places were booked: it started an hour ago and runs five more hours,
    so check-in is open (it opens on the event's day, UK time)."""
    now = utcnow().replace(microsecond=0)
    event.starts_at = now - dt.timedelta(hours=1)
    event.ends_at = now + dt.timedelta(hours=5)
    db.session.flush()
    return event
