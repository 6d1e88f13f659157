"""axe-core finds no WCAG 2.2 A or AA problem on the awards pages of nominators and staff; the browser's word
count agrees with the server's on text that is easy to miscount; a person nominates with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from nalw.awards.models import AwardOutcome, Nomination, NominationStatus
from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.extensions import db
from tests.e2e.steps import AccessibilityReport, open_page, sign_in, submit_expecting_errors, tab_until
from tests.factories import AwardCategoryFactory, AwardCycleFactory, NominationFactory
from tests.factories.awards import TRICKY_WORD_COUNTS

pytestmark = pytest.mark.e2e


def committed(made):
    db.session.commit()
    return made


def test_awards_pages_a_visitor_and_a_nominator_see(page, make_person):
    report = AccessibilityReport(page)
    category = committed(AwardCategoryFactory(name="Rising Star Accessible", self_nomination_allowed=True))
    past = AwardCategoryFactory(phase="published", name="Team of the Year Accessible")
    NominationFactory(category=past, status="eligible", nominee_name="Riverside Team").outcome = AwardOutcome.WINNER
    nominator = make_person(name="Nadia Nominator")
    submitted = committed(NominationFactory(category=category, nominator=nominator, nominee_name="Sent Already"))

    open_page(page, "/awards")
    report.check("public awards page")
    expect(page.get_by_text("Riverside Team")).to_be_visible()

    sign_in(page, nominator)
    open_page(page, f"/awards/categories/{category.id}/nominate")
    report.check("nomination form")
    page.get_by_label(category.criteria[0].question).fill("word " * 201)
    expect(page.locator(f"#answer_{category.criteria[0].id}-word-count")).to_have_text(
        "201 words: 1 over the limit of 200"
    )
    submit_expecting_errors(page, "Save draft")
    report.check("nomination form with errors")
    expect(page.get_by_role("alert")).to_contain_text("Enter the name of the person, team or group you are nominating")

    open_page(page, "/awards/my-nominations")
    report.check("my nominations")
    open_page(page, f"/awards/nominations/{submitted.id}")
    report.check("a submitted nomination")
    report.assert_clean()


def test_the_browser_counts_words_as_the_server_does(page, make_person):
    category = committed(AwardCategoryFactory(weights=(1,), word_limit=5))
    sign_in(page, make_person(name="Wendy Words"))
    open_page(page, f"/awards/categories/{category.id}/nominate")

    counted = page.evaluate(
        "texts => texts.map(text => window.nalwCountWords(text))", [t for t, _ in TRICKY_WORD_COUNTS]
    )

    assert counted == [words for _, words in TRICKY_WORD_COUNTS]


def test_staff_awards_pages(page, make_person):
    report = AccessibilityReport(page)
    staff = make_person(name="Sol Staff", roles=[Role.STAFF], two_factor=True)
    setting_up = committed(AwardCycleFactory(phase="not_open", staff=staff))
    category = committed(AwardCategoryFactory(cycle=setting_up, staff=staff))
    nomination = committed(NominationFactory(nominee_name="To Be Screened"))

    sign_in(page, staff)
    open_page(page, "/admin/awards")
    report.check("staff list of cycles")
    open_page(page, "/admin/awards/cycles/new")
    report.check("cycle form")
    submit_expecting_errors(page, "Save cycle")
    report.check("cycle form with errors")
    open_page(page, f"/admin/awards/cycles/{setting_up.id}")
    report.check("cycle page with categories that can change")
    open_page(page, f"/admin/awards/cycles/{setting_up.id}/categories/new")
    report.check("category form")
    submit_expecting_errors(page, "Save category")
    report.check("category form with errors")
    open_page(page, f"/admin/awards/categories/{category.id}/criteria/new")
    report.check("criterion form")
    open_page(page, f"/admin/awards/cycles/{nomination.category.cycle_id}")
    report.check("cycle page with criteria fixed")
    open_page(page, f"/admin/awards/cycles/{nomination.category.cycle_id}/nominations")
    report.check("screening list")
    open_page(page, f"/admin/awards/nominations/{nomination.id}")
    report.check("nomination to screen")
    submit_expecting_errors(page, "Mark not eligible")
    report.check("not eligible without a reason")
    report.assert_clean()


def test_a_person_nominates_with_the_keyboard_alone(page, make_person):
    category = committed(AwardCategoryFactory(weights=(1,), name="Keyboard Category"))
    person = make_person(name="Kai Keys")
    sign_in(page, person)
    open_page(page, "/awards")

    tab_until(page, page.get_by_role("link", name="Nominate for Keyboard Category"), most=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_until(page, page.get_by_label("Nominee's name"), most=40)
    page.keyboard.type("Rosa Keys")
    tab_until(page, page.get_by_label("Nominee's region"))
    page.keyboard.type("Wales")
    tab_until(page, page.get_by_label("Your relationship to the nominee"))
    page.keyboard.type("Colleague")
    tab_until(page, page.get_by_label(category.criteria[0].question))
    page.keyboard.type("She found a walking group for forty people.")
    tab_until(page, page.get_by_role("button", name="Submit nomination"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_text("your nomination is submitted")).to_be_visible()
    db.session.rollback()
    nomination = db.session.query(Nomination).filter_by(nominator_id=person.id).one()
    assert nomination.status is NominationStatus.SUBMITTED and nomination.nominee_name == "Rosa Keys"
    assert nomination.nominee_region is Region.WALES
