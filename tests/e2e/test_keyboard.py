"""Everything a visitor needs works with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import open_page
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

FOCUSED_ELEMENT = "() => document.activeElement.id || document.activeElement.innerText.trim()"


def tab_until(page, target, most=20):
    """Press Tab until `target` (a locator) has focus; fail, naming each stop, if it never does."""
    stops = []
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
        stops.append(page.evaluate(FOCUSED_ELEMENT))
    pytest.fail(f"{target} never took focus; Tab went to: {stops}")


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
    tab_until(page, summary.get_by_role("link", name="Enter your email address"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("Email address")).to_be_focused()
