"""A new person creates an account, confirms their email address from the email, and signs in."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nalw.accounts.models import Person
from nalw.extensions import db
from tests.e2e.steps import latest_email_link, open_page

pytestmark = pytest.mark.e2e

PASSWORD = "meadow lantern pebble"


def test_new_person_signs_up_confirms_email_and_reaches_account_page(page, live_app):
    open_page(page, "/")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")

    page.get_by_label("Full name").fill("Ada Okafor")
    page.get_by_label("Email address").fill("Ada.Okafor@Example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("main")).to_contain_text("ada.okafor@example.org")
    person = db.session.scalar(sa.select(Person).where(Person.email == "ada.okafor@example.org"))
    assert person is not None and person.name == "Ada Okafor" and not person.email_verified

    open_page(page, latest_email_link("ada.okafor@example.org", "/account/verify/"))
    expect(page).to_have_url(f"{live_app.config['SITE_URL']}/account/sign-in")
    expect(page.get_by_role("status")).to_have_text("Thank you: your email address is confirmed.")
    db.session.refresh(person)
    assert person.email_verified

    page.get_by_label("Email address").fill("ada.okafor@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Go to your account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    details = page.get_by_role("region", name="Your details")
    expect(details).to_contain_text("Ada Okafor")
    expect(details).to_contain_text("ada.okafor@example.org")
    expect(details).to_contain_text("Confirmed")
    expect(page.get_by_text("Please confirm your email address")).to_have_count(0)
