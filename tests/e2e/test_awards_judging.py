"""axe-core finds no WCAG 2.2 A or AA problem on the judging and results pages, and a judge declares and
scores a nomination with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from nalw.awards import judging, publishing
from nalw.awards.models import AwardOutcome
from nalw.core.permissions import Role
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.e2e.steps import AccessibilityReport, open_page, sign_in, submit_expecting_errors, tab_until
from tests.factories import (
    AwardCategoryFactory,
    AwardCycleFactory,
    NominationFactory,
    PersonFactory,
    cycle_in_phase,
    declared,
    judge,
    judge_of,
    scored,
)

pytestmark = pytest.mark.e2e


def judged_category(phase="judging", blind=False):
    return AwardCategoryFactory(cycle=AwardCycleFactory(phase=phase, blind=blind), weights=(2, 1))


def test_judge_pages(page, live_app):
    report = AccessibilityReport(page)
    category = judged_category(blind=True)
    person = judge(name="Jade Judge", email="jade@riverside.org.uk")
    judge_of(category, person)
    suggested = NominationFactory(category=category, status="eligible", nominee_email="amy@riverside.org.uk")
    other = NominationFactory(category=category, status="eligible")
    scored(person, other, 6)
    db.session.commit()

    sign_in(page, person)
    open_page(page, "/judging")
    report.check("judge's list and progress")
    open_page(page, f"/judging/nominations/{suggested.id}/declare")
    expect(page.get_by_text("A conflict of interest is possible")).to_be_visible()
    report.check("declaration with a suggested conflict")
    submit_expecting_errors(page, "Save my declaration")
    report.check("declaration with errors")
    open_page(page, f"/judging/nominations/{other.id}")
    report.check("score sheet")
    page.get_by_label("Score for criterion 1").fill("12")
    submit_expecting_errors(page, "Save my scores")
    report.check("score sheet with errors")
    report.assert_clean()


def test_staff_judging_and_results_pages(page, live_app):
    report = AccessibilityReport(page)
    category = judged_category(phase="judging_closed")
    staff = PersonFactory(name="Stef Staff", roles=[Role.STAFF], two_factor=True)
    first = NominationFactory(category=category, status="eligible", nominee_name="Winning Person")
    second = NominationFactory(category=category, status="eligible")
    with_cycle_judging(category, lambda: [scored(judge_of(category), n, v) for n, v in ((first, 8), (second, 5))])
    conflicted = judge_of(category, judge(name="Conflicted Judge"))
    with_cycle_judging(category, lambda: declared(conflicted, first, conflicted=True))
    publishing.choose_outcome(staff, first, AwardOutcome.WINNER, utcnow())
    still_judging = judged_category()
    db.session.commit()

    sign_in(page, staff)
    open_page(page, f"/admin/awards/cycles/{category.cycle_id}/judges")
    report.check("staff judges and progress")
    open_page(page, f"/admin/awards/cycles/{category.cycle_id}/results/{category.id}")
    report.check("staff results of a category")
    open_page(page, f"/admin/awards/cycles/{category.cycle_id}/results")
    report.check("staff results of every category")
    open_page(page, f"/admin/awards/nominations/{first.id}/judging")
    report.check("staff judging record of a nomination, with a conflict to withdraw")
    submit_expecting_errors(page, "Withdraw conflict")
    report.check("withdrawing a conflict with errors")
    open_page(page, f"/admin/awards/cycles/{still_judging.cycle_id}/judges/close")
    report.check("staff asked to confirm closing judging now")
    open_page(page, f"/admin/awards/cycles/{category.cycle_id}/judges")
    page.get_by_role("button", name="Publish the results").click()
    expect(page.get_by_text("The results are published.")).to_be_visible()
    open_page(page, f"/awards/{category.cycle.year}/results")
    expect(page.get_by_text("Winning Person")).to_be_visible()
    report.check("public results")
    report.assert_clean()


def with_cycle_judging(category, act):
    with cycle_in_phase(category.cycle, "judging"):
        act()


def test_a_judge_declares_and_scores_with_the_keyboard_alone(page, live_app):
    category = judged_category()
    person = judge(name="Kim Keys")
    judge_of(category, person)
    nomination = NominationFactory(category=category, status="eligible", nominee_name="Keyboard Nominee")
    db.session.commit()
    sign_in(page, person)
    open_page(page, "/judging")

    tab_until(page, page.get_by_role("link", name="Declare for Nomination"), most=40)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conflict of interest")
    tab_until(page, page.get_by_label("No, I have no conflict of interest"), most=30)
    page.keyboard.press("Space")
    expect(page.get_by_label("No, I have no conflict of interest")).to_be_checked()
    tab_until(page, page.get_by_role("button", name="Save my declaration"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Declaration saved")).to_be_visible()
    for number, criterion_score in ((1, "8"), (2, "6")):
        tab_until(page, page.get_by_label(f"Score for criterion {number}"), most=40)
        page.keyboard.type(criterion_score)
        page.keyboard.press("Tab")
        expect(page.get_by_label(f"Comment on criterion {number}")).to_be_focused()
        page.keyboard.type(f"Reason {number}.")
    tab_until(page, page.get_by_role("button", name="Save my scores"))
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your scores are saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Scored")).to_be_visible()
    db.session.rollback()
    assert sorted(score.score for score in judging.scores_of(person, nomination.id).values()) == [6, 8]
