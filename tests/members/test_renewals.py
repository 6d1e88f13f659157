"""Renewal dates, the daily reminders, grace and lapse: `flask members renewals`, run daily or more often."""

import datetime as dt

import pytest
import time_machine

from nalw.core.permissions import Role
from nalw.extensions import db
from nalw.members.models import MembershipStatus
from nalw.members.services import renewed_period
from nalw.payments.models import PaymentPurpose
from tests.factories import MembershipFactory, renew_by_invoice, staff_member
from tests.helpers import emails_to, link_in, page_text, sign_in
from tests.members.steps import history_of, run_renewals

S = MembershipStatus
D = dt.date
EXPIRES_ON = D(2026, 6, 30)


def days_before(days):
    return EXPIRES_ON - dt.timedelta(days=days)


def days_after(days):
    return EXPIRES_ON + dt.timedelta(days=days)


# --- The renewal rule ------------------------------------------------------------------------------

# (status, start of the current membership, its end, the UK date of payment) -> the membership's new start and end
RENEWALS = {
    "early: the year follows on from the old end": (
        (S.ACTIVE, D(2025, 7, 1), D(2026, 6, 30), D(2026, 6, 1)),
        (D(2025, 7, 1), D(2027, 6, 30)),
    ),
    "on the last day": (
        (S.ACTIVE, D(2025, 7, 1), D(2026, 6, 30), D(2026, 6, 30)),
        (D(2025, 7, 1), D(2027, 6, 30)),
    ),
    "in grace: no days are lost, none are given": (
        (S.GRACE, D(2025, 7, 1), D(2026, 6, 30), D(2026, 7, 25)),
        (D(2025, 7, 1), D(2027, 6, 30)),
    ),
    "after a lapse: a new year from the day of payment": (
        (S.LAPSED, D(2025, 7, 1), D(2026, 6, 30), D(2026, 9, 15)),
        (D(2026, 9, 15), D(2027, 9, 14)),
    ),
    "leap year ahead: the next year runs to 29 February": (
        (S.ACTIVE, D(2026, 3, 1), D(2027, 2, 28), D(2027, 2, 1)),
        (D(2026, 3, 1), D(2028, 2, 29)),
    ),
    "ending on 29 February: the next year ends on 28 February": (
        (S.ACTIVE, D(2027, 3, 1), D(2028, 2, 29), D(2028, 2, 20)),
        (D(2027, 3, 1), D(2029, 2, 28)),
    ),
    "after a lapse, paid on 1 March of a leap year": (
        (S.LAPSED, D(2026, 3, 1), D(2027, 2, 28), D(2028, 3, 1)),
        (D(2028, 3, 1), D(2029, 2, 28)),
    ),
}


@pytest.mark.parametrize(("membership_now", "renewed"), RENEWALS.values(), ids=RENEWALS.keys())
def test_renewed_period(app, membership_now, renewed):
    status, started_on, expires_on, paid_on = membership_now
    membership = MembershipFactory(applied=True)
    membership.status, membership.started_on, membership.expires_on = status, started_on, expires_on

    assert renewed_period(membership, paid_on) == renewed


def test_a_year_of_on_time_renewals_keeps_the_same_renewal_date(app):
    membership = MembershipFactory(applied=True)
    membership.status, membership.started_on, membership.expires_on = S.ACTIVE, D(2025, 3, 1), D(2026, 2, 28)
    ends = []
    for _ in range(4):
        membership.started_on, membership.expires_on = renewed_period(membership, membership.expires_on)
        ends.append(membership.expires_on)

    assert ends == [D(2027, 2, 28), D(2028, 2, 29), D(2029, 2, 28), D(2030, 2, 28)]


@time_machine.travel(dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.UTC), tick=False)
def test_a_lapsed_member_renewing_just_after_midnight_uk_time_gets_the_year_from_that_uk_day(client, person_as):
    staff = person_as("staff")
    membership = MembershipFactory(staff=staff, expires_on=D(2026, 6, 30))
    membership.status = S.LAPSED
    db.session.flush()
    sign_in(client, staff)

    # 23:30 UTC on 31 August is 00:30 on 1 September in the UK.
    client.post(
        f"/admin/memberships/{membership.id}/offline-payment",
        data={"amount": "45.00", "method": "bank_transfer", "reference": "BACS 1234"},
    )

    assert membership.status is S.ACTIVE
    assert (membership.started_on, membership.expires_on) == (D(2026, 9, 1), D(2027, 8, 31))


def test_staff_record_a_renewal_paid_by_invoice_and_the_year_follows_on(client, person_as):
    staff = person_as("staff")
    membership = MembershipFactory(staff=staff, expires_on=EXPIRES_ON)
    sign_in(client, staff)

    response = client.post(
        f"/admin/memberships/{membership.id}/offline-payment",
        data={"amount": "45.00", "method": "invoice", "reference": "INV-2207"},
        follow_redirects=True,
    )

    assert "Recorded £45.00 received." in page_text(response)
    assert membership.expires_on == D(2027, 6, 30)
    assert membership.status is S.ACTIVE
    assert history_of(membership)[-1].reason.startswith("Renewed until 30 June 2027 (")
    assert emails_to(membership.person.email)[-1].subject == "Your NALW membership is renewed"


# --- Reminders ------------------------------------------------------------------------------------


def reminders_to(membership):
    return [message for message in emails_to(membership.person.email) if "ends" in message.subject]


def test_reminders_go_30_days_and_7_days_before_and_on_the_day_once_each_when_run_twice_a_day(app, runner):
    membership = MembershipFactory(expires_on=EXPIRES_ON)
    sent_on = {}
    day = days_before(40)
    while day <= EXPIRES_ON:
        for _ in range(2):
            run_renewals(runner, day)
        for message in reminders_to(membership):
            sent_on.setdefault(message.id, (day, message.subject))
        day += dt.timedelta(days=1)

    assert sorted(sent_on.values()) == [
        (days_before(30), "Your NALW membership ends on 30 June 2026"),
        (days_before(7), "Your NALW membership ends on 30 June 2026"),
        (EXPIRES_ON, "Your NALW membership ends today"),
    ]
    first, second, last = reminders_to(membership)
    assert "ends on 30 June 2026, in 30 days." in first.body_text
    assert "Renew for £45.00 here: http://nalw.test/membership/renew" in first.body_text
    assert "in 7 days." in second.body_text
    assert link_in(last, "/membership/renew") == "/membership/renew"


def test_a_missed_day_still_sends_each_reminder_once(app, runner):
    membership = MembershipFactory(expires_on=EXPIRES_ON)

    run_renewals(runner, days_before(29))  # the run 30 days before did not happen
    run_renewals(runner, days_before(28))
    assert [message.subject for message in reminders_to(membership)] == ["Your NALW membership ends on 30 June 2026"]
    assert "in 29 days." in reminders_to(membership)[0].body_text

    run_renewals(runner, days_before(5))  # nor did the runs 7 and 6 days before
    run_renewals(runner, days_before(4))
    assert len(reminders_to(membership)) == 2
    assert "in 5 days." in reminders_to(membership)[1].body_text


def test_the_7_day_reminder_is_not_sent_in_place_of_a_30_day_one_nor_both_at_once(app, runner):
    membership = MembershipFactory(expires_on=EXPIRES_ON)

    output = run_renewals(runner, days_before(6))

    assert "1 reminders" in output
    assert len(reminders_to(membership)) == 1
    assert "in 6 days." in reminders_to(membership)[0].body_text


def test_a_renewed_membership_gets_the_next_years_reminders_afresh(app, runner):
    membership = MembershipFactory(expires_on=EXPIRES_ON)
    run_renewals(runner, days_before(30))
    renew_by_invoice(membership)
    assert membership.expires_on == D(2027, 6, 30)

    run_renewals(runner, days_before(7))
    assert len(reminders_to(membership)) == 1
    run_renewals(runner, D(2027, 5, 31))
    assert [message.subject for message in reminders_to(membership)][-1] == "Your NALW membership ends on 30 June 2027"


def test_memberships_not_active_get_no_reminders(app, runner):
    staff = staff_member()
    suspended = MembershipFactory(expires_on=EXPIRES_ON, staff=staff)
    suspended.status = S.SUSPENDED
    resigned = MembershipFactory(expires_on=EXPIRES_ON, staff=staff)
    resigned.status = S.RESIGNED
    db.session.flush()

    run_renewals(runner, days_before(30))
    run_renewals(runner, days_before(7))

    assert reminders_to(suspended) == reminders_to(resigned) == []


# --- Grace and lapse ------------------------------------------------------------------------------------


def test_after_expiry_a_membership_has_30_days_of_grace_then_lapses(app, runner, client):
    membership = MembershipFactory(expires_on=EXPIRES_ON, register_consent=True)
    person = membership.person

    run_renewals(runner, EXPIRES_ON)
    assert membership.status is S.ACTIVE

    output = run_renewals(runner, days_after(1))
    assert "1 into grace, 0 lapsed" in output
    assert membership.status is S.GRACE
    assert person.has_role(Role.MEMBER)
    assert history_of(membership)[-1].reason == "Membership period ended; 30 days' grace to renew"
    assert "In grace period" in page_text(client.get("/register", query_string={"q": membership.number}))

    run_renewals(runner, days_after(30))
    assert membership.status is S.GRACE

    output = run_renewals(runner, days_after(31))
    assert "0 into grace, 1 lapsed" in output
    assert membership.status is S.LAPSED
    assert not person.has_role(Role.MEMBER)
    assert history_of(membership)[-1].reason == "Not renewed within 30 days of the end date"
    lapsed = emails_to(person.email)[-1]
    assert lapsed.subject == "Your NALW membership has lapsed"
    assert link_in(lapsed, "/membership/renew") == "/membership/renew"

    run_renewals(runner, days_after(32))
    assert [message.subject for message in emails_to(person.email)].count("Your NALW membership has lapsed") == 1
    assert [change.to_status for change in history_of(membership)][-3:] == [S.ACTIVE, S.GRACE, S.LAPSED]


def test_a_run_after_many_missed_days_moves_through_grace_to_lapsed(app, runner):
    membership = MembershipFactory(expires_on=EXPIRES_ON)

    run_renewals(runner, days_after(45))

    assert membership.status is S.LAPSED
    assert [change.to_status for change in history_of(membership)][-2:] == [S.GRACE, S.LAPSED]


def test_renewing_in_grace_makes_the_membership_active_again(app, runner):
    membership = MembershipFactory(expires_on=EXPIRES_ON)
    run_renewals(runner, days_after(10))
    assert membership.status is S.GRACE

    renew_by_invoice(membership)

    assert membership.status is S.ACTIVE
    assert membership.expires_on == D(2027, 6, 30)
    assert membership.person.has_role(Role.MEMBER)
    run_renewals(runner, days_after(40))
    assert membership.status is S.ACTIVE


def test_renewal_payment_purpose_is_renewal(app):
    membership = MembershipFactory(expires_on=EXPIRES_ON)

    payment = renew_by_invoice(membership)

    assert payment.purpose is PaymentPurpose.RENEWAL
    # The renewal of the year ending 30 June 2026 pays for the period from 1 July 2026.
    assert (payment.purpose, payment.subject_id, payment.period_starts_on) == (
        PaymentPurpose.RENEWAL,
        membership.id,
        dt.date(2026, 7, 1),
    )
