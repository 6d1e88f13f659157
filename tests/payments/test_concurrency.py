"""Two requests at the same moment, with real commits on PostgreSQL: still one payment, one change.

Both requests are held at the same SQL statement until both have reached it (a barrier on the
engine), so they really overlap: each has checked for an existing payment or event and found none.
"""

import concurrent.futures
import contextlib
import threading

import pytest
import sqlalchemy as sa

from nalw.code_of_practice.services import current_version
from nalw.extensions import db
from nalw.members.models import Membership, MembershipChange, MembershipStatus
from nalw.payments import services as payment_services
from nalw.payments.models import Payment, PaymentStatus, StripeEvent
from tests.conftest import OwnContextClient
from tests.factories import PersonFactory, link_worker_tier
from tests.helpers import emails_to, page_text, sign_in
from tests.stripe_helpers import NEEDS_AUTHENTICATION, setup_secret_in, signed_event

pytestmark = pytest.mark.postgres_only


@contextlib.contextmanager
def both_requests_meet_at(statement_start):
    """Hold each request at its first statement starting with `statement_start` until the other arrives.
    If the app serialises the two first (a lock taken earlier), the barrier times out and both go on."""
    barrier = threading.Barrier(2)

    def wait_for_the_other(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith(statement_start):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)

    sa.event.listen(db.engine, "before_cursor_execute", wait_for_the_other)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", wait_for_the_other)


def at_once(app, *requests):
    """Run each request in a thread of its own, as two server workers would."""

    def in_own_context(request):
        with app.app_context():
            return request()

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(requests)) as pool:
        futures = [pool.submit(in_own_context, request) for request in requests]
        return [future.result(timeout=60) for future in futures]


@pytest.fixture
def applied(committing_app):
    """(person, membership, a client signed in as them), all committed."""
    committing_app.test_client_class = OwnContextClient
    person = PersonFactory()
    db.session.commit()
    client = committing_app.test_client()
    sign_in(client, person)
    client.post(
        f"/membership/join/{link_worker_tier().id}",
        data={
            "job_title": "Social Prescribing Link Worker",
            "employer_name": "Riverside PCN",
            "employer_type": "gp_practice_or_pcn",
            "region": "london",
            "years_in_role": "2",
            "code_version_id": str(current_version().id),
            "accept_code": "y",
        },
    )
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    assert membership.status is MembershipStatus.APPLIED
    return person, membership, client


def test_pay_form_posted_twice_at_once_charges_once_and_tells_the_second_why(
    committing_app, applied, confirm_card, stripe_api
):
    person, membership, client = applied
    page = client.get(f"/membership/{membership.id}/pay")
    payment_services.save_card(person, confirm_card(setup_secret_in(page)))
    db.session.commit()
    form = {"card_choice": "saved", "amount_pence": "4500"}

    tabs = [committing_app.test_client(), committing_app.test_client()]
    for tab in tabs:
        sign_in(tab, person)
    pay_url = f"/membership/{membership.id}/pay"

    with both_requests_meet_at("INSERT INTO payments"):
        responses = at_once(committing_app, *(lambda tab=tab: tab.post(pay_url, data=form) for tab in tabs))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "This has already been paid, or a payment for it is in progress." in page_text(refused)
    db.session.expire_all()
    (payment,) = db.session.scalars(sa.select(Payment).where(Payment.person_id == person.id)).all()
    assert payment.status is PaymentStatus.SUCCEEDED
    intents = stripe_api.payment_intents_of(person)
    assert [intent["id"] for intent in intents] == [payment.stripe_payment_intent_id]
    assert membership.status is MembershipStatus.PAID


def test_the_same_event_delivered_twice_at_once_is_applied_once(
    committing_app, applied, confirm_card, authenticate_payment, stripe_api
):
    person, membership, client = applied
    page = client.get(f"/membership/{membership.id}/pay")
    client.post(
        f"/membership/{membership.id}/pay",
        data={
            "card_choice": "new",
            "setup_intent_id": confirm_card(setup_secret_in(page), NEEDS_AUTHENTICATION),
            "amount_pence": "4500",
        },
    )
    payment = db.session.scalar(sa.select(Payment).where(Payment.person_id == person.id))
    client_secret = stripe_api.payment_intent(payment.stripe_payment_intent_id)["client_secret"]
    authenticate_payment(payment.stripe_payment_intent_id, client_secret)
    payload, headers = signed_event(
        "payment_intent.succeeded", stripe_api.payment_intent(payment.stripe_payment_intent_id)
    )

    def deliver(stripe_worker):
        return lambda: stripe_worker.post("/stripe/webhook", data=payload, headers=headers)

    with both_requests_meet_at("INSERT INTO stripe_events"):
        responses = at_once(
            committing_app, deliver(committing_app.test_client()), deliver(committing_app.test_client())
        )

    assert [response.status_code for response in responses] == [200, 200]
    outcomes = sorted(response.get_json()["outcome"] for response in responses)
    assert outcomes == ["duplicate: handled by a simultaneous delivery", f"payment {payment.id}: succeeded"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StripeEvent)) == 1
    assert payment.status is PaymentStatus.SUCCEEDED
    assert membership.status is MembershipStatus.PAID
    to_paid = db.session.scalars(
        sa.select(MembershipChange).where(
            MembershipChange.membership_id == membership.id, MembershipChange.to_status == MembershipStatus.PAID
        )
    ).all()
    assert len(to_paid) == 1
    subjects = [message.subject for message in emails_to(person.email)]
    assert subjects.count("We have your membership application and payment") == 1
