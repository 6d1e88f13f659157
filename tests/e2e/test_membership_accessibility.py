"""axe-core finds no WCAG 2.2 A or AA problem on any page of membership, payments and the code of practice.

Each test walks the pages one kind of person sees, in each state they reach, forms
shown empty and again with their errors, and reports every page with a problem at once.
"""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nalw.core.permissions import Role
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import Membership, MembershipStatus
from nalw.payments.models import Payment, PaymentPurpose
from tests.e2e.steps import (
    AccessibilityReport,
    enter_card,
    latest_email_link,
    open_page,
    sign_in,
    submit_expecting_errors,
)
from tests.stripe_helpers import VISA

pytestmark = pytest.mark.e2e


def heading(page):
    return page.get_by_role("heading", level=1)


def wait_for_card_field(page):
    """Stripe.js has loaded (under the page's Content-Security-Policy) and mounted its card field."""
    expect(page.get_by_role("textbox", name="Card number")).to_be_visible()


def test_membership_pages_a_visitor_sees(page, make_person, make_membership):
    report = AccessibilityReport(page)
    member = make_membership(make_person(name="Ifeoma Listed-Member"))

    open_page(page, "/code-of-practice")
    expect(heading(page)).to_contain_text("Code of practice")
    report.check("code of practice")

    open_page(page, "/register")
    report.check("register, before a search")
    page.get_by_label("Name or membership number").fill(member.number)
    page.get_by_role("button", name="Search the register").click()
    expect(page.get_by_role("heading", name="1 member found")).to_be_visible()
    report.check("register, found by number")
    page.get_by_label("Name or membership number").fill("Nobody Of-This-Name")
    page.get_by_role("button", name="Search the register").click()
    expect(page.get_by_role("heading", name="0 members found")).to_be_visible()
    report.check("register, nobody found")
    page.get_by_label("Name or membership number").fill("x")
    page.get_by_role("button", name="Search the register").click()
    expect(page.get_by_text("Enter between 2 and 100 characters")).to_be_visible()
    report.check("register, search too short")

    open_page(page, "/membership/join")
    expect(heading(page)).to_have_text("Sign in")
    report.check("joining asks a visitor to sign in")

    report.assert_clean()


def test_membership_pages_an_applicant_sees_until_they_are_a_member(page, make_person):
    report = AccessibilityReport(page)
    person = make_person(name="Bronwen Applicant")
    staff = make_person(name="Approving Staff", roles=[Role.STAFF])
    sign_in(page, person)

    open_page(page, "/membership")
    expect(page.get_by_role("main")).to_contain_text("You are not a member yet")
    report.check("membership page, no membership")
    page.get_by_role("link", name="Apply for membership").click()
    expect(heading(page)).to_have_text("Apply for membership")
    report.check("tier choice")

    page.get_by_role("link", name="Apply for Student or Trainee membership").click()
    expect(heading(page)).to_have_text("Apply for Student or Trainee membership")
    report.check("application form")
    submit_expecting_errors(page, "Apply and continue to payment")
    report.check("application form with errors")
    page.get_by_label("Years in the role").fill("61")
    page.get_by_label("Job title").fill("Trainee Link Worker")
    submit_expecting_errors(page, "Apply and continue to payment")
    report.check("application form with some answers and errors")
    page.get_by_label("Employer").fill("Bristol Community Voluntary Services")
    page.get_by_label("Voluntary, community or social enterprise (VCSE) organisation").check()
    page.get_by_label("UK region you work in").select_option(label="South West")
    page.get_by_label("Years in the role").fill("0")
    page.get_by_label("I have read and accept the code of practice").check()
    page.get_by_role("button", name="Apply and continue to payment").click()

    expect(heading(page)).to_have_text("Pay your membership fee")
    wait_for_card_field(page)
    report.check("payment page, card field mounted")
    enter_card(page, "4242")
    page.get_by_role("button", name="Pay £15.00").click()
    expect(page.locator("#card-errors")).not_to_be_empty()
    report.check("payment page, the card field refused an incomplete number")
    payment_page = page.url

    open_page(page, "/membership")
    expect(page.get_by_role("main")).to_contain_text("Applied, awaiting payment")
    report.check("membership page, applied")
    page.get_by_role("link", name="Withdraw your application").click()
    expect(heading(page)).to_have_text("Withdraw your application")
    report.check("withdrawing an application: what will happen")

    open_page(page, payment_page)
    enter_card(page, VISA, postcode="BS1 5TR")
    page.get_by_role("button", name="Pay £15.00").click()
    expect(page.get_by_role("main")).to_contain_text("Paid, awaiting approval")
    report.check("membership page, paid")

    page.get_by_role("link", name="Your payments and receipts").click()
    expect(heading(page)).to_have_text("Your payments")
    report.check("payments list")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(heading(page)).to_contain_text("Receipt")
    report.check("receipt")

    db.session.rollback()
    membership = db.session.scalar(sa.select(Membership).where(Membership.person_id == person.id))
    member_services.approve(staff, membership)
    db.session.commit()
    open_page(page, "/membership")
    expect(page.get_by_role("main")).to_contain_text(membership.number)
    report.check("membership page, active")

    # Renewal opens near the end date: bring this membership's end close.
    membership.expires_on = london_today() + dt.timedelta(days=20)
    db.session.commit()
    open_page(page, "/membership")
    expect(page.get_by_role("region", name="Renewal")).to_be_visible()
    report.check("membership page, active and due for renewal")
    page.get_by_role("link", name="Renew now").click()
    expect(heading(page)).to_have_text("Renew your membership")
    wait_for_card_field(page)
    report.check("renewal page, saved card and card field")
    submit_expecting_errors(page, "Renew for £15.00")
    wait_for_card_field(page)
    report.check("renewal page with errors")

    open_page(page, "/membership")
    page.get_by_role("link", name=re.compile("Turn on automatic renewal")).click()
    expect(heading(page)).to_have_text("Turn on automatic renewal")
    report.check("turning on automatic renewal: what will happen")
    page.get_by_role("button", name="Turn on automatic renewal").click()
    page.get_by_role("link", name="Turn off automatic renewal").click()
    expect(heading(page)).to_have_text("Turn off automatic renewal")
    report.check("turning off automatic renewal: what will happen")

    report.assert_clean()


def test_membership_pages_staff_see(page, make_person, make_membership):
    report = AccessibilityReport(page)
    paid = make_membership(make_person(name="Chidi Paid"), MembershipStatus.PAID)
    applied = make_membership(make_person(name="Aoife Applied"), MembershipStatus.APPLIED, tier="Associate")
    active = make_membership(make_person(name="Hamish Active"), tier="Student or Trainee")
    fee = db.session.scalar(
        sa.select(Payment).where(Payment.purpose == PaymentPurpose.MEMBERSHIP_FEE, Payment.subject_id == paid.id)
    )
    staff = make_person(name="Sam Staff", roles=[Role.STAFF], two_factor=True)
    sign_in(page, staff)

    open_page(page, "/admin/applications")
    expect(page.get_by_role("link", name="Chidi Paid")).to_be_visible()
    report.check("applications")

    open_page(page, f"/admin/memberships/{paid.id}")
    expect(page.get_by_role("button", name="Approve and give a membership number")).to_be_visible()
    report.check("a paid application (approve and reject)")
    page.get_by_role("link", name="Reject the application (refunds any fee)").click()
    expect(heading(page)).to_have_text(f"Reject Chidi Paid's application for {paid.tier.name} membership")
    report.check("rejecting an application: what will happen")
    submit_expecting_errors(page, "Reject the application")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_text("Enter the reason: it is kept in the history and sent to the member").last).to_be_visible()
    report.check("rejecting an application without a reason")
    page.get_by_role("link", name="Cancel: go back without rejecting the application").click()
    expect(page.get_by_role("button", name="Approve and give a membership number")).to_be_visible()

    open_page(page, f"/admin/memberships/{applied.id}")
    expect(page.get_by_role("button", name="Record payment")).to_be_visible()
    report.check("an unpaid application (reject, record a payment)")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    report.check("an unpaid application, payment recorded without details")
    page.get_by_role("link", name="Reject the application (refunds any fee)").click()
    page.get_by_label("Reason to reject").fill("Not in a link worker role.")
    page.get_by_role("button", name="Reject the application").click()
    expect(page.get_by_role("status")).to_have_text("Application rejected.")
    expect(page.get_by_role("main")).to_contain_text("Not approved")
    report.check("an application just rejected")

    open_page(page, f"/admin/memberships/{active.id}")
    expect(page.get_by_role("link", name="Suspend the membership")).to_be_visible()
    report.check("an active membership (suspend, record a renewal payment)")
    page.get_by_role("link", name="Suspend the membership").click()
    expect(heading(page)).to_have_text(f"Suspend Hamish Active's membership {active.number}")
    report.check("suspending a membership: what will happen")

    open_page(page, "/admin/payments")
    report.check("payments")
    open_page(page, "/admin/payments?status=refunded")
    report.check("payments, filtered")
    open_page(page, f"/admin/payments/{fee.id}")
    expect(page.get_by_role("link", name="Refund this payment")).to_be_visible()
    report.check("a payment")
    page.get_by_role("link", name="Refund this payment").click()
    expect(page.get_by_role("button", name="Refund")).to_be_visible()
    report.check("a payment's refund page, saying what will happen")
    submit_expecting_errors(page, "Refund")
    report.check("a payment, refund form with errors")

    report.assert_clean()


def test_membership_pages_an_admin_sees(page, make_person):
    report = AccessibilityReport(page)
    admin = make_person(name="Alex Admin", roles=[Role.STAFF, Role.ADMIN], two_factor=True)
    sign_in(page, admin)

    open_page(page, "/admin/tiers")
    report.check("tiers")
    page.get_by_role("link", name="Associate").click()
    expect(heading(page)).to_have_text("Edit Associate")
    report.check("a tier")
    page.get_by_label("Name").fill("")
    page.get_by_label("Annual fee (£)").fill("a lot")
    submit_expecting_errors(page, "Save tier")
    report.check("a tier with errors")
    open_page(page, "/admin/tiers/new")
    report.check("new tier")

    open_page(page, "/admin/code-of-practice")
    report.check("code of practice versions")
    page.get_by_role("button", name="Start a new draft").click()
    expect(heading(page)).to_have_text("Draft: Version 2")
    report.check("draft of the code")
    page.get_by_role("region", name="Title and introduction").get_by_label("Title").fill("")
    submit_expecting_errors(page, "Save draft")
    report.check("draft of the code with errors")
    open_page(page, "/admin/code-of-practice/draft/edit")
    submit_expecting_errors(page, "Save standard")
    report.check("new standard with errors")

    report.assert_clean()


def test_organisation_pages(page, new_page, make_person, make_membership):
    report = AccessibilityReport(page)
    admin = make_person(name="Olu Organiser")
    make_membership(admin, tier="Organisation", employer_name="Harbourside Health Partnership")
    sign_in(page, admin)

    open_page(page, "/organisation")
    expect(heading(page)).to_have_text("Harbourside Health Partnership")
    report.check("organisation, no seats")
    submit_expecting_errors(page, "Send invitation")
    report.check("organisation, invitation with errors")
    invitee = make_person(name="Ines Invited")
    page.get_by_label("Email address of the link worker").fill(invitee.email)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {invitee.email}.")
    report.check("organisation, one invitation")

    invited_page = new_page()
    invited_report = AccessibilityReport(invited_page)
    sign_in(invited_page, invitee)
    open_page(invited_page, latest_email_link(invitee.email, "/organisation/join/"))
    expect(heading(invited_page)).to_have_text("Join NALW with Harbourside Health Partnership")
    invited_report.check("seat invitation")
    submit_expecting_errors(invited_page, "Accept and join")
    invited_report.check("seat invitation with errors")

    report.assert_clean()
    invited_report.assert_clean()
