"""Members see their payments and a receipt for each one that took money; staff see everyone's."""

import re

import pytest

from nalw.core.time import london_today
from nalw.payments.models import PaymentStatus
from nalw.payments.views import MY_PAYMENTS_PER_PAGE
from tests.factories import PaymentFactory, PersonFactory
from tests.helpers import page_text, sign_in
from tests.payments.steps import payments_of, refund
from tests.stripe_helpers import DECLINED


def fee_description():
    """A joining fee names the membership year that starts when it is approved: 'Link Worker membership fee, 2026–27'."""
    year = london_today().year
    return f"Link Worker membership fee, {year}–{(year + 1) % 100:02d}"


def receipt_links(response):
    return re.findall(r'href="/account/payments/(\d+)"', response.get_data(as_text=True))


def test_member_sees_their_payments_and_a_receipt_for_each_that_took_money(client, applicant, pay_for):
    person, membership = applicant(name="Amara Okafor")
    pay_for(membership, DECLINED)
    pay_for(membership)
    declined, paid = payments_of(person)

    listing = client.get("/account/payments")

    text = page_text(listing)
    assert f"{fee_description()} £45.00 Succeeded" in text
    assert f"{fee_description()} £45.00 Failed" in text
    assert receipt_links(listing) == [str(paid.id)]
    receipt = page_text(client.get(f"/account/payments/{paid.id}"))
    assert f"Receipt {paid.receipt_number}" in receipt
    assert "Paid by Amara Okafor" in receipt
    assert f"For {fee_description()}" in receipt
    assert "Amount £45.00" in receipt
    assert "Payment method Card" in receipt
    assert "Status Succeeded" in receipt


def test_receipt_names_the_payer_once_and_the_payment_method_separately(client, paid_membership):
    person, membership, payment = paid_membership(name="Amara Okafor")

    receipt = page_text(client.get(f"/account/payments/{payment.id}"))

    assert receipt.count("Paid by") == 1
    assert "Paid by Amara Okafor" in receipt
    assert "Payment method Card" in receipt


def test_a_payment_that_took_no_money_has_no_receipt(client, applicant, pay_for):
    person, membership = applicant()
    pay_for(membership, DECLINED)
    (declined,) = payments_of(person)

    response = client.get(f"/account/payments/{declined.id}")

    assert response.status_code == 404


def test_receipt_shows_what_was_refunded(client, paid_membership, person_as):
    person, membership, payment = paid_membership()
    member_client = client.application.test_client()
    sign_in(member_client, person)
    sign_in(client, person_as("staff"))
    refund(client, payment, "10.00", reason="Goodwill")

    receipt = page_text(member_client.get(f"/account/payments/{payment.id}"))
    listing = page_text(member_client.get("/account/payments"))

    assert "Status Partially refunded" in receipt
    assert re.search(r"Refunded £10\.00 on \d{1,2} \w+ \d{4}", receipt), receipt
    assert "£45.00 (£10.00 refunded) Partially refunded" in listing


def test_staff_can_see_anyones_receipt(client, paid_membership, person_as):
    person, membership, payment = paid_membership(name="Amara Okafor")
    sign_in(client, person_as("staff"))

    response = client.get(f"/account/payments/{payment.id}")

    assert response.status_code == 200
    assert "Paid by Amara Okafor" in page_text(response)


def test_member_sees_only_their_own_payments(client, make_person):
    mine, theirs = make_person(), make_person()
    my_payment = PaymentFactory(person=mine)
    PaymentFactory(person=theirs, amount_pence=9900)
    sign_in(client, mine)

    listing = client.get("/account/payments")

    assert receipt_links(listing) == [str(my_payment.id)]
    assert "£99.00" not in page_text(listing)


def test_staff_payment_list_shows_everyones_payments_and_filters_by_status(client, make_person, person_as):
    paid = PaymentFactory(person=make_person(name="Amara Okafor"))
    refunded = PaymentFactory(person=make_person(name="Ben Hughes"), status=PaymentStatus.REFUNDED, refunded_pence=4500)
    sign_in(client, person_as("staff"))

    everyone = page_text(client.get("/admin/payments"))
    only_refunded = page_text(client.get("/admin/payments?status=refunded"))

    assert f"{paid.receipt_number}" in everyone and f"{refunded.receipt_number}" in everyone
    assert "Amara Okafor" in everyone and "Ben Hughes" in everyone
    assert "Ben Hughes" in only_refunded and "Amara Okafor" not in only_refunded


@pytest.mark.parametrize(("viewer", "path"), [("staff", "/admin/payments"), ("member", "/account/payments")])
def test_payment_lists_take_the_same_number_of_queries_for_3_or_20_payments(
    client, person_as, count_queries, viewer, path
):
    viewer = person_as(viewer)
    sign_in(client, viewer)

    def queries_with_payments(total):
        while len(payments_shown) < total:
            owner = viewer if path == "/account/payments" else PersonFactory()
            payments_shown.append(
                PaymentFactory(person=owner, status=PaymentStatus.PARTIALLY_REFUNDED, refunded_pence=100)
            )
        with count_queries() as queries:
            response = client.get(path)
        text = page_text(response)
        assert all(payment.receipt_number in text for payment in payments_shown)
        return len(queries)

    payments_shown = []
    with_3 = queries_with_payments(3)
    with_20 = queries_with_payments(20)

    assert with_3 == with_20


def test_members_own_payments_list_pages_newest_first(client, make_person):
    person = make_person()
    payments = [PaymentFactory(person=person) for _ in range(MY_PAYMENTS_PER_PAGE + 2)]
    sign_in(client, person)

    first = client.get("/account/payments")
    second = client.get("/account/payments?page=2")

    newest_first = [str(payment.id) for payment in reversed(payments)]
    assert receipt_links(first) == newest_first[:MY_PAYMENTS_PER_PAGE]
    assert receipt_links(second) == newest_first[MY_PAYMENTS_PER_PAGE:]
    assert "Page 1 of 2" in page_text(first) and "Next page" in page_text(first)
    assert "Page 2 of 2" in page_text(second)
