"""Staff without two-factor sign-in are sent to set it up before any staff page opens."""

import re

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from nalw.extensions import db
from tests.e2e.steps import open_page, totp_code
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def test_staff_without_two_factor_sets_it_up_from_the_key_and_sees_recovery_codes(page, make_person):
    staff = make_person(name="Nia Staff", roles=[Role.STAFF])

    open_page(page, "/account/sign-in")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("alert")).to_have_text("Your role needs two-factor sign-in. Set it up to continue.")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()

    # What a person types into their app when they cannot scan the QR code.
    key = page.locator("figcaption code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", key), key
    page.get_by_label("Code from your app").fill(totp_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("status")).to_have_text("Two-factor sign-in is on.")
    codes = page.get_by_role("main").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", code) for code in codes), codes

    db.session.refresh(staff)
    assert staff.two_factor_enabled and staff.totp_secret == key

    # The codes are shown once; the staff pages now open.
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    open_page(page, "/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff dashboard")
