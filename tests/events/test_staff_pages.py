"""Staff create, edit and publish events with every field; every problem shown at its field at once."""

import datetime as dt
import html
import re

import sqlalchemy as sa

from nalw.code_of_practice.services import current_version
from nalw.core.audit import AuditEntry
from nalw.events.models import Event, EventStatus
from nalw.extensions import db
from tests.helpers import page_text, sign_in


def event_form(**overrides):
    standards = current_version().standards
    data = {
        "title": "North East roadshow",
        "description": "Talks and workshops.",
        "kind": "roadshow",
        "region": "north_east",
        "starts_at": "2031-07-14T09:30",
        "ends_at": "2031-07-14T16:30",
        "format": "in_person",
        "venue": "Newcastle Civic Centre",
        "joining_url": "",
        "capacity": "120",
        "member_price": "25.00",
        "non_member_price": "40",
        "booking_opens_at": "2031-05-01T09:00",
        "booking_closes_at": "2031-07-13T17:00",
        "cpd_hours": "5.5",
        "standards": [str(standards[0].id), str(standards[1].id)],
        "refund_cutoff_days": "7",
        "offer_hours": "24",
        "hold_minutes": "15",
    }
    data.update(overrides)
    return data


def field_error(response, field_id):
    match = re.search(rf'<div id="{field_id}-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else None
    return " ".join(text.replace("Error:", " ").split()) if match else None


def test_staff_create_an_event_with_every_field_in_uk_time_and_pounds_and_it_is_audited(client, person_as):
    staff = person_as("staff")
    sign_in(client, staff)

    response = client.post("/admin/events/new", data=event_form())

    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert event.status is EventStatus.DRAFT
    assert event.starts_at == dt.datetime(2031, 7, 14, 8, 30, tzinfo=dt.UTC)  # 09:30 BST
    assert event.member_price_pence == 2500 and event.non_member_price_pence == 4000
    assert event.cpd_quarter_hours == 22 and len(event.standards) == 2
    assert event.capacity == 120 and event.region.value == "north_east"
    created = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.created"))
    assert created.actor_id == staff.id

    client.post(f"/admin/events/{event.id}/publish")
    assert event.status is EventStatus.PUBLISHED
    edited = client.get(f"/admin/events/{event.id}/edit")
    assert 'value="2031-07-14T09:30"' in edited.get_data(as_text=True)


def test_every_problem_with_an_event_is_shown_at_its_field_at_once_and_nothing_is_saved(client, person_as):
    sign_in(client, person_as("staff"))

    response = client.post(
        "/admin/events/new",
        data=event_form(
            title="",
            region="",
            ends_at="2031-07-14T08:00",
            venue="",
            capacity="0",
            member_price="lots",
            booking_closes_at="2031-07-15T09:00",
            starts_at="2031-07-14T09:30",
            cpd_hours="0.3",
            hold_minutes="",
        ),
    )

    assert response.status_code == 200
    assert field_error(response, "title") == "Enter the event's title"
    assert field_error(response, "region") == "Choose the region of this roadshow"
    assert field_error(response, "ends_at") == "The end must be after the start"
    assert field_error(response, "venue") == "Enter the venue, or choose the online format"
    assert "number of places" in field_error(response, "capacity")
    assert field_error(response, "member_price")
    assert field_error(response, "booking_closes_at") == "Booking must close no later than the event starts"
    assert "quarter hours" in field_error(response, "cpd_hours")
    assert "minutes" in field_error(response, "hold_minutes")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0
    assert "There is a problem" in page_text(response)


def test_an_unreadable_time_is_reported_at_its_field(client, person_as):
    sign_in(client, person_as("staff"))

    response = client.post("/admin/events/new", data=event_form(starts_at="next tuesday"))

    assert field_error(response, "starts_at") == "Enter when the event starts, like 14/07/2027 09:30"
