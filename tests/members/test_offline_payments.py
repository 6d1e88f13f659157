"""Staff record a joining fee or a renewal received by invoice or bank transfer: the amount is checked against
the fee due, a renewal follows the card renewal's rules, and the history names the member of staff."""

import datetime as dt

import pytest
import time_machine

from nalw.extensions import db
from nalw.members.models import MembershipStatus
from nalw.members.services import renewed_period
from tests.factories import MembershipFactory
from tests.helpers import page_text, sign_in
from tests.members.steps import (
    audit_entries,
    errors_on_field,
    history_of,
    membership_tables,
)

S = MembershipStatus
D = dt.date
TODAY = D(2026, 6, 1)  # all these tests happen on this UK day
IN_THE_RENEWAL_WINDOW = D(2026, 6, 30)


@pytest.fixture(autouse=True)
def on_a_fixed_day():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def staff(client, person_as):
    staff = person_as("staff", name="Sam Staffer")
    sign_in(client, staff)
    return staff


def record_offline(client, membership, amount="45.00", method="invoice", reference="INV-2041", override_reason=""):
    return client.post(
        f"/admin/memberships/{membership.id}/offline-payment",
        data={"amount": amount, "method": method, "reference": reference, "override_reason": override_reason},
        follow_redirects=True,
    )


@pytest.mark.parametrize("kind", ["joining fee", "renewal"])
def test_offline_payment_of_a_different_amount_is_refused_at_the_amount_field_and_nothing_is_saved(client, staff, kind):
    membership = (
        MembershipFactory(applied=True)
        if kind == "joining fee"
        else MembershipFactory(expires_on=IN_THE_RENEWAL_WINDOW)
    )
    before = membership_tables()

    response = record_offline(client, membership, amount="40.00")

    assert response.status_code == 200
    assert errors_on_field(response, "amount") == [
        "The fee due is £45.00. Enter £45.00, or give the reason for accepting £40.00 below."
    ]
    assert membership_tables() == before


def test_offline_payment_of_a_different_amount_with_a_reason_is_accepted_and_audited(client, staff):
    membership = MembershipFactory(expires_on=IN_THE_RENEWAL_WINDOW)

    response = record_offline(client, membership, amount="40.00", override_reason="Agreed discount for a second seat")

    assert "Recorded £40.00 received." in page_text(response)
    assert membership.expires_on == D(2027, 6, 30)
    (entry,) = audit_entries("membership.offline_amount_accepted")
    assert entry.actor_id == staff.id
    assert entry.target_type == "Membership" and entry.target_id == str(membership.id)
    assert entry.before == {"fee_due_pence": 4500}
    assert entry.after["amount_pence"] == 4000 and entry.after["reason"] == "Agreed discount for a second seat"
    assert entry.summary.startswith("Accepted £40.00 for a fee of £45.00 (")
    assert entry.summary.endswith("): Agreed discount for a second seat")


def test_offline_renewal_before_the_renewal_window_is_refused(client, staff):
    membership = MembershipFactory(expires_on=D(2026, 12, 31))
    before = membership_tables()

    response = record_offline(client, membership)

    assert response.status_code == 200
    assert (
        "Renewal opens on 1 November 2026, 60 days before the membership ends. "
        "Record the payment from then, or return the money." in page_text(response)
    )
    assert membership_tables() == before
    assert membership.expires_on == D(2026, 12, 31)


RENEWING = {
    "active, before the end date": (S.ACTIVE, D(2026, 6, 30)),
    "in grace": (S.GRACE, D(2026, 5, 20)),
    "lapsed": (S.LAPSED, D(2026, 3, 31)),
}


@pytest.mark.parametrize(("status", "expires_on"), RENEWING.values(), ids=RENEWING.keys())
def test_offline_renewal_period_follows_the_card_renewal_rule(client, staff, status, expires_on):
    membership = MembershipFactory(expires_on=expires_on)
    membership.status = status
    db.session.flush()
    expected = renewed_period(membership, TODAY)

    record_offline(client, membership, method="bank_transfer", reference="BACS 991")

    assert membership.status is S.ACTIVE
    assert (membership.started_on, membership.expires_on) == expected


def test_offline_payment_history_names_the_staff_member(client, staff):
    applied = MembershipFactory(applied=True)
    renewing = MembershipFactory(expires_on=IN_THE_RENEWAL_WINDOW)

    record_offline(client, applied)
    response = record_offline(client, renewing)

    paid = history_of(applied)[-1]
    assert (paid.to_status, paid.actor_id) == (S.PAID, staff.id)
    renewed = history_of(renewing)[-1]
    assert renewed.reason.startswith("Renewed until 30 June 2027") and renewed.actor_id == staff.id
    assert "Renewed until 30 June 2027" in page_text(response)
    history_row = page_text(response).split("Renewed until 30 June 2027", 1)[1]
    assert history_row.split(")", 1)[1].strip().startswith("Sam Staffer")


def test_offline_payment_form_reports_every_error_at_its_field_at_once(client, staff):
    membership = MembershipFactory(applied=True)
    before = membership_tables()

    response = record_offline(
        client, membership, amount="forty", method="cheque", reference="", override_reason="x" * 301
    )

    assert response.status_code == 200
    assert errors_on_field(response, "amount") == ["Enter an amount in pounds, like 45 or 45.50"]
    assert errors_on_field(response, "method") == ["Choose how it was paid: invoice or bank transfer"]
    assert errors_on_field(response, "reference") == ["Enter the invoice number or bank reference"]
    assert errors_on_field(response, "override_reason") == ["Reason must be 300 characters or fewer"]
    assert membership_tables() == before


def test_staff_membership_page_offers_no_renewal_payment_before_renewal_opens_and_says_when_it_does(client, staff):
    membership = MembershipFactory(expires_on=D(2027, 5, 31))

    page = page_text(client.get(f"/admin/memberships/{membership.id}"))

    assert "Nothing is due now. Renewal opens on 1 April 2027" in page
    assert "The renewal fee due is" not in page
    assert 'name="override_reason"' not in client.get(f"/admin/memberships/{membership.id}").get_data(as_text=True)
