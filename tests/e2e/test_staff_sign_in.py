"""Staff sign in with a password and an authenticator code, then work through the staff pages."""

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from tests.e2e.steps import open_page, totp_code
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def test_staff_signs_in_with_code_and_opens_people_and_emails(page, make_person, failed_email):
    staff = make_person(name="Sam Staff", roles=[Role.STAFF], two_factor=True)

    # Asking for a staff page first leads through both sign-in steps and back to it.
    open_page(page, "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    page.get_by_label("Code").fill(totp_code(staff.totp_secret))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Staff dashboard")
    expect(page.get_by_text("Signed in as Sam Staff")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Staff")
    expect(navigation.get_by_role("link", name="Audit log")).to_be_visible()
    expect(navigation.get_by_role("link", name="Tiers")).to_have_count(0)

    navigation.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_label("Search people").fill(failed_email.to_address.upper())
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 person found.")).to_be_visible()
    page.get_by_role("link", name="Grace Mbeki").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grace Mbeki")
    expect(page.get_by_role("region", name="Roles")).to_contain_text("Member")
    # Only admins change roles.
    expect(page.get_by_role("button", name="Grant role")).to_have_count(0)

    page.get_by_role("region", name="History").get_by_role(
        "link", name="Email: Confirm your email address", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    expect(page.get_by_role("main")).to_contain_text("SMTPRecipientsRefused")
    expect(page.get_by_role("main")).to_contain_text("Please confirm your email address by following this link")

    navigation.get_by_role("link", name="Emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails")
    expect(page.get_by_role("cell", name=failed_email.to_address)).to_be_visible()

    open_page(page, "/admin/tiers", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot open this page")


def test_admin_grants_a_role_and_finds_it_in_the_audit_log(page, make_person, failed_email):
    admin = make_person(name="Alex Admin", roles=[Role.STAFF, Role.ADMIN], two_factor=True)

    open_page(page, "/account/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(admin.totp_secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as Alex Admin")).to_be_visible()

    open_page(page, f"/admin/people/{failed_email.person_id}")
    page.get_by_label("Role", exact=True).select_option("Judge")
    page.get_by_role("button", name="Grant role").click()
    expect(page.get_by_role("status")).to_have_text("Grace Mbeki is now Judge.")

    page.get_by_role("navigation", name="Staff").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    newest = page.get_by_role("row").nth(1)
    expect(newest).to_contain_text(admin.email)
    expect(newest).to_contain_text("role.granted")
    expect(newest).to_contain_text(f"Person {failed_email.person_id}")
