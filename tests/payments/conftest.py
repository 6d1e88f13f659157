"""The payments suite runs against localstripe: an applicant, their pay page, a card, a payment."""

import pytest
import sqlalchemy as sa

from nalw.extensions import db
from nalw.members.models import Membership
from nalw.payments.models import PaymentStatus
from tests.factories import link_worker_tier
from tests.helpers import sign_in
from tests.members.steps import submit_application
from tests.payments.steps import StripeApi, amount_on_page, payments_of
from tests.stripe_helpers import NEEDS_AUTHENTICATION, VISA, setup_secret_in


@pytest.fixture
def settings(stripe_settings):
    return stripe_settings


@pytest.fixture
def stripe_api(localstripe_url):
    return StripeApi(localstripe_url)


@pytest.fixture
def applicant(client, make_person):
    """`applicant()` -> (person, membership): signed in on `client`, applied for Link Worker, not yet paid."""

    def build(**person_fields):
        person = make_person(**person_fields)
        sign_in(client, person)
        response = submit_application(client, link_worker_tier())
        assert response.status_code == 302, response.get_data(as_text=True)
        membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
        return person, membership

    return build


@pytest.fixture
def pay_for(client, confirm_card):
    """`pay_for(membership, number)`: open the pay page, enter the card as Stripe.js would, press Pay."""

    def pay(membership, number=VISA, amount_pence=None, follow_redirects=True):
        page = client.get(f"/membership/{membership.id}/pay")
        setup_id = confirm_card(setup_secret_in(page), number)
        return client.post(
            f"/membership/{membership.id}/pay",
            data={
                "card_choice": "new",
                "setup_intent_id": setup_id,
                "amount_pence": str(amount_pence) if amount_pence is not None else amount_on_page(page),
            },
            follow_redirects=follow_redirects,
        )

    return pay


@pytest.fixture
def paid_membership(applicant, pay_for):
    """`paid_membership()` -> (person, membership, payment): the joining fee paid by card."""

    def build(**person_fields):
        person, membership = applicant(**person_fields)
        pay_for(membership)
        (payment,) = payments_of(person)
        return person, membership, payment

    return build


@pytest.fixture
def awaiting_bank_check(applicant, pay_for, stripe_api):
    """`awaiting_bank_check()` -> (person, membership, payment, client_secret): the card needs 3-D Secure,
    the person has been sent to their bank's check and nothing else has happened yet."""

    def build(**person_fields):
        person, membership = applicant(**person_fields)
        pay_for(membership, NEEDS_AUTHENTICATION, follow_redirects=False)
        (payment,) = payments_of(person)
        assert payment.status is PaymentStatus.REQUIRES_ACTION
        client_secret = stripe_api.payment_intent(payment.stripe_payment_intent_id)["client_secret"]
        return person, membership, payment, client_secret

    return build
