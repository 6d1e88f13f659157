"""A member drawn for an audit builds and submits a CPD profile; staff review it and the member is told."""

import datetime as dt
import re
from html import unescape

import pytest
import sqlalchemy as sa
import time_machine

from nalw.core.contact import contact_us_text
from nalw.core.time import london_today
from nalw.cpd import audits
from nalw.cpd.models import AuditSelection, Outcome, SelectionStatus, StandardOutcome
from nalw.cpd.services import CpdError, accepted_version
from nalw.extensions import db
from tests.cpd.record_steps import selections_of
from tests.factories import CpdAuditFactory, CpdEntryFactory, MembershipFactory, audited_year, staff_member
from tests.helpers import emails_to, link_in, page_text, sign_in
from tests.members.steps import audit_entries, errors_on_field

SUMMARY = "I support people in a large PCN; this year I focused on safeguarding and money worries."


@pytest.fixture
def drawn(app):
    """One member drawn for an audit due in 30 days, with two complete entries and a draft."""
    staff = staff_member()
    membership = MembershipFactory(long_standing=True)
    person = membership.person
    entries = [
        CpdEntryFactory(person=person, done_on=audited_year().starts_on, hours=3, title="Safeguarding adults"),
        CpdEntryFactory(person=person, done_on=audited_year().starts_on, hours=2, title="Debt advice"),
    ]
    draft = CpdEntryFactory(
        person=person, done_on=audited_year().starts_on, hours=1, title="Half-written reflection", complete=False
    )
    audit = CpdAuditFactory(staff=staff, deadline_on=london_today() + dt.timedelta(days=30))
    [selection] = selections_of(audit)
    db.session.commit()
    return staff, person, selection, entries, draft


def profile_form(entries, *, submit=True, summary=SUMMARY):
    data = {"summary": summary, "entries": [str(entry.id) for entry in entries]}
    data["submit" if submit else "save"] = "Submit profile" if submit else "Save without submitting"
    return data


def at_noon(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False)


def summary_shown(response):
    """What the summary box on the profile form holds, or None when there is no form."""
    match = re.search(r'<textarea[^>]*id="summary"[^>]*>(.*?)</textarea>', response.get_data(as_text=True), re.S)
    return unescape(match.group(1)).strip() if match else None


def ticked_entries(response):
    html = response.get_data(as_text=True)
    return [int(value) for value in re.findall(r'<input checked[^>]*name="entries"[^>]*value="(\d+)"', html)]


def reload(selection):
    db.session.expire_all()
    return db.session.get(AuditSelection, selection.id)


# --- The member's profile ------------------------------------------------------------------------


def test_only_the_selected_member_can_open_their_profile(client, drawn):
    _, person, selection, entries, _ = drawn
    someone_else = MembershipFactory(long_standing=True)
    sign_in(client, someone_else.person)

    assert client.get(f"/cpd/audit/{selection.id}").status_code == 404
    assert client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries)).status_code == 404
    assert reload(selection).status is SelectionStatus.SELECTED and reload(selection).summary == ""

    sign_in(client, person)
    page = page_text(client.get("/cpd/audit"))
    assert "Waiting for profile" in page
    assert client.get(f"/cpd/audit/{selection.id}").status_code == 200


def test_member_submits_a_summary_and_chosen_complete_entries(client, drawn):
    _, person, selection, entries, draft = drawn
    sign_in(client, person)
    form_page = page_text(client.get(f"/cpd/audit/{selection.id}"))
    assert "Safeguarding adults (3 hours)" in form_page and "Debt advice (2 hours)" in form_page
    assert "Half-written reflection" not in form_page  # drafts are not offered

    response = client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries), follow_redirects=True)

    selection = reload(selection)
    assert selection.status is SelectionStatus.SUBMITTED and selection.submitted_at is not None
    assert selection.summary == SUMMARY
    assert {entry.id for entry in selection.entries} == {entry.id for entry in entries}
    page = page_text(response)
    assert "Profile submitted. We will email you the outcome." in page
    assert "Status: Submitted" in page and SUMMARY in page
    assert "Submit profile" not in page
    [entry] = audit_entries("cpd_audit.submitted")
    assert (entry.target_type, entry.target_id) == ("Person", str(person.id))
    history = page_text(client_as_staff(client).get(f"/admin/people/{person.id}"))
    assert history.count(f"CPD audit profile for {audited_year().label} submitted") == 1


def test_saving_without_submitting_keeps_the_profile_editable(client, drawn):
    _, person, selection, entries, _ = drawn
    sign_in(client, person)

    response = client.post(
        f"/cpd/audit/{selection.id}", data=profile_form(entries[:1], submit=False), follow_redirects=True
    )

    selection = reload(selection)
    assert selection.status is SelectionStatus.SELECTED and selection.submitted_at is None
    assert selection.summary == SUMMARY and [entry.id for entry in selection.entries] == [entries[0].id]
    assert "Profile saved." in page_text(response)
    assert summary_shown(response) == SUMMARY
    assert ticked_entries(response) == [entries[0].id]

    client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries))
    assert reload(selection).status is SelectionStatus.SUBMITTED


@pytest.mark.parametrize("submit", [True, False], ids=["submitting", "saving"])
@pytest.mark.parametrize("choice", ["a draft entry", "someone else's entry", "an entry that does not exist"])
def test_entries_that_are_not_the_members_own_complete_entries_are_refused(client, drawn, choice, submit):
    _, person, selection, entries, draft = drawn
    other = MembershipFactory(long_standing=True)
    chosen = {
        "a draft entry": draft.id,
        "someone else's entry": CpdEntryFactory(person=other.person, done_on=audited_year().starts_on, hours=4).id,
        "an entry that does not exist": 999_999,
    }[choice]
    db.session.commit()
    sign_in(client, person)
    data = profile_form(entries, submit=submit)
    data["entries"].append(str(chosen))

    response = client.post(f"/cpd/audit/{selection.id}", data=data)

    assert errors_on_field(response, "entries") == [
        "Choose one or more of your complete CPD entries from the CPD year 2025 to 2026."
    ]
    selection = reload(selection)
    assert selection.status is SelectionStatus.SELECTED
    assert selection.summary == "" and selection.entries == []
    assert audit_entries("cpd_audit.submitted") == []


@pytest.mark.parametrize(
    ("summary", "with_entries", "field", "message"),
    [
        ("   ", True, "summary", "Write a summary of your practice and learning this year."),
        (SUMMARY, False, "entries", "Choose one or more of your complete CPD entries from the CPD year 2025 to 2026."),
    ],
)
def test_a_profile_needs_a_summary_and_at_least_one_entry(client, drawn, summary, with_entries, field, message):
    _, person, selection, entries, _ = drawn
    sign_in(client, person)

    response = client.post(
        f"/cpd/audit/{selection.id}", data=profile_form(entries if with_entries else [], summary=summary)
    )

    assert errors_on_field(response, field) == [message]
    selection = reload(selection)
    assert selection.status is SelectionStatus.SELECTED and selection.submitted_at is None
    assert selection.entries == []


def test_a_profile_can_be_submitted_on_the_deadline_day(client, drawn):
    _, person, selection, entries, _ = drawn

    with at_noon(selection.deadline_on):
        sign_in(client, person)
        client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries))

    assert reload(selection).status is SelectionStatus.SUBMITTED


def test_submitting_after_the_deadline_is_refused_even_when_posted_directly(client, drawn):
    _, person, selection, entries, _ = drawn

    with at_noon(selection.deadline_on + dt.timedelta(days=1)):
        sign_in(client, person)
        page = client.get(f"/cpd/audit/{selection.id}")
        response = client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries))
        with pytest.raises(CpdError, match="The deadline was"):
            audits.submit_profile(person, reload(selection), SUMMARY, [entry.id for entry in entries])

    assert f"The deadline has passed. {contact_us_text(capital=True)} to ask for more time." in page_text(page)
    assert summary_shown(page) is None  # no form to fill in
    assert "Profile submitted" not in page_text(response)
    selection = reload(selection)
    assert selection.status is SelectionStatus.SELECTED and selection.summary == "" and selection.entries == []


def test_a_submitted_profile_cannot_be_edited(client, drawn):
    _, person, selection, entries, _ = drawn
    sign_in(client, person)
    client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries))

    page = client.get(f"/cpd/audit/{selection.id}")
    client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries[:1], summary="Changed my mind."))
    client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries[:1], summary="Changed.", submit=False))

    assert summary_shown(page) is None and "Submit profile" not in page_text(page)
    selection = reload(selection)
    assert selection.summary == SUMMARY and len(selection.entries) == 2
    with pytest.raises(CpdError, match="already been submitted"):
        audits.save_profile_draft(person, selection, "Changed.", [entries[0].id])


# --- Review by staff -------------------------------------------------------------------------------


def client_as_staff(client, staff=None):
    sign_in(client, staff or staff_member())
    return client


def submit(person, selection, entries, summary=SUMMARY):
    audits.submit_profile(person, selection, summary, [entry.id for entry in entries])
    db.session.commit()


def review_form(standards, overall, comment="Thank you.", per_standard=None):
    data = {"overall": overall, "comment": comment}
    for standard in standards:
        outcome, text = (per_standard or {}).get(standard.code, ("meets", f"{standard.code} well shown."))
        data[f"outcome_{standard.id}"] = outcome
        data[f"comment_{standard.id}"] = text
    return data


def outcome_emails(person):
    return [m for m in emails_to(person.email) if m.template == "cpd/audit_outcome"]


def test_staff_record_an_outcome_per_standard_and_overall_and_the_member_is_told(client, drawn):
    staff, person, selection, entries, _ = drawn
    submit(person, selection, entries)
    standards = list(accepted_version(person).standards)[:2]
    client_as_staff(client, staff)
    review_page = page_text(client.get(f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}"))
    assert SUMMARY in review_page and "Safeguarding adults (3 hours" in review_page and "What I learned" in review_page

    response = client.post(
        f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}",
        data=review_form(
            standards,
            "meets",
            comment="A thoughtful profile.",
            per_standard={standards[1].code: ("does_not_meet", "Nothing on this yet.")},
        ),
        follow_redirects=True,
    )

    assert "Outcome recorded and the member told." in page_text(response)
    selection = reload(selection)
    assert selection.status is SelectionStatus.REVIEWED and selection.outcome is Outcome.MEETS
    assert selection.outcome_comment == "A thoughtful profile." and selection.reviewer_id == staff.id
    recorded = {item.standard.code: (item.outcome, item.comment) for item in selection.standard_outcomes}
    assert recorded == {
        standards[0].code: (Outcome.MEETS, f"{standards[0].code} well shown."),
        standards[1].code: (Outcome.DOES_NOT_MEET, "Nothing on this yet."),
    }
    [message] = outcome_emails(person)
    assert message.subject == "Your CPD audit outcome: Meets"
    assert "A thoughtful profile." in message.body_text
    sign_in(client, person)
    member_page = page_text(client.get(link_in(message, "/cpd/audit/")))
    assert "Outcome: Meets" in member_page
    assert f"{standards[1].code} {standards[1].title}: Does not meet. Nothing on this yet." in member_page
    assert summary_shown(client.get(f"/cpd/audit/{selection.id}")) is None

    [entry] = audit_entries("cpd_audit.reviewed")
    assert (entry.target_type, entry.target_id, entry.actor_id) == ("Person", str(person.id), staff.id)
    assert entry.after["outcome"] == "meets"
    history = page_text(client_as_staff(client, staff).get(f"/admin/people/{person.id}"))
    assert "CPD audit outcome: Meets" in history


def test_does_not_meet_is_recorded_and_the_member_told(client, drawn):
    staff, person, selection, entries, _ = drawn
    submit(person, selection, entries)
    standards = list(accepted_version(person).standards)[:1]
    client_as_staff(client, staff)

    client.post(
        f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}",
        data=review_form(standards, "does_not_meet", comment="The entries do not show reflection."),
    )

    selection = reload(selection)
    assert selection.status is SelectionStatus.REVIEWED and selection.outcome is Outcome.DOES_NOT_MEET
    [message] = outcome_emails(person)
    assert message.subject == "Your CPD audit outcome: Does not meet"


def test_more_information_reopens_the_profile_with_a_later_deadline_and_the_member_resubmits(client, drawn):
    staff, person, selection, entries, _ = drawn
    submit(person, selection, entries[:1])
    standards = list(accepted_version(person).standards)[:2]
    review_url = f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}"
    today = london_today()
    assert selection.deadline_on < today + dt.timedelta(days=31)

    client_as_staff(client, staff).post(
        review_url,
        data=review_form(
            standards,
            "more_information",
            comment="Tell us more about safeguarding.",
            per_standard={standards[0].code: ("more_information", "Which policies did you use?")},
        ),
    )

    selection = reload(selection)
    assert selection.status is SelectionStatus.REOPENED and selection.outcome is Outcome.MORE_INFORMATION
    assert selection.deadline_on >= today + dt.timedelta(days=21)
    [message] = outcome_emails(person)
    assert message.subject == "Your CPD audit outcome: More information needed"
    assert "Tell us more about safeguarding." in message.body_text
    assert f"submit it again by {selection.deadline_on.day} {selection.deadline_on:%B %Y}" in message.body_text

    # The member sees the request, edits the profile and submits it again.
    sign_in(client, person)
    page = client.get(f"/cpd/audit/{selection.id}")
    assert "More information requested" in page_text(page) and "Which policies did you use?" in page_text(page)
    assert summary_shown(page) == SUMMARY
    client.post(f"/cpd/audit/{selection.id}", data=profile_form(entries, summary=SUMMARY + " More detail."))
    selection = reload(selection)
    assert selection.status is SelectionStatus.SUBMITTED and len(selection.entries) == 2

    # Staff review it again: the second outcomes replace the first.
    response = client_as_staff(client, staff).post(review_url, data=review_form(standards, "meets"))
    assert response.status_code == 302
    selection = reload(selection)
    assert selection.status is SelectionStatus.REVIEWED and selection.outcome is Outcome.MEETS
    assert {(item.standard.code, item.outcome) for item in selection.standard_outcomes} == {
        (standards[0].code, Outcome.MEETS),
        (standards[1].code, Outcome.MEETS),
    }
    assert db.session.scalar(sa.select(sa.func.count(StandardOutcome.id))) == 2
    assert [m.subject for m in outcome_emails(person)][-1] == "Your CPD audit outcome: Meets"
    assert len(audit_entries("cpd_audit.reviewed")) == 2
    assert len(audit_entries("cpd_audit.submitted")) == 2


def test_more_information_keeps_a_deadline_that_is_already_further_away(client, app):
    staff = staff_member()
    membership = MembershipFactory(long_standing=True)
    entry = CpdEntryFactory(person=membership.person, done_on=audited_year().starts_on, hours=3)
    far_deadline = london_today() + dt.timedelta(days=60)
    [selection] = selections_of(CpdAuditFactory(staff=staff, deadline_on=far_deadline))
    submit(membership.person, selection, [entry])

    client_as_staff(client, staff).post(
        f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}",
        data=review_form(list(accepted_version(membership.person).standards)[:1], "more_information"),
    )

    selection = reload(selection)
    assert selection.status is SelectionStatus.REOPENED and selection.deadline_on == far_deadline


@pytest.mark.parametrize("state", ["waiting for a profile", "already reviewed"])
def test_reviewing_a_profile_that_is_not_submitted_is_refused(client, drawn, state):
    staff, person, selection, entries, _ = drawn
    standards = list(accepted_version(person).standards)[:1]
    review_url = f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}"
    if state == "already reviewed":
        submit(person, selection, entries)
        client_as_staff(client, staff).post(review_url, data=review_form(standards, "meets"))
    emails_before = len(outcome_emails(person))
    reviews_before = len(audit_entries("cpd_audit.reviewed"))

    page = client_as_staff(client, staff).get(review_url)
    response = client.post(review_url, data=review_form(standards, "does_not_meet"))

    assert "Record outcome and tell the member" not in page_text(page)
    assert "Only a submitted profile can be reviewed." in page_text(response)
    selection = reload(selection)
    assert selection.outcome is (Outcome.MEETS if state == "already reviewed" else None)
    assert len(outcome_emails(person)) == emails_before
    assert len(audit_entries("cpd_audit.reviewed")) == reviews_before


def test_a_review_needs_an_outcome_for_at_least_one_standard(client, drawn):
    staff, person, selection, entries, _ = drawn
    submit(person, selection, entries)

    response = client_as_staff(client, staff).post(
        f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}",
        data={"overall": "meets", "comment": "Fine."},
    )

    assert "Record an outcome for at least one standard." in page_text(response)
    selection = reload(selection)
    assert selection.status is SelectionStatus.SUBMITTED and selection.outcome is None
    assert outcome_emails(person) == []


def test_staff_see_the_audit_progress_at_a_glance(client, app):
    staff = staff_member()
    members = [MembershipFactory(long_standing=True, person__name=f"Member {letter}") for letter in "ABCD"]
    entries = {
        m.person_id: CpdEntryFactory(person=m.person, done_on=audited_year().starts_on, hours=3) for m in members
    }
    audit = CpdAuditFactory(staff=staff)
    by_person = {s.person_id: s for s in selections_of(audit)}
    waiting, submitted, reviewed, reopened = (by_person[m.person_id] for m in members)
    for selection in (submitted, reviewed, reopened):
        submit(selection.person, selection, [entries[selection.person_id]])
    standard_id = accepted_version(members[0].person).standards[0].id
    audits.review(staff, reviewed, {standard_id: (Outcome.MEETS, "")}, Outcome.MEETS, "")
    audits.review(staff, reopened, {standard_id: (Outcome.MORE_INFORMATION, "")}, Outcome.MORE_INFORMATION, "")
    db.session.commit()

    page = page_text(client_as_staff(client, staff).get(f"/admin/cpd/audits/{audit.id}"))

    for line in (
        "Waiting for profile: 1",
        "Submitted: 1",
        "More information requested: 1",
        "Reviewed: 1",
        "Meets: 1",
        "Does not meet: 0",
    ):
        assert line in page
    assert "Member C Reviewed" in page and "Member B Submitted" in page
    listing = page_text(client.get("/admin/cpd/audits"))
    assert "4 of 4 (100%)" in listing
    assert "Waiting for profile: 1, Submitted: 1, More information requested: 1, Reviewed: 1" in listing


def form_values(response):
    """What the review form holds: {name: value} for each chosen option and each comment box."""
    html = response.get_data(as_text=True)
    chosen = dict(re.findall(r'<select[^>]*name="([^"]+)"[^>]*>.*?<option selected value="([^"]*)"', html, re.S))
    radios = re.findall(r'<input checked[^>]*name="overall"[^>]*value="([^"]+)"', html)
    comments = {
        name: unescape(text).strip()
        for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S)
    }
    return chosen, radios, comments


def test_a_second_review_opens_with_the_first_reviews_choices_and_saving_again_keeps_them(client, drawn):
    staff, person, selection, entries, _ = drawn
    submit(person, selection, entries)
    standards = list(accepted_version(person).standards)[:2]
    review_url = f"/admin/cpd/audits/{selection.audit_id}/selections/{selection.id}"
    client_as_staff(client, staff).post(
        review_url,
        data=review_form(
            standards,
            "more_information",
            comment="Tell us more.",
            per_standard={standards[1].code: ("does_not_meet", "Nothing on this yet.")},
        ),
    )
    submit(person, reload(selection), entries)

    page = client.get(review_url)

    chosen, overall, comments = form_values(page)
    assert chosen[f"outcome_{standards[0].id}"] == "meets"
    assert chosen[f"outcome_{standards[1].id}"] == "does_not_meet"
    assert comments[f"comment_{standards[1].id}"] == "Nothing on this yet."
    assert overall == ["more_information"] and comments["comment"] == "Tell us more."

    # Saving the form as it opened keeps every choice.
    data = {**chosen, **comments}
    data["overall"] = "meets"
    client.post(review_url, data=data)

    recorded = {item.standard.code: (item.outcome, item.comment) for item in reload(selection).standard_outcomes}
    assert recorded == {
        standards[0].code: (Outcome.MEETS, f"{standards[0].code} well shown."),
        standards[1].code: (Outcome.DOES_NOT_MEET, "Nothing on this yet."),
    }
