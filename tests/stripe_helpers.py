"""Doing in a test what Stripe.js does in the browser, and signing webhook events as Stripe would."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import requests

VISA = "4242424242424242"
DECLINED = "4000000000000341"  # saves, then every charge is declined
NEEDS_AUTHENTICATION = "4000002760003184"  # every charge asks the cardholder to authenticate
REFUSED_AS_SAVED = "4000000000000002"  # declined as soon as it is saved to the customer


@pytest.fixture
def card_token(localstripe_url):
    """`card_token(VISA)` -> a token for the card, as stripe.createToken(cardElement) makes in the browser:
    it posts the card to /v1/tokens with the publishable key, and asks nothing of the card's bank."""

    def create(number=VISA):
        response = requests.post(
            f"{localstripe_url}/v1/tokens",
            data={
                "card[number]": number,
                "card[exp_month]": "12",
                "card[exp_year]": "2034",
                "card[cvc]": "123",
                "key": "pk_test_nalw",
                "payment_user_agent": "localstripe",
            },
            timeout=10,
        )
        token = response.json()
        assert response.status_code == 200 and token["id"].startswith("tok_"), token
        return token["id"]

    return create


@pytest.fixture
def authenticate_payment(localstripe_url):
    """Complete (or fail) the bank's check on a PaymentIntent, as stripe.confirmCardPayment would."""

    def authenticate(intent_id, client_secret, success=True):
        response = requests.post(
            f"{localstripe_url}/v1/payment_intents/{intent_id}/_authenticate?success={'true' if success else 'false'}",
            data=json.dumps({"key": "pk_test_nalw", "client_secret": client_secret}),
            timeout=10,
        )
        return response.json()

    return authenticate


def signed_event(event_type, data_object, secret="whsec_test_nalw", event_id=None):
    """(payload bytes, headers) of a Stripe event signed with the webhook secret."""
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": data_object},
    }
    return signed_payload(json.dumps(event).encode(), secret)


def signed_payload(payload, secret="whsec_test_nalw"):
    """(payload, headers): any bytes, signed with the webhook secret as Stripe signs an event."""
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, {"Stripe-Signature": f"t={timestamp},v1={signature}", "Content-Type": "application/json"}
