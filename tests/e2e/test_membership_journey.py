"""A person joins: applies, pays by card in the Stripe.js field, is approved by staff, and is on the register.

The card field is localstripe's Stripe.js double, loaded under the app's real
Content-Security-Policy; the server charges the card through localstripe's API.
"""

import contextlib
import re
import zlib

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nalw.accounts.models import Person
from nalw.core.permissions import Role
from nalw.extensions import db
from nalw.members.models import Membership, MembershipStatus
from tests.e2e.steps import enter_card, latest_email_link, open_page, sign_in
from tests.stripe_helpers import DECLINED, NEEDS_AUTHENTICATION, VISA

pytestmark = pytest.mark.e2e

PASSWORD = "harbour willow lantern"


def heading(page):
    return page.get_by_role("heading", level=1)


def pdf_objects(data):
    """A PDF's bytes with its compressed streams inflated: WeasyPrint keeps the document's title in one."""
    parts = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream.group(1)))
    return b"".join(parts)


def membership_of(email):
    db.session.rollback()  # read what the server has committed since
    return db.session.scalar(sa.select(Membership).join(Person).where(Person.email == email))


def test_new_person_joins_pays_by_card_is_approved_and_appears_on_the_register(page, new_page, make_person):
    # Signs up, confirms the address from the email, signs in.
    open_page(page, "/account/sign-up")
    page.get_by_label("Full name").fill("Tamsin Oyelaran-Whitby")
    page.get_by_label("Email address").fill("tamsin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(heading(page)).to_have_text("Check your email")
    open_page(page, latest_email_link("tamsin@example.org", "/account/verify/"))
    page.get_by_label("Email address").fill("tamsin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Tamsin Oyelaran-Whitby")).to_be_visible()

    # Chooses Link Worker membership.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Membership").click()
    expect(heading(page)).to_have_text("Your membership")
    expect(page.get_by_role("main")).to_contain_text("You are not a member yet")
    page.get_by_role("link", name="Apply for membership").click()
    expect(heading(page)).to_have_text("Apply for membership")
    page.get_by_role("link", name="Apply for Link Worker membership").click()

    # Answers the questions and accepts the code of practice.
    expect(heading(page)).to_have_text("Apply for Link Worker membership")
    page.get_by_label("Job title").fill("Social Prescribing Link Worker")
    page.get_by_label("Employer").fill("Leeds Central Primary Care Network")
    page.get_by_label("GP practice or primary care network").check()
    page.get_by_label("UK region you work in").select_option(label="Yorkshire and the Humber")
    page.get_by_label("Years in the role").fill("4")
    page.get_by_label("I have read and accept the code of practice").check()
    page.get_by_label("Show my name, membership number, status and region on the public register").check()
    page.get_by_role("button", name="Apply and continue to payment").click()

    # Pays £45 with a card typed into the Stripe.js field.
    expect(heading(page)).to_have_text("Pay your membership fee")
    expect(page.get_by_role("main")).to_contain_text("Link Worker membership for 12 months from approval: £45.00")
    assert membership_of("tamsin@example.org").status is MembershipStatus.APPLIED
    enter_card(page, VISA)
    page.get_by_role("button", name="Pay £45.00").click()

    expect(heading(page)).to_have_text("Your membership")
    expect(page.get_by_role("status")).to_have_text("Payment received. We will review your application and email you.")
    standing = page.get_by_role("region", name="Link Worker membership")
    expect(standing).to_contain_text("Paid, awaiting approval")
    membership = membership_of("tamsin@example.org")
    assert membership.status is MembershipStatus.PAID and membership.number is None
    page.get_by_role("link", name="Your payments and receipts").click()
    expect(
        page.get_by_role("row", name=re.compile(r"Link Worker membership fee, \d{4}–\d{2} £45\.00 Succeeded"))
    ).to_be_visible()

    # Staff, with two-factor sign-in, approve the application.
    staff = make_person(name="Ravi Staff", roles=[Role.STAFF], two_factor=True)
    staff_page = new_page()
    sign_in(staff_page, staff)
    open_page(staff_page, "/admin/")
    staff_page.get_by_role("navigation", name="Staff").get_by_role("link", name="Applications").click()
    expect(heading(staff_page)).to_have_text("Applications")
    waiting = staff_page.get_by_role("table", name="Paid applications waiting for a decision")
    waiting.get_by_role("link", name="Tamsin Oyelaran-Whitby").click()
    expect(heading(staff_page)).to_have_text("Tamsin Oyelaran-Whitby")
    expect(staff_page.get_by_role("region", name="Link Worker membership")).to_contain_text("Paid, awaiting approval")
    expect(staff_page.get_by_role("region", name="Payments", exact=True)).to_contain_text("£45.00")
    staff_page.get_by_role("button", name="Approve and give a membership number").click()
    expect(staff_page.get_by_role("status")).to_have_text(re.compile(r"^Approved: membership number NALW-\d{6}\.$"))
    number = membership_of("tamsin@example.org").number
    expect(staff_page.get_by_role("region", name="Link Worker membership")).to_contain_text(number)

    # The member sees their number and downloads the certificate.
    open_page(page, "/membership")
    standing = page.get_by_role("region", name="Link Worker membership")
    expect(standing).to_contain_text("Active")
    expect(standing).to_contain_text(number)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your membership certificate (PDF)").click()
    certificate = download_info.value
    assert certificate.suggested_filename == f"nalw-membership-{number}.pdf"
    pdf = certificate.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert f"Certificate of membership {number}".encode() in pdf_objects(pdf)

    # A visitor finds them on the public register, by number and by name.
    visitor = new_page()
    open_page(visitor, "/")
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    expect(heading(visitor)).to_have_text("Public register of members")
    for search in (number, "oyelaran-whitby tamsin"):
        visitor.get_by_label("Name or membership number").fill(search)
        visitor.get_by_role("button", name="Search the register").click()
        expect(visitor.get_by_role("heading", name="1 member found")).to_be_visible()
        expect(visitor.get_by_role("row").nth(1)).to_have_text(
            re.compile(f"Tamsin Oyelaran-Whitby\\s*{number}\\s*Active\\s*Yorkshire and the Humber")
        )


def test_an_empty_card_field_is_reported_at_the_field_without_a_script_error(page, make_person, make_membership):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    person = make_person(name="Evan Empty")
    membership = make_membership(person, MembershipStatus.APPLIED)
    sign_in(page, person)
    open_page(page, f"/membership/{membership.id}/pay")
    expect(page.get_by_label("Card number", exact=True)).to_be_visible()

    page.get_by_role("button", name="Pay £45.00").click()

    card_problem = page.locator("#card-errors")
    expect(card_problem).to_have_text("Enter your card details: card number, expiry date, security code and postcode.")
    expect(page.get_by_label("Card number", exact=True)).to_be_focused()
    expect(page.get_by_role("main")).not_to_contain_text("Cannot read properties")
    expect(heading(page)).to_have_text("Pay your membership fee")
    assert script_errors == []
    db.session.refresh(membership)
    assert membership.status is MembershipStatus.APPLIED

    # Typing a card clears the message, and the payment goes through.
    enter_card(page, VISA)
    expect(card_problem).to_have_text("")
    page.get_by_role("button", name="Pay £45.00").click()
    expect(heading(page)).to_have_text("Your membership")
    assert script_errors == []


# Counts the bank's checks the page shows (localstripe's 3-D Secure box), across the pages of one tab.
COUNT_BANK_CHECKS = """
new MutationObserver((changes) => {
  for (const change of changes) {
    for (const node of change.addedNodes) {
      if (node.nodeType === 1 && node.textContent.includes("3D Secure")) {
        sessionStorage.bankChecks = String(Number(sessionStorage.bankChecks || 0) + 1);
      }
    }
  }
}).observe(document, { childList: true, subtree: true });
"""


def bank_checks_shown(page):
    return int(page.evaluate("sessionStorage.bankChecks || '0'"))


def test_a_new_card_needing_the_banks_check_is_checked_once(page, make_person, make_membership):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.add_init_script(COUNT_BANK_CHECKS)
    person = make_person(name="Oni Once")
    membership = make_membership(person, MembershipStatus.APPLIED)
    sign_in(page, person)
    open_page(page, f"/membership/{membership.id}/pay")
    enter_card(page, NEEDS_AUTHENTICATION)

    page.get_by_role("button", name="Pay £45.00").click()
    expect(heading(page)).to_have_text("Confirm your payment with your bank")
    page.get_by_role("button", name="Complete authentication").click()

    expect(heading(page)).to_have_text("Your membership")
    expect(page.get_by_role("main")).to_contain_text("Payment of £45.00 received. Thank you.")
    expect(page.get_by_role("region", name="Link Worker membership")).to_contain_text("Paid, awaiting approval")
    assert bank_checks_shown(page) == 1
    assert script_errors == []
    assert membership_of(person.email).status is MembershipStatus.PAID


def test_a_failed_bank_check_on_a_new_card_says_so_plainly_and_what_to_do_next(page, make_person, make_membership):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.add_init_script(COUNT_BANK_CHECKS)
    person = make_person(name="Fola Failed-Check")
    membership = make_membership(person, MembershipStatus.APPLIED)
    sign_in(page, person)
    open_page(page, f"/membership/{membership.id}/pay")
    enter_card(page, NEEDS_AUTHENTICATION)

    page.get_by_role("button", name="Pay £45.00").click()
    expect(heading(page)).to_have_text("Confirm your payment with your bank")
    page.get_by_role("button", name="Fail authentication").click()

    expect(heading(page)).to_have_text("Your membership")
    expect(page.get_by_role("main")).to_contain_text(
        "The payment did not go through: Your bank's check was not completed. Nothing was charged. "
        "Pay again and complete your bank's check when it appears, or use another card."
    )
    expect(page.get_by_role("main")).not_to_contain_text("has failed authentication")
    assert bank_checks_shown(page) == 1
    assert script_errors == []
    assert membership_of(person.email).status is MembershipStatus.APPLIED
    # The card failed on its first use, so it is not kept: the pay page asks for a card again.
    open_page(page, f"/membership/{membership.id}/pay")
    expect(page.get_by_role("radio", name="A different card")).to_have_count(0)
    expect(page.get_by_label("Card number", exact=True)).to_be_visible()


def test_declined_card_shows_why_on_the_payment_page_and_leaves_the_application_unpaid(
    page, make_person, make_membership
):
    person = make_person(name="Dara Declined")
    membership = make_membership(person, MembershipStatus.APPLIED)
    sign_in(page, person)

    open_page(page, f"/membership/{membership.id}/pay")
    enter_card(page, DECLINED)
    page.get_by_role("button", name="Pay £45.00").click()

    expect(heading(page)).to_have_text("Pay your membership fee")
    problem = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(problem).to_contain_text("Your card was declined.")
    expect(problem).to_contain_text("Nothing was charged. Try again or use another card.")
    expect(problem).to_be_focused()
    expect(problem).to_be_in_viewport()
    # A card declined on its first use is not kept: the page asks for a card again.
    expect(page.get_by_role("radio", name="A different card")).to_have_count(0)
    expect(page.locator("#card-element input").first).to_be_visible()

    db.session.refresh(membership)
    assert membership.status is MembershipStatus.APPLIED
    open_page(page, "/membership")
    expect(page.get_by_role("region", name="Link Worker membership")).to_contain_text("Applied, awaiting payment")
