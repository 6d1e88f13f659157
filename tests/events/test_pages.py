"""The public and attendee pages, as a person sees them."""

import datetime as dt

import sqlalchemy as sa
import time_machine

from nalw.core.regions import Region
from nalw.core.time import utcnow
from nalw.events import services
from nalw.events.models import Booking, BookingStatus, EventFormat, EventKind
from nalw.extensions import db
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentPurpose, PaymentStatus
from tests.events.steps import fill, member, paid_event, published_event
from tests.helpers import page_text, sign_in
from tests.stripe_helpers import DECLINED, VISA


def test_event_list_shows_published_events_filtered_by_region_and_kind(client):
    published_event(title="Leeds roadshow", region=Region.YORKSHIRE_AND_THE_HUMBER)
    published_event(title="Bristol roadshow", region=Region.SOUTH_WEST)

    everything = page_text(client.get("/events"))
    leeds = page_text(client.get("/events?region=yorkshire_and_the_humber&kind=roadshow"))

    assert "Leeds roadshow" in everything and "Bristol roadshow" in everything
    assert "Leeds roadshow" in leeds and "Bristol roadshow" not in leeds


def test_signed_in_person_books_a_free_place_from_the_event_page(signed_in_client):
    client, person = signed_in_client("account_holder")
    event = published_event(title="Manchester roadshow")

    page = client.get(f"/events/{event.id}/book")
    assert "Only the NALW events team sees this" in page_text(page)
    response = client.post(f"/events/{event.id}/book", data={"access_needs": "Hearing loop", "dietary": ""})

    assert response.status_code == 302
    booking = db.session.scalar(sa.select(Booking).where(Booking.person_id == person.id))
    assert booking.status is BookingStatus.CONFIRMED
    assert booking.access_needs == "Hearing loop"
    assert "Manchester roadshow" in page_text(client.get("/account/bookings"))


def test_event_page_names_its_day_once_and_a_free_member_price_as_free(client):
    starts_at = dt.datetime(2027, 2, 15, 10, tzinfo=dt.UTC)
    event = published_event(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=6), non_member_price_pence=1500)

    page = page_text(client.get(f"/events/{event.id}"))

    assert "15 Feb 2027, 10:00 to 16:00" in page
    assert "Members free, others £15.00" in page


def test_full_event_page_offers_the_waiting_list(signed_in_client):
    client, person = signed_in_client("account_holder")
    event = published_event(capacity=1)
    fill(event)

    refused = client.post(f"/events/{event.id}/book", data={})

    assert "This event is full" in page_text(refused)
    assert "Join the waiting list" in page_text(refused)
    client.post(f"/events/{event.id}/waiting-list")
    assert "You are on the waiting list" in page_text(client.get(f"/events/{event.id}"))


def test_joining_link_is_shown_only_to_people_with_a_confirmed_place(signed_in_client, client):
    event = published_event(
        kind=EventKind.WEBINAR,
        region=None,
        format=EventFormat.ONLINE,
        venue="",
        joining_url="https://meet.example/nalw",
    )
    assert "meet.example" not in page_text(client.get(f"/events/{event.id}"))
    booked_client, person = signed_in_client("account_holder")
    booked_client.post(f"/events/{event.id}/book", data={})

    assert "https://meet.example/nalw" in page_text(booked_client.get(f"/events/{event.id}"))
    assert "meet.example" not in page_text(client.get("/events/calendar.ics"))


def test_calendar_feed_lists_published_events(client):
    published_event(title="Link Worker Day 2027", kind=EventKind.CONFERENCE, region=None)

    response = client.get("/events/calendar.ics")

    assert response.mimetype == "text/calendar"
    assert "SUMMARY:Link Worker Day 2027" in response.get_data(as_text=True)


def test_attendee_cancels_from_a_confirmation_page(signed_in_client):
    client, person = signed_in_client("account_holder")
    event = published_event(title="Cardiff roadshow", region=Region.WALES)
    client.post(f"/events/{event.id}/book", data={})
    booking = db.session.scalar(sa.select(Booking).where(Booking.person_id == person.id))

    page = client.get(f"/bookings/{booking.id}/cancel")
    assert "Your place goes to the next person on the waiting list" in page_text(page)
    client.post(f"/bookings/{booking.id}/cancel")

    db.session.refresh(booking)
    assert booking.status is BookingStatus.CANCELLED


def test_paid_booking_goes_to_the_payment_page_with_the_hold_time(signed_in_client):
    client, person = signed_in_client("account_holder")
    event = published_event(member_price_pence=2500, non_member_price_pence=4000, hold_minutes=15)

    response = client.post(f"/events/{event.id}/book", data={})
    page = client.get(response.headers["Location"])

    assert "Pay for your place" in page_text(page)
    assert "£40.00" in page_text(page)


def test_booking_page_names_the_member_price_only_to_those_paying_more(client, signed_in_client):
    event = published_event(member_price_pence=2500, non_member_price_pence=4000)
    non_member_client, _ = signed_in_client("account_holder")
    for_non_member = page_text(non_member_client.get(f"/events/{event.id}/book"))
    sign_in(client, member())
    for_member = page_text(client.get(f"/events/{event.id}/book"))

    assert "Your price: £40.00 (members in good standing pay £25.00)." in for_non_member
    assert "Your price: £25.00" in for_member
    assert "members in good standing pay" not in for_member


def test_place_pay_page_says_the_card_is_kept_and_nothing_of_renewals(signed_in_client):
    client, person = signed_in_client("account_holder")
    booking = services.book_place(paid_event(title="Leeds roadshow"), person)
    db.session.commit()

    page = page_text(client.get(f"/bookings/{booking.id}/pay"))

    assert "so you can pay with it again. We never see the full number." in page
    assert "renewal" not in page


def pay_on_the_page(client, booking, card_token, number=VISA):
    client.get(f"/bookings/{booking.id}/pay")
    return client.post(
        f"/bookings/{booking.id}/pay",
        data={"card_choice": "new", "card_token": card_token(number), "amount_pence": str(booking.price_pence)},
        follow_redirects=True,
    )


def test_held_place_paid_on_the_pay_page_is_confirmed(signed_in_client, card_token):
    client, person = signed_in_client("account_holder")
    event = paid_event(title="Leeds roadshow")
    booking = services.book_place(event, person)
    db.session.commit()

    page = page_text(pay_on_the_page(client, booking, card_token))

    assert "Payment received. Your place at Leeds roadshow is confirmed." in page
    assert booking.status is BookingStatus.CONFIRMED


def test_pay_page_shows_a_declined_card_and_an_expired_hold_on_the_form(signed_in_client, card_token):
    client, person = signed_in_client("account_holder")
    event = paid_event(title="Leeds roadshow", hold_minutes=15)
    booking = services.book_place(event, person)
    db.session.commit()

    declined = page_text(pay_on_the_page(client, booking, card_token, DECLINED))
    assert "Nothing was charged. Try again or use another card." in declined
    assert booking.status is BookingStatus.HELD

    with time_machine.travel(utcnow() + dt.timedelta(minutes=20)):
        expired = page_text(pay_on_the_page(client, booking, card_token))
    assert "the time ran out" in expired
    # Only the declined attempt was written: the refused one left nothing behind.
    assert [p.status for p in payment_services.payments_for([PaymentPurpose.EVENT_PLACE], booking.id)] == [
        PaymentStatus.FAILED
    ]


def test_my_bookings_and_the_staff_events_list_are_in_the_menus(signed_in_client, person_as):
    client, _person = signed_in_client("account_holder")
    assert 'href="/account/bookings"' in client.get("/events").get_data(as_text=True)

    staff_client = client.application.test_client()
    sign_in(staff_client, person_as("staff"))
    staff_page = staff_client.get("/admin/").get_data(as_text=True)
    staff_menu = staff_page[staff_page.index('aria-label="Staff"') :]
    assert 'href="/admin/events"' in staff_menu
