"""What people do on the membership pages, and what the tests look at afterwards."""

import datetime as dt
import re
from html import unescape

import sqlalchemy as sa

from nalw.code_of_practice import services as code_services
from nalw.core.audit import AuditEntry
from nalw.core.outbox import OutboxMessage
from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.members import services
from nalw.members.models import (
    EmployerType,
    Membership,
    MembershipChange,
    Organisation,
    RenewalNotice,
    SeatInvitation,
    Tier,
)
from nalw.members.renewals import renewal_reference
from nalw.payments import services as payment_services
from nalw.payments.models import Payment, PaymentMethod, PaymentPurpose
from tests.factories import PersonFactory


def tier_named(name) -> Tier:
    return db.session.scalar(sa.select(Tier).where(Tier.name == name))


def link_worker_tier() -> Tier:
    return tier_named("Link Worker")


def organisation_tier() -> Tier:
    return tier_named("Organisation")


def application_answers(**overrides):
    """The application form as a person fills it in; a value of None leaves the field out."""
    answers = {
        "job_title": "Social Prescribing Link Worker",
        "employer_name": "Riverside PCN",
        "employer_type": "gp_practice_or_pcn",
        "region": "yorkshire_and_the_humber",
        "years_in_role": "3",
        "code_version_id": str(code_services.current_version().id),
        "accept_code": "y",
        "register_consent": "y",
    }
    answers.update(overrides)
    return {name: value for name, value in answers.items() if value is not None}


def submit_application(client, tier, **overrides):
    return client.post(f"/membership/join/{tier.id}", data=application_answers(**overrides))


def service_answers(**overrides):
    """The answers as `services.apply` takes them."""
    answers = {
        "job_title": "Social Prescribing Link Worker",
        "employer_name": "Riverside PCN",
        "employer_type": EmployerType.GP_PRACTICE_OR_PCN,
        "region": Region.YORKSHIRE_AND_THE_HUMBER,
        "years_in_role": 3,
        "register_consent": True,
        "news_consent": False,
    }
    answers.update(overrides)
    return answers


def staff_member():
    return PersonFactory(roles=[Role.STAFF], two_factor=True)


def applied_membership(person=None, tier=None, **answers) -> Membership:
    person = person or PersonFactory()
    return services.apply(
        person,
        tier or link_worker_tier(),
        answers=service_answers(**answers),
        code_version_id=code_services.current_version().id,
        accepted_code=True,
    )


def pay_by_invoice(staff, membership, purpose=PaymentPurpose.MEMBERSHIP_FEE, reference=None) -> Payment:
    """Staff record the fee received by invoice, as the staff membership page does."""
    return payment_services.record_offline_payment(
        staff,
        membership.person,
        purpose,
        reference or membership.reference,
        membership.tier.annual_fee_pence,
        PaymentMethod.INVOICE,
        "INV-0001",
        f"{membership.tier.name} {purpose.label.lower()}",
    )


def active_membership(person=None, tier=None, *, started_on=None, expires_on=None, staff=None, **answers):
    """An approved membership, joined the way the app joins people; the dates can be set for the scenario."""
    staff = staff or staff_member()
    membership = applied_membership(person, tier, **answers)
    pay_by_invoice(staff, membership)
    services.approve(staff, membership)
    if expires_on is not None:
        membership.expires_on = expires_on
        membership.started_on = started_on or services.add_years(expires_on, -1) + dt.timedelta(days=1)
    db.session.flush()
    return membership


def renew_by_invoice(membership, staff=None) -> Payment:
    """Staff record a renewal paid by invoice, as the staff membership page does."""
    return pay_by_invoice(
        staff or staff_member(), membership, PaymentPurpose.RENEWAL, reference=renewal_reference(membership)
    )


def save_card(person, confirm_card, number):
    """The person saves a card, as the card form on a payment page does."""
    setup_id = confirm_card(payment_services.start_card_setup(person), number)
    payment_services.save_card(person, setup_id)
    db.session.flush()


def publish_new_code_version(admin, code="S10", title="Working with digital tools"):
    draft = code_services.start_draft(admin)
    code_services.save_standard(admin, draft, code, title, "I help people use digital services safely.")
    code_services.publish(admin, draft)
    db.session.flush()
    return draft


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
    db.session.expire_all()
    rows = {}
    for model in MEMBERSHIP_TABLES:
        table = model.__table__
        rows[table.name] = db.session.execute(sa.select(table).order_by(table.c.id)).all()
    return rows


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


def input_tag(response, field_id):
    html = response.get_data(as_text=True)
    match = re.search(rf'<input\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no input with id={field_id!r} on the page"
    return match.group(0)


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
