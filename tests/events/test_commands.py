"""The scheduled commands: offers, reminders once each, requirements deleted after the event."""

import datetime as dt

import time_machine

from nalw.core.time import utcnow
from nalw.events import services, waiting_list
from nalw.events.models import BookingStatus, WaitingStatus
from tests.events.steps import bookings_of, entry_of, fill, non_member, paid_event, published_event
from tests.helpers import emails_to


def test_offer_command_expires_an_unpaid_hold_and_offers_the_place(app, runner):
    event = paid_event(capacity=1, hold_minutes=15)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        services.book_place(event, non_member())
    waiting = non_member()
    # Full while the hold lasts: they wait.
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        waiting_list.join_waiting_list(event, waiting)

    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        first = runner.invoke(args=["events", "offers"]).output
        second = runner.invoke(args=["events", "offers"]).output

    assert "1 places offered" in first
    assert "0 places offered" in second
    assert bookings_of(event)[0].status is BookingStatus.EXPIRED
    assert entry_of(event, waiting).status is WaitingStatus.OFFERED
    assert len([e for e in emails_to(waiting.email) if e.subject.startswith("A place is free")]) == 1


def test_reminders_go_7_days_and_1_day_before_each_once(app, runner):
    starts_at = utcnow().replace(microsecond=0) + dt.timedelta(days=10)
    event = published_event(starts_at=starts_at, title="Webinar: warm handovers")
    [person] = fill(event, 1)

    def subjects():
        return [e.subject for e in emails_to(person.email) if e.subject.endswith(("next week", "tomorrow"))]

    with time_machine.travel(starts_at - dt.timedelta(days=8), tick=False):
        runner.invoke(args=["events", "reminders"])
    assert subjects() == []
    with time_machine.travel(starts_at - dt.timedelta(days=6), tick=False):
        runner.invoke(args=["events", "reminders"])
        runner.invoke(args=["events", "reminders"])
    assert subjects() == ["Webinar: warm handovers is next week"]
    with time_machine.travel(starts_at - dt.timedelta(hours=20), tick=False):
        runner.invoke(args=["events", "reminders"])
        runner.invoke(args=["events", "reminders"])
    assert subjects() == ["Webinar: warm handovers is next week", "Webinar: warm handovers is tomorrow"]


def test_access_needs_and_dietary_requirements_are_deleted_30_days_after_the_event(app, runner):
    starts_at = utcnow().replace(microsecond=0) + dt.timedelta(days=2)
    event = published_event(starts_at=starts_at)
    booking = services.book_place(event, non_member(), access_needs="Wheelchair user", dietary="Coeliac")

    with time_machine.travel(event.ends_at + dt.timedelta(days=29), tick=False):
        runner.invoke(args=["events", "forget-requirements"])
    assert booking.access_needs == "Wheelchair user"
    with time_machine.travel(event.ends_at + dt.timedelta(days=31), tick=False):
        output = runner.invoke(args=["events", "forget-requirements"]).output

    assert "1 bookings cleared" in output
    assert (booking.access_needs, booking.dietary) == ("", "")
    assert booking.requirements_deleted_at is not None
