"""axe-core finds no WCAG 2.2 A or AA problem on the events pages, and a person books a place and staff
check people in with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from nalw.events import places, services
from nalw.events.models import Booking, BookingStatus, EventFormat
from nalw.extensions import db
from tests.e2e.steps import AccessibilityReport, open_page, sign_in, submit_expecting_errors, tab_until
from tests.factories import EventFactory, standard, under_way

pytestmark = pytest.mark.e2e


def committed_event(**fields):
    event = EventFactory(**fields)
    db.session.commit()
    return event


def test_events_pages_a_visitor_and_an_attendee_see(page, make_person):
    report = AccessibilityReport(page)
    event = committed_event(title="Leeds roadshow")
    person = make_person(name="Bea Booker")

    open_page(page, "/events")
    report.check("public list of events")
    open_page(page, f"/events/{event.id}")
    report.check("event page")

    sign_in(page, person)
    open_page(page, f"/events/{event.id}/book")
    report.check("booking form")
    # The field's maxlength stops a browser typing more; an old browser or a script need not respect it.
    page.get_by_label("Access needs (optional)").evaluate("field => field.removeAttribute('maxlength')")
    page.get_by_label("Access needs (optional)").fill("x" * 1001)
    submit_expecting_errors(page, "Book a place")
    report.check("booking form with errors")
    expect(page.get_by_role("alert")).to_contain_text("Access needs must be 1,000 characters or fewer")

    open_page(page, "/account/bookings")
    report.check("my bookings with no calendar address")
    page.get_by_role("button", name="Get a calendar address").click()
    expect(page.get_by_label("Calendar address")).to_be_visible()
    report.check("my bookings with a calendar address")
    report.assert_clean()


def test_the_event_page_of_someone_with_a_place_shows_its_joining_link_legibly(page, make_person):
    event = committed_event(
        title="Hybrid roadshow", format=EventFormat.HYBRID, joining_url="https://meet.example/nalw-roadshow"
    )
    person = make_person(name="Jo Joiner")
    services.book_place(event, person)
    db.session.commit()

    sign_in(page, person)
    open_page(page, f"/events/{event.id}")

    expect(page.get_by_role("status")).to_contain_text("You have a place. Joining link:")
    report = AccessibilityReport(page)
    report.check("event page with a place and its joining link")  # the link in the alert: colour contrast
    report.assert_clean()


def test_staff_events_pages(page, make_person):
    report = AccessibilityReport(page)
    staff = make_person(name="Sasha Staff", roles=[Role.STAFF], two_factor=True)
    event = committed_event(title="Leeds roadshow", staff=staff)
    attendee = make_person(name="Ama Attendee")
    services.book_place(event, attendee, access_needs="Hearing loop")
    under_way(event)  # so the attendee list and check-in page offer check-in
    db.session.commit()

    sign_in(page, staff)
    open_page(page, "/admin/events")
    report.check("staff list of events")
    open_page(page, "/admin/events/new")
    report.check("staff event form")
    submit_expecting_errors(page, "Save event")
    report.check("staff event form with errors")
    open_page(page, f"/admin/events/{event.id}")
    report.check("staff event page")
    open_page(page, f"/admin/events/{event.id}/attendees")
    report.check("attendee list")
    open_page(page, f"/admin/events/{event.id}/check-in")
    report.check("check-in page")
    report.assert_clean()


def test_a_place_is_booked_with_the_keyboard_alone(page, make_person):
    event = committed_event(title="Keyboard roadshow")
    person = make_person(name="Kit Keys")
    sign_in(page, person)
    open_page(page, f"/events/{event.id}")

    tab_until(page, page.get_by_role("link", name="Book a place (free)"), most=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, page.get_by_label("Access needs (optional)"), most=40)
    page.keyboard.type("Step-free access")
    tab_until(page, page.get_by_role("button", name="Book a place"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_text("Your place at Keyboard roadshow is confirmed")).to_be_visible()
    db.session.rollback()
    booking = places.live_booking(event, person)
    assert booking.status is BookingStatus.CONFIRMED
    assert booking.access_needs == "Step-free access"


def test_staff_check_someone_in_with_the_keyboard_alone(page, make_person):
    staff = make_person(name="Kim Staff", roles=[Role.STAFF], two_factor=True)
    event = committed_event(title="Check-in roadshow", staff=staff)
    attendee = make_person(name="Nia Present")
    booking_id = services.book_place(event, attendee).id
    under_way(event)
    db.session.commit()
    sign_in(page, staff)
    open_page(page, f"/admin/events/{event.id}/check-in")

    tab_until(page, page.get_by_label("Find an attendee"), most=40)
    page.keyboard.type("Nia")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, page.get_by_role("button", name="Check in Nia Present"), most=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_text("Nia Present checked in.")).to_be_visible()
    expect(page.get_by_role("button", name="Undo check-in of Nia Present")).to_be_visible()
    db.session.rollback()
    assert db.session.get(Booking, booking_id).checked_in_at is not None


def test_cpd_page_offering_events_for_uncovered_standards(page, make_person, make_membership):
    report = AccessibilityReport(page)
    member = make_person(name="Mo Member")
    make_membership(member)
    committed_event(title="Safeguarding webinar", standard_ids=[standard("S5").id])

    sign_in(page, member)
    open_page(page, "/cpd")
    expect(page.get_by_role("link", name="Safeguarding webinar")).to_be_visible()
    report.check("my CPD with upcoming events offered")
    report.assert_clean()
