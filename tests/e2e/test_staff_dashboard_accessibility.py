"""axe-core finds no WCAG 2.2 A or AA problem on the staff dashboard (charts included, under the app's
Content-Security-Policy) and the lists it leads to, and its two questions are answered by following its links."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.core.time import london_today
from nalw.events import services as event_services
from nalw.extensions import db
from nalw.members.models import MembershipStatus
from tests.e2e.steps import AccessibilityReport, open_page, sign_in, submit_expecting_errors
from tests.factories import AwardCategoryFactory, EventFactory, NominationFactory, PaymentFactory

pytestmark = pytest.mark.e2e


def test_staff_dashboard_and_the_lists_behind_it(page, make_person, make_membership):
    report = AccessibilityReport(page)
    staff = make_person(name="Dana Dashboard", roles=[Role.STAFF], two_factor=True)
    behind = make_person(name="Nell Northwest")
    make_membership(behind, region=Region.NORTH_WEST)
    make_membership(make_person(name="Lon Don"), region=Region.LONDON)
    make_membership(make_person(name="Pat Waiting"), status=MembershipStatus.PAID)
    make_membership(make_person(name="Lara Lapsed"), status=MembershipStatus.LAPSED)
    make_membership(make_person(name="Rene Renewer"), expires_on=london_today() + dt.timedelta(days=10))
    PaymentFactory(person=behind, refunded_pence=1000)
    event = EventFactory(title="Dashboard roadshow", capacity=1, staff=staff)
    event_services.book_place(event, behind)
    category = AwardCategoryFactory(name="Link Worker of the Year", staff=staff)
    NominationFactory(category=category, nominee_name="Nia Nominee", staff=staff)
    db.session.commit()

    sign_in(page, staff)
    open_page(page, "/admin/")
    expect(page.get_by_role("img", name="Members in good standing by region")).to_be_visible()
    expect(page.get_by_role("img", name="Income by month, net of refunds")).to_be_visible()
    expect(page.get_by_role("img", name="Nominations by category")).to_be_visible()
    report.check("staff dashboard")

    page.get_by_label("From").fill("2026-10-31")
    page.get_by_label("To").fill("2026-10-01")
    submit_expecting_errors(page, "Show")
    expect(page.get_by_role("alert")).to_contain_text("To must be the same day as from or later")
    report.check("staff dashboard with a period it cannot use")

    # (the dashboard's link to follow, what it leads to, the page's name in the report)
    nell = page.get_by_role("link", name="Nell Northwest")
    for link, shown, name in (
        (
            page.get_by_role("row", name=re.compile("^Link Worker of the Year 1 ")).get_by_role("link").first,
            page.get_by_role("link", name="Nia Nominee"),
            "screening list from the dashboard",
        ),
        # Other browser tests' members may be there too (their data is committed): any count will do.
        (page.get_by_role("link", name=re.compile(r"^\d+ active$")), nell, "members list from the dashboard"),
        (
            page.get_by_role("link", name=re.compile(r"^\d+ below in North West$")),
            nell,
            "compliance list from the dashboard",
        ),
        (
            page.get_by_role("link", name=re.compile(r"^\d+ memberships? lapsed$")),
            page.get_by_role("link", name="Lara Lapsed"),
            "membership changes from the dashboard",
        ),
        (
            page.get_by_role("link", name=re.compile(r"^\d+ memberships? ends?$")),
            page.get_by_role("link", name="Rene Renewer"),
            "renewals due from the dashboard",
        ),
        (
            page.get_by_role("link", name=f"{london_today():%B %Y}", exact=True),
            page.get_by_text("net of refunds: "),
            "payments of a month from the dashboard",
        ),
    ):
        open_page(page, "/admin/")
        link.click()
        expect(shown).to_be_visible()
        report.check(name)
    report.assert_clean()


def test_on_a_phone_every_table_caption_on_the_dashboard_can_be_read_without_scrolling(page, make_person):
    staff = make_person(name="Phoebe Phone", roles=[Role.STAFF], two_factor=True)
    PaymentFactory(person=make_person(name="Paying Member"))
    db.session.commit()
    page.set_viewport_size({"width": 375, "height": 812})

    sign_in(page, staff)
    open_page(page, "/admin/")

    captions = page.evaluate(
        """() => [...document.querySelectorAll('caption')].map(
            caption => [caption.textContent.trim(), caption.getBoundingClientRect().right])"""
    )
    assert captions, "the dashboard shows no tables"
    assert [text for text, right in captions if right > 375] == []
