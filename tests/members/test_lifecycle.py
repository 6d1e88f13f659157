"""The life of a membership: allowed changes only, each one in the history; staff suspend and reinstate; members resign."""

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from nalw.core.permissions import Role
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import services
from nalw.members.models import MembershipChange, MembershipStatus
from nalw.members.services import ALLOWED_TRANSITIONS, TransitionNotAllowed, change_status
from tests.factories import MembershipFactory
from tests.helpers import emails_to, page_text, sign_in
from tests.members.steps import (
    audit_entries,
    errors_on_field,
    history_of,
    membership_tables,
    run_renewals,
)

S = MembershipStatus
TODAY = dt.date(2026, 5, 12)


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize(
    ("from_status", "to_status", "message"),
    [
        (S.REJECTED, S.ACTIVE, "A membership cannot go from rejected to active."),
        (S.RESIGNED, S.ACTIVE, "A membership cannot go from resigned to active."),
        (S.APPLIED, S.ACTIVE, "A membership cannot go from applied to active."),
        (S.LAPSED, S.GRACE, "A membership cannot go from lapsed to in grace."),
        (S.PAID, S.RESIGNED, "A membership cannot go from paid to resigned."),
    ],
)
def test_a_change_not_in_the_allowed_transitions_is_refused_and_writes_nothing(
    app, make_person, from_status, to_status, message
):
    assert to_status not in ALLOWED_TRANSITIONS[from_status]
    membership = MembershipFactory(applied=True)
    membership.status = from_status
    db.session.flush()
    before = membership_tables()

    with pytest.raises(TransitionNotAllowed) as refusal:
        change_status(membership, to_status, actor=make_person(), reason="Trying")

    assert refusal.value.message == message
    assert membership.status is from_status
    db.session.flush()
    assert membership_tables() == before


def test_finished_memberships_never_change_again(app):
    assert ALLOWED_TRANSITIONS[S.RESIGNED] == set()
    assert ALLOWED_TRANSITIONS[S.REJECTED] == set()


def test_every_change_is_in_the_history_with_who_when_and_why_and_staff_see_it(app, client, person_as, clock):
    staff = person_as("staff", name="Sam Staff")
    membership = MembershipFactory(staff=staff)
    services.suspend(staff, membership, "Complaint under investigation")
    db.session.flush()

    history = history_of(membership)

    assert [(change.from_status, change.to_status) for change in history] == [
        (None, S.APPLIED),
        (S.APPLIED, S.PAID),
        (S.PAID, S.ACTIVE),
        (S.ACTIVE, S.SUSPENDED),
    ]
    # The fee was paid by invoice: the staff member who recorded it is named.
    assert [change.actor_id for change in history] == [membership.person_id, staff.id, staff.id, staff.id]
    assert history[1].reason.startswith("Fee paid (")
    assert [change.reason for change in history[2:]] == ["Application approved", "Complaint under investigation"]
    assert all(change.changed_at == dt.datetime(2026, 5, 12, 10, 0, tzinfo=dt.UTC) for change in history)

    sign_in(client, staff)
    page = page_text(client.get(f"/admin/memberships/{membership.id}"))

    assert "12 May 2026, 11:00 Active → Suspended Complaint under investigation Sam Staff" in page
    assert "12 May 2026, 11:00 Paid, awaiting approval → Active Application approved Sam Staff" in page
    assert "Applied, awaiting payment → Paid, awaiting approval Fee paid" in page
    assert f"New → Applied, awaiting payment Applied for Link Worker {membership.person.name}" in page
    # Newest first.
    assert page.index("Active → Suspended") < page.index("New → Applied")


def test_staff_suspend_with_a_reason_audited_and_emailed(client, person_as, clock):
    staff = person_as("staff")
    membership = MembershipFactory(staff=staff)
    person = membership.person
    assert person.has_role(Role.MEMBER)
    sign_in(client, staff)

    response = client.post(
        f"/admin/memberships/{membership.id}/suspend", data={"reason": "Conduct complaint"}, follow_redirects=True
    )

    assert "Membership suspended." in page_text(response)
    assert membership.status is S.SUSPENDED
    assert history_of(membership)[-1].reason == "Conduct complaint"
    assert not person.has_role(Role.MEMBER)
    [entry] = audit_entries("membership.suspended")
    assert entry.actor_id == staff.id
    assert entry.before == {"status": "active"}
    assert entry.after == {"status": "suspended", "reason": "Conduct complaint"}
    email = emails_to(person.email)[-1]
    assert email.subject == "Your NALW membership is suspended"
    assert "Reason: Conduct complaint" in email.body_text


@pytest.mark.parametrize("action", ["suspend", "reinstate", "reject"])
def test_staff_decisions_need_a_reason_and_change_nothing_without_one(client, person_as, action):
    staff = person_as("staff")
    membership = MembershipFactory(staff=staff)
    if action == "reinstate":
        services.suspend(staff, membership, "Conduct complaint")
    elif action == "reject":
        membership = MembershipFactory(applied=True)
    db.session.flush()
    sign_in(client, staff)
    before = membership_tables()

    response = client.post(f"/admin/memberships/{membership.id}/{action}", data={"reason": "  "})

    assert response.status_code == 200
    assert errors_on_field(response, "reason") == ["Enter the reason: it is kept in the history and sent to the member"]
    assert "There is a problem" in page_text(response)
    assert membership_tables() == before


@pytest.mark.parametrize(
    ("expired_days_ago", "back_to", "is_member"),
    [(-100, S.ACTIVE, True), (0, S.ACTIVE, True), (1, S.GRACE, True), (30, S.GRACE, True), (31, S.LAPSED, False)],
)
def test_reinstating_puts_the_membership_where_its_dates_say(
    client, person_as, clock, expired_days_ago, back_to, is_member
):
    staff = person_as("staff")
    membership = MembershipFactory(staff=staff)
    services.suspend(staff, membership, "Conduct complaint")
    membership.expires_on = TODAY - dt.timedelta(days=expired_days_ago)
    db.session.flush()
    sign_in(client, staff)

    response = client.post(
        f"/admin/memberships/{membership.id}/reinstate", data={"reason": "Complaint not upheld"}, follow_redirects=True
    )

    assert f"Membership reinstated: now {back_to.label.lower()}." in page_text(response)
    assert membership.status is back_to
    change = history_of(membership)[-1]
    assert (change.from_status, change.to_status, change.reason, change.actor_id) == (
        S.SUSPENDED,
        back_to,
        "Complaint not upheld",
        staff.id,
    )
    assert membership.person.has_role(Role.MEMBER) is is_member
    [entry] = audit_entries("membership.reinstated")
    assert entry.before == {"status": "suspended"}
    assert entry.after == {"status": back_to.value, "reason": "Complaint not upheld"}
    email = emails_to(membership.person.email)[-1]
    assert email.subject == "Your NALW membership is reinstated"
    assert "Complaint not upheld" in email.body_text


def test_only_a_suspended_membership_is_reinstated(client, person_as):
    staff = person_as("staff")
    membership = MembershipFactory(staff=staff)
    sign_in(client, staff)
    before = membership_tables()

    response = client.post(f"/admin/memberships/{membership.id}/reinstate", data={"reason": "Just because"})

    assert "There is a problem Only a suspended membership can be reinstated: this one is active." in page_text(
        response
    )
    assert membership_tables() == before


def test_a_member_resigns_and_loses_the_member_role(client, clock):
    membership = MembershipFactory()
    person = membership.person
    sign_in(client, person)

    refused = client.post("/membership/resign", data={"reason": "Retiring"})
    assert "Tick the box to confirm you want to resign" in page_text(refused)
    assert membership.status is S.ACTIVE

    response = client.post("/membership/resign", data={"reason": "Retiring", "confirm": "y"}, follow_redirects=True)

    assert "You have resigned. Thank you for being a member." in page_text(response)
    assert membership.status is S.RESIGNED
    assert not person.has_role(Role.MEMBER)
    change = history_of(membership)[-1]
    assert (change.from_status, change.to_status, change.reason, change.actor_id) == (
        S.ACTIVE,
        S.RESIGNED,
        "Retiring",
        person.id,
    )
    assert emails_to(person.email)[-1].subject == "You have resigned from NALW"
    assert "You are not a member yet." in page_text(client.get("/membership"))


def test_the_member_role_is_granted_on_approval_and_removed_on_lapse(app, runner, clock):
    membership = MembershipFactory(applied=True)
    person = membership.person
    assert not person.has_role(Role.MEMBER)
    change_status(membership, S.PAID, reason="Fee paid")
    assert not person.has_role(Role.MEMBER)

    services.approve(None, membership)
    assert person.has_role(Role.MEMBER)
    expires_on = membership.expires_on
    assert expires_on == dt.date(2027, 5, 11) and london_today() == TODAY

    run_renewals(runner, expires_on + dt.timedelta(days=1))
    assert membership.status is S.GRACE and person.has_role(Role.MEMBER)
    run_renewals(runner, expires_on + dt.timedelta(days=31))
    assert membership.status is S.LAPSED and not person.has_role(Role.MEMBER)
    changes = db.session.scalars(
        sa.select(MembershipChange.to_status).where(MembershipChange.membership_id == membership.id)
    ).all()
    assert changes == [S.APPLIED, S.PAID, S.ACTIVE, S.GRACE, S.LAPSED]


# --- Confirming before anything changes --------------------------------------------------------------


def test_withdrawing_an_application_says_what_will_happen_and_the_get_changes_nothing(client):
    membership = MembershipFactory(applied=True)
    sign_in(client, membership.person)
    before = membership_tables()

    page = page_text(client.get("/membership/resign"))

    assert "Withdraw your application" in page
    assert f"Your application for {membership.tier.name} membership will be withdrawn." in page
    assert "You have not paid the fee, so nothing is charged and there is nothing to refund." in page
    assert "will end today" not in page
    assert membership_tables() == before


def test_withdrawing_an_application_needs_the_tick_then_withdraws_it(client):
    membership = MembershipFactory(applied=True)
    sign_in(client, membership.person)

    refused = client.post("/membership/resign", data={})
    assert errors_on_field(refused, "confirm") == ["Tick the box to confirm you want to withdraw your application"]
    assert membership.status is S.APPLIED

    response = client.post("/membership/resign", data={"confirm": "y"}, follow_redirects=True)

    assert "Your application is withdrawn. You can apply again at any time." in page_text(response)
    assert membership.status is S.RESIGNED
    assert history_of(membership)[-1].reason == "Application withdrawn by the applicant"
