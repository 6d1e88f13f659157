"""Logging CPD against the code of practice: the rules an entry must meet, drafts, editing and deleting."""

import datetime as dt

import pytest
import time_machine

from nalw.core.errors import DomainError
from nalw.core.forms import carry_out
from nalw.cpd.forms import EntryForm
from nalw.cpd.models import ActivityType, EntryStatus
from nalw.cpd.services import CpdError
from tests.cpd.record_steps import entries_of, entry_answers, evidence_rows, field_is_invalid, group_is_invalid, upload
from tests.factories import REFLECTION, CpdEntryFactory, MembershipFactory, pdf_file, publish_new_code_version, standard
from tests.helpers import page_text, sign_in
from tests.members.steps import errors_on_field

TODAY = dt.date(2026, 2, 10)


@pytest.fixture(autouse=True)
def clock():
    """Mid-February 2026, in the CPD year from 1 April 2025: three days ago is in the same year."""
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in_member(client):
    person = MembershipFactory().person
    sign_in(client, person)
    return person


def test_member_logs_a_complete_entry_and_sees_it_count(client, signed_in_member):
    response = client.post("/cpd/entries/new", data=entry_answers(), follow_redirects=True)

    assert "Entry saved." in page_text(response)
    [entry] = entries_of(signed_in_member)
    assert entry.status is EntryStatus.COMPLETE
    assert (entry.done_on, entry.title, entry.activity_type) == (
        dt.date(2026, 2, 7),
        "Safeguarding adults level 2",
        ActivityType.COURSE,
    )
    assert (entry.quarter_hours, entry.provider) == (10, "Local authority")
    assert [s.code for s in entry.standards] == ["S5", "S6"]
    assert {field: getattr(entry, field) for field in REFLECTION} == REFLECTION
    assert "2.5 of 20 hours" in page_text(client.get("/cpd"))


@pytest.mark.parametrize(("hours", "quarter_hours"), [("0.25", 1), ("24", 96), ("7.75", 31), (" 1.5 ", 6)])
def test_hours_are_taken_in_quarter_hours_up_to_a_whole_day(client, signed_in_member, hours, quarter_hours):
    client.post("/cpd/entries/new", data=entry_answers(hours=hours))

    [entry] = entries_of(signed_in_member)
    assert entry.quarter_hours == quarter_hours


QUARTERS = "Hours must be in quarter hours, like 0.25, 0.5, 0.75 or 1"
RANGE = "Hours must be more than 0 and at most 24 in a day"
NUMBER = "Enter hours as a number, like 1.5"


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"hours": "1.3"}, "hours", QUARTERS),
        ({"hours": "0.1"}, "hours", QUARTERS),
        ({"hours": "0"}, "hours", RANGE),
        ({"hours": "-1"}, "hours", RANGE),
        ({"hours": "24.25"}, "hours", RANGE),
        ({"hours": "Infinity"}, "hours", NUMBER),
        ({"hours": "NaN"}, "hours", NUMBER),
        ({"hours": "sNaN"}, "hours", NUMBER),
        ({"hours": "two"}, "hours", NUMBER),
        ({"hours": ""}, "hours", "Enter the hours spent, like 1.5"),
        ({"title": ""}, "title", "Enter a title for the activity"),
        ({"title": "   "}, "title", "Enter a title for the activity"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"activity_type": ""}, "activity_type", "Choose the type of activity"),
        ({"activity_type": "skydiving"}, "activity_type", "Choose the type of activity from the list"),
        ({"done_on": ""}, "done_on", "Enter the date of the activity, using the date picker or day, month and year"),
        ({"done_on": "2026-02-11"}, "done_on", "The date cannot be in the future. Enter the day you did the activity."),
        # Before the first CPD year the pages show, a date is a slip of the keyboard: it would be out of sight.
        ({"done_on": "2000-03-31"}, "done_on", "The date cannot be before 1 April 2000. Check the year."),
        ({"done_on": "0001-01-01"}, "done_on", "The date cannot be before 1 April 2000. Check the year."),
        ({"provider": "p" * 201}, "provider", "Provider must be 200 characters or fewer"),
        ({"impact": ""}, "impact", "To complete the entry, answer every reflection question, or save it as a draft."),
        (
            {"what_i_did": "  "},
            "what_i_did",
            "To complete the entry, answer every reflection question, or save it as a draft.",
        ),
    ],
)
def test_a_bad_entry_is_refused_with_a_message_on_the_field_and_nothing_saved(
    client, signed_in_member, overrides, field_id, message
):
    response = client.post("/cpd/entries/new", data=entry_answers(**overrides))

    assert response.status_code == 200
    assert errors_on_field(response, field_id) == [message]
    assert field_is_invalid(response, field_id)
    assert message in page_text(response)  # in the summary at the top too
    assert entries_of(signed_in_member) == []


def test_an_entry_needs_at_least_one_standard(client, signed_in_member):
    response = client.post("/cpd/entries/new", data=entry_answers(standards=[]))

    assert errors_on_field(response, "standards") == [
        "Choose at least one standard of the code of practice this activity relates to."
    ]
    assert group_is_invalid(response, "standards")
    assert entries_of(signed_in_member) == []


def test_a_standard_from_another_version_of_the_code_is_refused(client, signed_in_member, person_as):
    accepted_standard = standard("S1")
    new_version = publish_new_code_version(person_as("admin"))
    newer_standard = standard("S10", new_version)

    response = client.post(
        "/cpd/entries/new", data=entry_answers(standards=[str(accepted_standard.id), str(newer_standard.id)])
    )

    assert errors_on_field(response, "standards") == [
        "Choose standards from Version 1 of the code of practice, the one you accepted."
    ]
    assert group_is_invalid(response, "standards")
    assert entries_of(signed_in_member) == []
    # The form offers the standards of the version the member accepted, not the newer one.
    assert "S10 Working with digital tools" not in page_text(response)
    assert "S1 Person-centred, strengths-based practice" in page_text(response)


def test_a_standard_that_does_not_exist_is_refused(client, signed_in_member):
    response = client.post("/cpd/entries/new", data=entry_answers(standards=["999999"]))

    assert errors_on_field(response, "standards") == [
        "Choose standards from Version 1 of the code of practice, the one you accepted."
    ]
    assert entries_of(signed_in_member) == []


@pytest.mark.parametrize(
    ("utc_now", "uk_today"),
    [
        # British Summer Time: half past midnight in the UK is still the evening before in UTC.
        (dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC), dt.date(2025, 7, 1)),
        # Winter: the UK keeps UTC, so one minute to midnight is still the same day.
        (dt.datetime(2026, 1, 15, 23, 59, tzinfo=dt.UTC), dt.date(2026, 1, 15)),
    ],
)
def test_the_date_may_be_today_in_the_uk_but_not_tomorrow(client, clock, utc_now, uk_today):
    clock.move_to(utc_now)
    person = MembershipFactory().person
    sign_in(client, person)

    tomorrow = client.post(
        "/cpd/entries/new", data=entry_answers(done_on=(uk_today + dt.timedelta(days=1)).isoformat())
    )
    today = client.post("/cpd/entries/new", data=entry_answers(done_on=uk_today.isoformat()))

    assert errors_on_field(tomorrow, "done_on") == [
        "The date cannot be in the future. Enter the day you did the activity."
    ]
    assert today.status_code == 302
    assert [entry.done_on for entry in entries_of(person)] == [uk_today]


def test_the_first_day_of_the_first_cpd_year_is_accepted_and_its_year_can_be_shown(client, signed_in_member):
    client.post("/cpd/entries/new", data=entry_answers(done_on="2000-04-01", title="Very first course"))

    [entry] = entries_of(signed_in_member)
    assert entry.done_on == dt.date(2000, 4, 1)
    assert client.get("/cpd").status_code == 200
    assert "Very first course" in page_text(client.get("/cpd?year=2000"))


def test_a_draft_is_saved_without_reflection_and_does_not_count(client, signed_in_member):
    answers = entry_answers(save_draft="Save as draft", **dict.fromkeys(REFLECTION, ""))

    response = client.post("/cpd/entries/new", data=answers, follow_redirects=True)

    assert "Entry saved as a draft: complete the reflection to count it." in page_text(response)
    assert "This is a draft. Answer the reflection questions and press Save entry to count its hours." in page_text(
        response
    )
    [entry] = entries_of(signed_in_member)
    assert entry.status is EntryStatus.DRAFT
    assert entry.what_i_did == ""
    progress = page_text(client.get("/cpd"))
    assert "0 of 20 hours" in progress
    assert "1 draft entry does not count until completed." in progress


def test_a_draft_still_has_to_meet_the_other_rules(client, signed_in_member):
    answers = entry_answers(save_draft="Save as draft", hours="1.3", **dict.fromkeys(REFLECTION, ""))

    response = client.post("/cpd/entries/new", data=answers)

    assert errors_on_field(response, "hours") == [QUARTERS]
    assert entries_of(signed_in_member) == []


def test_completing_a_draft_later_counts_its_hours(client, signed_in_member):
    draft = CpdEntryFactory(person=signed_in_member, done_on=dt.date(2026, 1, 20), hours=2.5, complete=False)

    response = client.post(f"/cpd/entries/{draft.id}", data=entry_answers(done_on="2026-01-20"), follow_redirects=True)

    assert "Entry saved." in page_text(response)
    [entry] = entries_of(signed_in_member)
    assert entry.status is EntryStatus.COMPLETE
    assert entry.what_i_did == REFLECTION["what_i_did"]
    progress = page_text(client.get("/cpd"))
    assert "2.5 of 20 hours" in progress
    assert "does not count until completed" not in progress


def test_a_member_edits_their_own_entry(client, signed_in_member):
    entry = CpdEntryFactory(
        person=signed_in_member, done_on=dt.date(2026, 1, 20), hours=1, standards=("S1",), title="Peer supervision"
    )

    form = client.get(f"/cpd/entries/{entry.id}")
    assert 'value="Peer supervision"' in form.get_data(as_text=True)
    response = client.post(
        f"/cpd/entries/{entry.id}",
        data=entry_answers(
            done_on="2026-01-21",
            title="Group supervision",
            activity_type="peer_support",
            hours="1.75",
            standards=[str(standard("S7").id)],
        ),
        follow_redirects=True,
    )

    assert "Entry saved." in page_text(response)
    [edited] = entries_of(signed_in_member)
    assert edited.id == entry.id
    assert (edited.done_on, edited.title, edited.activity_type, edited.quarter_hours) == (
        dt.date(2026, 1, 21),
        "Group supervision",
        ActivityType.PEER_SUPPORT,
        7,
    )
    assert [s.code for s in edited.standards] == ["S7"]


def test_a_refused_edit_changes_nothing(client, signed_in_member):
    entry = CpdEntryFactory(person=signed_in_member, done_on=dt.date(2026, 1, 20), hours=1, title="Peer supervision")

    response = client.post(f"/cpd/entries/{entry.id}", data=entry_answers(title="Changed", hours="1.3"))

    assert errors_on_field(response, "hours") == [QUARTERS]
    [unchanged] = entries_of(signed_in_member)
    assert (unchanged.title, unchanged.quarter_hours) == ("Peer supervision", 4)


def test_a_member_deletes_their_own_entry(client, signed_in_member):
    kept = CpdEntryFactory(person=signed_in_member, done_on=dt.date(2026, 1, 19), title="Kept")
    entry = CpdEntryFactory(person=signed_in_member, done_on=dt.date(2026, 1, 20), title="Logged by mistake")

    response = client.post(f"/cpd/entries/{entry.id}/delete", follow_redirects=True)

    assert "Entry deleted." in page_text(response)
    assert "Logged by mistake" not in page_text(response)
    assert entries_of(signed_in_member) == [kept]


def test_someone_elses_entry_is_not_found_to_view_edit_delete_or_add_evidence(client, tmp_path):
    owner = MembershipFactory().person
    entry = CpdEntryFactory(person=owner, done_on=dt.date(2026, 1, 20), hours=1, title="Owner's entry")
    sign_in(client, MembershipFactory().person)

    assert client.get(f"/cpd/entries/{entry.id}").status_code == 404
    assert client.post(f"/cpd/entries/{entry.id}", data=entry_answers(title="Hijacked")).status_code == 404
    assert client.post(f"/cpd/entries/{entry.id}/delete").status_code == 404
    assert upload(client, entry, "report.pdf", pdf_file()).status_code == 404

    [still_there] = entries_of(owner)
    assert (still_there.title, still_there.quarter_hours) == ("Owner's entry", 4)
    assert evidence_rows() == []
    assert not (tmp_path / "evidence").exists() or list((tmp_path / "evidence").iterdir()) == []


def test_staff_cannot_open_a_members_entry_for_editing(client, person_as):
    entry = CpdEntryFactory(person=MembershipFactory().person, done_on=dt.date(2026, 1, 20))
    sign_in(client, person_as("staff"))

    assert client.get(f"/cpd/entries/{entry.id}").status_code == 404


def test_someone_without_a_membership_is_sent_to_apply_before_logging(client, person_as):
    sign_in(client, person_as("account_holder"))

    response = client.post("/cpd/entries/new", data=entry_answers(), follow_redirects=True)

    assert response.request.path == "/membership"
    assert "You need a membership to log CPD." in page_text(response)


def test_deleting_an_entry_asks_first_on_a_page_and_deletes_nothing_until_confirmed(client, signed_in_member):
    entry = CpdEntryFactory(
        person=signed_in_member, done_on=TODAY - dt.timedelta(days=2), hours=1, title="Peer supervision"
    )
    entry_page = client.get(f"/cpd/entries/{entry.id}").get_data(as_text=True)

    asked = client.get(f"/cpd/entries/{entry.id}/delete")

    assert f'href="/cpd/entries/{entry.id}/delete"' in entry_page  # a link: no script needed
    assert asked.status_code == 200
    text = page_text(asked)
    assert "Delete Peer supervision?" in text
    assert "This deletes your CPD entry Peer supervision of 8 February 2026 (1 hour, counted towards your CPD)" in text
    assert "It cannot be got back." in text
    assert entries_of(signed_in_member) == [entry]

    response = client.post(f"/cpd/entries/{entry.id}/delete", follow_redirects=True)

    assert "Entry deleted." in page_text(response)
    assert entries_of(signed_in_member) == []


def test_entries_on_one_day_adding_up_to_more_than_24_hours_are_refused_at_the_hours_field(client, signed_in_member):
    day = TODAY - dt.timedelta(days=3)
    CpdEntryFactory(person=signed_in_member, done_on=day, hours=15, title="Conference")
    CpdEntryFactory(
        person=signed_in_member, done_on=day, hours=5, title="Unfinished reading", complete=False
    )  # drafts count too
    CpdEntryFactory(
        person=signed_in_member, done_on=day - dt.timedelta(days=1), hours=20, title="The day before"
    )  # another day

    response = client.post("/cpd/entries/new", data=entry_answers(done_on=day.isoformat(), hours="4.25"))

    assert errors_on_field(response, "hours") == [
        "You have already logged 20 hours on 7 February 2026, so at most 4 hours more fit in that day. "
        "Check the hours and the date."
    ]
    assert field_is_invalid(response, "hours")
    assert len(entries_of(signed_in_member)) == 3
    assert client.post("/cpd/entries/new", data=entry_answers(done_on=day.isoformat(), hours="4")).status_code == 302
    assert len(entries_of(signed_in_member)) == 4


def test_editing_an_entry_does_not_count_it_twice_against_its_day(client, signed_in_member):
    day = TODAY - dt.timedelta(days=3)
    CpdEntryFactory(person=signed_in_member, done_on=day, hours=20, title="Conference")
    entry = CpdEntryFactory(person=signed_in_member, done_on=day, hours=3, title="Reading")

    kept = client.post(f"/cpd/entries/{entry.id}", data=entry_answers(done_on=day.isoformat(), hours="4"))
    refused = client.post(f"/cpd/entries/{entry.id}", data=entry_answers(done_on=day.isoformat(), hours="4.25"))

    assert kept.status_code == 302
    assert errors_on_field(refused, "hours") == [
        "You have already logged 20 hours on 7 February 2026, so at most 4 hours more fit in that day. "
        "Check the hours and the date."
    ]
    assert [each.quarter_hours for each in entries_of(signed_in_member)] == [80, 16]


def test_a_cpd_refusal_is_a_domain_error_that_carry_out_shows_at_its_field(app):
    with app.test_request_context(method="POST", data={"title": "Safeguarding"}):
        form = EntryForm(meta={"csrf": False})
        with carry_out(form) as call:
            raise CpdError("Enter the hours spent, like 1.5", field="hours")

    assert issubclass(CpdError, DomainError)
    assert not call.succeeded
    assert form.hours.errors == ["Enter the hours spent, like 1.5"]
