"""Staff hand an organisation's membership to a colleague; its admin cannot erase their account while they run it."""

import datetime as dt
import re

import pytest

from nalw.accounts import services as account_services
from nalw.accounts.models import RoleGrant
from nalw.code_of_practice import services as code_services
from nalw.core.contact import contact_us_text
from nalw.core.permissions import Role
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import figures, organisations, renewals, services
from nalw.members.models import MembershipStatus
from nalw.payments import services as payment_services
from nalw.payments.models import PaymentPurpose, PaymentStatus
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    PersonFactory,
    organisation_membership,
    organisation_tier,
    seat_in,
    staff_member,
)
from tests.factories.members import organisation_of
from tests.helpers import emails_to, input_tag, link_in, page_text, rows_of, sign_in
from tests.members.steps import (
    MEMBERSHIP_TABLES,
    audit_entries,
    errors_on_field,
    history_of,
    renew_with_new_card,
    save_card,
)
from tests.payments.steps import StripeApi
from tests.stripe_helpers import NEEDS_AUTHENTICATION, VISA

S = MembershipStatus

FORM_HEADING = "Hand the organisation to a colleague"


@pytest.fixture
def staff(app):
    return staff_member(name="Sam Staff")


@pytest.fixture
def held(app):
    """Riverside PCN's own membership, run by Olu Organisation, renewing automatically, with one seat taken."""
    membership = organisation_membership(admin="Olu Organisation")
    membership.auto_renew = True
    seat_in(membership, PersonFactory(name="Ada Link", email="ada@example.org"))
    return membership


def hand_over(client, membership, email, reason="Olu has left the PCN"):
    return client.post(
        f"/admin/memberships/{membership.id}/hand-over",
        data={"hand_over-email": email, "hand_over-reason": reason},
        follow_redirects=True,
    )


def everything():
    """Every row a handover or an erasure could change: the membership tables, and who holds which role."""
    return rows_of(*MEMBERSHIP_TABLES, RoleGrant)


def erase(client, person):
    sign_in(client, person)
    return client.post("/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD})


# --- Handing over ---------------------------------------------------------------------------------------


def test_staff_hand_an_organisation_to_a_colleague_who_then_runs_it(client, staff, held):
    olu = held.person
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    organisation = organisation_of(held)
    number, expires_on = held.number, held.expires_on
    [seat] = [invitation.membership for invitation in organisations.invitations(organisation)]
    sign_in(client, staff)

    response = hand_over(client, held, " Nia@Example.org ")

    assert response.request.path == f"/admin/memberships/{held.id}"
    assert "Riverside PCN is now run by Nia Newton (nia@example.org)." in page_text(response)
    assert (organisation.admin_person_id, held.person_id) == (nia.id, nia.id)
    assert (held.status, held.number, held.expires_on, held.auto_renew) == (S.ACTIVE, number, expires_on, False)
    assert held.job_title == ""  # the application's job title was the previous admin's
    # The seats hang on the organisation's membership, not on who runs it.
    assert (seat.status, seat.organisation_id, organisations.seats_taken(organisation)) == (
        S.ACTIVE,
        organisation.id,
        1,
    )
    assert nia.has_role(Role.ORGANISATION_ADMIN) and not olu.has_role(Role.ORGANISATION_ADMIN)
    # An organisation's membership gives no member role, to either of them.
    assert not nia.has_role(Role.MEMBER) and not olu.has_role(Role.MEMBER)

    [entry] = audit_entries("organisation.handed_over")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (staff.id, "Organisation", str(organisation.id))
    assert entry.before == {"admin_id": olu.id, "admin_email": olu.email, "automatic_renewal": True}
    assert entry.after == {
        "admin_id": nia.id,
        "admin_email": "nia@example.org",
        "automatic_renewal": False,
        "reason": "Olu has left the PCN",
    }
    assert entry.summary == "Handed Riverside PCN to Nia Newton"
    change = history_of(held)[-1]
    assert (change.from_status, change.to_status, change.actor_id) == (S.ACTIVE, S.ACTIVE, staff.id)
    assert change.reason == "Handed to a new admin: Olu has left the PCN"
    assert "Active (no change) Handed to a new admin: Olu has left the PCN Sam Staff" in page_text(response)

    [to_nia] = emails_to("nia@example.org")
    assert to_nia.subject == "You now run Riverside PCN's NALW membership"
    assert "in place of Olu Organisation" in to_nia.body_text
    assert "Automatic renewal is off until you choose it" in to_nia.body_text
    assert link_in(to_nia, "/organisation") == "/organisation"
    assert emails_to(olu.email)[-1].subject == "Riverside PCN's NALW membership is now run by Nia Newton"

    sign_in(client, nia)
    assert "Manage your organisation's seats" in page_text(client.get("/membership"))
    page = page_text(client.get("/organisation"))
    assert "Riverside PCN" in page and "ada@example.org Accepted" in page
    sign_in(client, olu)
    assert client.get("/organisation").status_code == 403
    assert "Your organisation's membership" not in page_text(client.get("/membership"))


def test_the_member_role_still_follows_each_ones_own_membership(client, staff, held):
    olu = held.person
    MembershipFactory(person=olu)
    nia = MembershipFactory(person=PersonFactory(name="Nia Newton", email="nia@example.org")).person
    sign_in(client, staff)

    hand_over(client, held, "nia@example.org")

    assert olu.has_role(Role.MEMBER) and nia.has_role(Role.MEMBER)
    assert nia.has_role(Role.ORGANISATION_ADMIN) and not olu.has_role(Role.ORGANISATION_ADMIN)


def test_the_previous_admin_keeps_the_admin_role_while_they_still_run_another_organisation(client, staff):
    olu = PersonFactory(name="Olu Organisation")
    MembershipFactory(person=olu, tier=organisation_tier(), organisation_name="Hillside Surgery", resigned=True)
    held = MembershipFactory(person=olu, tier=organisation_tier(), organisation_name="Riverside PCN")
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)

    hand_over(client, held, "nia@example.org")

    assert held.person.email == "nia@example.org"
    assert olu.has_role(Role.ORGANISATION_ADMIN)
    assert organisations.organisation_for_admin(olu).name == "Hillside Surgery"


def test_a_new_admin_who_ran_an_organisation_that_ended_manages_the_one_handed_to_them(client, staff, held):
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    MembershipFactory(person=nia, tier=organisation_tier(), organisation_name="Hillside Surgery", resigned=True)
    sign_in(client, staff)

    hand_over(client, held, "nia@example.org")

    sign_in(client, nia)
    assert "Riverside PCN" in page_text(client.get("/organisation"))


@pytest.mark.parametrize(
    ("email_of", "field", "message"),
    [
        (lambda held: "", "email", "Enter the email address of the new admin"),
        (lambda held: "not an address", "email", "Enter an email address in the right format, like name@example.org"),
        (
            lambda held: "nobody@example.org",
            "email",
            "There is no NALW account with the address nobody@example.org. "
            "Ask them to create an account first, then try again.",
        ),
        (
            lambda held: held.person.email,
            "email",
            "Olu Organisation already runs Riverside PCN. Enter the email address of the colleague taking over.",
        ),
        (
            lambda held: organisation_membership(name="Hillside Surgery", admin="Hana Hill").person.email,
            "email",
            "Hana Hill already runs Hillside Surgery's membership, and an account runs one organisation. "
            "Enter another colleague's address, or hand Hillside Surgery to someone else first.",
        ),
        (
            lambda held: PersonFactory(name="Una Verified", unverified=True).email,
            "email",
            "Una Verified has not confirmed their email address yet. Ask them to follow the link we emailed them "
            "(or to sign in and ask for a new one), then try again.",
        ),
    ],
    ids=["empty", "not-an-address", "no-account", "already-runs-it", "runs-another", "unconfirmed"],
)
def test_a_new_admin_who_cannot_take_over_is_refused_at_the_email_and_nothing_changes(
    client, staff, held, email_of, field, message
):
    email = email_of(held)
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, held, email)

    assert response.status_code == 200
    assert errors_on_field(response, f"hand_over-{field}") == [message]
    assert everything() == before
    assert FORM_HEADING in page_text(response)


def test_an_erased_account_cannot_be_found_to_take_over(client, staff, held):
    gone = PersonFactory(name="Gil Gone", email="gil@example.org")
    account_services.erase_person(gone, DEFAULT_PASSWORD)
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, held, "gil@example.org")

    assert errors_on_field(response, "hand_over-email") == [
        "There is no NALW account with the address gil@example.org. Ask them to create an account first, then try again."
    ]
    assert everything() == before


def test_a_handover_needs_a_reason(client, staff, held):
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, held, "nia@example.org", reason="  ")

    assert errors_on_field(response, "hand_over-reason") == [
        "Enter the reason for the handover: it is kept in the audit log"
    ]
    assert everything() == before
    # The service asks for it too, whoever calls it.
    with pytest.raises(services.MembershipError) as refused:
        organisations.hand_over(staff, organisation_of(held), "nia@example.org", " ")
    assert refused.value.field == "reason"


def test_an_application_handed_over_while_it_waits_for_a_decision_keeps_its_place_in_the_queue(client, staff):
    waiting = MembershipFactory(person=PersonFactory(), tier=organisation_tier(), paid=True)
    PersonFactory(name="Nia Newton", email="nia@example.org")
    paid_at = figures.applications()[1]
    sign_in(client, staff)

    hand_over(client, waiting, "nia@example.org")

    assert (waiting.status, waiting.person.email) == (S.PAID, "nia@example.org")
    assert figures.applications() == (1, paid_at, 0)


# --- Where the form is -----------------------------------------------------------------------------------


def test_the_form_is_on_the_page_of_an_organisations_current_membership_with_its_hints(client, staff, held):
    # Applied: the offline payment form is on the page too, and no id is used twice.
    applied = MembershipFactory(
        person=PersonFactory(), tier=organisation_tier(), organisation_name="Hillside Surgery", applied=True
    )
    sign_in(client, staff)

    for membership in (held, applied):
        response = client.get(f"/admin/memberships/{membership.id}")
        html = response.get_data(as_text=True)
        assert FORM_HEADING in page_text(response)
        assert f'action="/admin/memberships/{membership.id}/hand-over"' in html
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'action="/admin/memberships/' + str(applied.id) + '/offline-payment"' in html
    assert '<label class="form-label fw-semibold" for="hand_over-email">Email address of the new admin</label>' in html
    assert '<div id="hand_over-email-hint" class="form-text mt-0 mb-1">They need a NALW account.</div>' in html
    assert 'aria-describedby="hand_over-email-hint"' in input_tag(response, "hand_over-email")
    assert '<label class="form-label fw-semibold" for="hand_over-reason">Reason for the handover</label>' in html
    assert '<div id="hand_over-reason-hint" class="form-text mt-0 mb-1">Kept in the audit log.</div>' in html
    assert 'value="Hand over"' in html


def test_the_form_is_not_on_the_page_of_a_personal_membership_a_seat_or_an_organisation_that_ended(client, staff, held):
    personal = MembershipFactory()
    [seat] = [invitation.membership for invitation in organisations.invitations(organisation_of(held))]
    ended = organisation_membership(name="Hillside Surgery", admin="Hana Hill", resigned=True)
    sign_in(client, staff)

    for membership in (personal, seat, ended):
        assert FORM_HEADING not in page_text(client.get(f"/admin/memberships/{membership.id}"))
    colleague = PersonFactory(email="colleague@example.org")
    assert hand_over(client, personal, colleague.email).status_code == 404
    assert hand_over(client, seat, colleague.email).status_code == 404
    db.session.expire_all()
    assert colleague.id not in (personal.person_id, seat.person_id)
    assert not colleague.has_role(Role.ORGANISATION_ADMIN)


def test_an_organisation_whose_membership_ended_cannot_be_handed_over(client, staff):
    ended = organisation_membership(name="Hillside Surgery", admin="Hana Hill", resigned=True)
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    before = everything()

    response = hand_over(client, ended, "nia@example.org")

    assert "There is a problem" in page_text(response)
    assert (
        "Hillside Surgery's membership was resigned, so there is nothing to hand over. "
        "A colleague can apply for a new organisation membership."
    ) in page_text(response)
    assert everything() == before


# --- Erasure while running an organisation ------------------------------------------------------------------


def running_message():
    return (
        "You run Riverside PCN's membership for its link workers. "
        f"{contact_us_text(capital=True)} to hand it to a colleague, then erase your account."
    )


def test_the_admin_of_a_current_organisation_cannot_erase_their_account(client, held):
    olu = held.person
    before = everything()

    response = erase(client, olu)

    assert response.status_code == 200
    assert running_message() in page_text(response)
    assert everything() == before
    assert olu.erased_at is None and olu.name == "Olu Organisation"


def test_staff_cannot_erase_the_admin_of_a_current_organisation_either(app, staff, held):
    before = everything()

    with pytest.raises(account_services.AccountError) as refused:
        account_services.erase_person(held.person, "", actor=staff)

    assert refused.value.message == running_message()
    # Refused before anything was erased: there is nothing to roll back.
    assert everything() == before
    assert held.person.erased_at is None


def test_once_handed_over_the_admin_can_erase_their_account_and_the_organisation_runs_on(client, staff, held):
    olu = held.person
    organisation = organisation_of(held)
    [seat] = [invitation.membership for invitation in organisations.invitations(organisation)]
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    hand_over(client, held, "nia@example.org")

    response = erase(client, olu)

    assert response.status_code == 302
    assert olu.erased_at is not None
    assert (held.status, held.person_id, organisation.admin_person_id) == (S.ACTIVE, nia.id, nia.id)
    assert held.job_title != "(erased)" and held.employer_name == "Riverside PCN"
    assert (seat.status, organisations.seats_taken(organisation)) == (S.ACTIVE, 1)
    assert nia.has_role(Role.ORGANISATION_ADMIN)


# --- Payments under way ------------------------------------------------------------------------------------

HANDED_ON_MESSAGE = "Cancelled: Riverside PCN was handed to a new admin, who pays for its membership now."
BEING_TAKEN = "A payment for this membership is being taken right now. Try the handover again in a few minutes."


@pytest.fixture
def stripe(app, localstripe_url):
    """The app's calls to Stripe go to localstripe (the tests above reach no Stripe), and what it holds."""
    app.config["STRIPE_API_BASE"] = localstripe_url
    return StripeApi(localstripe_url)


@pytest.fixture
def renewing(app):
    """Riverside PCN's own membership, run by Olu Organisation, ending in three weeks: renewal is open."""
    return organisation_membership(admin="Olu Organisation", expires_on=london_today() + dt.timedelta(days=21))


def begin_renewal(membership, card_token, card):
    """The admin renews with `card`, as the renewal page does: the payment row, not yet sent to Stripe."""
    save_card(membership.person, card_token, card)
    return renewals.begin_renewal_payment(
        membership.person,
        membership,
        renewals.renewal_fee(membership),
        accepted_code=True,
        accepted_code_version_id=code_services.current_version().id,
        cpd_met=True,
    )


@pytest.fixture
def awaiting_the_bank(stripe, card_token):
    """`awaiting_the_bank(membership)` -> the renewal payment its admin began, waiting for their bank's check."""

    def begin(membership):
        payment = payment_services.submit_card_payment(begin_renewal(membership, card_token, NEEDS_AUTHENTICATION))
        assert payment.status is PaymentStatus.REQUIRES_ACTION
        return payment

    return begin


def test_a_payment_awaiting_the_previous_admins_bank_is_cancelled_and_the_new_admin_renews(
    client, staff, renewing, stripe, card_token, awaiting_the_bank, authenticate_payment
):
    olu = renewing.person
    payment = awaiting_the_bank(renewing)
    intent_id = payment.stripe_payment_intent_id
    client_secret = stripe.payment_intent(intent_id)["client_secret"]
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    expires_on = renewing.expires_on
    sign_in(client, staff)
    page = page_text(client.get(f"/admin/memberships/{renewing.id}"))
    assert f"A payment for it is waiting for the payer's bank to check it ({payment.receipt_number})" in page

    response = hand_over(client, renewing, "nia@example.org")

    assert "Riverside PCN is now run by Nia Newton (nia@example.org)." in page_text(response)
    db.session.refresh(payment)
    assert (payment.status, payment.failure_message) == (PaymentStatus.FAILED, HANDED_ON_MESSAGE)
    assert stripe.payment_intent(intent_id)["status"] == "canceled"
    # Olu can no longer confirm it with their bank.
    assert "error" in authenticate_payment(intent_id, client_secret)
    assert stripe.payment_intent(intent_id)["status"] == "canceled"
    assert renewing.expires_on == expires_on
    [entry] = audit_entries("organisation.handed_over")
    assert entry.after["cancelled_payment_ids"] == [payment.id]
    assert (
        entry.summary
        == f"Handed Riverside PCN to Nia Newton; cancelled {payment.receipt_number}, awaiting the bank's check"
    )
    [to_nia] = emails_to("nia@example.org")
    assert (
        "Olu Organisation had started a payment for the membership that was waiting for their bank's check. "
        "We have cancelled it, so their card is not charged."
    ) in to_nia.body_text
    assert link_in(to_nia, "/membership/renew") == "/membership/renew"
    assert 'You can now <a href="http://nalw.test/membership/renew">renew the membership</a>' in to_nia.body_html
    to_olu = emails_to(olu.email)[-1]
    assert (
        "The payment you started for the membership, which was waiting for your bank's check, has been cancelled"
        in (to_olu.body_text)
    )

    sign_in(client, nia)
    renewed = renew_with_new_card(client, card_token, amount_pence=str(renewals.renewal_fee(renewing)))

    assert "Thank you: your membership is renewed." in page_text(renewed)
    *_, cancelled, paid = services.payments_for(renewing)
    assert (cancelled.id, cancelled.status) == (payment.id, PaymentStatus.FAILED)
    assert (paid.person_id, paid.purpose, paid.status) == (nia.id, PaymentPurpose.RENEWAL, PaymentStatus.SUCCEEDED)
    assert renewing.expires_on == services.add_years(expires_on, 1)


def test_a_payment_the_previous_admins_bank_passed_meanwhile_is_kept_and_renews_the_membership(
    client, staff, renewing, stripe, awaiting_the_bank, authenticate_payment
):
    payment = awaiting_the_bank(renewing)
    intent_id = payment.stripe_payment_intent_id
    # Olu confirms it with their bank; Stripe has not told us yet.
    authenticate_payment(intent_id, stripe.payment_intent(intent_id)["client_secret"])
    PersonFactory(name="Nia Newton", email="nia@example.org")
    expires_on = renewing.expires_on
    sign_in(client, staff)

    hand_over(client, renewing, "nia@example.org")

    db.session.refresh(payment)
    assert payment.status is PaymentStatus.SUCCEEDED
    assert stripe.payment_intent(intent_id)["status"] == "succeeded"
    assert (renewing.person.email, renewing.expires_on) == ("nia@example.org", services.add_years(expires_on, 1))
    [entry] = audit_entries("organisation.handed_over")
    assert "cancelled_payment_ids" not in entry.after
    assert "bank's check" not in emails_to("nia@example.org")[-1].body_text


def test_when_stripe_does_not_answer_nothing_is_handed_over_or_cancelled(
    app, client, staff, renewing, stripe, localstripe_url, awaiting_the_bank
):
    olu = renewing.person
    payment = awaiting_the_bank(renewing)
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    before = everything()
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:9"  # nothing listens here

    response = hand_over(client, renewing, "nia@example.org")

    app.config["STRIPE_API_BASE"] = localstripe_url
    assert (
        "Nothing was handed over. Stripe did not answer when we asked it to cancel payment "
        f"{payment.receipt_number}, which is waiting for the bank's check. Try again in a few minutes."
    ) in page_text(response)
    assert everything() == before
    db.session.refresh(payment)
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert stripe.payment_intent(payment.stripe_payment_intent_id)["status"] == "requires_action"
    assert (renewing.person_id, organisation_of(renewing).admin_person_id) == (olu.id, olu.id)


def test_while_a_payment_is_being_taken_the_handover_waits_and_nothing_changes(
    client, staff, renewing, stripe, card_token
):
    olu = renewing.person
    payment = begin_renewal(renewing, card_token, VISA)  # written, and Stripe is being asked
    organisation = organisation_of(renewing)
    PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)
    before = everything()

    page = client.get(f"/admin/memberships/{renewing.id}")
    response = hand_over(client, renewing, "nia@example.org")

    assert BEING_TAKEN in page_text(page)
    assert f'action="/admin/memberships/{renewing.id}/hand-over"' not in page.get_data(as_text=True)
    assert "There is a problem" in page_text(response) and BEING_TAKEN in page_text(response)
    assert everything() == before
    assert (renewing.person_id, organisation.admin_person_id) == (olu.id, olu.id)
    assert olu.has_role(Role.ORGANISATION_ADMIN)
    db.session.refresh(payment)
    assert payment.status is PaymentStatus.PENDING
    with pytest.raises(services.MembershipError) as refused:
        organisations.hand_over(staff, organisation, "nia@example.org", "Olu has left the PCN")
    assert refused.value.message == BEING_TAKEN


def test_a_joining_fee_awaiting_the_previous_admins_bank_is_cancelled_and_the_new_admin_pays_it(
    client, staff, stripe, card_token
):
    applied = organisation_membership(admin="Olu Organisation", applied=True)
    save_card(applied.person, card_token, NEEDS_AUTHENTICATION)
    payment = payment_services.submit_card_payment(
        services.begin_fee_payment(applied.person, applied, services.fee_due(applied))
    )
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    nia = PersonFactory(name="Nia Newton", email="nia@example.org")
    sign_in(client, staff)

    hand_over(client, applied, "nia@example.org")

    db.session.refresh(payment)
    assert (payment.status, payment.failure_message) == (PaymentStatus.FAILED, HANDED_ON_MESSAGE)
    assert stripe.payment_intent(payment.stripe_payment_intent_id)["status"] == "canceled"
    [to_nia] = emails_to("nia@example.org")
    pay_page = f"/membership/{applied.id}/pay"
    assert link_in(to_nia, pay_page) == pay_page
    assert "You can now pay the organisation's fee from your account" in to_nia.body_text
    sign_in(client, nia)
    page = client.get(pay_page)
    assert page.status_code == 200  # the pay form, not the bank's check of Olu's payment
    assert 'name="card_token"' in page.get_data(as_text=True)
