"""What frames every page: the navigation, folded behind a button on a phone and open on a wide screen, and a focus
ring a keyboard user can see."""

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from tests.e2e.steps import assert_accessible, is_expanded, menu_button, open_page, sign_in, tab_until

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def assert_no_sideways_scrolling(page):
    """The page is no wider than the window: nobody scrolls sideways to read it (WCAG 1.4.10, reflow)."""
    page_width, window_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width <= window_width, f"{page.url} is {page_width}px wide in a window of {window_width}px"


def main_navigation(page):
    return page.get_by_role("navigation", name="Main")


def test_on_a_phone_the_menu_button_shows_the_navigation_and_its_links_work(page):
    page.set_viewport_size(PHONE)
    open_page(page, "/")
    events = main_navigation(page).get_by_role("link", name="Events")

    expect(events).to_be_hidden()
    expect(menu_button(page)).to_be_visible()
    assert is_expanded(page, "Menu") is False
    assert_no_sideways_scrolling(page)

    menu_button(page).click()
    expect(events).to_be_visible()
    assert is_expanded(page, "Menu") is True
    expect(main_navigation(page).get_by_role("link", name="Sign in")).to_be_visible()
    assert_no_sideways_scrolling(page)
    assert_accessible(page)

    events.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    assert page.url.endswith("/events")
    # The new page starts with its menu folded again.
    expect(events).to_be_hidden()
    assert is_expanded(page, "Menu") is False
    assert_no_sideways_scrolling(page)

    menu_button(page).click()
    menu_button(page).click()
    expect(events).to_be_hidden()
    assert is_expanded(page, "Menu") is False


def test_on_a_phone_the_menu_opens_and_closes_with_the_keyboard(page):
    page.set_viewport_size(PHONE)
    open_page(page, "/")

    tab_until(page, menu_button(page))
    page.keyboard.press("Enter")
    assert is_expanded(page, "Menu") is True
    page.keyboard.press("Tab")
    expect(main_navigation(page).get_by_role("link", name="Home")).to_be_focused()
    tab_until(page, main_navigation(page).get_by_role("link", name="Awards"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awards")

    tab_until(page, menu_button(page))
    page.keyboard.press("Space")
    assert is_expanded(page, "Menu") is True
    page.keyboard.press("Space")
    assert is_expanded(page, "Menu") is False
    expect(main_navigation(page).get_by_role("link", name="Home")).to_be_hidden()


def test_on_a_phone_staff_pages_fold_both_menus_and_fit_the_screen(page, make_person):
    page.set_viewport_size(PHONE)
    sign_in(page, make_person(name="Sasha Smallscreen", roles=[Role.STAFF], two_factor=True))
    open_page(page, "/admin/members")
    payments = page.get_by_role("navigation", name="Staff").get_by_role("link", name="Payments")

    assert_no_sideways_scrolling(page)
    expect(payments).to_be_hidden()
    assert is_expanded(page, "Staff menu") is False

    menu_button(page, "Staff").click()
    assert is_expanded(page, "Staff menu") is True
    expect(payments).to_be_visible()
    menu_button(page).click()  # both open at once: still no wider than the phone
    expect(page.get_by_text("Signed in as Sasha Smallscreen")).to_be_visible()
    assert_no_sideways_scrolling(page)
    assert_accessible(page)

    payments.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payments")
    assert_no_sideways_scrolling(page)


def test_the_menu_button_works_in_a_browser_running_no_script(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        open_page(page, "/")
        register = main_navigation(page).get_by_role("link", name="Register")
        expect(register).to_be_hidden()

        menu_button(page).click()
        assert is_expanded(page, "Menu") is True
        register.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Public register of members")
    finally:
        context.close()


def test_on_a_wide_screen_the_menus_are_open_without_a_button(page, make_person):
    page.set_viewport_size(DESKTOP)
    open_page(page, "/")

    expect(menu_button(page)).to_be_hidden()
    assert is_expanded(page, "Menu") is None  # no button for a screen reader to meet either
    # The links beside the site's name, as before the menu could fold.
    name_box = main_navigation(page).get_by_role("link", name="National Association of Link Workers").bounding_box()
    home_box = main_navigation(page).get_by_role("link", name="Home").bounding_box()
    assert home_box["x"] > name_box["x"] + name_box["width"] and home_box["y"] < name_box["y"] + name_box["height"]

    sign_in(page, make_person(name="Wade Widescreen", roles=[Role.STAFF], two_factor=True))
    open_page(page, "/admin/members")
    expect(menu_button(page, "Staff")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Staff").get_by_role("link", name="Payments")).to_be_visible()
    expect(main_navigation(page).get_by_role("link", name="Events")).to_be_visible()


OUTLINE = "element => { const style = getComputedStyle(element); return [style.outlineStyle, style.outlineWidth, style.outlineColor]; }"


def focus_ring(locator):
    style, width, colour = locator.evaluate(OUTLINE)
    return style, float(width.removesuffix("px")), colour


def test_a_keyboard_user_sees_a_clear_ring_round_buttons_links_and_fields(page, make_person):
    page.set_viewport_size(DESKTOP)
    open_page(page, "/account/sign-in")

    for target in (
        main_navigation(page).get_by_role("link", name="Events"),
        page.get_by_label("Email address"),
        page.get_by_label("Keep me signed in on this device for 30 days"),
        page.get_by_role("button", name="Sign in"),
    ):
        tab_until(page, target, most=40)
        style, width, colour = focus_ring(target)
        assert style == "solid" and width >= 2, f"{target} has a focus outline of {style} {width}px"
        assert colour == "rgb(29, 78, 216)", f"{target} has a focus outline of {colour}"

    # On the dark staff bar the ring is white, to stand out against it.
    sign_in(page, make_person(name="Fran Focus", roles=[Role.STAFF], two_factor=True))
    open_page(page, "/admin/members")
    people = page.get_by_role("navigation", name="Staff").get_by_role("link", name="People")
    tab_until(page, people, most=40)
    assert focus_ring(people) == ("solid", 3, "rgb(255, 255, 255)")


def test_on_a_phone_a_members_staff_page_with_payments_fits_the_screen(page, make_person, make_membership):
    """The member's history is a table that scrolls by itself; what it holds (the hidden words of each Refund
    button) stays inside it, and the page's sections keep within its margins."""
    page.set_viewport_size(PHONE)
    membership = make_membership(make_person(name="Petra Phone"))
    sign_in(page, make_person(name="Sam Smallscreen", roles=[Role.STAFF], two_factor=True))
    open_page(page, f"/admin/people/{membership.person_id}")

    expect(page.get_by_role("link", name="Refund").first).to_be_attached()
    assert_no_sideways_scrolling(page)

    # The membership's own page sets its sections side by side the same way.
    open_page(page, f"/admin/memberships/{membership.id}")
    expect(page.get_by_role("region", name="Payments for this membership (scrolls sideways)")).to_be_visible()
    assert_no_sideways_scrolling(page)
    assert_accessible(page)
