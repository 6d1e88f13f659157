"""Events in a person's data download, and what erasure leaves: the bookings stay, the access needs and dietary
answers go, they leave every waiting list, and their calendar address stops working. Erasure waits while they hold
a place at an event still to start."""

import datetime as dt

import pytest
import time_machine

from nalw.accounts.services import AccountError, erase_person
from nalw.core.time import format_datetime, utcnow
from nalw.events import attendance, feeds, services, waiting_list
from nalw.events.models import BookingStatus, EventStatus, WaitingStatus
from nalw.extensions import db
from tests.events.steps import begin_payment, entry_of, fill, member, paid_event, published_event
from tests.factories import DEFAULT_PASSWORD, staff_member
from tests.helpers import sign_in


def test_the_download_holds_each_booking_with_its_answers_each_waiting_list_and_never_the_calendar_secret(client):
    person = member()
    services.book_place(published_event(title="North West roadshow"), person, "Step-free access", "Vegetarian")
    full = published_event(title="Link Worker Day", capacity=1)
    fill(full)
    waiting_list.join_waiting_list(full, person)
    token = feeds.reset_feed_token(person).token
    db.session.commit()
    sign_in(client, person)

    download = client.get("/account/data")

    [booking] = download.json["event_bookings"]
    assert (booking["event"], booking["status"]) == ("North West roadshow", "confirmed")
    assert (booking["access_needs"], booking["dietary_requirements"]) == ("Step-free access", "Vegetarian")
    [entry] = download.json["event_waiting_lists"]
    assert (entry["event"], entry["status"]) == ("Link Worker Day", "waiting")
    assert download.json["event_calendar_feed"]["has_feed_address"] is True
    assert token not in download.get_data(as_text=True)


def test_erasure_keeps_the_booking_deletes_its_answers_takes_them_off_waiting_lists_and_ends_their_feed(client):
    person = member()
    event = published_event(title="North West roadshow")
    booking = services.book_place(event, person, "Step-free access", "Halal")
    full = published_event(title="Link Worker Day", capacity=1, starts_at=event.starts_at + dt.timedelta(days=30))
    fill(full)
    waiting_list.join_waiting_list(full, person)
    feed_address = f"/events/my-calendar/{feeds.reset_feed_token(person).token}.ics"
    db.session.commit()
    assert client.get(feed_address).status_code == 200

    # The roadshow has begun: the place was theirs to the end, and is the body's record now.
    with time_machine.travel(event.starts_at + dt.timedelta(hours=1), tick=False):
        erase_person(person, password="", actor=staff_member(name="Ada Admin"))
        db.session.commit()

    assert booking.status.value == "confirmed" and booking.person_id == person.id
    assert (booking.access_needs, booking.dietary) == ("", "")
    assert booking.requirements_deleted_at is not None
    assert entry_of(full, person).status is WaitingStatus.LEFT
    assert feeds.feed_token(person) is None
    assert client.get(feed_address).status_code == 404


def refusal_for(title, starts_at):
    return (
        f"You have a place at {title} on {format_datetime(starts_at)}. "
        "Cancel your places on the My bookings page first, then erase your account."
    )


def test_a_person_holding_a_place_at_an_event_to_come_cannot_erase_their_account_until_they_cancel_it(client):
    person = member()
    event = published_event(title="North West roadshow")
    booking = services.book_place(event, person, "Step-free access", "Halal")
    db.session.commit()
    sign_in(client, person)

    response = client.post("/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD})

    assert refusal_for("North West roadshow", event.starts_at) in response.get_data(as_text=True)
    db.session.expire_all()
    assert person.erased_at is None and booking.access_needs == "Step-free access"

    client.post(f"/bookings/{booking.id}/cancel")
    response = client.post("/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD})

    db.session.expire_all()
    assert booking.status is BookingStatus.CANCELLED
    assert person.erased_at is not None


def test_staff_are_refused_too_while_a_place_is_held_unpaid_and_the_soonest_event_is_named(app):
    person = member()
    later = paid_event(title="Link Worker Day", starts_at=utcnow().replace(microsecond=0) + dt.timedelta(days=60))
    sooner = published_event(title="North West roadshow")
    begin_payment(services.book_place(later, person))
    services.book_place(sooner, person)
    db.session.commit()

    with pytest.raises(AccountError) as refused:
        erase_person(person, password="", actor=staff_member(name="Ada Admin"))

    expected = refusal_for("North West roadshow", sooner.starts_at).replace(". Cancel", " and 1 more. Cancel")
    assert refused.value.message == expected
    assert person.erased_at is None


def test_a_place_at_an_event_cancelled_by_staff_does_not_stop_erasure(app):
    person = member()
    event = published_event(title="North West roadshow")
    services.book_place(event, person)
    attendance.cancel_event(staff_member(), event, "The venue is closed for repairs")
    db.session.commit()
    assert event.status is EventStatus.CANCELLED

    erase_person(person, password="", actor=staff_member(name="Ada Admin"))

    assert person.erased_at is not None
