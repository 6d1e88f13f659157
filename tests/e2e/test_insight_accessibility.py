"""axe-core finds no WCAG 2.2 A or AA problem on the gaps-and-barriers pages, and a member reports a barrier
from a phone-sized window with the keyboard alone."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.insight.models import Report, ReportStatus, Theme
from tests.e2e.steps import AccessibilityReport, open_page, sign_in, submit_expecting_errors, tab_until
from tests.factories import EventFactory, ReportFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


def assert_no_sideways_scrolling(page):
    """The page is no wider than the window (WCAG 1.4.10, reflow): wide tables scroll by themselves."""
    page_width, window_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width <= window_width, f"{page.url} is {page_width}px wide in a window of {window_width}px"


def committed_reports(reporter, count, **values):
    reports = [ReportFactory(reporter=reporter, **values) for _ in range(count)]
    db.session.commit()
    return reports


def test_insight_pages_a_member_and_a_visitor_see(page, make_person, make_membership):
    report = AccessibilityReport(page)
    member = make_person(name="Rhys Reporter")
    make_membership(member, region=Region.WALES)
    committed_reports(member, 6, theme=Theme.TRANSPORT, region=Region.WALES)
    committed_reports(member, 2, theme=Theme.HOUSING, region=Region.WALES)
    roadshow = EventFactory(region=Region.WALES, title="Cardiff roadshow")
    db.session.commit()
    page.set_viewport_size(PHONE)

    open_page(page, "/insight")
    expect(page.get_by_role("table", name="Reports by theme and region")).to_contain_text("fewer than 5")
    assert_no_sideways_scrolling(page)
    report.check("public figures at 375px")
    open_page(page, f"/events/{roadshow.id}")
    expect(page.get_by_role("main")).to_contain_text("Transport")
    report.check("roadshow page with the region's leading themes")

    sign_in(page, member)
    open_page(page, "/insight/report")
    assert_no_sideways_scrolling(page)
    report.check("report form at 375px")
    submit_expecting_errors(page, "Send report")
    report.check("report form with errors")
    open_page(page, "/insight/my-reports")
    report.check("my reports")
    report.assert_clean()


def test_staff_insight_pages(page, make_person, make_membership):
    report = AccessibilityReport(page)
    member = make_person(name="Nell Noticer")
    make_membership(member)
    [first, *_others] = committed_reports(member, 5, theme=Theme.DIGITAL_ACCESS, region=Region.NORTH_WEST)
    sign_in(page, make_person(name="Sol Staff", roles=[Role.STAFF], two_factor=True))

    open_page(page, "/admin/insight")
    expect(page.get_by_role("table", name="Reports by theme and region")).to_be_visible()
    report.check("staff figures")
    page.get_by_role("link", name="North West 5 reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports: North West")
    report.check("the reports behind a region")
    open_page(page, f"/admin/insight/reports/{first.id}/hide")
    submit_expecting_errors(page, "Hide the report")
    report.check("hide form with errors")
    report.assert_clean()


def test_a_member_reports_a_barrier_with_the_keyboard_alone_on_a_phone(page, make_person, make_membership):
    member = make_person(name="Kai Keys")
    make_membership(member, region=Region.NORTH_EAST)
    page.set_viewport_size(PHONE)
    sign_in(page, member)
    open_page(page, "/insight/my-reports")

    tab_until(page, page.get_by_role("link", name="Report a gap or barrier"), most=40)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, page.get_by_label("Transport"), most=40)
    page.keyboard.press("Space")
    tab_until(page, page.get_by_label("Local authority area (optional)"))
    # A group of radios is one Tab stop; the arrow keys choose within it.
    tab_until(page, page.get_by_label("1 person"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("6 to 20 people")).to_be_checked()
    tab_until(page, page.get_by_label("No service meets this need"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("A service exists but people cannot reach or use it")).to_be_checked()
    tab_until(page, page.get_by_label("Short description"))
    page.keyboard.type("No bus to the day centre after 3pm.")
    tab_until(page, page.get_by_role("button", name="Send report"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_text("Thank you: your report is in.")).to_be_visible()
    db.session.rollback()
    report = db.session.scalar(sa.select(Report).where(Report.reporter_id == member.id))
    assert (report.theme, report.region, report.status) == (Theme.TRANSPORT, Region.NORTH_EAST, ReportStatus.ACTIVE)
    assert report.description == "No bus to the day centre after 3pm."
    assert report.affected.value == "six_to_twenty" and report.service_state.value == "unreachable"
