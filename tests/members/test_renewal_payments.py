"""Paying for the next year: automatic off-session charges with the saved card, and renewing by hand."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine

from nalw.extensions import db
from nalw.members import renewals
from nalw.members.models import MembershipStatus, RenewalNotice
from nalw.payments.models import Payment, PaymentPurpose, PaymentStatus
from tests.factories import MembershipFactory, publish_new_code_version
from tests.helpers import emails_to, input_tag, link_in, page_text, sign_in
from tests.members.steps import hidden_value, renew_with_new_card, run_renewals, save_card
from tests.stripe_helpers import DECLINED, NEEDS_AUTHENTICATION, VISA

EXPIRES_ON = dt.date(2026, 6, 30)
TODAY = dt.date(2026, 6, 25)  # five days before: the automatic charge is due


@pytest.fixture
def settings(stripe_settings):
    return stripe_settings


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 6, 25, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def renewing_member(app, card_token):
    """`renewing_member(card)`: an active member ending on 30 June who chose automatic renewal with `card`."""

    def build(card=VISA, auto_renew=True):
        membership = MembershipFactory(expires_on=EXPIRES_ON)
        save_card(membership.person, card_token, card)
        membership.auto_renew = auto_renew
        db.session.flush()
        return membership

    return build


def renewal_payments(membership):
    return db.session.scalars(
        sa.select(Payment).where(Payment.person_id == membership.person_id, Payment.purpose == PaymentPurpose.RENEWAL)
    ).all()


def action_needed_emails(membership):
    return [m for m in emails_to(membership.person.email) if m.subject == "Action needed: renew your NALW membership"]


def test_automatic_renewal_charges_the_saved_card_off_session_and_extends_the_membership(runner, renewing_member):
    membership = renewing_member(VISA)

    output = run_renewals(runner, TODAY)

    assert "1 automatic charges" in output
    [payment] = renewal_payments(membership)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.off_session
    assert payment.amount_pence == 4500
    assert payment.stripe_payment_intent_id.startswith("pi_")
    # The renewal of the year ending 30 June 2026 pays for the period from 1 July 2026.
    assert (payment.purpose, payment.subject_id, payment.period_starts_on) == (
        PaymentPurpose.RENEWAL,
        membership.id,
        dt.date(2026, 7, 1),
    )
    assert membership.status is MembershipStatus.ACTIVE
    assert membership.expires_on == dt.date(2027, 6, 30)
    assert emails_to(membership.person.email)[-1].subject == "Your NALW membership is renewed"

    for day in (TODAY, TODAY + dt.timedelta(days=1), EXPIRES_ON):
        run_renewals(runner, day)
    assert len(renewal_payments(membership)) == 1
    assert membership.expires_on == dt.date(2027, 6, 30)


def test_no_charge_without_automatic_renewal_or_before_it_is_due(runner, renewing_member):
    manual = renewing_member(VISA, auto_renew=False)
    automatic = renewing_member(VISA)

    run_renewals(runner, TODAY - dt.timedelta(days=1))
    run_renewals(runner, TODAY)

    assert renewal_payments(manual) == []
    assert len(renewal_payments(automatic)) == 1


def test_a_declined_card_emails_a_link_to_pay_and_is_not_tried_again(runner, renewing_member):
    membership = renewing_member(DECLINED)

    output = run_renewals(runner, TODAY)
    run_renewals(runner, TODAY)
    run_renewals(runner, TODAY + dt.timedelta(days=1))

    assert "1 automatic charges" in output
    [payment] = renewal_payments(membership)
    assert payment.status is PaymentStatus.FAILED
    assert membership.expires_on == EXPIRES_ON
    [email] = action_needed_emails(membership)
    assert "Your card was not charged: Your card was declined." in email.body_text
    assert "Please renew for £45.00 here before 30 June 2026: http://nalw.test/membership/renew" in email.body_text


def test_a_card_needing_authentication_emails_a_link_to_pay(runner, renewing_member):
    membership = renewing_member(NEEDS_AUTHENTICATION)

    run_renewals(runner, TODAY)
    run_renewals(runner, TODAY)

    [payment] = renewal_payments(membership)
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert payment.off_session
    assert membership.expires_on == EXPIRES_ON
    [email] = action_needed_emails(membership)
    assert link_in(email, "/membership/renew") == "/membership/renew"


def test_after_a_declined_automatic_charge_the_emailed_link_lets_the_member_renew_with_another_card(
    client, runner, renewing_member, card_token
):
    membership = renewing_member(DECLINED)
    run_renewals(runner, TODAY)
    [email] = action_needed_emails(membership)
    sign_in(client, membership.person)

    response = renew_with_new_card(client, card_token, link_in(email, "/membership/renew"), number=VISA)

    assert "Thank you: your membership is renewed." in page_text(response)
    assert membership.expires_on == dt.date(2027, 6, 30)
    assert [payment.status for payment in renewal_payments(membership)] == [
        PaymentStatus.FAILED,
        PaymentStatus.SUCCEEDED,
    ]


def test_after_an_automatic_charge_needing_authentication_the_emailed_link_leads_to_the_banks_check(
    client, runner, renewing_member, authenticate_payment
):
    membership = renewing_member(NEEDS_AUTHENTICATION)
    run_renewals(runner, TODAY)
    [payment] = renewal_payments(membership)
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    [email] = action_needed_emails(membership)
    assert "Your bank asked you to confirm the payment." in email.body_text
    sign_in(client, membership.person)

    response = client.get(link_in(email, "/membership/renew"))

    assert response.location == f"/payments/{payment.id}/authenticate?next=/membership"
    check = client.get(response.location)
    assert "£45.00" in page_text(check)
    secret = re.search(r'data-client-secret="([^"]+)"', check.get_data(as_text=True)).group(1)
    authenticate_payment(payment.stripe_payment_intent_id, secret)
    response = client.get(f"/payments/{payment.id}/authenticated?next=/membership", follow_redirects=True)

    assert "Payment of £45.00 received. Thank you." in page_text(response)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert membership.expires_on == dt.date(2027, 6, 30)
    assert len(renewal_payments(membership)) == 1


def test_a_new_code_of_practice_stops_the_automatic_charge_and_asks_the_member_to_accept_it(
    runner, renewing_member, person_as
):
    membership = renewing_member(VISA)
    publish_new_code_version(person_as("admin"))

    run_renewals(runner, TODAY)

    assert renewal_payments(membership) == []
    [email] = action_needed_emails(membership)
    assert "The code of practice has been updated; accept it as you renew." in email.body_text
    assert membership.expires_on == EXPIRES_ON


def test_the_renewals_due_list_calls_automatic_exactly_the_memberships_the_daily_run_charges(
    runner, renewing_member, person_as
):
    will_charge = renewing_member(VISA)
    off = renewing_member(VISA, auto_renew=False)
    no_card = MembershipFactory(expires_on=EXPIRES_ON, auto_renew=True)
    old_code = renewing_member(VISA)  # the only one not to accept the new code below
    tried = renewing_member(VISA)  # tried already for this end date (a failed charge, say)
    db.session.add(RenewalNotice(membership_id=tried.id, kind="auto_charge", for_expiry_on=EXPIRES_ON))
    new_version = publish_new_code_version(person_as("admin"))
    for membership in (will_charge, off, no_card, tried):
        membership.code_version_id = new_version.id
    db.session.flush()
    everyone = (will_charge, off, no_card, old_code, tried)

    listed = {
        row.Membership.id: row.automatic
        for row in db.session.execute(renewals.renewals_due(ends_from=TODAY, ends_to=EXPIRES_ON))
        if row.Membership in everyone
    }
    run_renewals(runner, TODAY)

    charged = {membership.id: renewal_payments(membership) != [] for membership in everyone}
    assert listed == charged
    assert [membership for membership in everyone if charged[membership.id]] == [will_charge]


# --- Renewing by hand ------------------------------------------------------------------------------


def test_a_member_renews_by_hand_accepting_the_current_code_and_the_year_follows_on(client, card_token, person_as):
    membership = MembershipFactory(expires_on=EXPIRES_ON)
    new_version = publish_new_code_version(person_as("admin"))
    sign_in(client, membership.person)

    page = page_text(client.get("/membership/renew"))
    assert "Renewing costs £45.00 for another 12 months, from your current end date." in page
    assert "Version 2" in page

    response = renew_with_new_card(client, card_token)

    assert "Thank you: your membership is renewed." in page_text(response)
    assert membership.expires_on == dt.date(2027, 6, 30)
    assert membership.code_version_id == new_version.id
    assert membership.code_accepted_at == dt.datetime(2026, 6, 25, 9, 0, tzinfo=dt.UTC)
    [payment] = renewal_payments(membership)
    assert (payment.status, payment.amount_pence, payment.off_session) == (PaymentStatus.SUCCEEDED, 4500, False)
    assert emails_to(membership.person.email)[-1].subject == "Your NALW membership is renewed"


def test_renewing_by_hand_without_accepting_the_code_is_refused_and_charges_nothing(client, card_token):
    membership = MembershipFactory(expires_on=EXPIRES_ON)
    code_version_before = membership.code_version_id
    sign_in(client, membership.person)

    response = renew_with_new_card(client, card_token, accept_code=None)

    assert "Accept the current code of practice to renew" in page_text(response)
    assert renewal_payments(membership) == []
    assert membership.expires_on == EXPIRES_ON
    assert membership.code_version_id == code_version_before


def test_a_lapsed_member_renews_by_hand_from_the_day_of_payment(client, card_token):
    membership = MembershipFactory(expires_on=dt.date(2026, 3, 31))
    membership.status = MembershipStatus.LAPSED
    db.session.flush()
    sign_in(client, membership.person)

    assert "Renewing costs £45.00 for another 12 months, from today." in page_text(client.get("/membership/renew"))
    renew_with_new_card(client, card_token)

    assert membership.status is MembershipStatus.ACTIVE
    assert (membership.started_on, membership.expires_on) == (dt.date(2026, 6, 25), dt.date(2027, 6, 24))


def test_a_code_published_while_renewing_is_refused_with_a_message_and_must_be_accepted_afresh(
    client, card_token, person_as
):
    membership = MembershipFactory(expires_on=EXPIRES_ON)
    sign_in(client, membership.person)
    page = client.get("/membership/renew")
    shown_version = hidden_value(page, "code_version_id")
    new_version = publish_new_code_version(person_as("admin"))

    response = client.post(
        "/membership/renew",
        data={
            "card_choice": "new",
            "card_token": card_token(VISA),
            "amount_pence": "4500",
            "code_version_id": shown_version,
            "accept_code": "y",
            "cpd_met": "yes",
        },
    )

    assert "The code of practice was updated while you were renewing. Read the new version and accept it." in (
        page_text(response)
    )
    assert renewal_payments(membership) == []
    assert membership.expires_on == EXPIRES_ON
    assert hidden_value(response, "code_version_id") == str(new_version.id)
    assert "checked" not in input_tag(response, "accept_code")


# --- Turning automatic renewal on and off: a step that says what will happen ------------------------------


def test_turning_off_automatic_renewal_says_what_will_happen_and_the_get_changes_nothing(client, renewing_member):
    membership = renewing_member(VISA, auto_renew=True)
    sign_in(client, membership.person)

    page = page_text(client.get("/membership/automatic-renewal"))

    assert "Turn off automatic renewal" in page
    assert "Your card will not be charged on 25 June 2026." in page
    assert "Your membership ends on 30 June 2026 unless you renew it yourself." in page
    assert membership.auto_renew is True


def test_turning_off_automatic_renewal_is_done_by_the_post(client, renewing_member, runner):
    membership = renewing_member(VISA, auto_renew=True)
    sign_in(client, membership.person)

    response = client.post("/membership/automatic-renewal", data={"auto_renew": "off"}, follow_redirects=True)

    assert "Automatic renewal is off: your card will not be charged." in page_text(response)
    assert membership.auto_renew is False
    run_renewals(runner, TODAY)
    assert renewal_payments(membership) == []


def test_turning_on_automatic_renewal_says_the_card_amount_and_day(client, renewing_member):
    membership = renewing_member(VISA, auto_renew=False)
    sign_in(client, membership.person)

    page = page_text(client.get("/membership/automatic-renewal"))

    assert "We will charge £45.00 to your saved card (Visa ending 4242) on 25 June 2026" in page
    assert membership.auto_renew is False
    client.post("/membership/automatic-renewal", data={"auto_renew": "on"})
    assert membership.auto_renew is True


def test_membership_page_links_to_the_automatic_renewal_step_instead_of_changing_it_in_one_click(
    client, renewing_member
):
    membership = renewing_member(VISA, auto_renew=True)
    sign_in(client, membership.person)

    page = client.get("/membership")

    assert 'href="/membership/automatic-renewal"' in page.get_data(as_text=True)
    assert 'action="/membership/automatic-renewal"' not in page.get_data(as_text=True)
