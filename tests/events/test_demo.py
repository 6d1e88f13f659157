"""`flask demo seed` gives events to try: a year of roadshows, Link Worker Day, webinars, a full event with a
waiting list, and a past event the demo member attended."""

import sqlalchemy as sa

from nalw import demo
from nalw.core.regions import Region
from nalw.core.time import to_london, utcnow
from nalw.cpd.models import CpdEntry
from nalw.events import places
from nalw.events.models import Booking, Event, EventKind, EventStatus, WaitingListEntry
from nalw.extensions import db


def seed():
    demo.seed_demo_memberships(demo.seed_demo_people())
    demo.seed_demo_events()
    db.session.flush()


def test_demo_seed_adds_a_year_of_events_once(app):
    seed()
    seed()

    events = db.session.scalars(sa.select(Event).where(Event.status == EventStatus.PUBLISHED)).all()
    upcoming = [event for event in events if event.starts_at > utcnow()]
    roadshows = [event for event in upcoming if event.kind is EventKind.ROADSHOW]
    assert {event.region for event in roadshows} == set(Region)
    assert all((event.starts_at - utcnow()).days < 366 for event in roadshows)
    [link_worker_day] = [event for event in upcoming if event.kind is EventKind.CONFERENCE]
    assert to_london(link_worker_day.starts_at).month == 7
    assert len([event for event in upcoming if "Webinar" in event.title]) == 2
    [full] = [event for event in upcoming if places.places_left(event) == 0]
    assert db.session.scalar(sa.select(sa.func.count()).where(WaitingListEntry.event_id == full.id)) == 2


def test_demo_member_attended_a_past_event_with_a_cpd_draft(app):
    seed()
    member = demo._person("member@demo.nalw.org.uk")

    [booking] = db.session.scalars(sa.select(Booking).where(Booking.person_id == member.id)).all()
    assert booking.event.starts_at < utcnow()
    assert booking.checked_in_at is not None
    draft = db.session.scalar(
        sa.select(CpdEntry).where(CpdEntry.person_id == member.id, CpdEntry.title == booking.event.title)
    )
    assert draft is not None
