"""Joining: apply, pay by card through localstripe, staff approve or reject."""

import re

import pytest
import sqlalchemy as sa

from nalw.code_of_practice.services import current_version
from nalw.core.permissions import Role
from nalw.extensions import db
from nalw.members.models import Membership, MembershipStatus
from nalw.members.services import approve
from nalw.payments.models import Payment, PaymentStatus, RefundStatus
from tests.factories import MembershipFactory, PaymentFactory, link_worker_tier
from tests.helpers import emails_to, page_text, sign_in
from tests.members.steps import submit_application
from tests.payments.steps import reconcile
from tests.stripe_helpers import DECLINED


@pytest.fixture
def settings(stripe_settings):
    return stripe_settings


def pay_with_new_card(client, membership, card_token, number="4242424242424242", amount=None):
    client.get(f"/membership/{membership.id}/pay")
    token = card_token(number)
    return client.post(
        f"/membership/{membership.id}/pay",
        data={
            "card_choice": "new",
            "card_token": token,
            "amount_pence": str(amount or membership.tier.annual_fee_pence),
        },
        follow_redirects=True,
    )


def test_applicant_pays_by_card_and_waits_for_approval(client, make_person, card_token):
    person = make_person()
    sign_in(client, person)
    tier = link_worker_tier()

    response = submit_application(client, tier)
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    assert response.status_code == 302 and response.location.endswith(f"/membership/{membership.id}/pay")
    assert membership.status is MembershipStatus.APPLIED
    assert membership.code_version_id == current_version().id

    response = pay_with_new_card(client, membership, card_token)

    assert "Paid, awaiting approval" in page_text(response)
    payment = db.session.scalar(sa.select(Payment).where(Payment.person_id == person.id))
    assert payment.status is PaymentStatus.SUCCEEDED
    assert payment.amount_pence == tier.annual_fee_pence == 4500
    assert payment.stripe_payment_intent_id.startswith("pi_")
    assert membership.status is MembershipStatus.PAID
    assert [m.subject for m in emails_to(person.email)][-1] == "We have your membership application and payment"


def applied_and_paid_by_card(client, person, card_token):
    """The person applies for Link Worker membership and pays its fee by card, through the pages."""
    sign_in(client, person)
    submit_application(client, link_worker_tier())
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    pay_with_new_card(client, membership, card_token)
    return membership


def test_declined_card_shows_the_reason_and_changes_nothing_else(client, make_person, card_token):
    person = make_person()
    sign_in(client, person)
    submit_application(client, link_worker_tier())
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))

    response = pay_with_new_card(client, membership, card_token, DECLINED)

    assert "Your card was declined." in page_text(response)
    assert membership.status is MembershipStatus.APPLIED
    payment = db.session.scalar(sa.select(Payment).where(Payment.person_id == person.id))
    assert payment.status is PaymentStatus.FAILED


def test_staff_approval_gives_a_number_twelve_months_and_the_member_role(client, make_person, person_as, card_token):
    person = make_person()
    membership = applied_and_paid_by_card(client, person, card_token)

    staff = person_as("staff")
    sign_in(client, staff)
    response = client.post(f"/admin/memberships/{membership.id}/approve", follow_redirects=True)

    assert membership.status is MembershipStatus.ACTIVE, page_text(response)
    assert membership.number.startswith("NALW-") and len(membership.number) == 11
    assert (membership.expires_on - membership.started_on).days in (364, 365)
    assert person.has_role(Role.MEMBER)
    assert f"Approved: membership number {membership.number}" in page_text(response)


def test_rejection_refunds_the_fee_automatically(client, make_person, person_as, card_token):
    person = make_person()
    membership = applied_and_paid_by_card(client, person, card_token)

    sign_in(client, person_as("staff"))
    page = client.get(f"/admin/memberships/{membership.id}/reject")
    response = client.post(
        f"/admin/memberships/{membership.id}/reject", data={"reason": "Not a link worker role"}, follow_redirects=True
    )

    assert "The £45.00 paid by card (R-" in page_text(page) and "is refunded in full to the card" in page_text(page)
    assert "Application rejected. Refunded £45.00." in page_text(response)
    payment = db.session.scalar(sa.select(Payment).where(Payment.person_id == person.id))
    assert membership.status is MembershipStatus.REJECTED
    assert payment.status is PaymentStatus.REFUNDED and payment.refunded_pence == 4500
    assert payment.refunds[0].stripe_refund_id.startswith("re_")
    rejection = emails_to(person.email)[-1]
    assert "Not a link worker role" in rejection.body_text
    assert "We have refunded the £45.00 you paid by card to your card." in rejection.body_text
    assert "bank transfer" not in rejection.body_text


def test_a_rejected_application_paid_by_invoice_is_told_the_money_goes_back_by_bank_transfer(client, person_as):
    staff = person_as("staff")
    membership = MembershipFactory(status=MembershipStatus.PAID, staff=staff)  # the fee recorded as paid by invoice
    sign_in(client, staff)

    client.post(f"/admin/memberships/{membership.id}/reject", data={"reason": "Not a link worker role"})

    assert membership.status is MembershipStatus.REJECTED
    rejection = emails_to(membership.person.email)[-1]
    assert "We will send the £45.00 you paid by invoice or bank transfer back by bank transfer" in rejection.body_text
    assert "to your card" not in rejection.body_text


@pytest.mark.parametrize("meanwhile", ["nothing", "approved"])
def test_a_rejection_that_is_refused_asks_for_no_refund(client, make_person, person_as, card_token, meanwhile):
    person = make_person()
    membership = applied_and_paid_by_card(client, person, card_token)
    staff = person_as("staff")
    sign_in(client, staff)
    client.get(f"/admin/memberships/{membership.id}/reject")
    reason = ""
    if meanwhile == "approved":  # a colleague approved it while the page was open
        approve(staff, membership)
        db.session.commit()
        reason = "Not a link worker role"

    response = client.post(f"/admin/memberships/{membership.id}/reject", data={"reason": reason})

    assert response.status_code == 200
    assert "There is a problem" in page_text(response)
    db.session.expire_all()
    payment = db.session.scalar(sa.select(Payment).where(Payment.person_id == person.id))
    assert payment.status is PaymentStatus.SUCCEEDED and payment.refunds == []
    assert db.session.get(Membership, membership.id).status is not MembershipStatus.REJECTED


def test_rejection_while_stripe_is_down_stands_and_its_refund_waits_for_reconcile(
    app, client, make_person, person_as, card_token, runner, localstripe_url
):
    person = make_person()
    membership = applied_and_paid_by_card(client, person, card_token)
    sign_in(client, person_as("staff"))
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens there

    response = client.post(
        f"/admin/memberships/{membership.id}/reject", data={"reason": "Not a link worker role"}, follow_redirects=True
    )

    assert "Application rejected." in page_text(response)
    assert "The card service did not answer, so the refund of £45.00 is waiting." in page_text(response)
    payment = db.session.scalar(sa.select(Payment).where(Payment.person_id == person.id))
    assert membership.status is MembershipStatus.REJECTED
    assert payment.status is PaymentStatus.SUCCEEDED and payment.refunds[0].status is RefundStatus.PENDING

    app.config["STRIPE_API_BASE"] = localstripe_url
    reconcile(runner, "--older-than", "0")

    assert payment.status is PaymentStatus.REFUNDED and payment.refunded_pence == 4500
    assert payment.refunds[0].stripe_refund_id.startswith("re_")
    assert membership.status is MembershipStatus.REJECTED


# --- Automatic renewal is the member's explicit choice -----------------------------------------------


def test_pay_page_offers_automatic_renewal_unticked_and_says_what_is_true_about_the_card(client, make_person):
    person = make_person()
    sign_in(client, person)
    submit_application(client, link_worker_tier())
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))

    page = client.get(f"/membership/{membership.id}/pay")

    checkbox = re.search(r'<input[^>]*id="renew_automatically"[^>]*>', page.get_data(as_text=True)).group(0)
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox
    assert "Renew automatically with this card" in page_text(page)
    assert "for this payment and your renewals" not in page_text(page)
    assert "it is charged for your renewals only if you choose automatic renewal" in page_text(page)


@pytest.mark.parametrize(("ticked", "shown"), [(True, "Automatic"), (False, "By hand")])
def test_the_answer_to_renew_automatically_sets_the_membership_automatic_renewal(
    client, make_person, person_as, card_token, ticked, shown
):
    person = make_person()
    sign_in(client, person)
    submit_application(client, link_worker_tier())
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    client.get(f"/membership/{membership.id}/pay")
    data = {
        "card_choice": "new",
        "card_token": card_token("4242424242424242"),
        "amount_pence": "4500",
    }
    if ticked:
        data["renew_automatically"] = "y"

    client.post(f"/membership/{membership.id}/pay", data=data)

    assert membership.status is MembershipStatus.PAID
    assert membership.auto_renew is ticked
    sign_in(client, person_as("staff"))
    assert f"Renewal {shown}" in page_text(client.get(f"/admin/memberships/{membership.id}"))


def test_pay_page_sends_an_applicant_whose_bank_still_wants_a_check_to_finish_that_payment(client):
    membership = MembershipFactory(applied=True)
    waiting = PaymentFactory(
        person=membership.person, subject_id=membership.id, status=PaymentStatus.REQUIRES_ACTION, succeeded_at=None
    )
    sign_in(client, membership.person)

    response = client.get(f"/membership/{membership.id}/pay")

    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/payments/{waiting.id}/authenticate")
