"""Many people booking the last place at once, with real transactions in threads on PostgreSQL.

Each thread books as a request would: its own session, its own transaction, one commit. A barrier on
the engine holds every thread at the same SQL statement until all have reached it, so they really
overlap. The control turns the event's row lock off and shows the same race overbooking: the test
is known to race, and the lock is what wins it.
"""

import pytest
import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.events import errors, places, services, waiting_list
from nalw.events.models import Booking, BookingStatus, Event, WaitingListEntry, WaitingStatus
from nalw.extensions import db
from tests.events.steps import fill, member, non_member, paid_event, published_event
from tests.helpers import all_threads_meet_at, in_threads

pytestmark = pytest.mark.postgres_only

PEOPLE = 8


def book_as_a_request_would(event_id):
    def book(person_id):
        event = db.session.get(Event, event_id)
        person = db.session.get(Person, person_id)
        try:
            booking = services.book_place(event, person)
        except errors.EventFull:
            db.session.rollback()
            return "full"
        db.session.commit()
        return booking.status.value

    return book


def last_place_event(committing_app, **overrides):
    event = (paid_event if overrides.pop("paid", False) else published_event)(capacity=5, **overrides)
    fill(event, 4)
    db.session.commit()
    return event


def live_bookings(event_id):
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Booking).where(
            Booking.event_id == event_id, Booking.status.in_((BookingStatus.CONFIRMED, BookingStatus.HELD))
        )
    ).all()


def test_parallel_bookings_for_the_last_place_give_exactly_one(committing_app):
    event = last_place_event(committing_app)
    people = [non_member().id for _ in range(PEOPLE)]
    db.session.commit()

    with all_threads_meet_at("FOR UPDATE", PEOPLE):
        outcomes = in_threads(committing_app, book_as_a_request_would(event.id), people)

    assert sorted(outcomes) == ["confirmed"] + ["full"] * (PEOPLE - 1)
    assert len(live_bookings(event.id)) == 5


def test_without_the_lock_the_same_race_overbooks(committing_app, monkeypatch):
    monkeypatch.setattr(places, "LOCK_EVENT_ROWS", False)
    event = last_place_event(committing_app)
    people = [non_member().id for _ in range(PEOPLE)]
    db.session.commit()

    with all_threads_meet_at("INSERT INTO bookings", PEOPLE):
        outcomes = in_threads(committing_app, book_as_a_request_would(event.id), people)

    assert outcomes.count("confirmed") > 1
    assert len(live_bookings(event.id)) > 5


def test_parallel_member_and_non_member_paid_bookings_give_one_hold_at_the_right_price(committing_app):
    event = last_place_event(committing_app, paid=True, member_price_pence=2500, non_member_price_pence=4000)
    members = [member().id for _ in range(PEOPLE // 2)]
    others = [non_member().id for _ in range(PEOPLE // 2)]
    db.session.commit()

    with all_threads_meet_at("FOR UPDATE", PEOPLE):
        outcomes = in_threads(committing_app, book_as_a_request_would(event.id), members + others)

    assert sorted(outcomes) == ["full"] * (PEOPLE - 1) + ["held"]
    [hold] = [booking for booking in live_bookings(event.id) if booking.status is BookingStatus.HELD]
    assert hold.price_pence == (2500 if hold.person_id in members else 4000)


def test_two_offer_runs_at_once_make_one_offer_per_place(committing_app):
    event = paid_event(capacity=1)
    fill(event)
    waiting = [non_member() for _ in range(3)]
    for person in waiting:
        waiting_list.join_waiting_list(event, person)
    db.session.commit()
    # The place frees without an offer being made (staff refunded it outside the app, say).
    db.session.execute(sa.update(Booking).where(Booking.event_id == event.id).values(status=BookingStatus.CANCELLED))
    db.session.commit()
    event_id = event.id

    def offer(_):
        offers = waiting_list.offer_freed_places(db.session.get(Event, event_id))
        db.session.commit()
        return len(offers)

    with all_threads_meet_at("FOR UPDATE", 2):
        made = in_threads(committing_app, offer, [1, 2])

    assert sorted(made) == [0, 1]
    db.session.expire_all()
    offered = db.session.scalars(
        sa.select(WaitingListEntry).where(
            WaitingListEntry.event_id == event_id, WaitingListEntry.status == WaitingStatus.OFFERED
        )
    ).all()
    assert [entry.person_id for entry in offered] == [waiting[0].id]
