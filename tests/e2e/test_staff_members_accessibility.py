"""axe-core finds no WCAG 2.2 A or AA problem on the staff members list, a member's page and the audit log,
and staff find a member by membership number, add a note with the keyboard alone, and suspend a membership from
the member's page and come back to it."""

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from nalw.extensions import db
from tests.e2e.steps import AccessibilityReport, open_page, sign_in, submit_expecting_errors
from tests.factories import staff_note

pytestmark = pytest.mark.e2e


def test_staff_members_pages(page, make_person, make_membership):
    report = AccessibilityReport(page)
    staff = make_person(name="Sasha Staff", roles=[Role.STAFF], two_factor=True)
    membership = make_membership(make_person(name="Priya Shah"))
    make_membership(make_person(name="Tom Jones"))
    staff_note(membership.person, "Prefers email to phone.", author=staff)
    db.session.commit()

    sign_in(page, staff)
    open_page(page, "/admin/members")
    report.check("members list")
    page.get_by_label("Name, email, membership number or organisation").fill(membership.number)
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Priya Shah")).to_be_visible()
    expect(page.get_by_role("link", name="Tom Jones")).to_have_count(0)
    report.check("members list searched by membership number")
    open_page(page, "/admin/members?region=atlantis")
    report.check("members list with a filter it cannot read")

    open_page(page, f"/admin/people/{membership.person_id}")
    expect(page.get_by_text("Prefers email to phone.")).to_be_visible()
    report.check("member page")
    submit_expecting_errors(page, "Add note")
    expect(page.get_by_role("alert")).to_contain_text("Enter the note")
    report.check("member page with a note left empty")

    page.get_by_label("Add a note").fill("Asked for a paper invoice.")
    page.get_by_label("Add a note").press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Asked for a paper invoice.")).to_be_visible()

    page.get_by_role("link", name="Suspend the membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Suspend Priya Shah's membership {membership.number}")
    submit_expecting_errors(page, "Suspend the membership")
    report.check("suspending a membership without a reason")
    page.get_by_label("Reason to suspend").fill("Complaint under investigation.")
    page.get_by_role("button", name="Suspend the membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Shah")
    expect(page.get_by_role("status")).to_have_text("Membership suspended.")
    page.get_by_role("link", name="Reinstate the membership").click()
    expect(page.get_by_role("main")).to_contain_text("Complaint under investigation.")
    report.check("reinstating a membership: what will happen")
    page.get_by_role("link", name="Cancel: go back without reinstating the membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Shah")

    open_page(page, "/admin/audit?action=staff_note.")
    expect(page.get_by_text("Note added about Priya Shah").first).to_be_visible()
    report.check("audit log read by staff")
    open_page(page, "/admin/payments?status=succeeded")
    report.check("payments list filtered")
    report.assert_clean()


def test_staff_hand_an_organisation_to_a_colleague(page, make_person, make_membership):
    report = AccessibilityReport(page)
    staff = make_person(name="Sasha Staff", roles=[Role.STAFF], two_factor=True)
    held = make_membership(make_person(name="Olu Organisation"), tier="Organisation", organisation_name="Hillside PCN")
    make_person(name="Nia Newton", email="nia.newton@example.org")
    db.session.commit()

    sign_in(page, staff)
    open_page(page, f"/admin/memberships/{held.id}")
    expect(page.get_by_role("heading", name="Hand the organisation to a colleague")).to_be_visible()
    report.check("organisation membership with the handover form")
    submit_expecting_errors(page, "Hand over")
    expect(page.get_by_role("alert")).to_contain_text("Enter the email address of the new admin")
    report.check("handover form left empty")

    page.get_by_label("Email address of the new admin").fill("nia.newton@example.org")
    page.get_by_label("Reason for the handover").fill("Olu has moved to another practice.")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("Hillside PCN is now run by Nia Newton")).to_be_visible()
    report.check("organisation membership after the handover")
    report.assert_clean()
