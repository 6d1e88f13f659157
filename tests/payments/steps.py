"""What the payments tests do and look at: the pay page, localstripe as Stripe sees it, our tables."""

import re

import requests
import sqlalchemy as sa

from nalw.extensions import db
from nalw.members.models import MembershipChange
from nalw.payments.models import BillingProfile, Payment, StripeEvent
from tests.stripe_helpers import signed_event


def amount_on_page(page):
    """The fee the pay page shows, as its hidden field carries it back."""
    return re.search(r'name="amount_pence" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1)


class StripeApi:
    """localstripe over HTTP with the app's secret key: what Stripe says happened, and the Stripe
    dashboard's actions (a refund made there) where a test needs them."""

    def __init__(self, base_url):
        self.base_url = base_url

    def get(self, path, **params):
        response = requests.get(f"{self.base_url}/v1/{path}", params=params, auth=("sk_test_nalw", ""), timeout=10)
        response.raise_for_status()
        return response.json()

    def post(self, path, **params):
        response = requests.post(f"{self.base_url}/v1/{path}", data=params, auth=("sk_test_nalw", ""), timeout=10)
        response.raise_for_status()
        return response.json()

    def payment_intent(self, intent_id):
        return self.get(f"payment_intents/{intent_id}")

    def payment_intents_of(self, person):
        """Every PaymentIntent at localstripe for the person's Stripe customer."""
        customer_id = customer_of(person)
        if customer_id is None:
            return []
        intents, after = [], None
        while True:
            page = self.get("payment_intents", limit=100, **({"starting_after": after} if after else {}))
            intents += [intent for intent in page["data"] if intent["customer"] == customer_id]
            if not page["has_more"]:
                return intents
            after = page["data"][-1]["id"]

    def charges_of(self, person):
        customer_id = customer_of(person)
        return [] if customer_id is None else self.get("charges", customer=customer_id, limit=100)["data"]


def customer_of(person):
    return db.session.scalar(sa.select(BillingProfile.stripe_customer_id).where(BillingProfile.person_id == person.id))


def post_event(client, event_type, data_object, event_id=None):
    payload, headers = signed_event(event_type, data_object, event_id=event_id)
    return client.post("/stripe/webhook", data=payload, headers=headers)


def reconcile(runner, *args):
    """Run `flask payments reconcile` as cron would: in an app context (and database session) of its own."""
    with runner.app.app_context():
        result = runner.invoke(args=["payments", "reconcile", *args])
    db.session.expire_all()
    assert result.exit_code == 0, result.output
    return result.output


def payments_of(person):
    return db.session.scalars(sa.select(Payment).where(Payment.person_id == person.id).order_by(Payment.id)).all()


def history_of(membership):
    return db.session.scalars(
        sa.select(MembershipChange).where(MembershipChange.membership_id == membership.id).order_by(MembershipChange.id)
    ).all()


def stripe_events():
    return db.session.scalars(sa.select(StripeEvent).order_by(StripeEvent.received_at, StripeEvent.id)).all()


def refund_key_on(page):
    """The refund form's idempotency key, written when the page was shown ("" when it shows no form)."""
    found = re.search(r'name="refund_key" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    return found.group(1) if found else ""


def refund(client, payment, amount, reason="Cancelled within 14 days", refund_key=None):
    """Staff open the refund page and send its form (or send again the form shown with `refund_key`)."""
    refund_key = refund_key or refund_key_on(client.get(f"/admin/payments/{payment.id}/refund"))
    return client.post(
        f"/admin/payments/{payment.id}/refund",
        data={"amount": amount, "reason": reason, "refund_key": refund_key},
        follow_redirects=True,
    )
