"""On the day: check-in one by one and in bulk, CPD drafts for attendees, undo, and the attendee list. Check-in
opens on the event's day, UK time, and not before."""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.code_of_practice.services import current_version
from nalw.core.time import format_date, to_london
from nalw.cpd.models import CpdEntry, EntryStatus
from nalw.events import attendance
from nalw.events import services as event_services
from nalw.events.errors import EventError
from nalw.events.models import BookingStatus
from nalw.extensions import db
from tests.events.steps import bookings_of, fill, published_event
from tests.factories import PersonFactory, under_way
from tests.helpers import page_text, sign_in


def cpd_drafts_of(person):
    return db.session.scalars(sa.select(CpdEntry).where(CpdEntry.person_id == person.id)).all()


def test_bulk_check_in_marks_confirmed_attendees_only_certificates_only_for_them_cpd_drafts_once(client, person_as):
    standards = current_version().standards[:2]
    event = published_event(capacity=3, cpd_quarter_hours=22, standard_ids=[standard.id for standard in standards])
    present, absent = fill(event, 2)
    cancelled = PersonFactory()
    cancelled_booking = event_services.book_place(event, cancelled)
    event_services.cancel_booking(cancelled, cancelled_booking)
    other_event = published_event(title="Another event")
    (stranger,) = fill(other_event, 1)
    present_booking, absent_booking = bookings_of(event, BookingStatus.CONFIRMED)
    (stranger_booking,) = bookings_of(other_event)
    under_way(event)
    sign_in(client, person_as("staff"))

    chosen = [present_booking.id, cancelled_booking.id, stranger_booking.id]
    first = client.post(f"/admin/events/{event.id}/attendance", data={"booking": chosen}, follow_redirects=True)
    client.post(f"/admin/events/{event.id}/attendance", data={"booking": chosen}, follow_redirects=True)

    assert "1 attendee marked as attended." in page_text(first)
    assert present_booking.checked_in_at is not None
    assert absent_booking.checked_in_at is None and cancelled_booking.checked_in_at is None
    assert stranger_booking.checked_in_at is None
    (draft,) = cpd_drafts_of(present)
    assert draft.status is EntryStatus.DRAFT and draft.source == f"event:{event.id}"
    assert draft.title == event.title and draft.quarter_hours == 22
    assert [standard.id for standard in draft.standards] == [standard.id for standard in standards]
    assert cpd_drafts_of(absent) == [] and cpd_drafts_of(cancelled) == [] and cpd_drafts_of(stranger) == []
    assert attendance.attended(event, present) is not None
    assert attendance.attended(event, absent) is None and attendance.attended(event, cancelled) is None


def test_marking_attendance_with_nobody_ticked_says_to_tick_those_who_came(client, person_as):
    event = published_event()
    fill(event, 1)
    (booking,) = bookings_of(event)
    under_way(event)
    sign_in(client, person_as("staff"))

    page = page_text(client.post(f"/admin/events/{event.id}/attendance", data={}, follow_redirects=True))

    assert "No attendee was chosen: tick the box beside each person who came, then press the button." in page
    assert "0 attendees marked as attended" not in page
    assert booking.checked_in_at is None


def test_check_in_one_by_one_and_undo_removes_the_untouched_cpd_draft(client, person_as):
    event = published_event(cpd_quarter_hours=8)
    (attendee,) = fill(event, 1)
    (booking,) = bookings_of(event)
    under_way(event)
    sign_in(client, person_as("staff"))

    page = client.post(
        f"/admin/events/{event.id}/bookings/{booking.id}/check-in",
        data={"back": f"/admin/events/{event.id}/check-in"},
        follow_redirects=True,
    )
    assert f"{attendee.name} checked in." in page_text(page)
    assert len(cpd_drafts_of(attendee)) == 1

    client.post(f"/admin/events/{event.id}/bookings/{booking.id}/undo-check-in", follow_redirects=True)

    assert booking.checked_in_at is None
    assert cpd_drafts_of(attendee) == []


def test_undoing_a_check_in_keeps_a_draft_the_member_has_started(client, person_as):
    event = published_event(cpd_quarter_hours=8)
    (attendee,) = fill(event, 1)
    (booking,) = bookings_of(event)
    staff = person_as("staff")
    attendance.check_in(staff, booking, now=event.starts_at)
    (draft,) = cpd_drafts_of(attendee)
    draft.what_i_learned = "How to refer to the new debt advice service."
    db.session.flush()

    attendance.undo_check_in(staff, booking)

    assert cpd_drafts_of(attendee) == [draft]


def test_attendee_list_shows_access_needs_to_staff_with_search_and_csv(client, person_as):
    event = published_event()
    alice = PersonFactory(name="Alice Attendee")
    event_services.book_place(event, alice, access_needs="Step-free access")
    fill(event, 2)
    sign_in(client, person_as("staff"))

    found = page_text(client.get(f"/admin/events/{event.id}/attendees?q=alice"))
    csv = client.get(f"/admin/events/{event.id}/attendees.csv").get_data(as_text=True)

    assert "Alice Attendee" in found and "Step-free access" in found and "1 confirmed place" in found
    assert "Alice Attendee" in csv and "Step-free access" in csv and len(csv.strip().splitlines()) == 4


def test_attendee_pages_are_for_staff_only(client, person_as):
    event = published_event()
    fill(event, 1)
    sign_in(client, person_as("account_holder"))

    assert client.get(f"/admin/events/{event.id}/attendees").status_code == 403
    assert client.get(f"/admin/events/{event.id}/attendees.csv").status_code == 403
    assert client.get(f"/admin/events/{event.id}/check-in").status_code == 403


def test_certificate_of_attendance_only_for_people_checked_in(client, person_as):
    event = published_event()
    present, absent = fill(event, 2)
    present_booking, _ = bookings_of(event)
    attendance.check_in(person_as("staff"), present_booking, now=event.starts_at)

    sign_in(client, present)
    certificate = client.get(f"/events/{event.id}/certificate.pdf")
    sign_in(client, absent)
    refused = client.get(f"/events/{event.id}/certificate.pdf")

    assert certificate.status_code == 200 and certificate.data.startswith(b"%PDF")
    assert refused.status_code == 404


def test_check_in_opens_on_the_events_day_uk_time_and_not_a_minute_before(person_as):
    # 10:00 on 10 June is 09:00 UTC; the UK day begins at 23:00 UTC the evening before (summer time).
    event = published_event(starts_at=dt.datetime(2027, 6, 10, 9, 0, tzinfo=dt.UTC))
    (attendee,) = fill(event, 1)
    (booking,) = bookings_of(event)
    staff = person_as("staff")
    opens = dt.datetime(2027, 6, 9, 23, 0, tzinfo=dt.UTC)

    assert attendance.check_in_opens_at(event) == opens
    with pytest.raises(EventError) as refused:
        attendance.check_in(staff, booking, now=opens - dt.timedelta(minutes=1))
    with pytest.raises(EventError):
        attendance.mark_attended(staff, event, [booking.id], now=opens - dt.timedelta(minutes=1))
    assert refused.value.message == (
        "Check-in opens on 10 June 2027, the day of the event. Check people in or mark who came from then."
    )
    assert booking.checked_in_at is None and cpd_drafts_of(attendee) == []

    attendance.check_in(staff, booking, now=opens)

    assert booking.checked_in_at == opens and len(cpd_drafts_of(attendee)) == 1


def test_before_the_day_the_pages_say_when_check_in_opens_and_offer_no_check_in(client, person_as):
    event = published_event(title="Leeds roadshow")
    (attendee,) = fill(event, 1)
    (booking,) = bookings_of(event)
    sign_in(client, person_as("staff"))
    check_in_address = f"/admin/events/{event.id}/bookings/{booking.id}/check-in"
    opens = f"Check-in opens on {format_date(to_london(event.starts_at).date())}, the day of the event"

    check_in_page = client.get(f"/admin/events/{event.id}/check-in").get_data(as_text=True)
    attendees_page = client.get(f"/admin/events/{event.id}/attendees").get_data(as_text=True)
    tried = page_text(client.post(check_in_address, follow_redirects=True))

    assert opens in check_in_page and check_in_address not in check_in_page
    assert opens in attendees_page and 'name="booking"' not in attendees_page
    assert "Mark the chosen attendees as attended" not in attendees_page
    assert opens in tried
    assert booking.checked_in_at is None and cpd_drafts_of(attendee) == []

    under_way(event)
    db.session.commit()

    assert check_in_address in client.get(f"/admin/events/{event.id}/check-in").get_data(as_text=True)
    assert 'name="booking"' in client.get(f"/admin/events/{event.id}/attendees").get_data(as_text=True)
