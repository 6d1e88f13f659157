"""Events in a person's data download, and what erasure leaves: the bookings stay, the access needs and dietary
answers go, they leave every waiting list, and their calendar address stops working."""

from nalw.accounts.services import erase_person
from nalw.events import feeds, services, waiting_list
from nalw.events.models import WaitingStatus
from nalw.extensions import db
from tests.events.steps import entry_of, fill, member, published_event
from tests.factories import staff_member
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
    booking = services.book_place(published_event(title="North West roadshow"), person, "Step-free access", "Halal")
    full = published_event(title="Link Worker Day", capacity=1)
    fill(full)
    waiting_list.join_waiting_list(full, person)
    feed_address = f"/events/my-calendar/{feeds.reset_feed_token(person).token}.ics"
    db.session.commit()
    assert client.get(feed_address).status_code == 200

    erase_person(person, password="", actor=staff_member(name="Ada Admin"))
    db.session.commit()

    assert booking.status.value == "confirmed" and booking.person_id == person.id
    assert (booking.access_needs, booking.dietary) == ("", "")
    assert booking.requirements_deleted_at is not None
    assert entry_of(full, person).status is WaitingStatus.LEFT
    assert feeds.feed_token(person) is None
    assert client.get(feed_address).status_code == 404
