"""Every call to Stripe goes through here, for the real service and the local one alike.

The API base and Stripe.js URL are settings, so tests and `make run` point this same
code at localstripe. Calls that move money carry an idempotency key; our own
payment rows (one live payment per thing paid for) are what really prevent a double
charge, since not every Stripe-compatible server honours the key.
"""

import json
from dataclasses import dataclass

import stripe
from flask import current_app


class GatewayError(Exception):
    """Stripe could not be reached or refused the request; `message` is safe to show."""

    def __init__(self, message, code=None, payment_intent_id=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.payment_intent_id = payment_intent_id


class CardDeclined(GatewayError):
    pass


class Refused(GatewayError):
    """Stripe answered and refused the request as it stands (an invalid request): unlike a GatewayError that
    may be a network failure, we know it did nothing. `detail` is Stripe's reason."""

    def __init__(self, message, detail):
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True)
class IntentResult:
    """What we need from a PaymentIntent, whatever shape the server returned it in."""

    id: str
    status: str
    amount: int
    client_secret: str | None
    charge_id: str | None
    failure_message: str | None
    metadata: dict


def client() -> stripe.StripeClient:
    config = current_app.config
    base = config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"],
        base_addresses={"api": base} if base else None,
        max_network_retries=2,
    )


def _call(operation):
    try:
        return operation()
    except stripe.CardError as error:
        body = (error.json_body or {}).get("error", {})
        intent = body.get("payment_intent") or {}
        raise CardDeclined(
            error.user_message or "Your card was declined.", code=error.code, payment_intent_id=intent.get("id")
        ) from error
    except stripe.InvalidRequestError as error:
        current_app.logger.warning("stripe refused: %s", error)
        raise Refused(NOT_AS_EXPECTED, detail=error.user_message or "the request was not valid.") from error
    except stripe.StripeError as error:
        current_app.logger.warning("stripe error: %s", error)
        raise GatewayError(NOT_AS_EXPECTED) from error


NOT_AS_EXPECTED = "The card service did not answer as expected. Nothing was charged; try again in a few minutes."


def create_customer(email, name, person_id) -> str:
    customer = _call(
        lambda: client().v1.customers.create(
            params={"email": email, "name": name, "metadata": {"person_id": str(person_id)}},
            options={"idempotency_key": f"customer-{person_id}"},
        )
    )
    return customer.id


@dataclass(frozen=True)
class SavedCard:
    payment_method_id: str
    brand: str | None
    last4: str | None
    exp_month: int | None
    exp_year: int | None


CARD_NOT_SAVED = "Your card was not saved. Enter your card details again."


def save_card_from_token(token_id, customer_id) -> SavedCard:
    """Keep the card a Stripe.js token (`stripe.createToken`) stands for as one of the customer's cards.

    The card is kept as a `card_` source, which a PaymentIntent charges as its payment method, now and
    off-session later. Saving it asks nothing of the cardholder's bank: if the bank wants its check, the
    first payment asks for it, once. A card its bank refuses outright is declined here (CardDeclined).
    """
    if not token_id.startswith("tok_"):
        raise GatewayError(CARD_NOT_SAVED)
    try:
        card = _call(
            lambda: client().v1.customers.payment_sources.create(
                customer_id, params={"source": token_id}, options={"idempotency_key": f"card-{token_id}"}
            )
        )
    except Refused as error:
        # An unknown or already used token: the page is stale, or the card was entered somewhere else.
        raise GatewayError(CARD_NOT_SAVED) from error
    details = card.to_dict()
    return SavedCard(
        details["id"], details.get("brand"), details.get("last4"), details.get("exp_month"), details.get("exp_year")
    )


def charge_saved_card(
    *, amount_pence, customer_id, payment_method_id, idempotency_key, description, metadata, off_session
) -> IntentResult:
    """Create and confirm a PaymentIntent server-side with the saved card."""
    params = {
        "amount": amount_pence,
        "currency": "gbp",
        "customer": customer_id,
        "payment_method": payment_method_id,
        "confirm": True,
        # The description travels in metadata: not every Stripe-compatible server accepts the field.
        "metadata": {**metadata, "description": description},
    }
    if off_session:
        params["off_session"] = True
    else:
        params["payment_method_types"] = ["card"]
    intent = _call(
        lambda: client().v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
    )
    return intent_result(intent)


def retrieve_payment_intent(intent_id) -> IntentResult:
    return intent_result(_call(lambda: client().v1.payment_intents.retrieve(intent_id)))


def cancel_payment_intent(intent_id) -> IntentResult:
    """Cancel a PaymentIntent not yet paid (one awaiting the bank's check): no money can move on it after this.
    Stripe refuses (Refused) one that cannot be cancelled any more: succeeded, or cancelled already."""
    return intent_result(
        _call(lambda: client().v1.payment_intents.cancel(intent_id, options={"idempotency_key": f"cancel-{intent_id}"}))
    )


def refund(*, payment_intent_id, amount_pence, idempotency_key) -> str:
    """Refund part or all of a PaymentIntent; the key also travels in the refund's metadata, so that
    `refund_made_with` can find it again."""
    created = _call(
        lambda: client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_pence,
                "metadata": {"idempotency_key": idempotency_key},
            },
            options={"idempotency_key": idempotency_key},
        )
    )
    return created.id


def refund_made_with(payment_intent_id, idempotency_key) -> str | None:
    """The id of the refund of this PaymentIntent asked for with `idempotency_key`, if Stripe made one: a
    retry after an answer that never arrived finds it, whether or not the server honours idempotency keys
    (Stripe forgets them after a day; localstripe ignores them)."""
    refunds = _call(lambda: client().v1.refunds.list(params={"payment_intent": payment_intent_id, "limit": 100}))
    for made in refunds.to_dict().get("data") or []:
        if (made.get("metadata") or {}).get("idempotency_key") == idempotency_key:
            return made["id"]
    return None


def verified_event(payload: bytes, signature: str):
    """The event's JSON as plain Python, if Stripe's signature over `payload` is right; else ValueError.
    Whether it has the shape of an event is for `services.check_event_shape` to say."""
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"], tolerance=stripe.Webhook.DEFAULT_TOLERANCE
        )
        return json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise ValueError(str(error)) from error


# Stripe's own words for a failed bank check ("The provided PaymentMethod has failed authentication.") are
# written for developers; the person reads these instead.
PLAIN_FAILURES = {
    "payment_intent_authentication_failure": "Your bank's check was not completed.",
    "authentication_required": "Your bank wants you to confirm this payment, and you were not there to do it.",
}


def failure_for_person(error: dict) -> str | None:
    """What a PaymentIntent's last error means, in words for the person paying."""
    if not error:
        return None
    return PLAIN_FAILURES.get(error.get("code")) or error.get("message")


def intent_result(intent) -> IntentResult:
    data = intent if isinstance(intent, dict) else intent.to_dict()
    charge = data.get("latest_charge")
    # Stripe sends the charge id; some servers send the charge itself.
    charge_id = charge.get("id") if isinstance(charge, dict) else charge
    error = data.get("last_payment_error") or {}
    return IntentResult(
        id=data["id"],
        status=data["status"],
        amount=data.get("amount", 0),
        client_secret=data.get("client_secret"),
        charge_id=charge_id,
        failure_message=failure_for_person(error),
        metadata=data.get("metadata") or {},
    )
