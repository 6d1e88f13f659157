"""Waiting lists: a freed place goes to the next person, offers hold places and expire, never twice."""

import datetime as dt

import pytest
import time_machine

from nalw.core.time import utcnow
from nalw.events import errors, services, waiting_list
from nalw.events.models import BookingStatus, WaitingStatus
from tests.events.steps import (
    begin_payment,
    bookings_of,
    confirmed,
    entry_of,
    fill,
    non_member,
    paid_event,
    published_event,
    stripe_says,
)
from tests.helpers import emails_to


def test_full_event_puts_next_person_on_waiting_list(app):
    event = published_event(capacity=1)
    fill(event)
    person = non_member()

    entry = waiting_list.join_waiting_list(event, person)

    assert entry.status is WaitingStatus.WAITING
    with pytest.raises(errors.EventError, match="already on the waiting list"):
        waiting_list.join_waiting_list(event, person)


def test_nobody_waits_while_a_place_is_free(app):
    event = published_event(capacity=2)
    fill(event, 1)

    with pytest.raises(errors.EventError, match="book it instead"):
        waiting_list.join_waiting_list(event, non_member())


def test_free_event_books_the_next_person_at_once_when_a_place_frees(app):
    event = published_event(capacity=1)
    [attendee] = fill(event)
    first, second = non_member(), non_member()
    waiting_list.join_waiting_list(event, first)
    waiting_list.join_waiting_list(event, second)

    services.cancel_booking(attendee, bookings_of(event)[0])

    assert [booking.person_id for booking in confirmed(event)] == [first.id]
    assert entry_of(event, first).status is WaitingStatus.BOOKED
    assert entry_of(event, second).status is WaitingStatus.WAITING
    assert emails_to(first.email)[-1].subject == f"Your place at {event.title} is confirmed"


def test_cancellation_makes_an_offer_that_holds_the_place(app):
    event = paid_event(capacity=1, offer_hours=24)
    [attendee] = fill(event)
    waiting = non_member()
    waiting_list.join_waiting_list(event, waiting)

    with time_machine.travel(utcnow(), tick=False):
        services.cancel_booking(attendee, bookings_of(event)[0])
        entry = entry_of(event, waiting)
        assert entry.status is WaitingStatus.OFFERED
        assert entry.offer_expires_at == utcnow() + dt.timedelta(hours=24)
    assert emails_to(waiting.email)[-1].subject == f"A place is free at {event.title}"
    # The offer holds the place: a newcomer cannot take it.
    with pytest.raises(errors.EventFull):
        services.book_place(event, non_member())
    # The person offered takes it, and pays for it.
    booking = services.book_place(event, waiting)
    stripe_says(begin_payment(booking))
    assert booking.status is BookingStatus.CONFIRMED
    assert entry_of(event, waiting).status is WaitingStatus.BOOKED


def test_expired_offer_goes_to_the_next_person_and_is_never_made_again(app):
    event = paid_event(capacity=1, offer_hours=24)
    [attendee] = fill(event)
    first, second = non_member(), non_member()
    waiting_list.join_waiting_list(event, first)
    waiting_list.join_waiting_list(event, second)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        services.cancel_booking(attendee, bookings_of(event)[0])
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        waiting_list.offer_freed_places(event)
        assert entry_of(event, first).status is WaitingStatus.EXPIRED
        assert entry_of(event, second).status is WaitingStatus.OFFERED
        with pytest.raises(errors.EventFull):  # the expired offer holds nothing for them any more
            services.book_place(event, first)
    with time_machine.travel(start + dt.timedelta(hours=50), tick=False):
        waiting_list.offer_freed_places(event)

    assert entry_of(event, first).status is WaitingStatus.EXPIRED
    assert entry_of(event, second).status is WaitingStatus.EXPIRED
    offers_to_first = [e for e in emails_to(first.email) if e.subject.startswith("A place is free")]
    assert len(offers_to_first) == 1


def test_a_cancelled_booking_from_an_offer_does_not_bring_the_offer_back(app):
    event = published_event(capacity=1)
    [attendee] = fill(event)
    first, second = non_member(), non_member()
    waiting_list.join_waiting_list(event, first)
    waiting_list.join_waiting_list(event, second)
    services.cancel_booking(attendee, bookings_of(event)[0])
    [booking_from_list] = confirmed(event)
    assert booking_from_list.person_id == first.id

    services.cancel_booking(first, booking_from_list)

    assert [booking.person_id for booking in confirmed(event)] == [second.id]
    assert entry_of(event, first).status is WaitingStatus.BOOKED
    waiting_list.offer_freed_places(event)
    assert [booking.person_id for booking in confirmed(event)] == [second.id]


def test_declined_offer_goes_to_the_next_person(app):
    event = paid_event(capacity=1)
    [attendee] = fill(event)
    first, second = non_member(), non_member()
    waiting_list.join_waiting_list(event, first)
    waiting_list.join_waiting_list(event, second)
    services.cancel_booking(attendee, bookings_of(event)[0])

    waiting_list.leave_waiting_list(event, first)

    assert entry_of(event, first).status is WaitingStatus.DECLINED
    assert entry_of(event, second).status is WaitingStatus.OFFERED


def test_no_offers_after_booking_closes_or_the_event_starts(app):
    now = utcnow()
    event = paid_event(capacity=1, starts_at=now + dt.timedelta(days=2), booking_closes_at=now + dt.timedelta(days=1))
    [attendee] = fill(event)
    first, second = non_member(), non_member()
    waiting_list.join_waiting_list(event, first)
    waiting_list.join_waiting_list(event, second)
    services.cancel_booking(attendee, bookings_of(event)[0])
    # The offer made while booking was open runs no later than booking closes.
    assert entry_of(event, first).offer_expires_at == event.booking_closes_at

    for moment in (event.booking_closes_at + dt.timedelta(minutes=1), event.starts_at + dt.timedelta(minutes=1)):
        with time_machine.travel(moment, tick=False):
            assert waiting_list.offer_freed_places(event) == []

    assert entry_of(event, first).status is WaitingStatus.EXPIRED
    assert entry_of(event, second).status is WaitingStatus.WAITING
    assert not [e for e in emails_to(second.email) if e.subject.startswith("A place is free")]
