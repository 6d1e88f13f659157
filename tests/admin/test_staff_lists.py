"""Every staff list pages, filters and exports the same way: the CSV holds exactly the rows the filters find."""

import dataclasses
import datetime as dt
import re
from html import unescape

import pytest

from nalw.core.audit import record_audit
from nalw.core.outbox import OutboxStatus, queue_email
from nalw.core.time import london_to_utc
from nalw.extensions import db
from nalw.payments.models import PaymentMethod, PaymentStatus
from tests.factories import PaymentFactory, PersonFactory, staff_member
from tests.helpers import csv_records, input_tag, page_text, sign_in


def export_link(page):
    """The page's link to the CSV of what it lists."""
    assert page.status_code == 200
    link = re.search(r'href="(/[^"]+\.csv[^"]*)" download', page.get_data(as_text=True))
    assert link, "no CSV link on the page"
    return link.group(1).replace("&amp;", "&")


@pytest.fixture
def staff_client(client):
    staff = staff_member(name="Sam Staff", email="sam.staff@example.org")
    sign_in(client, staff)
    return client, staff


def at_uk_noon(day):
    return london_to_utc(dt.datetime.combine(day, dt.time(12)))


def test_audit_log_filters_by_who_what_record_and_days_and_its_csv_holds_just_those(staff_client):
    client, staff = staff_client
    other = staff_member(name="Olive Other")
    alice, bob = PersonFactory(name="Alice"), PersonFactory(name="Bob")
    entries = [
        record_audit(staff, "membership.suspended", alice, before={"status": "active"}, after={"status": "suspended"}),
        record_audit(staff, "membership.reinstated", alice, summary="Back"),
        record_audit(other, "membership.suspended", bob, summary="Bob suspended"),
        record_audit(staff, "role.granted", bob, summary="Granted"),
    ]
    for entry, day in zip(
        entries, (dt.date(2026, 10, 1), dt.date(2026, 10, 15), dt.date(2026, 10, 20), dt.date(2026, 11, 2)), strict=True
    ):
        entry.created_at = at_uk_noon(day)
    db.session.flush()
    filters = {"actor": "sam", "action": "membership.", "done_from": "2026-10-01", "done_to": "31/10/2026"}

    page = client.get("/admin/audit", query_string=filters)
    rows = csv_records(client.get(export_link(page)))

    assert [(row["Action"], row["Record id"]) for row in rows] == [
        ("membership.reinstated", str(alice.id)),
        ("membership.suspended", str(alice.id)),
    ]
    assert rows[1]["Before"] == '{"status": "active"}' and rows[1]["After"] == '{"status": "suspended"}'
    assert "2 entries found" in page_text(page)
    assert "status (changed) active suspended" in page_text(page)
    by_record = client.get("/admin/audit", query_string={"target_type": "Person", "target_id": str(bob.id)})
    assert "Bob suspended" in page_text(by_record) and "Back" not in page_text(by_record)


def test_audit_log_shows_days_and_moments_it_stored_as_uk_dates_and_its_csv_keeps_them_as_stored(staff_client):
    client, staff = staff_client
    note = "2026-10-31 call"
    record_audit(
        staff,
        "membership.dates_changed",
        PersonFactory(name="Alice"),
        before={"expires_on": dt.date(2027, 2, 20), "paid_at": at_uk_noon(dt.date(2026, 7, 1)), "note": note},
        after={"expires_on": dt.date(2027, 3, 1), "paid_at": at_uk_noon(dt.date(2026, 12, 1)), "note": note},
    )
    db.session.flush()

    page = client.get("/admin/audit", query_string={"action": "membership.dates_changed"})
    [row] = csv_records(client.get(export_link(page)))

    assert "expires_on (changed) 20 February 2027 1 March 2027" in page_text(page)
    assert "paid_at (changed) 1 Jul 2026, 12:00 1 Dec 2026, 12:00" in page_text(page)
    assert "note 2026-10-31 call 2026-10-31 call" in page_text(page)  # text that only starts like a day stays
    assert '"expires_on": "2027-02-20"' in row["Before"] and '"paid_at": "2026-12-01T12:00:00+00:00"' in row["After"]


def test_a_date_range_that_ends_before_it_starts_is_shown_at_its_field(staff_client):
    client, _ = staff_client

    response = client.get("/admin/audit", query_string={"done_from": "2026-10-10", "done_to": "2026-10-01"})

    assert "Done to must be the same day as done from or later" in page_text(response)
    assert 'id="done_to-error"' in response.get_data(as_text=True)
    assert client.get("/admin/audit.csv", query_string={"done_to": "not a day"}).status_code == 302


def test_payments_list_and_csv_filter_by_status_method_and_day(staff_client):
    client, _ = staff_client
    person = PersonFactory(name="Payer")
    kept = PaymentFactory(person=person, description="Kept", refunded_pence=4500, status=PaymentStatus.REFUNDED)
    PaymentFactory(person=person, description="Other status")
    PaymentFactory(
        person=person, description="Other method", status=PaymentStatus.REFUNDED, method=PaymentMethod.INVOICE
    )
    early = PaymentFactory(person=person, description="Too early", status=PaymentStatus.REFUNDED)
    kept.created_at, early.created_at = at_uk_noon(dt.date(2026, 10, 31)), at_uk_noon(dt.date(2026, 9, 30))
    db.session.flush()

    page = client.get(
        "/admin/payments", query_string={"status": "refunded", "method": "card", "made_from": "2026-10-01"}
    )
    rows = csv_records(client.get(export_link(page)))

    assert [row["For"] for row in rows] == ["Kept"]
    assert rows[0]["Receipt"] == kept.receipt_number and rows[0]["Refunded"] == "£45.00"
    assert "Kept" in page_text(page) and "Other" not in page_text(page) and "Too early" not in page_text(page)


def test_emails_list_and_csv_filter_by_address_subject_and_status_and_hold_no_message_bodies(staff_client):
    client, _ = staff_client
    kept = queue_email(
        "carol@example.org", "accounts/email_changed", "Your address changed", name="C", new_email="x@y.z"
    )
    queue_email("carol@example.org", "accounts/email_changed", "Something else", name="C", new_email="x@y.z")
    queue_email("dave@example.org", "accounts/email_changed", "Your address changed", name="D", new_email="x@y.z")
    failed = queue_email(
        "carol@example.org", "accounts/email_changed", "Your address changed", name="C", new_email="q@y.z"
    )
    failed.status = OutboxStatus.FAILED
    db.session.flush()

    page = client.get("/admin/emails", query_string={"to": "CAROL", "subject": "address", "status": "waiting"})
    response = client.get(export_link(page))
    rows = csv_records(response)

    assert [(row["To"], row["Subject"], row["Status"]) for row in rows] == [
        ("carol@example.org", "Your address changed", "Waiting")
    ]
    assert kept.body_text.strip().splitlines()[0] not in response.get_data(as_text=True)
    assert "1 email found" in page_text(page)


def test_applications_csv_holds_the_one_list_it_was_asked_for_with_the_page_filters(client):
    from nalw.core.regions import Region
    from tests.factories import MembershipFactory

    staff = staff_member()
    MembershipFactory(paid=True, person=PersonFactory(name="Paid London"), region=Region.LONDON, staff=staff)
    MembershipFactory(paid=True, person=PersonFactory(name="Paid Wales"), region=Region.WALES, staff=staff)
    MembershipFactory(applied=True, person=PersonFactory(name="Unpaid London"), region=Region.LONDON)
    sign_in(client, staff)

    page = client.get("/admin/applications", query_string={"region": "london"})
    links = re.findall(r'href="(/admin/applications\.csv[^"]*)" download', page.get_data(as_text=True))
    paid, unpaid = (csv_records(client.get(link.replace("&amp;", "&"))) for link in links)

    assert [row["Applicant"] for row in paid] == ["Paid London"]
    assert [row["Applicant"] for row in unpaid] == ["Unpaid London"]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_made_text(staff_client):
    client, _ = staff_client
    PaymentFactory(person=PersonFactory(name="=cmd|' /C calc'!A0"), description="@SUM(A1)")

    rows = csv_records(client.get("/admin/payments.csv"))

    assert rows[0]["Person"] == "'=cmd|' /C calc'!A0" and rows[0]["For"] == "'@SUM(A1)"


def test_a_listings_csv_is_streamed_in_pieces_not_built_in_memory(app, monkeypatch):
    from nalw.admin.members import MEMBERS
    from nalw.core import csv_export
    from tests.factories import MembershipFactory

    for number in range(30):
        MembershipFactory(person=PersonFactory(name=f"Member {number:02d} " + "x" * 150))
    monkeypatch.setattr(csv_export, "_STREAM_CHUNK", 1000)

    with app.test_request_context("/admin/members.csv"):
        response = MEMBERS.csv()
        pieces = list(response.response)

    assert response.is_streamed
    assert len(pieces) > 3
    assert len(re.findall(r"Member \d\d x", "".join(pieces))) == 30


def test_an_events_attendee_csv_holds_the_attendees_its_search_found(staff_client):
    from nalw.events import services as event_services
    from tests.factories import EventFactory

    client, staff = staff_client
    event = EventFactory(staff=staff, capacity=5)
    for name in ("Alice Able", "Alan Ash", "Bob Brown"):
        event_services.book_place(event, PersonFactory(name=name), access_needs=f"Needs of {name}")
    db.session.flush()

    page = client.get(f"/admin/events/{event.id}/attendees", query_string={"q": "al"})
    found = csv_records(client.get(export_link(page)))
    everyone = csv_records(client.get(f"/admin/events/{event.id}/attendees.csv"))

    assert [row["Name"] for row in found] == ["Alan Ash", "Alice Able"]
    assert found[1]["Access needs"] == "Needs of Alice Able"
    assert len(everyone) == 3


def test_people_csv_holds_the_people_the_filters_found(staff_client):
    from nalw.core.permissions import Role

    client, _ = staff_client
    PersonFactory(name="Jo Judge", email="jo@example.org", roles=[Role.JUDGE], two_factor=True)
    PersonFactory(name="Jo Member", email="jo.member@example.org", roles=[Role.MEMBER])
    PersonFactory(name="Ann Judge", roles=[Role.JUDGE], two_factor=True)

    page = client.get("/admin/people", query_string={"q": "jo", "role": "judge"})
    rows = csv_records(client.get(export_link(page)))

    assert [(row["Name"], row["Email"], row["Roles"]) for row in rows] == [("Jo Judge", "jo@example.org", "Judge")]


def test_a_list_whose_filters_it_cannot_use_shows_no_count_or_empty_message_but_asks_for_them_corrected(
    staff_client,
):
    client, _ = staff_client
    PaymentFactory(person=PersonFactory(name="Payer"))

    response = client.get("/admin/payments", query_string={"status": "nonsense"})

    text = page_text(response)
    assert "Correct the filters above to see the list." in text
    assert "Choose status from the list" in text
    assert "found." not in text and "No payments match these filters." not in text
    assert "Payer" not in text
    # The two lists of applications read one form: neither says it is empty.
    applications = page_text(client.get("/admin/applications", query_string={"region": "atlantis"}))
    assert "Correct the filters above to see the list." in applications
    assert "None waiting." not in applications and "(0)" not in applications


def test_a_page_after_the_last_says_there_is_no_such_page_and_links_to_the_last(staff_client, monkeypatch):
    from nalw.payments import views as payment_views

    monkeypatch.setattr(payment_views, "STAFF_PAYMENTS", dataclasses.replace(payment_views.STAFF_PAYMENTS, per_page=2))
    client, _ = staff_client
    person = PersonFactory(name="Payer")
    for _ in range(3):
        PaymentFactory(person=person, method=PaymentMethod.CARD)

    past = client.get("/admin/payments", query_string={"method": "card", "page": 9})
    last = client.get("/admin/payments", query_string={"method": "card", "page": 2})

    assert "3 payments found." in page_text(past)
    assert "There is no page 9: the list has 2 pages. Go to page 2" in page_text(past)
    assert "No payments match these filters." not in page_text(past)
    assert 'href="/admin/payments?method=card&amp;page=2">Go to page 2</a>' in past.get_data(as_text=True)
    assert "There is no page" not in page_text(last)
    # A list with no rows at all is simply empty, whichever page was asked for.
    nothing = page_text(client.get("/admin/payments", query_string={"method": "invoice", "page": 9}))
    assert "No payments match these filters." in nothing and "There is no page" not in nothing


def test_a_day_typed_into_the_address_is_shown_in_its_date_box_the_way_the_box_can_show_it(staff_client):
    client, _ = staff_client

    typed = client.get("/admin/audit", query_string={"done_from": "31/10/2026", "done_to": "2026-11-30"})

    # A date box shows only 2026-10-31: the day typed as 31/10/2026 would leave it empty, and Filter would drop it.
    assert 'value="2026-10-31"' in input_tag(typed, "done_from")
    assert 'value="2026-11-30"' in input_tag(typed, "done_to")
    assert 'value=""' in input_tag(client.get("/admin/audit"), "done_from")


def test_what_is_not_a_day_is_quoted_in_the_error_since_the_date_box_cannot_show_it(staff_client):
    client, _ = staff_client

    response = client.get("/admin/audit", query_string={"done_from": "banana"})

    error = re.search(r'<div id="done_from-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S)
    assert error and '"banana" is not a date. Enter done from as a date, like 31/10/2026' in unescape(error.group(1))
    assert "Correct the filters above to see the list." in page_text(response)


def test_audit_log_says_it_holds_members_own_actions_too_and_shows_them(staff_client):
    client, _ = staff_client
    member = PersonFactory(name="Mo Member", email="mo@example.org")
    record_audit(member, "booking.cancelled", member, summary="Cancelled a place at Leeds roadshow")
    db.session.flush()

    page = page_text(client.get("/admin/audit", query_string={"action": "booking.cancelled"}))

    assert "Every recorded action, whether by staff, by members and judges on their own records" in page
    assert "Every staff and admin action" not in page
    assert "mo@example.org booking.cancelled Cancelled a place at Leeds roadshow" in page
