"""What people do on the membership pages, and what the tests look at afterwards."""

import re
from html import unescape

import sqlalchemy as sa

from nalw.core.audit import AuditEntry
from nalw.core.outbox import OutboxMessage
from nalw.extensions import db
from nalw.members import services
from nalw.members.models import (
    Membership,
    MembershipChange,
    Organisation,
    RenewalNotice,
    SeatInvitation,
)
from nalw.payments import services as payment_services
from nalw.payments.models import Payment
from tests.factories import application_answers
from tests.helpers import input_tag, rows_of
from tests.stripe_helpers import VISA


def submit_application(client, tier, **overrides):
    return client.post(f"/membership/join/{tier.id}", data=application_answers(**overrides))


def save_card(person, card_token, number):
    """The person saves a card, as the card form on a payment page does."""
    payment_services.save_card(person, card_token(number))
    db.session.flush()


def renew_with_new_card(client, card_token, path="/membership/renew", number=VISA, **overrides):
    """The signed-in member renews on the renewal page with a new card, accepting the code and declaring their CPD."""
    page = client.get(path)
    assert page.status_code == 200, page.location
    data = {
        "card_choice": "new",
        "card_token": card_token(number),
        "amount_pence": "4500",
        "code_version_id": hidden_value(page, "code_version_id"),
        "accept_code": "y",
        "cpd_met": "yes",
    }
    data.update(overrides)
    return client.post(path, data={k: v for k, v in data.items() if v is not None}, follow_redirects=True)


def history_of(membership):
    return db.session.scalars(
        sa.select(MembershipChange).where(MembershipChange.membership_id == membership.id).order_by(MembershipChange.id)
    ).all()


def audit_entries(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


MEMBERSHIP_TABLES = (
    Membership,
    MembershipChange,
    Organisation,
    SeatInvitation,
    RenewalNotice,
    Payment,
    AuditEntry,
    OutboxMessage,
)


def membership_tables():
    """Every row of every table the membership pages can change, to prove a refusal changed nothing."""
    return rows_of(*MEMBERSHIP_TABLES)


def errors_on_field(response, field_id):
    """The messages shown on one field of a form (in its `<id>-error` block)."""
    html = response.get_data(as_text=True)
    match = re.search(rf'<div id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', html, re.S)
    if not match:
        return []
    messages = re.findall(r"<p[^>]*>(.*?)</p>", match.group(1), re.S)
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", message)).split()).removeprefix("Error: ") for message in messages
    ]


def hidden_value(response, field_id):
    return re.search(r'value="([^"]*)"', input_tag(response, field_id)).group(1)


def run_renewals(runner, day):
    result = runner.invoke(args=["members", "renewals", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def change_cpd_hours(tier, hours, *, actor=None, current_year_too=False):
    """An admin changes a tier's CPD hours, through the service the tier form calls."""
    ticked = {"cpd_hours_for_current_year": True} if current_year_too else {}
    services.save_tier(
        actor,
        tier,
        name=tier.name,
        description=tier.description,
        annual_fee_pence=tier.annual_fee_pence,
        eligibility=tier.eligibility,
        cpd_hours_required=hours,
        seats=tier.seats,
        open_for_applications=tier.open_for_applications,
        **ticked,
    )
    db.session.commit()
