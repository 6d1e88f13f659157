"""One page per member for staff: their whole story on one time line, every action, and notes the member never sees."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine

from nalw.accounts import services as account_services
from nalw.admin.notes import StaffNote
from nalw.core.audit import AuditEntry
from nalw.core.permissions import Role, access_rule_for
from nalw.core.time import utcnow
from nalw.cpd import audits
from nalw.cpd.models import AuditSelection, CpdEntry, Outcome
from nalw.cpd.summaries import audit_selections_of
from nalw.events import attendance
from nalw.events import services as event_services
from nalw.events.summaries import bookings_of
from nalw.extensions import db
from nalw.members import organisations
from nalw.members.models import Membership, MembershipStatus, Organisation
from nalw.payments import services as payment_services
from nalw.payments.lists import payments_of
from tests.factories import (
    DEFAULT_PASSWORD,
    AwardCategoryFactory,
    CpdAuditFactory,
    CpdEntryFactory,
    EventFactory,
    MembershipFactory,
    NominationFactory,
    PersonFactory,
    audited_year,
    drawn_for_an_audit,
    judge,
    organisation_membership,
    organisation_tier,
    review_profile,
    staff_member,
    staff_note,
    under_way,
)
from tests.helpers import page_text, rows_of, sign_in

NOTE = "Rang to say the invoice is with their finance team."


def decision_link(membership, action):
    """The member page's link to a decision's own page, which brings staff back to the member page."""
    return f'href="/admin/memberships/{membership.id}/{action}?next=/admin/people/{membership.person_id}"'


@pytest.fixture
def staff(app):
    return staff_member(name="Sam Staff")


def full_history(staff, person=None):
    """A member with something from every source: application, approval, a payment and its refund, a CPD
    audit, a booking they attended, emails, a role granted and a staff note."""
    membership = MembershipFactory(person=person or PersonFactory(name="Priya Shah"), staff=staff)
    member = membership.person
    [fee] = payments_of(member.id)
    payment_services.request_refund(staff, fee, 500, "Overcharged by £5")
    CpdAuditFactory(staff=staff)
    event = EventFactory(title="North West roadshow", staff=staff)
    booking = event_services.book_place(event, member)
    under_way(event)
    attendance.check_in(staff, booking)
    account_services.grant_role(staff, member, Role.JUDGE)
    staff_note(member, NOTE, author=staff)
    db.session.flush()
    return membership


def test_the_time_line_holds_every_part_of_the_members_story_newest_first(client, staff):
    membership = full_history(staff)
    sign_in(client, staff)

    text = page_text(client.get(f"/admin/people/{membership.person_id}"))
    history = text.split("newest first", 1)[1]

    for expected in (
        "Applied for Link Worker membership",
        "Paid, awaiting approval → Active",
        "Link Worker membership fee: £",
        "Refund of £5.00 on R-",
        "Drawn for the CPD audit of",
        "Booked North West roadshow",
        "Attended North West roadshow",
        "Email: ",
        "Granted Judge to Priya Shah",
        NOTE,
    ):
        assert expected in history, expected
    assert history.index(NOTE) < history.index("Attended North West roadshow") < history.index("Applied for")
    assert "Sam Staff" in history
    assert re.search(r"Refund of £5\.00 on R-\d+ Overcharged by £5 \([a-z ]+\) Sam Staff", history)
    assert "0 hours of 20 hours logged (behind); 1 draft entry not counted" in text


def test_each_event_is_on_the_time_line_once_though_the_audit_log_also_records_it(client, staff):
    membership = full_history(staff)
    [selection] = audit_selections_of(membership.person_id)
    assert db.session.scalar(
        sa.select(sa.func.count()).where(
            AuditEntry.action == "cpd_audit.selected", AuditEntry.target_id == str(membership.person_id)
        )
    )
    sign_in(client, staff)

    history = page_text(client.get(f"/admin/people/{membership.person_id}")).split("newest first", 1)[1]

    assert history.count(f"CPD audit of {selection.audit.year.label}") == 1


def test_every_submission_and_review_of_a_reopened_audit_profile_is_on_the_time_line_with_who_did_it(client, staff):
    member = MembershipFactory(long_standing=True, person=PersonFactory(name="Priya Shah")).person
    selection, entry = drawn_for_an_audit(member, staff)
    year = selection.audit.year.label
    audits.submit_profile(member, selection, "What I learnt this year.", [entry.id])
    review_profile(staff_member(name="Rita Reviewer"), selection, Outcome.MORE_INFORMATION, "Say more about S2.")
    audits.submit_profile(member, selection, "What I learnt this year, and S2.", [entry.id])
    review_profile(staff, selection, Outcome.MEETS, "Well shown.")
    sign_in(client, staff)

    history = page_text(client.get(f"/admin/people/{member.id}")).split("newest first", 1)[1]

    steps = [
        f"CPD audit of {year} reviewed: meets Well shown. Sam Staff",
        f"CPD audit profile for {year} submitted Priya Shah",
        f"CPD audit of {year} reviewed: more information needed Rita Reviewer",
        f"CPD audit profile for {year} submitted Priya Shah",
        f"Drawn for the CPD audit of {year}",
    ]
    found = [history.find(step) for step in steps]
    assert -1 not in found, dict(zip(steps, found, strict=True))
    assert history.count(f"CPD audit profile for {year} submitted") == 2
    # Newest first; the two submissions are the same text, so the second is looked for after the first review.
    assert found[0] < found[1] < found[2] < history.find(steps[3], found[2]) < found[4]
    # The first review's comment went with the selection when it was reviewed again; it is not guessed at.
    assert "Say more about S2." not in history


def test_an_audit_log_entry_that_does_not_name_its_selection_is_placed_with_the_audit_drawn_before_it(client, staff):
    member = MembershipFactory(long_standing=True, person=PersonFactory(name="Priya Shah")).person
    selection, entry = drawn_for_an_audit(member, staff)
    audits.submit_profile(member, selection, "What I learnt this year.", [entry.id])
    review_profile(staff, selection, Outcome.MEETS, "Well shown.")
    for logged in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action.in_(("cpd_audit.submitted", "cpd_audit.reviewed")))
    ):
        logged.after = {key: value for key, value in (logged.after or {}).items() if key != "selection"}
    # A later audit (of the year before) draws them after those entries were written: they are not its.
    with time_machine.travel(utcnow() + dt.timedelta(days=1), tick=False):
        later = CpdAuditFactory(staff=staff, year=audited_year().previous())
    db.session.flush()
    sign_in(client, staff)

    history = page_text(client.get(f"/admin/people/{member.id}")).split("newest first", 1)[1]

    year = selection.audit.year.label
    assert f"CPD audit of {year} reviewed: meets Well shown. Sam Staff" in history
    assert f"CPD audit profile for {year} submitted Priya Shah" in history
    assert f"Drawn for the CPD audit of {later.year.label}" in history
    assert f"CPD audit profile for {later.year.label}" not in history
    assert f"CPD audit of {later.year.label} reviewed" not in history


def test_the_member_page_offers_every_staff_action_on_the_member(client, staff):
    membership = full_history(staff)
    sign_in(client, staff)

    html = client.get(f"/admin/people/{membership.person_id}").get_data(as_text=True)

    assert decision_link(membership, "suspend") in html
    assert f'href="/admin/memberships/{membership.id}#offline-payment"' in html
    assert re.search(r'href="/admin/payments/\d+/refund"', html)
    assert f'href="/admin/cpd/people/{membership.person_id}"' in html
    assert f'action="/admin/people/{membership.person_id}/notes"' in html


def test_a_paid_application_can_be_approved_or_rejected_from_the_member_page(client, staff):
    membership = MembershipFactory(paid=True)
    sign_in(client, staff)

    html = client.get(f"/admin/people/{membership.person_id}").get_data(as_text=True)

    assert f'action="/admin/memberships/{membership.id}/approve?next=/admin/people/{membership.person_id}"' in html
    assert decision_link(membership, "reject") in html
    assert decision_link(membership, "suspend") not in html


def test_an_organisations_admin_page_shows_the_membership_they_hold_for_it_with_its_actions(client, staff):
    organisation = organisation_membership()
    sign_in(client, staff)

    response = client.get(f"/admin/people/{organisation.person_id}")
    html, text = response.get_data(as_text=True), page_text(response)

    assert "No membership" not in text
    assert "Riverside PCN's membership, as its admin" in text
    assert organisation.number in text and "Organisation" in text and "Active" in text
    assert re.search(rf"Tier Organisation Status Active Number {re.escape(organisation.number)} ", text)
    assert decision_link(organisation, "suspend") in html
    assert f'href="/admin/memberships/{organisation.id}#offline-payment"' in html
    assert "Organisation membership fee: £400.00" in text  # its fee, in the history, which staff can refund
    assert re.search(r'href="/admin/payments/\d+/refund"', html)


def test_staff_suspend_and_reinstate_an_organisations_membership_from_its_admins_page(client, staff):
    organisation = organisation_membership()
    person_page = f"/admin/people/{organisation.person_id}"
    sign_in(client, staff)

    form = client.get(f"/admin/memberships/{organisation.id}/suspend?next={person_page}")
    suspended = client.post(
        f"/admin/memberships/{organisation.id}/suspend?next={person_page}",
        data={"reason": "Invoice disputed"},
        follow_redirects=True,
    )

    assert "Suspend Riverside PCN's membership" in page_text(form)
    assert f'<a href="{person_page}">Cancel: go back without suspending the membership</a>' in form.get_data(
        as_text=True
    )
    assert suspended.request.path == person_page
    assert "Membership suspended." in page_text(suspended)
    db.session.expire_all()
    assert db.session.get(Membership, organisation.id).status is MembershipStatus.SUSPENDED
    html = suspended.get_data(as_text=True)
    assert decision_link(organisation, "reinstate") in html
    assert decision_link(organisation, "suspend") not in html

    reinstated = client.post(
        f"/admin/memberships/{organisation.id}/reinstate?next={person_page}",
        data={"reason": "Invoice paid"},
        follow_redirects=True,
    )

    assert reinstated.request.path == person_page
    assert "Membership reinstated: now active." in page_text(reinstated)
    db.session.expire_all()
    assert db.session.get(Membership, organisation.id).status is MembershipStatus.ACTIVE
    assert decision_link(organisation, "suspend") in reinstated.get_data(as_text=True)


def test_an_organisation_handed_to_a_colleague_is_on_the_new_admins_time_line_with_who_applied_for_it(client, staff):
    held = organisation_membership(admin="Olu Organisation")
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    organisations.hand_over(staff, db.session.get(Organisation, held.organisation_id), nia.email, "Olu has left")
    sign_in(client, staff)

    history = page_text(client.get(f"/admin/people/{nia.id}")).split("newest first", 1)[1]

    assert "Organisation membership: Active (no change) Handed to a new admin: Olu has left Sam Staff" in history
    assert "Applied for Organisation membership Riverside PCN (" in history
    assert re.search(r"Applied for Organisation membership [^|]*?Yorkshire and the Humber Olu Organisation", history)
    assert "Granted Organisation admin to Nia Newton" in history
    assert "Email: You now run Riverside PCN's NALW membership" in history


def test_the_previous_admins_page_lists_the_organisations_they_handed_on_even_once_they_are_erased(client, staff):
    olu = PersonFactory(name="Olu Organisation")
    hillside = MembershipFactory(person=olu, tier=organisation_tier(), organisation_name="Hillside Surgery")
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    with time_machine.travel(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)):
        organisations.hand_over(staff, db.session.get(Organisation, hillside.organisation_id), nia.email, "Olu left")
    riverside = MembershipFactory(person=olu, tier=organisation_tier(), organisation_name="Riverside PCN")
    rhys = PersonFactory(name="Rhys Reed", email="rhys@example.org")
    with time_machine.travel(dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)):
        organisations.hand_over(staff, db.session.get(Organisation, riverside.organisation_id), rhys.email, "Olu left")
    sign_in(client, staff)

    response = client.get(f"/admin/people/{olu.id}")
    html, text = response.get_data(as_text=True), page_text(response)

    handed_on = text.split("Organisations handed on", 1)[1].split("CPD this year", 1)[0]
    assert handed_on.strip() == (
        "Riverside PCN , handed on 4 May 2026 to Rhys Reed Hillside Surgery , handed on 2 Mar 2026 to Nia Newton"
    )
    for membership, name, admin in ((riverside, "Riverside PCN", rhys), (hillside, "Hillside Surgery", nia)):
        assert f'<a href="/admin/memberships/{membership.id}">{name}</a>, handed on' in html
        assert f'<a href="/admin/people/{admin.id}">{admin.name}</a>' in html
    # The new admins handed nothing on; the entries are found by id, so erasing Olu's address loses none.
    assert "Organisations handed on" not in page_text(client.get(f"/admin/people/{nia.id}"))
    account_services.erase_person(olu, DEFAULT_PASSWORD)
    assert handed_on in page_text(client.get(f"/admin/people/{olu.id}"))


def test_an_admin_who_is_a_member_too_has_both_memberships_on_their_page_each_with_its_own_actions(client, staff):
    organisation = organisation_membership()
    own = MembershipFactory(person=organisation.person)
    sign_in(client, staff)

    response = client.get(f"/admin/people/{organisation.person_id}")
    html, text = response.get_data(as_text=True), page_text(response)

    for membership in (own, organisation):
        assert decision_link(membership, "suspend") in html
        assert membership.number in text
    # Each decision asks its reason on a page of its own: the only text area left is the staff note's.
    assert re.findall(r'<textarea[^>]* id="([^"]+)"', html) == ["body"]
    assert "Earlier:" not in text
    assert "0 hours of 20 hours logged" in text  # the CPD is his own membership's


def test_staff_add_a_note_and_the_audit_log_says_who_wrote_it(client, staff):
    member = MembershipFactory().person
    sign_in(client, staff)

    response = client.post(f"/admin/people/{member.id}/notes", data={"body": "  Prefers phone calls.  "})

    assert response.status_code == 302
    [note] = db.session.scalars(sa.select(StaffNote).where(StaffNote.person_id == member.id)).all()
    assert note.body == "Prefers phone calls." and note.author_id == staff.id
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "staff_note.added")).all()
    assert entry.actor_id == staff.id and entry.target_id == str(note.id)
    assert entry.after == {"person_id": member.id, "body": "Prefers phone calls."}


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Enter the note"), ("x" * 2001, "The note must be 2,000 characters or fewer")],
)
def test_a_note_with_a_problem_is_shown_at_its_field_and_nothing_is_saved(client, staff, body, message):
    member = MembershipFactory().person
    sign_in(client, staff)
    before = rows_of(StaffNote, AuditEntry)

    response = client.post(f"/admin/people/{member.id}/notes", data={"body": body})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="body-error"' in html and message in page_text(response)
    assert 'aria-invalid="true"' in html
    assert rows_of(StaffNote, AuditEntry) == before


def member_page_paths(app, ids):
    """Every page the member may open (any GET page that is not staff's), once for each of their own
    records where the page shows one (`ids`: {"payment_id": [...], ...}). Pages for others' records
    (tokens, files) are left out."""
    paths = []
    for rule in app.url_map.iter_rules():
        access = access_rule_for(app, rule.endpoint)
        if "GET" not in rule.methods or access is None or rule.endpoint.endswith("static"):
            continue
        if set(access.roles or ()) & {Role.STAFF, Role.ADMIN, Role.JUDGE}:
            continue
        if not set(rule._converters) <= set(ids):
            continue
        choices = [{}]
        for name in rule._converters:
            choices = [{**values, name: option} for values in choices for option in ids[name]]
        with app.test_request_context():
            paths.extend(app.url_for(rule.endpoint, **values) for values in choices)
    return paths


def test_notes_never_appear_on_the_members_own_pages_but_are_in_their_data_download(app, client, staff):
    membership = full_history(staff)
    member = membership.person
    sign_in(client, member)

    bookings = bookings_of(member.id)
    ids = {
        "payment_id": [payment.id for payment in payments_of(member.id)],
        "booking_id": [booking.id for booking in bookings],
        "event_id": [booking.event_id for booking in bookings],
        "membership_id": [membership.id],
        "selection_id": [selection.id for selection in audit_selections_of(member.id)],
        "entry_id": db.session.scalars(sa.select(CpdEntry.id).where(CpdEntry.person_id == member.id)).all(),
        "kind": ["csv"],
    }

    download = client.get("/account/data")
    seen = {path: client.get(path) for path in member_page_paths(app, ids) if path != "/account/data"}

    assert {"/account/", "/membership", "/cpd", "/account/bookings", "/cpd/export.csv"} <= set(seen)
    assert len([path for path in seen if re.search(r"/\d+", path)]) >= 6
    for path, response in seen.items():
        assert NOTE.encode() not in response.get_data(), path
    assert download.status_code == 200
    assert [note["note"] for note in download.json["staff_notes"]] == [NOTE]


def test_the_member_pages_query_count_does_not_grow_with_the_history(client, staff, count_queries):
    short = full_history(staff)
    long = full_history(staff, PersonFactory(name="Long Story"))
    category = AwardCategoryFactory(name="Team", staff=staff)
    for number in range(3):
        event = EventFactory(title=f"Webinar {number}", staff=staff)
        attendance.check_in(staff, event_services.book_place(event, long.person), now=event.starts_at)
        staff_note(long.person, f"Note {number}", author=staff)
        NominationFactory(category=category, nominator=long.person, nominee_name=f"Nominee {number}")
        NominationFactory(category=category, nominee_email=long.person.email)
        # The long story's person ran three organisations in turn and handed each on.
        ran = MembershipFactory(person=long.person, tier=organisation_tier(), organisation_name=f"Practice {number}")
        colleague = PersonFactory(name=f"Colleague {number}")
        organisations.hand_over(staff, db.session.get(Organisation, ran.organisation_id), colleague.email, "Moved on")
    # Each has a CPD audit profile submitted and reviewed; the long story's was reopened and reviewed again.
    for membership, rounds in ((short, 1), (long, 3)):
        selection = db.session.scalar(sa.select(AuditSelection).where(AuditSelection.person_id == membership.person_id))
        entry = CpdEntryFactory(person=membership.person, done_on=selection.audit.year.starts_on, hours=3)
        for round_number in range(rounds):
            audits.submit_profile(membership.person, selection, "My year.", [entry.id])
            last = round_number == rounds - 1
            review_profile(
                staff, selection, Outcome.MEETS if last else Outcome.MORE_INFORMATION, f"Round {round_number}"
            )
    db.session.flush()
    sign_in(client, staff)
    client.get(f"/admin/people/{short.person_id}")  # the first request loads what every request shares

    with count_queries() as few:
        assert client.get(f"/admin/people/{short.person_id}").status_code == 200
    with count_queries() as many:
        response = client.get(f"/admin/people/{long.person_id}")

    assert page_text(response).count("Attended Webinar") == 3
    assert page_text(response).count("Nominated for Team") == 3
    assert page_text(response).count("CPD audit profile for") == 3
    assert page_text(response).count(", handed on ") == 3
    assert len(many) == len(few)


def test_the_time_line_shows_nominations_they_made_and_those_naming_them_to_staff_only(client, staff):
    member = MembershipFactory(person=PersonFactory(name="Priya Shah", email="priya.shah@example.org")).person
    nominator = PersonFactory(name="Dee Nominator")
    practice = AwardCategoryFactory(name="Practice", staff=staff)
    made = NominationFactory(category=practice, nominator=member, nominee_name="Omar Khan", status="eligible")
    naming = NominationFactory(category=practice, nominator=nominator, nominee_email="Priya.Shah@example.org")
    NominationFactory(category=practice, nominator=member, nominee_name="Not Sent Yet", status="draft")
    NominationFactory(
        category=practice, nominator=nominator, nominee_name="Someone Else", nominee_email="x@example.org"
    )
    title = practice.cycle.title

    sign_in(client, staff)
    response = client.get(f"/admin/people/{member.id}")
    text = page_text(response)

    assert f"Nominated Omar Khan for Practice ({title})" in text
    assert f"Nominated for Practice ({title}) by Dee Nominator" in text
    assert "Not Sent Yet" not in text and "Someone Else" not in text
    html = response.get_data(as_text=True)
    assert f"/admin/awards/nominations/{made.id}" in html and f"/admin/awards/nominations/{naming.id}" in html
    # A judge (and the member) cannot open the member page at all.
    for outsider in (judge(), member):
        sign_in(client, outsider)
        assert client.get(f"/admin/people/{member.id}").status_code in (403, 404)


def test_erasing_the_member_removes_the_notes_about_them_and_their_words_from_the_audit_log(client, staff):
    member = MembershipFactory().person
    note = staff_note(member, NOTE, author=staff)
    note_id = note.id
    sign_in(client, member)

    response = client.post("/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert db.session.scalars(sa.select(StaffNote).where(StaffNote.person_id == member.id)).all() == []
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.target_type == "StaffNote", AuditEntry.target_id == str(note_id))
    ).all()
    assert entry.after == {"person_id": member.id, "body": "(erased)"} and entry.actor_id == staff.id
