"""Paying the joining fee by card: the bank's check, declines, one payment per fee, the amount the person saw."""

import re
from pathlib import Path

from nalw.members.models import MembershipStatus
from nalw.payments import gateway
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentStatus
from tests.factories import link_worker_tier
from tests.helpers import page_text, sign_in
from tests.members.steps import hidden_value, save_card
from tests.payments.steps import amount_on_page, payments_of
from tests.stripe_helpers import DECLINED, NEEDS_AUTHENTICATION, REFUSED_AS_SAVED, VISA

ROOT = Path(__file__).resolve().parents[2]
IN_PROGRESS = "This has already been paid, or a payment for it is in progress."


def succeeded_charges(stripe_api, person):
    return [charge for charge in stripe_api.charges_of(person) if charge["status"] == "succeeded"]


# --- The bank's check (3-D Secure) ------------------------------------------------------------------


def test_card_needing_the_banks_check_goes_to_a_page_that_runs_it(app, client, applicant, pay_for, stripe_api):
    person, membership = applicant()

    response = pay_for(membership, NEEDS_AUTHENTICATION, follow_redirects=False)

    (payment,) = payments_of(person)
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert response.location == f"/payments/{payment.id}/authenticate?next=/membership"
    page = client.get(response.location)
    html = page.get_data(as_text=True)
    client_secret = stripe_api.payment_intent(payment.stripe_payment_intent_id)["client_secret"]
    assert f'data-client-secret="{client_secret}"' in html
    assert f'<script src="{app.config["STRIPE_JS_URL"]}"></script>' in html
    assert app.config["STRIPE_JS_URL"].endswith("/js.stripe.com/v3/")
    assert "Your bank wants to check that it is you paying £45.00 for Link Worker membership fee" in page_text(page)
    assert membership.status is MembershipStatus.APPLIED


def test_a_new_card_needing_the_banks_check_is_checked_once_for_the_payment(
    client, applicant, card_token, authenticate_payment, stripe_api
):
    person, membership = applicant()
    page = client.get(f"/membership/{membership.id}/pay")

    response = client.post(
        f"/membership/{membership.id}/pay",
        data={
            "card_choice": "new",
            "card_token": card_token(NEEDS_AUTHENTICATION),
            "amount_pence": amount_on_page(page),
        },
    )

    (payment,) = payments_of(person)
    assert response.location == f"/payments/{payment.id}/authenticate?next=/membership"
    assert stripe_api.setup_intents_of(person) == []  # saving the card asked nothing of the bank
    (intent,) = stripe_api.payment_intents_of(person)
    assert intent["status"] == "requires_action"
    check_page = client.get(response.location)
    assert f'data-client-secret="{intent["client_secret"]}"' in check_page.get_data(as_text=True)

    passed = authenticate_payment(intent["id"], intent["client_secret"], success=True)  # the one bank check
    done = client.get(f"/payments/{payment.id}/authenticated?next=/membership", follow_redirects=True)

    assert passed["status"] == "succeeded"
    assert "Payment of £45.00 received. Thank you." in page_text(done)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert membership.status is MembershipStatus.PAID
    assert len(stripe_api.payment_intents_of(person)) == 1
    assert len(succeeded_charges(stripe_api, person)) == 1
    profile = payment_services.billing_profile(person)
    assert profile.card_label == "Visa ending 3184" and intent["payment_method"] == profile.payment_method_id


def test_passing_the_banks_check_marks_the_payment_succeeded(client, awaiting_bank_check, authenticate_payment):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret, success=True)

    response = client.get(f"/payments/{payment.id}/authenticated?next=/membership", follow_redirects=True)

    assert "Payment of £45.00 received. Thank you." in page_text(response)
    assert "Paid, awaiting approval" in page_text(response)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.stripe_charge_id.startswith("ch_")
    assert membership.status is MembershipStatus.PAID


def test_failing_the_banks_check_marks_the_payment_failed_and_lets_the_person_pay_again(
    client, awaiting_bank_check, authenticate_payment, pay_for, stripe_api
):
    person, membership, payment, client_secret = awaiting_bank_check()
    authenticate_payment(payment.stripe_payment_intent_id, client_secret, success=False)

    response = client.get(f"/payments/{payment.id}/authenticated?next=/membership", follow_redirects=True)

    assert (
        "The payment did not go through: Your bank's check was not completed. Nothing was charged. "
        "Pay again and complete your bank's check when it appears, or use another card." in page_text(response)
    )
    assert payment.status is PaymentStatus.FAILED
    assert membership.status is MembershipStatus.APPLIED
    assert succeeded_charges(stripe_api, person) == []

    pay_for(membership, VISA)

    assert membership.status is MembershipStatus.PAID
    assert [p.status for p in payments_of(person)] == [PaymentStatus.FAILED, PaymentStatus.SUCCEEDED]
    assert len(succeeded_charges(stripe_api, person)) == 1


def test_a_new_card_whose_first_bank_check_fails_is_not_kept(client, awaiting_bank_check, authenticate_payment):
    person, membership, payment, client_secret = awaiting_bank_check()
    assert payment_services.billing_profile(person).card_label == "Visa ending 3184"  # while the bank checks
    authenticate_payment(payment.stripe_payment_intent_id, client_secret, success=False)

    client.get(f"/payments/{payment.id}/authenticated?next=/membership")

    assert payment.status is PaymentStatus.FAILED
    assert payment_services.billing_profile(person).card_label is None
    pay_page = page_text(client.get(f"/membership/{membership.id}/pay"))
    assert "My saved card" not in pay_page


def test_a_saved_card_whose_bank_check_fails_later_is_kept(
    client, applicant, card_token, authenticate_payment, stripe_api
):
    person, membership = applicant()
    save_card(person, card_token, NEEDS_AUTHENTICATION)
    response = client.post(f"/membership/{membership.id}/pay", data={"card_choice": "saved", "amount_pence": "4500"})
    (payment,) = payments_of(person)
    assert response.location == f"/payments/{payment.id}/authenticate?next=/membership"
    intent = stripe_api.payment_intent(payment.stripe_payment_intent_id)
    authenticate_payment(intent["id"], intent["client_secret"], success=False)

    client.get(f"/payments/{payment.id}/authenticated?next=/membership")

    assert payment.status is PaymentStatus.FAILED
    assert payment_services.billing_profile(person).card_label == "Visa ending 3184"


def test_a_failed_bank_check_is_told_in_plain_words_not_stripes():
    failed_check = {
        "id": "pi_123",
        "status": "requires_payment_method",
        "amount": 4500,
        "last_payment_error": {
            "code": "payment_intent_authentication_failure",
            "message": "The provided PaymentMethod has failed authentication.",
        },
    }
    declined = {**failed_check, "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}}

    assert gateway.intent_result(failed_check).failure_message == "Your bank's check was not completed."
    assert gateway.intent_result(declined).failure_message == "Your card was declined."
    assert gateway.intent_result({**failed_check, "last_payment_error": None}).failure_message is None


def test_coming_back_before_the_bank_has_answered_says_so_and_changes_nothing(client, awaiting_bank_check):
    person, membership, payment, client_secret = awaiting_bank_check()

    response = client.get(f"/payments/{payment.id}/authenticated?next=/membership", follow_redirects=True)

    assert "Your bank has not confirmed the payment yet. We will email you when it does." in page_text(response)
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert membership.status is MembershipStatus.APPLIED


# --- Declined -------------------------------------------------------------------------------------


def test_declined_card_shows_the_reason_and_the_membership_stays_applied(applicant, pay_for, stripe_api):
    person, membership = applicant()

    response = pay_for(membership, DECLINED)

    assert response.status_code == 200
    assert "Your card was declined. Nothing was charged. Try again or use another card." in page_text(response)
    (payment,) = payments_of(person)
    assert payment.status is PaymentStatus.FAILED and payment.failure_message == "Your card was declined."
    assert membership.status is MembershipStatus.APPLIED
    assert succeeded_charges(stripe_api, person) == []


def test_a_card_refused_as_it_is_saved_is_told_on_the_form_and_nothing_is_kept(
    client, applicant, card_token, stripe_api
):
    person, membership = applicant()
    page = client.get(f"/membership/{membership.id}/pay")

    response = client.post(
        f"/membership/{membership.id}/pay",
        data={"card_choice": "new", "card_token": card_token(REFUSED_AS_SAVED), "amount_pence": amount_on_page(page)},
    )

    assert response.status_code == 200
    assert "Your card was declined. Nothing was charged. Try again or use another card." in page_text(response)
    assert payments_of(person) == []
    assert stripe_api.payment_intents_of(person) == []
    assert payment_services.billing_profile(person).card_label is None


def test_a_card_token_that_is_not_one_is_refused_and_nothing_is_charged(client, applicant, stripe_api):
    person, membership = applicant()
    page = client.get(f"/membership/{membership.id}/pay")

    response = client.post(
        f"/membership/{membership.id}/pay",
        data={"card_choice": "new", "card_token": "tok_unknown", "amount_pence": amount_on_page(page)},
    )

    assert "Your card was not saved. Enter your card details again." in page_text(response)
    assert payments_of(person) == []
    assert stripe_api.payment_intents_of(person) == []


# --- One payment per fee ---------------------------------------------------------------------------


def test_a_second_payment_is_not_started_while_the_first_awaits_the_bank_the_member_finishes_it(
    awaiting_bank_check, client, card_token, stripe_api
):
    person, membership, payment, client_secret = awaiting_bank_check()
    form = {"card_choice": "new", "card_token": card_token(VISA), "amount_pence": "4500"}

    page = client.get(f"/membership/{membership.id}/pay")
    posted = client.post(f"/membership/{membership.id}/pay", data=form)

    for response in (page, posted):
        assert response.status_code == 302
        assert response.location.startswith(f"/payments/{payment.id}/authenticate")
    assert payments_of(person) == [payment]
    assert len(stripe_api.payment_intents_of(person)) == 1
    assert succeeded_charges(stripe_api, person) == []
    assert membership.status is MembershipStatus.APPLIED


def test_posting_the_pay_form_twice_charges_once(client, applicant, card_token, stripe_api):
    person, membership = applicant()
    client.get(f"/membership/{membership.id}/pay")
    form = {"card_choice": "new", "card_token": card_token(), "amount_pence": "4500"}

    first = client.post(f"/membership/{membership.id}/pay", data=form)
    second = client.post(f"/membership/{membership.id}/pay", data=form, follow_redirects=True)

    assert first.status_code == 302 and first.location == "/membership"
    assert "Paid, awaiting approval" in page_text(second)
    (payment,) = payments_of(person)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert len(stripe_api.payment_intents_of(person)) == 1
    assert len(succeeded_charges(stripe_api, person)) == 1


# --- The amount the person saw ----------------------------------------------------------------------


def test_a_tampered_amount_is_refused_and_nothing_is_charged(applicant, pay_for, stripe_api):
    person, membership = applicant()

    response = pay_for(membership, VISA, amount_pence=100)

    assert response.status_code == 200
    assert "The fee is now £45.00. Check the amount on this page and pay again." in page_text(response)
    assert payments_of(person) == []
    assert stripe_api.payment_intents_of(person) == []
    assert membership.status is MembershipStatus.APPLIED


def test_a_fee_changed_by_staff_after_the_page_opened_is_refused_naming_the_new_fee(
    app, client, applicant, card_token, person_as, stripe_api
):
    person, membership = applicant()
    page = client.get(f"/membership/{membership.id}/pay")
    token = card_token()
    tier = link_worker_tier()
    admin_client = app.test_client()
    sign_in(admin_client, person_as("admin"))
    saved = admin_client.post(
        f"/admin/tiers/{tier.id}",
        data={
            "name": tier.name,
            "description": tier.description,
            "annual_fee": "50.00",
            "eligibility": tier.eligibility.value,
            "cpd_hours_required": str(tier.cpd_hours_required),
            "open_for_applications": "y",
        },
    )
    assert saved.status_code == 302 and tier.annual_fee_pence == 5000

    response = client.post(
        f"/membership/{membership.id}/pay",
        data={"card_choice": "new", "card_token": token, "amount_pence": amount_on_page(page)},
    )

    text = page_text(response)
    assert "The fee is now £50.00. Check the amount on this page and pay again." in text
    assert "The fee for this membership changed from £45.00 to £50.00 since you applied." in text
    assert amount_on_page(response) == "5000"
    assert payments_of(person) == []
    assert stripe_api.payment_intents_of(person) == []
    assert membership.status is MembershipStatus.APPLIED

    token = card_token()
    client.post(
        f"/membership/{membership.id}/pay",
        data={"card_choice": "new", "card_token": token, "amount_pence": amount_on_page(response)},
    )

    (payment,) = payments_of(person)
    assert payment.status is PaymentStatus.SUCCEEDED and payment.amount_pence == 5000
    assert [intent["amount"] for intent in stripe_api.payment_intents_of(person)] == [5000]


# --- Other people's payments ------------------------------------------------------------------------


def test_someone_elses_pay_page_bank_check_and_receipt_are_not_found(
    client, make_person, awaiting_bank_check, paid_membership
):
    owner, membership, awaiting, client_secret = awaiting_bank_check()
    _, _, paid = paid_membership()
    sign_in(client, make_person())

    responses = {
        "pay page": client.get(f"/membership/{membership.id}/pay"),
        "pay": client.post(f"/membership/{membership.id}/pay", data={"card_choice": "saved", "amount_pence": "4500"}),
        "bank check": client.get(f"/payments/{awaiting.id}/authenticate"),
        "back from the bank": client.get(f"/payments/{awaiting.id}/authenticated"),
        "receipt": client.get(f"/account/payments/{paid.id}"),
    }

    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(responses, 404)
    assert client_secret not in responses["bank check"].get_data(as_text=True)
    assert awaiting.status is PaymentStatus.REQUIRES_ACTION
    assert len(payments_of(owner)) == 1


def test_the_pay_page_shows_the_fee_and_a_fresh_card_form(client, applicant):
    person, membership = applicant()

    page = client.get(f"/membership/{membership.id}/pay")

    assert "Link Worker membership for 12 months from approval: £45.00" in page_text(page)
    html = page.get_data(as_text=True)
    assert "data-card-form" in html and hidden_value(page, "card_token") == ""
    assert "seti_" not in html  # a new card is sent as a token: the page sets nothing up with Stripe
    assert amount_on_page(page) == "4500"


def test_the_demo_cards_the_readme_and_make_run_give_are_taken_by_the_local_card_field(card_token):
    """The demo's card field is localstripe's, which sends the number exactly as typed: a card written with
    spaces, typed as written, is refused ("Your card could not be saved")."""
    readme = (ROOT / "README.md").read_text()
    paying = readme.split("### Paying in the demo", 1)[1].split("Things to try", 1)[0]
    cards = re.findall(r"^\| `([^`]+)` \|", paying, flags=re.MULTILINE)
    started = re.search(r"Test card: (\S+)", (ROOT / "scripts" / "run_demo.py").read_text()).group(1)

    assert len(cards) == 3
    for number in [*cards, started]:
        assert card_token(number).startswith("tok_")
