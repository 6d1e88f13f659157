"""Stripe.js may run only on the pages that hold the card field; every other page allows our own origin alone."""

import pytest

from tests.helpers import page_text, sign_in
from tests.stripe_helpers import NEEDS_AUTHENTICATION


def policy(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def allows_stripe(response, stripe_origin):
    directives = policy(response)
    return stripe_origin in directives["script-src"] or stripe_origin in directives["connect-src"]


def assert_card_field_policy(response, stripe_origin):
    directives = policy(response)
    assert directives["script-src"] == ["'self'", stripe_origin]
    assert stripe_origin in directives["connect-src"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_pay_page_allows_stripe_for_its_card_field(client, applicant, localstripe_url):
    person, membership = applicant()

    response = client.get(f"/membership/{membership.id}/pay")

    assert f'<script src="{localstripe_url}/js.stripe.com/v3/">' in response.get_data(as_text=True)
    assert_card_field_policy(response, localstripe_url)


def test_pay_page_shown_again_after_a_refusal_still_allows_stripe(client, applicant, pay_for, localstripe_url):
    person, membership = applicant()

    response = pay_for(membership, amount_pence=1)

    assert "The fee is now £45.00" in page_text(response)
    assert_card_field_policy(response, localstripe_url)


def test_bank_check_page_allows_stripe(client, awaiting_bank_check, localstripe_url):
    person, membership, payment, client_secret = awaiting_bank_check()

    response = client.get(f"/payments/{payment.id}/authenticate")

    assert response.status_code == 200
    assert_card_field_policy(response, localstripe_url)


@pytest.mark.parametrize(
    "path",
    [
        "/membership",
        "/account/payments",
        "/account/payments/{payment_id}",
        "/payments/{awaiting_id}/authenticated",
        "/membership/{paid_membership_id}/pay",  # already paid: sent on to the membership page
        "/",
    ],
)
def test_member_pages_without_the_card_field_allow_our_origin_alone(
    client, paid_membership, awaiting_bank_check, localstripe_url, path
):
    person, membership, payment = paid_membership()
    other, _, awaiting, _ = awaiting_bank_check()
    sign_in(client, person if "authenticated" not in path else other)

    response = client.get(path.format(payment_id=payment.id, awaiting_id=awaiting.id, paid_membership_id=membership.id))

    assert response.status_code in (200, 302)
    assert policy(response)["script-src"] == ["'self'"]
    assert policy(response)["connect-src"] == ["'self'"]
    assert not allows_stripe(response, localstripe_url)


@pytest.mark.parametrize("path", ["/admin/payments", "/admin/payments/{payment_id}", "/admin/applications"])
def test_staff_payment_pages_allow_our_origin_alone(client, paid_membership, person_as, localstripe_url, path):
    person, membership, payment = paid_membership()
    sign_in(client, person_as("staff"))

    response = client.get(path.format(payment_id=payment.id))

    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]
    assert not allows_stripe(response, localstripe_url)


def test_webhook_answer_allows_our_origin_alone(client, localstripe_url):
    response = client.post("/stripe/webhook", data=b"{}", headers={"Stripe-Signature": "t=1,v1=0"})

    assert response.status_code == 400
    assert not allows_stripe(response, localstripe_url)


def test_pay_page_without_a_card_field_while_stripe_is_down_does_not_allow_stripe(
    app, client, applicant, localstripe_url
):
    person, membership = applicant()
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # the card service does not answer

    response = client.get(f"/membership/{membership.id}/pay")

    assert "Card payments are not available just now. Nothing has been charged." in page_text(response)
    assert "data-card-form" not in response.get_data(as_text=True)
    assert policy(response)["script-src"] == ["'self'"]


def test_card_needing_authentication_is_still_sent_to_a_page_that_allows_stripe(
    client, applicant, pay_for, localstripe_url
):
    person, membership = applicant()

    response = pay_for(membership, NEEDS_AUTHENTICATION, follow_redirects=True)

    assert "Confirm your payment with your bank" in page_text(response)
    assert_card_field_policy(response, localstripe_url)
