"""Payments in a person's data download, and erasure: the payments and the Stripe customer stay, the saved card
is forgotten."""

from nalw.accounts.services import erase_person
from nalw.extensions import db
from nalw.payments.lists import payments_of
from tests.factories import MembershipFactory, saved_card, staff_member
from tests.helpers import sign_in


def test_the_download_shows_the_saved_card_as_the_account_does(client):
    member = MembershipFactory().person
    saved_card(member)
    db.session.commit()
    sign_in(client, member)

    download = client.get("/account/data").json

    assert download["saved_card"] == {"card": "Visa ending 4242", "expires": "12/2099"}
    assert len(download["payments"]) == 1


def test_erasure_forgets_the_saved_card_and_keeps_the_payments_and_the_customer(client):
    member = MembershipFactory().person
    profile = saved_card(member)
    customer = profile.stripe_customer_id

    erase_person(member, password="", actor=staff_member(name="Ada Admin"))
    db.session.commit()

    assert (profile.payment_method_id, profile.card_brand, profile.card_last4) == (None, None, None)
    assert (profile.card_exp_month, profile.card_exp_year) == (None, None)
    assert profile.stripe_customer_id == customer
    assert [payment.person_id for payment in payments_of(member.id)] == [member.id]
