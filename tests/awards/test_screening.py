"""Staff screen submitted nominations, seeing the nominee's standing where their email is a member's: eligible,
or not eligible with a reason the nominator is emailed. Decisions are audited and fixed once judging opens."""

import csv
import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from nalw.awards import nominations, screening
from nalw.awards.errors import AwardsError
from nalw.awards.models import NominationStatus
from nalw.core.audit import AuditEntry
from nalw.extensions import db
from tests.factories import (
    AwardCategoryFactory,
    MembershipFactory,
    NominationFactory,
    PersonFactory,
    cycle_in_phase,
    pdf_file,
    staff_member,
)
from tests.helpers import emails_to, page_text, sign_in
from tests.members.steps import errors_on_field


def upload_pdf(name):
    return FileStorage(stream=io.BytesIO(pdf_file()), filename=name)


@pytest.fixture
def staff(client):
    person = staff_member()
    sign_in(client, person)
    return person


def test_the_list_shows_submitted_nominations_with_the_nominees_membership_standing(client, staff):
    category = AwardCategoryFactory()
    member = MembershipFactory(person__email="member.nominee@example.org").person
    NominationFactory(category=category, nominee_name="A Member", nominee_email="Member.Nominee@example.org")
    NominationFactory(category=category, nominee_name="Not A Member", nominee_email="stranger@example.org")
    NominationFactory(category=category, nominee_name="No Email Given")
    NominationFactory(category=category, nominee_name="Still A Draft", status="draft")

    page = page_text(client.get(f"/admin/awards/cycles/{category.cycle_id}/nominations"))

    assert member.email == "member.nominee@example.org"
    assert "A Member" in page and "Active" in page
    assert "Not A Member" in page and "No membership found" in page
    assert "No Email Given" in page and "No email given" in page
    assert "Still A Draft" not in page


def test_the_list_filters_by_category_and_status_and_pages(client, staff, monkeypatch):
    category = AwardCategoryFactory()
    other = AwardCategoryFactory(cycle=category.cycle)
    NominationFactory(category=category, status="eligible", nominee_name="Eligible One")
    NominationFactory(category=category, status="ineligible", nominee_name="Refused One")
    NominationFactory(category=other, status="eligible", nominee_name="Other Category")
    url = f"/admin/awards/cycles/{category.cycle_id}/nominations"

    filtered = page_text(client.get(url, query_string={"category": category.id, "status": "eligible"}))
    monkeypatch.setattr("nalw.awards.staff_views.PER_PAGE", 2)
    second_page = page_text(client.get(url, query_string={"page": 2}))
    nonsense = client.get(url, query_string={"category": "x", "status": "winner", "page": "-3"})

    assert "Eligible One" in filtered and "Refused One" not in filtered and "Other Category" not in filtered
    assert "Page 2 of 2" in second_page and second_page.count("Category") >= 1
    assert nonsense.status_code == 200


def test_the_lists_queries_do_not_grow_with_its_rows(client, staff, count_queries):
    category = AwardCategoryFactory()
    MembershipFactory(person__email="nominee0@example.org")
    for number in range(3):
        NominationFactory(category=category, nominee_email=f"nominee{number}@example.org")
    url = f"/admin/awards/cycles/{category.cycle_id}/nominations"
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for number in range(3, 12):
        MembershipFactory(person__email=f"nominee{number}@example.org")
        NominationFactory(category=category, nominee_email=f"nominee{number}@example.org")
    db.session.expire_all()
    with count_queries() as many:
        page = page_text(client.get(url))

    assert "12 nominations found" in page
    assert len(many) == len(few)


def _csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _export_link(page):
    link = re.search(r'href="(/[^"]+\.csv[^"]*)" download', page.get_data(as_text=True))
    assert link, "no CSV link on the page"
    return link.group(1).replace("&amp;", "&")


def test_the_csv_holds_exactly_the_filtered_rows_formula_safe(client, staff):
    category = AwardCategoryFactory()
    other = AwardCategoryFactory(cycle=category.cycle)
    membership = MembershipFactory(person__email="kept.one@example.org")
    NominationFactory(
        category=category, status="eligible", nominee_name="Kept One", nominee_email="kept.one@example.org"
    )
    NominationFactory(category=category, status="eligible", nominee_name='=HYPERLINK("x")')
    NominationFactory(category=category, status="submitted", nominee_name="Waiting One")
    NominationFactory(category=other, status="eligible", nominee_name="Other Category")
    NominationFactory(category=category, status="draft", nominee_name="Still A Draft")
    NominationFactory(category=AwardCategoryFactory(), status="eligible", nominee_name="Another Cycle")
    url = f"/admin/awards/cycles/{category.cycle_id}/nominations"

    page = client.get(url, query_string={"category": category.id, "status": "eligible"})
    rows = _csv_rows(client.get(_export_link(page)))
    everything = _csv_rows(client.get(_export_link(client.get(url))))

    assert sorted(row["Nominee"].split(",")[0] for row in rows) == ['\'=HYPERLINK("x")', "Kept One"]
    assert {row["Category"] for row in rows} == {category.name} and {row["Status"] for row in rows} == {"Eligible"}
    kept = next(row for row in rows if row["Nominee"].startswith("Kept One"))
    assert (
        kept["Member standing"] == f"Active ({membership.number})" and kept["Nominee email"] == "kept.one@example.org"
    )
    assert len(everything) == 4  # the cycle's submitted nominations: no draft, nothing of another cycle
    assert client.get(f"{url}.csv", query_string={"category": "x"}).status_code == 302


def test_staff_mark_a_nomination_eligible_and_it_is_audited(client, staff):
    nomination = NominationFactory()

    response = client.post(f"/admin/awards/nominations/{nomination.id}/eligible")

    assert response.status_code == 302
    assert nomination.status is NominationStatus.ELIGIBLE and nomination.screened_by_id == staff.id
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.actor_id == staff.id)) == (
        "awards.nomination_eligible"
    )


def test_not_eligible_needs_a_reason_which_the_nominator_is_emailed(client, staff):
    nomination = NominationFactory()

    blank = client.post(f"/admin/awards/nominations/{nomination.id}/ineligible", data={"reason": "   "})
    assert errors_on_field(blank, "reason") == ["Give the reason: the nominator is told it"]
    assert nomination.status is NominationStatus.SUBMITTED

    client.post(
        f"/admin/awards/nominations/{nomination.id}/ineligible",
        data={"reason": "The nominee works outside the UK."},
    )

    assert nomination.status is NominationStatus.INELIGIBLE
    assert nomination.ineligible_reason == "The nominee works outside the UK."
    sent = [message for message in emails_to(nomination.nominator.email) if "ineligible" in message.template]
    assert len(sent) == 1 and "The nominee works outside the UK." in sent[0].body_text


def test_the_service_refuses_a_blank_reason(app):
    nomination = NominationFactory()

    with pytest.raises(AwardsError) as refused:
        screening.mark_ineligible(staff_member(), nomination, "")

    assert refused.value.field == "reason"


def test_a_draft_is_neither_screened_nor_shown_to_staff(client, staff):
    nomination = NominationFactory(status="draft")

    assert client.get(f"/admin/awards/nominations/{nomination.id}").status_code == 404
    with pytest.raises(AwardsError):
        screening.mark_eligible(staff, nomination)


def test_screening_is_fixed_once_judging_opens(client, staff):
    category = AwardCategoryFactory(phase="judging")
    nomination = NominationFactory(category=category, status="eligible")

    with pytest.raises(AwardsError) as refused:
        screening.mark_ineligible(staff, nomination, "Changed our minds.")
    page = page_text(client.get(f"/admin/awards/nominations/{nomination.id}"))

    assert "Judging of" in refused.value.message
    assert "the screening decision is fixed" in page
    assert nomination.status is NominationStatus.ELIGIBLE


def test_a_decision_may_change_before_judging_opens(app):
    nomination = NominationFactory(status="ineligible")
    staff = staff_member()

    with cycle_in_phase(nomination.category.cycle, "nominating"):
        screening.mark_eligible(staff, nomination)

    assert nomination.status is NominationStatus.ELIGIBLE and nomination.ineligible_reason == ""


def test_the_nomination_page_shows_the_members_standing_and_the_answers(client, staff):
    membership = MembershipFactory(person__email="priya@example.org")
    nomination = NominationFactory(nominee_email="priya@example.org", nominator=PersonFactory(name="Nina Nominator"))

    page = page_text(client.get(f"/admin/awards/nominations/{nomination.id}"))

    assert f"Active Link Worker membership {membership.number}" in page
    assert "Nina Nominator" in page and "She listens" not in page
    assert "They changed how our practice listens to people." in page


def test_staff_download_a_submitted_nominations_file_but_not_a_drafts(client, staff):
    submitted = NominationFactory(status="draft")
    evidence = nominations.add_evidence(submitted.nominator, submitted, upload_pdf("reference.pdf"))
    draft = NominationFactory(status="draft")
    draft_evidence = nominations.add_evidence(draft.nominator, draft, upload_pdf("private.pdf"))
    nominations.submit(submitted.nominator, submitted)

    response = client.get(f"/admin/awards/evidence/{evidence.id}")

    assert response.status_code == 200 and response.data == pdf_file()
    assert client.get(f"/admin/awards/evidence/{draft_evidence.id}").status_code == 404
    assert "reference.pdf" in page_text(client.get(f"/admin/awards/nominations/{submitted.id}"))


def test_the_cycle_page_counts_each_categorys_nominations_by_status(client, staff):
    category = AwardCategoryFactory(name="Counted Category")
    NominationFactory(category=category, status="draft")
    NominationFactory(category=category, status="submitted")
    NominationFactory(category=category, status="eligible")
    NominationFactory(category=category, status="eligible")

    counts = screening.counts_by_category(category.cycle)
    page = page_text(client.get(f"/admin/awards/cycles/{category.cycle_id}"))

    assert counts[category.id] == {
        NominationStatus.DRAFT: 1,
        NominationStatus.SUBMITTED: 1,
        NominationStatus.ELIGIBLE: 2,
    }
    assert "Draft 1; Submitted, waiting for screening 1; Eligible 2; Not eligible 0." in page
