"""axe-core finds no WCAG 2.2 A or AA problem on any page of the accounts and staff areas.

Each test walks the pages one kind of person sees, forms shown empty and again with
their errors, and reports every page with a problem at once.
"""

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from tests.e2e.steps import (
    AccessibilityReport,
    assert_accessible,
    latest_email_link,
    open_page,
    sign_in,
    submit_expecting_errors,
    totp_code,
)
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def heading(page):
    return page.get_by_role("heading", level=1)


def test_pages_a_visitor_sees(page, make_person):
    report = AccessibilityReport(page)
    person = make_person()

    open_page(page, "/")
    report.check("home page")

    open_page(page, "/account/sign-up")
    report.check("sign-up form")
    submit_expecting_errors(page, "Create account")
    report.check("sign-up form with errors")
    page.get_by_label("Full name").fill("Visiting Person")
    page.get_by_label("Email address").fill("not an address")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Confirm password").fill("different")
    submit_expecting_errors(page, "Create account")
    report.check("sign-up form with a bad address and password")
    page.get_by_label("Email address").fill("visitor@example.org")
    page.get_by_label("Password", exact=True).fill("river copper thistle")
    page.get_by_label("Confirm password").fill("river copper thistle")
    page.get_by_role("button", name="Create account").click()
    expect(heading(page)).to_have_text("Check your email")
    report.check("check your email after sign-up")

    open_page(page, "/account/sign-in")
    report.check("sign-in form")
    submit_expecting_errors(page, "Sign in")
    report.check("sign-in form with errors")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    submit_expecting_errors(page, "Sign in")
    report.check("sign-in form with a wrong password")

    open_page(page, "/account/sign-in/two-factor")
    expect(page.get_by_role("alert")).to_have_text("Your sign-in took too long. Please sign in again.")
    report.check("sign-in form after the code step timed out")

    open_page(page, "/account/forgot-password")
    report.check("forgotten password form")
    submit_expecting_errors(page, "Send reset link")
    report.check("forgotten password form with errors")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(heading(page)).to_have_text("Check your email")
    report.check("reset link sent")

    open_page(page, latest_email_link(person.email, "/account/reset-password/"))
    report.check("new password form")
    submit_expecting_errors(page, "Set new password")
    report.check("new password form with errors")

    open_page(page, "/account/reset-password/not-a-real-token", status=400)
    report.check("broken reset link")
    open_page(page, "/account/verify/not-a-real-token", status=400)
    report.check("broken confirmation link")
    open_page(page, "/no-such-page", status=404)
    expect(heading(page)).to_have_text("Page not found")
    report.check("page not found")

    report.assert_clean()


def test_pages_an_account_holder_sees(page, make_person):
    report = AccessibilityReport(page)
    person = make_person(name="Priya Holder", unverified=True)
    sign_in(page, person)
    report.check("home page, signed in, email not confirmed")

    open_page(page, "/account/")
    report.check("account page, email not confirmed")
    page.get_by_role("button", name="Send the confirmation link again").click()
    expect(page.get_by_role("status")).to_contain_text("We have sent a new confirmation link")
    report.check("account page after sending the link again")
    open_page(page, latest_email_link(person.email, "/account/verify/"))
    expect(page.get_by_role("status")).to_have_text("Thank you: your email address is confirmed.")
    report.check("account page, email confirmed")

    for path, button in [
        ("/account/password", "Change password"),
        ("/account/email", "Send confirmation link"),
        ("/account/erase", "Erase my personal data"),
    ]:
        open_page(page, path)
        report.check(f"{path} form")
        submit_expecting_errors(page, button)
        report.check(f"{path} form with errors")

    open_page(page, "/account/two-factor")
    expect(heading(page)).to_have_text("Set up two-factor sign-in")
    report.check("two-factor set-up")
    submit_expecting_errors(page, "Turn on two-factor sign-in")
    report.check("two-factor set-up with errors")
    page.get_by_label("Code from your app").fill("123")
    submit_expecting_errors(page, "Turn on two-factor sign-in")
    report.check("two-factor set-up with a wrong code")
    key = page.locator("figcaption code").inner_text().strip()
    page.get_by_label("Code from your app").fill(totp_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(heading(page)).to_have_text("Your recovery codes")
    report.check("recovery codes")

    open_page(page, "/account/two-factor")
    expect(heading(page)).to_have_text("Two-factor sign-in")
    report.check("two-factor status, may turn it off")
    submit_expecting_errors(page, "Turn off two-factor sign-in")
    report.check("turning two-factor off, with errors")
    open_page(page, "/account/")
    report.check("account page, two-factor on")

    # The data export is a JSON download, not a page: check only that it is theirs.
    download = page.request.get("/account/data")
    assert download.ok and download.headers["content-type"] == "application/json"
    assert download.json()["account"]["email"] == person.email

    open_page(page, "/admin/", status=403)
    report.check("staff page refused (403)")

    report.assert_clean()


def test_pages_staff_see(page, make_person, failed_email):
    report = AccessibilityReport(page)
    staff = make_person(name="Sam Staff", roles=[Role.STAFF], two_factor=True)
    member_id, message_id = failed_email.person_id, failed_email.id

    open_page(page, "/account/sign-in")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Enter your sign-in code")
    report.check("sign-in code form")
    submit_expecting_errors(page, "Continue")
    report.check("sign-in code form with errors")
    page.get_by_label("Code").fill("12345")
    submit_expecting_errors(page, "Continue")
    report.check("sign-in code form with a wrong code")
    page.get_by_label("Code").fill(totp_code(staff.totp_secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as Sam Staff")).to_be_visible()

    for path, what in [
        ("/admin/", "staff dashboard"),
        ("/admin/people", "people"),
        ("/admin/people?q=nobody-has-this-name&role=judge", "people, none found"),
        (f"/admin/people/{member_id}", "a person, as staff"),
        ("/admin/emails", "emails"),
        ("/admin/emails?to=nobody&status=sent", "emails, none found"),
        (f"/admin/emails/{message_id}", "a failed email"),
        ("/account/", "account page of staff"),
        ("/account/two-factor", "two-factor status, must keep it on"),
    ]:
        open_page(page, path)
        report.check(what)

    open_page(page, f"/admin/emails/{message_id}")
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_role("status")).to_have_text("The email will be sent again within a minute.")
    report.check("email queued again")

    open_page(page, "/admin/tiers", status=403)
    report.check("admin page refused to staff (403)")

    report.assert_clean()


def test_staff_without_two_factor_see_the_set_up_page(page, make_person):
    staff = make_person(name="Nia Staff", roles=[Role.STAFF])
    sign_in(page, staff)
    expect(heading(page)).to_have_text("Set up two-factor sign-in")
    assert_accessible(page)


def test_pages_an_admin_sees(page, make_person, failed_email):
    report = AccessibilityReport(page)
    admin = make_person(name="Alex Admin", roles=[Role.STAFF, Role.ADMIN], two_factor=True)
    member_id = failed_email.person_id
    sign_in(page, admin)

    open_page(page, f"/admin/people/{member_id}")
    report.check("a person, as admin (role forms)")
    page.get_by_label("Role", exact=True).select_option("Judge")
    page.get_by_role("button", name="Grant role").click()
    expect(page.get_by_role("status")).to_have_text("Grace Mbeki is now Judge.")
    report.check("a person after granting a role")
    page.get_by_role("button", name="Remove Judge role").click()
    expect(page.get_by_role("status")).to_have_text("Grace Mbeki is no longer Judge.")

    open_page(page, "/admin/audit")
    expect(page.get_by_role("row").nth(1)).to_contain_text("role.revoked")
    report.check("audit log")
    open_page(page, "/admin/audit?action=nothing.like.this")
    report.check("audit log, nothing found")

    report.assert_clean()
