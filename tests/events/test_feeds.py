"""A personal calendar feed of one's confirmed places at a secret address that can be reset."""

import re

import icalendar

from nalw.events import services
from nalw.events.models import EventFormat
from tests.events.steps import non_member, published_event
from tests.helpers import page_text, sign_in


def feed_path(page):
    match = re.search(r'value="http://[^/"]+(/events/my-calendar/[^"]+\.ics)"', page.get_data(as_text=True))
    assert match, "My bookings shows no calendar address"
    return match.group(1)


def summaries(response):
    calendar = icalendar.Calendar.from_ical(response.get_data())
    return sorted(str(entry["summary"]) for entry in calendar.walk("VEVENT"))


def test_personal_feed_lists_ones_confirmed_places_with_joining_links_at_a_secret_address(client):
    person = non_member()
    webinar = published_event(
        title="Safeguarding webinar", format=EventFormat.ONLINE, venue="", joining_url="https://meet.example/abc"
    )
    services.book_place(webinar, person)
    cancelled = services.book_place(published_event(title="Given up"), person)
    services.cancel_booking(person, cancelled)
    services.book_place(published_event(title="Someone else's"), non_member())
    sign_in(client, person)

    assert "Get a calendar address" in page_text(client.get("/account/bookings"))
    client.post("/account/bookings/calendar-address", follow_redirects=True)
    path = feed_path(client.get("/account/bookings"))
    client.post("/account/sign-out")
    feed = client.get(path)  # a calendar app, not signed in

    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert summaries(feed) == ["Safeguarding webinar"]
    assert "https://meet.example/abc" in feed.get_data(as_text=True)


def test_resetting_the_address_stops_the_old_one_working(client):
    person = non_member()
    services.book_place(published_event(title="Leeds roadshow"), person)
    sign_in(client, person)
    client.post("/account/bookings/calendar-address")
    old = feed_path(client.get("/account/bookings"))

    page = page_text(client.post("/account/bookings/calendar-address", follow_redirects=True))
    new = feed_path(client.get("/account/bookings"))

    assert "the old one no longer works" in page
    assert new != old
    assert client.get(old).status_code == 404
    assert summaries(client.get(new)) == ["Leeds roadshow"]


def test_a_made_up_address_finds_no_feed(client):
    assert client.get("/events/my-calendar/not-a-real-secret.ics").status_code == 404
