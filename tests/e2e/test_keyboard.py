"""Everything a visitor needs works with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import open_page, sign_in, tab_until
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main_content(page):
    open_page(page, "/account/sign-in")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    # Hidden until focused, then shown where a sighted keyboard user can see it.
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # The next Tab continues from the main content, not from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_sign_in_form_can_be_filled_and_submitted_with_the_keyboard_only(page, make_person):
    person = make_person(name="Kofi Keyboard")
    open_page(page, "/account/sign-in")

    tab_until(page, page.get_by_label("Email address"))
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Keep me signed in on this device for 30 days")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Keep me signed in on this device for 30 days")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Signed in as Kofi Keyboard")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The professional body for social prescribing link workers"
    )
    assert any(cookie["name"] == "remember_token" for cookie in page.context.cookies())


def test_error_summary_links_take_keyboard_focus_to_the_field(page):
    open_page(page, "/account/sign-in")
    tab_until(page, page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()  # the page comes back with focus on what went wrong
    tab_until(page, summary.get_by_role("link", name="Enter your email address"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email address")).to_be_focused()


def test_membership_application_can_be_completed_and_submitted_with_the_keyboard_only(page, make_person):
    person = make_person(name="Kemi Keyboard")
    sign_in(page, person)
    open_page(page, "/membership/join")
    tab_until(page, page.get_by_role("link", name="Apply for Associate membership"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for Associate membership")

    # Sent empty, the error summary's link for the radio group leads to its first option.
    submit = page.get_by_role("button", name="Apply and continue to payment")
    tab_until(page, submit, most=40)
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    tab_until(page, summary.get_by_role("link", name="Choose the type of employer"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("GP practice or primary care network")).to_be_focused()

    tab_until(page, page.get_by_label("Job title"), most=40)
    page.keyboard.type("Practice Manager")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Employer", exact=True)).to_be_focused()
    page.keyboard.type("Seaview Surgery")
    page.keyboard.press("Tab")
    # Into the radio group: the arrow keys choose, as in any radio group.
    expect(page.get_by_label("GP practice or primary care network")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Voluntary, community or social enterprise (VCSE) organisation")).to_be_checked()
    page.keyboard.press("Tab")
    region = page.get_by_label("UK region you work in")
    expect(region).to_be_focused()
    page.keyboard.type("Wales")
    expect(region).to_have_value("wales")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Years in the role")).to_be_focused()
    page.keyboard.type("2")
    accept = page.get_by_label("I have read and accept the code of practice")
    tab_until(page, accept)
    page.keyboard.press("Space")
    expect(accept).to_be_checked()
    page.keyboard.press("Tab")
    register = page.get_by_label("Show my name, membership number, status and region on the public register")
    expect(register).to_be_focused()
    page.keyboard.press("Space")
    tab_until(page, submit)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay your membership fee")
    expect(page.get_by_role("main")).to_contain_text("Associate membership for 12 months from approval: £35.00")
