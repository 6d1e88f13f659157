"""Staff reject an application, suspend or reinstate a membership on a page of its own: it says what will happen,
asks the reason, shows a problem at the field, and brings staff back to the page they came from."""

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from nalw.extensions import db
from nalw.members import services
from nalw.members.models import Membership, MembershipStatus
from tests.factories import MembershipFactory, organisation_membership
from tests.helpers import emails_to, page_text, sign_in
from tests.members.steps import errors_on_field, history_of, membership_tables

S = MembershipStatus


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(person_as):
    return person_as("staff", name="Sam Staff")


def status_in_database(membership):
    db.session.expire_all()
    return db.session.scalar(sa.select(Membership.status).where(Membership.id == membership.id))


def test_the_suspend_page_says_what_will_happen_and_asks_the_reason(client, staff, make_person, clock):
    membership = MembershipFactory(person=make_person(name="Priya Shah"), staff=staff, auto_renew=True)
    sign_in(client, staff)

    response = client.get(f"/admin/memberships/{membership.id}/suspend")
    text, html = page_text(response), response.get_data(as_text=True)

    assert response.status_code == 200
    assert f"<h1>Suspend Priya Shah's membership {membership.number}</h1>" in html
    assert "Priya Shah is not a member in good standing: they lose member access" in text
    assert "the public register shows them as suspended" in text
    assert "Automatic renewal is turned off." in text
    assert f"We email Priya Shah ({membership.person.email}) that it is suspended, with your reason." in text
    assert "Reason to suspend Kept in the history and sent to the member." in text
    assert 'aria-describedby="reason-hint"' in html
    assert 'type="submit" value="Suspend the membership"' in html
    assert f'<a href="/admin/memberships/{membership.id}">Cancel: go back without suspending the membership</a>' in html


def test_the_reject_page_says_which_fee_is_refunded_and_how(client, staff, make_person):
    membership = MembershipFactory(person=make_person(name="Priya Shah"), paid=True, staff=staff)
    [fee] = services.payments_for(membership)
    sign_in(client, staff)

    response = client.get(f"/admin/memberships/{membership.id}/reject")
    text, html = page_text(response), response.get_data(as_text=True)

    assert f"Reject Priya Shah's application for {membership.tier.name} membership" in text
    assert "The application is closed as not approved." in text
    assert (
        f"The £45.00 paid by invoice ({fee.receipt_number}) is recorded as refunded in full: "
        "return the money by bank transfer." in text
    )
    assert "with your reason and the refund" in text
    assert "Reason to reject" in text
    assert 'type="submit" value="Reject the application"' in html


def test_the_reject_page_of_an_unpaid_application_has_nothing_to_refund(client, staff):
    membership = MembershipFactory(applied=True)
    sign_in(client, staff)

    text = page_text(client.get(f"/admin/memberships/{membership.id}/reject"))

    assert "Nothing has been paid for it, so there is nothing to refund." in text
    assert "refunded in full" not in text


def test_the_reinstate_page_says_where_the_dates_put_the_membership_and_why_it_was_suspended(
    client, staff, make_person, clock
):
    membership = MembershipFactory(person=make_person(name="Priya Shah"), staff=staff)
    services.suspend(staff, membership, "Conduct complaint")
    membership.expires_on = dt.date(2026, 5, 1)  # ended 11 days ago: in its grace period
    db.session.flush()
    sign_in(client, staff)

    text = page_text(client.get(f"/admin/memberships/{membership.id}/reinstate"))

    assert f"Reinstate Priya Shah's membership {membership.number}" in text
    assert "It was suspended on 12 May 2026: Conduct complaint." in text
    assert "It returns to the status its dates give it: in grace period." in text
    assert "Automatic renewal stays off" in text
    assert "Reason to reinstate" in text


def test_the_page_of_an_organisations_membership_names_the_organisation_and_its_admin(client, staff):
    organisation = organisation_membership(name="Riverside PCN", admin="Olu Organisation")
    sign_in(client, staff)

    text = page_text(client.get(f"/admin/memberships/{organisation.id}/suspend"))

    assert f"Suspend Riverside PCN's membership {organisation.number}" in text
    assert "Olu Organisation cannot invite link workers to its seats" in text
    assert "member in good standing" not in text


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("reinstate", "Only a suspended membership can be reinstated: this one is active."),
        ("reject", "Only an application waiting for a decision can be rejected: this membership is active."),
    ],
)
def test_a_decision_the_status_does_not_allow_sends_staff_back_to_the_membership_page(client, staff, action, message):
    membership = MembershipFactory(staff=staff)
    sign_in(client, staff)

    response = client.get(f"/admin/memberships/{membership.id}/{action}?next=/admin/people/{membership.person_id}")

    assert response.status_code == 302
    assert response.location == f"/admin/memberships/{membership.id}"
    followed = page_text(client.get(response.location))
    assert message in followed
    assert f"Reason to {action}" not in followed


def test_suspending_without_a_reason_shows_the_problem_at_the_field_and_changes_nothing(client, staff):
    membership = MembershipFactory(staff=staff)
    person_page = f"/admin/people/{membership.person_id}"
    emails_before = len(emails_to(membership.person.email))
    history_before = len(history_of(membership))
    sign_in(client, staff)

    response = client.post(f"/admin/memberships/{membership.id}/suspend?next={person_page}", data={"reason": ""})
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "There is a problem" in page_text(response)
    assert '<a href="#reason" class="alert-link">Enter the reason' in html
    assert errors_on_field(response, "reason") == ["Enter the reason: it is kept in the history and sent to the member"]
    assert 'aria-describedby="reason-hint reason-error"' in html and 'aria-invalid="true"' in html
    # Still on the way back to where staff came from.
    assert f'<a href="{person_page}">Cancel: go back without suspending the membership</a>' in html
    assert status_in_database(membership) is S.ACTIVE
    assert len(history_of(membership)) == history_before
    assert len(emails_to(membership.person.email)) == emails_before


def test_a_reason_too_long_is_refused_at_the_field(client, staff):
    membership = MembershipFactory(staff=staff)
    sign_in(client, staff)
    before = membership_tables()

    response = client.post(f"/admin/memberships/{membership.id}/suspend", data={"reason": "x" * 501})

    assert errors_on_field(response, "reason") == ["Reason must be 500 characters or fewer"]
    assert membership_tables() == before


def test_a_status_that_moved_meanwhile_is_shown_on_the_form_and_nothing_changes(client, staff):
    membership = MembershipFactory(staff=staff)
    sign_in(client, staff)
    client.get(f"/admin/memberships/{membership.id}/suspend")
    services.suspend(staff, membership, "Suspended by a colleague")
    db.session.flush()
    before = membership_tables()

    response = client.post(f"/admin/memberships/{membership.id}/suspend", data={"reason": "Conduct complaint"})

    assert response.status_code == 200
    assert (
        "There is a problem Only an active membership or one in its grace period can be suspended: "
        "this one is suspended." in page_text(response)
    )
    assert membership_tables() == before


def test_suspending_from_the_member_page_returns_to_the_member_page(client, staff):
    membership = MembershipFactory(staff=staff)
    person_page = f"/admin/people/{membership.person_id}"
    sign_in(client, staff)

    link = f"/admin/memberships/{membership.id}/suspend?next=/admin/people/{membership.person_id}"
    assert f'href="{link}"' in client.get(person_page).get_data(as_text=True)
    response = client.post(link, data={"reason": "Conduct complaint"})

    assert response.status_code == 302 and response.location == person_page
    assert "Membership suspended." in page_text(client.get(person_page))
    assert status_in_database(membership) is S.SUSPENDED
    assert history_of(membership)[-1].reason == "Conduct complaint"
    assert emails_to(membership.person.email)[-1].subject == "Your NALW membership is suspended"


def test_the_membership_page_links_each_decision_its_status_allows(client, staff):
    active = MembershipFactory(staff=staff)
    paid = MembershipFactory(paid=True, staff=staff)
    sign_in(client, staff)

    active_page = client.get(f"/admin/memberships/{active.id}").get_data(as_text=True)
    paid_page = client.get(f"/admin/memberships/{paid.id}").get_data(as_text=True)

    back = f"next=/admin/memberships/{active.id}"
    assert f'href="/admin/memberships/{active.id}/suspend?{back}">Suspend the membership</a>' in active_page
    assert "/reinstate?" not in active_page and "/reject?" not in active_page
    assert "<textarea" not in active_page.split("Payments")[0]
    back = f"next=/admin/memberships/{paid.id}"
    assert (
        f'href="/admin/memberships/{paid.id}/reject?{back}">Reject the application (refunds any fee)</a>' in paid_page
    )
    assert f'action="/admin/memberships/{paid.id}/approve?{back}"' in paid_page


@pytest.mark.parametrize("bad_next", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_a_next_address_off_the_site_falls_back_to_the_membership_page(client, staff, bad_next):
    membership = MembershipFactory(staff=staff)
    sign_in(client, staff)

    page = client.get(f"/admin/memberships/{membership.id}/suspend", query_string={"next": bad_next})
    response = client.post(
        f"/admin/memberships/{membership.id}/suspend",
        query_string={"next": bad_next},
        data={"reason": "Conduct complaint"},
    )

    assert "evil.example" not in page.get_data(as_text=True)
    assert response.status_code == 302
    assert response.location == f"/admin/memberships/{membership.id}"
    assert status_in_database(membership) is S.SUSPENDED


def test_approving_from_the_member_page_returns_to_the_member_page(client, staff):
    membership = MembershipFactory(paid=True, staff=staff)
    person_page = f"/admin/people/{membership.person_id}"
    sign_in(client, staff)

    response = client.post(f"/admin/memberships/{membership.id}/approve?next={person_page}")

    assert response.status_code == 302 and response.location == person_page
    assert status_in_database(membership) is S.ACTIVE
