"""axe-core finds no WCAG 2.2 A or AA problem on any CPD page, and the member's pages fit a phone's screen.

Each test walks the pages one kind of person sees, in each state they reach, forms
shown empty and again with their errors, and reports every page with a problem at once.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from nalw.core.cpd_years import current_year
from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.core.time import london_today
from nalw.cpd.models import ActivityType
from tests.e2e.steps import AccessibilityReport, log_cpd, open_page, sign_in, submit_expecting_errors

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


def heading(page):
    return page.get_by_role("heading", level=1)


def assert_no_sideways_scrolling(page):
    """The page is no wider than the window: nobody scrolls sideways to read it (WCAG 1.4.10, reflow)."""
    page_width, window_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert page_width <= window_width, f"{page.url} is {page_width}px wide in a window of {window_width}px"


def assert_within_window(locator):
    box = locator.bounding_box()
    window_width = locator.page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= window_width, f"{locator} is outside the window: {box}"


def test_cpd_pages_a_member_sees(page, make_person, make_membership, tmp_path):
    report = AccessibilityReport(page)
    member = make_person(name="Marisol Member")
    make_membership(member)
    sign_in(page, member)

    open_page(page, "/cpd")
    expect(page.get_by_role("main")).to_contain_text("No entries in this year.")
    report.check("my CPD, nothing logged")

    page.get_by_role("link", name="Log CPD").click()
    expect(heading(page)).to_have_text("Log CPD")
    report.check("new entry")
    submit_expecting_errors(page, "Save entry")
    report.check("new entry with errors")
    # Past the form's checks to the service's: its refusal shows on the field it names.
    page.get_by_label("Title").fill("Future course")
    page.get_by_label("Date").fill((london_today() + dt.timedelta(days=3)).isoformat())
    page.get_by_label("Type of activity").select_option(label="Course or training")
    page.get_by_label("Hours").fill("1.5")
    page.get_by_label("S1 Person-centred, strengths-based practice").check()
    submit_expecting_errors(page, "Save as draft")
    expect(page.get_by_text("The date cannot be in the future.").first).to_be_visible()
    report.check("new entry with a future date")

    earlier = current_year().previous()
    complete = log_cpd(member, "Trauma-informed practice course", hours=7, standards=("S1", "S2", "S3"))
    draft = log_cpd(member, "Reading on loneliness", hours=1.5, complete=False, activity=ActivityType.READING)
    log_cpd(member, "Shadowing a senior link worker", hours=3, done_on=earlier.starts_on, standards=("S4",))

    open_page(page, "/cpd")
    expect(page.get_by_role("link", name="Trauma-informed practice course")).to_be_visible()
    report.check("my CPD, with a complete entry and a draft")
    page.get_by_role("navigation", name="CPD years").get_by_role("link", name=earlier.label).click()
    expect(page.get_by_role("link", name="Shadowing a senior link worker")).to_be_visible()
    report.check("my CPD, an earlier year")

    open_page(page, f"/cpd/entries/{complete.id}")
    expect(heading(page)).to_have_text("Trauma-informed practice course")
    report.check("complete entry")
    page.get_by_label("What I learned").fill("")
    submit_expecting_errors(page, "Save entry")
    report.check("complete entry, saved without a reflection answer")

    open_page(page, f"/cpd/entries/{draft.id}")
    expect(page.get_by_role("status").filter(has_text="This is a draft.")).to_be_visible()
    report.check("draft entry")

    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Add evidence (optional)").set_input_files(certificate)
    page.get_by_role("button", name="Upload file").click()
    expect(
        page.get_by_role("region", name="Evidence").get_by_role("link", name="certificate.pdf", exact=True)
    ).to_be_visible()
    report.check("draft entry with evidence")
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("alert").filter(has_text="Choose a file to upload.")).to_be_visible()
    report.check("draft entry, upload without a file")

    open_page(page, "/cpd")
    expect(page.get_by_role("link", name="certificate.pdf", exact=True)).to_be_visible()
    report.check("my CPD, an entry with evidence")

    open_page(page, f"/cpd/entries/{draft.id}")
    page.get_by_role("link", name="Remove certificate.pdf").click()
    expect(page.get_by_role("button", name="Remove the file")).to_be_visible()
    report.check("confirm removing a file")
    open_page(page, f"/cpd/entries/{draft.id}")
    page.get_by_role("link", name="Delete entry").click()
    expect(page.get_by_role("button", name="Delete the entry")).to_be_visible()
    report.check("confirm deleting an entry")

    report.assert_clean()


def test_cpd_audit_pages_a_member_and_staff_see(page, new_page, make_person, make_membership):
    report = AccessibilityReport(page)
    member = make_person(name="Aurelia Audited")
    make_membership(member)
    # An audit samples the last CPD year that has ended.
    audited = current_year().previous()
    log_cpd(member, "Mental health first aid", hours=12, standards=("S1", "S2"), done_on=audited.ends_on)
    log_cpd(member, "Community mapping walk", hours=2, standards=("S4",), done_on=audited.ends_on)
    sign_in(page, member)

    open_page(page, "/cpd/audit")
    expect(page.get_by_role("main")).to_contain_text("You have not been chosen for an audit.")
    report.check("member's audits, none")

    staff_page = new_page()
    staff_report = AccessibilityReport(staff_page)
    sign_in(staff_page, make_person(name="Sunita Staff", roles=[Role.STAFF], two_factor=True))
    open_page(staff_page, "/admin/cpd/audits")
    staff_report.check("audits")
    staff_page.get_by_role("link", name="Start an audit").click()
    expect(heading(staff_page)).to_have_text("Start a CPD audit")
    staff_report.check("new audit")
    staff_page.get_by_label("Leave out members who joined in the last (days)").fill("")
    submit_expecting_errors(staff_page, "Draw the sample and tell members")
    staff_report.check("new audit with errors")
    # Every active member is drawn: the one this test follows among them.
    staff_page.get_by_label("Share of active members to draw (%)").fill("100")
    staff_page.get_by_label("Leave out members who joined in the last (days)").fill("0")
    staff_page.get_by_label("Deadline for profiles").fill((london_today() + dt.timedelta(days=30)).isoformat())
    staff_page.get_by_role("button", name="Draw the sample and tell members").click()
    expect(staff_page.get_by_role("status")).to_contain_text("members drawn and told by email")
    staff_report.check("audit just drawn")
    audit_page = staff_page.url

    open_page(page, "/cpd/audit")
    page.get_by_role("link", name="CPD audit of").click()
    expect(heading(page)).to_have_text("Your CPD audit profile")
    report.check("audit profile, empty")
    profile_page = page.url
    submit_expecting_errors(page, "Submit profile")
    report.check("audit profile with errors")
    page.get_by_label("Summary of your practice and learning").fill(
        "I work across three practices in a primary care network, mostly with older people living alone."
    )
    page.get_by_label("Mental health first aid").check()
    page.get_by_label("Community mapping walk").check()
    page.get_by_role("button", name="Submit profile").click()
    expect(page.get_by_role("status")).to_have_text("Profile submitted. We will email you the outcome.")
    report.check("audit profile, submitted")
    open_page(page, "/cpd/audit")
    report.check("member's audits, one submitted")

    open_page(staff_page, audit_page)
    staff_page.get_by_role("link", name="Aurelia Audited").click()
    expect(heading(staff_page)).to_have_text("CPD profile of Aurelia Audited")
    staff_report.check("review form")
    submit_expecting_errors(staff_page, "Record outcome and tell the member")
    staff_report.check("review form with errors")
    staff_page.get_by_label("S1 Person-centred, strengths-based practice: outcome").select_option(label="Meets")
    staff_page.get_by_label("S4 Working with communities and the voluntary sector: outcome").select_option(
        label="More information needed"
    )
    staff_page.get_by_label("S4: comment").fill("Tell us what you did with what you found on the walk.")
    staff_page.get_by_label("More information needed").check()
    staff_page.get_by_label("Comments for the member").fill("A good profile: one more example for S4, please.")
    staff_page.get_by_role("button", name="Record outcome and tell the member").click()
    expect(staff_page.get_by_role("status")).to_have_text("Outcome recorded and the member told.")
    staff_report.check("audit with an outcome recorded")
    open_page(staff_page, "/admin/cpd/audits")
    staff_report.check("audits, one drawn")
    # The tables of audits and of members drawn scroll by themselves on a phone, not the whole page.
    staff_page.set_viewport_size(PHONE)
    assert_no_sideways_scrolling(staff_page)
    open_page(staff_page, audit_page)
    assert_no_sideways_scrolling(staff_page)

    open_page(page, profile_page)
    expect(page.get_by_role("heading", name="Outcome: More information needed")).to_be_visible()
    report.check("audit profile with an outcome, open again")

    report.assert_clean()
    staff_report.assert_clean()


def test_cpd_compliance_pages_staff_see(page, make_person, make_membership):
    report = AccessibilityReport(page)
    behind = make_person(name="Bartholomew Behind")
    make_membership(behind, region=Region.EAST_MIDLANDS)
    log_cpd(behind, "Benefits advice webinar", hours=1.25)
    sign_in(page, make_person(name="Carys Compliance", roles=[Role.STAFF], two_factor=True))

    open_page(page, "/admin/cpd/compliance")
    expect(
        page.get_by_role("table", name="Members below their CPD requirement").get_by_role("link").first
    ).to_be_visible()
    report.check("compliance, members below the requirement")
    page.get_by_label("Region").select_option(label="Northern Ireland")
    page.get_by_label("Tier").select_option(label="Associate")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("main")).to_contain_text("Everyone has met the requirement.")
    report.check("compliance, filtered to nobody")

    # Every member of the run is on the list: the region finds this one on the first page.
    page.get_by_label("Region").select_option(label="East Midlands")
    page.get_by_label("Tier").select_option(label="Any tier")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Bartholomew Behind").click()
    expect(heading(page)).to_have_text("CPD of Bartholomew Behind")
    expect(page.get_by_role("main")).to_contain_text("1.25 of 20 hours")
    report.check("a member's CPD, read only")

    report.assert_clean()


def test_my_cpd_and_the_entry_form_fit_a_phone(page, make_person, make_membership, tmp_path):
    report = AccessibilityReport(page)
    member = make_person(name="Philippa Phone")
    make_membership(member)
    entry = log_cpd(
        member,
        "Trauma-informed approaches to supporting people with multiple disadvantage",
        hours=6.5,
        standards=("S1", "S2", "S3", "S4", "S5"),
    )
    log_cpd(member, "Reading on loneliness", hours=1.5, complete=False, activity=ActivityType.READING)
    page.set_viewport_size(PHONE)
    sign_in(page, member)

    open_page(page, f"/cpd/entries/{entry.id}")
    certificate = tmp_path / "certificate-of-attendance-trauma-informed-approaches-2026.pdf"
    certificate.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Add evidence (optional)").set_input_files(certificate)
    page.get_by_role("button", name="Upload file").click()
    expect(
        page.get_by_role("region", name="Evidence").get_by_role("link", name=certificate.name, exact=True)
    ).to_be_visible()
    assert_no_sideways_scrolling(page)
    report.check("complete entry with evidence, on a phone")

    open_page(page, "/cpd")
    assert_no_sideways_scrolling(page)
    entries = page.get_by_role("table", name="CPD entries in this year, newest first")
    # Each entry's type, standards and status show beside its title, without scrolling the table sideways.
    assert_within_window(entries)
    draft = entries.get_by_role("row").filter(has_text="Reading on loneliness")
    expect(draft).to_contain_text("Reading or research. Standards S1. Draft")
    assert_within_window(draft.get_by_text("Draft", exact=True).filter(visible=True))
    report.check("my CPD, on a phone")

    page.get_by_role("link", name="Log CPD").click()
    submit_expecting_errors(page, "Save entry")
    assert_no_sideways_scrolling(page)
    report.check("new entry with errors, on a phone")

    report.assert_clean()
