"""Doing in a test what Stripe.js does in the browser, and signing webhook events as Stripe would."""

import hashlib
import hmac
import json
import re
import time
import uuid

import pytest
import requests

VISA = "4242424242424242"
DECLINED = "4000000000000341"  # saves, then every charge is declined
NEEDS_AUTHENTICATION = "4000002760003184"  # every charge asks the cardholder to authenticate


@pytest.fixture
def confirm_card(localstripe_url):
    """`confirm_card(setup_secret, VISA)` -> the SetupIntent id, as stripe.confirmCardSetup would."""

    def confirm(setup_secret, number=VISA):
        setup_id = re.match(r"^(seti_\w+)_secret_", setup_secret).group(1)
        body = {
            "key": "pk_test_nalw",
            "use_stripe_sdk": True,
            "client_secret": setup_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"},
                "billing_details": {"address": {"postal_code": "LS1 4AP"}},
            },
        }
        response = requests.post(
            f"{localstripe_url}/v1/setup_intents/{setup_id}/confirm", data=json.dumps(body), timeout=10
        )
        result = response.json()
        if result.get("status") == "requires_action":
            response = requests.post(
                f"{localstripe_url}/v1/setup_intents/{setup_id}/confirm",
                data=json.dumps({"key": "pk_test_nalw", "use_stripe_sdk": True, "client_secret": setup_secret}),
                timeout=10,
            )
            result = response.json()
        assert result.get("status") == "succeeded", result
        return setup_id

    return confirm


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


def setup_secret_in(response):
    match = re.search(r'data-setup-secret="([^"]+)"', response.get_data(as_text=True))
    assert match, "the payment page has no card form"
    return match.group(1)
