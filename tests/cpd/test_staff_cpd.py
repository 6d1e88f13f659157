"""Staff read any member's CPD: progress, entries and evidence, and nothing they could change."""

import re

import pytest

from nalw.core.cpd_years import current_year
from nalw.extensions import db
from tests.factories import CpdEntryFactory, EvidenceFactory, MembershipFactory, pdf_file, staff_member
from tests.helpers import page_text, sign_in


@pytest.fixture
def member_cpd(app):
    """A member with a complete entry carrying evidence, a draft, and an entry last year."""
    membership = MembershipFactory(long_standing=True, person__name="Priya Shah")
    person = membership.person
    course = CpdEntryFactory(person=person, hours=2.5, title="Safeguarding adults level 2")
    evidence = EvidenceFactory(entry=course)
    CpdEntryFactory(person=person, hours=1, title="Half-written reflection", complete=False)
    CpdEntryFactory(
        person=person, hours=6, title="Link Worker Day conference", done_on=current_year().previous().starts_on
    )
    db.session.commit()
    return person, course, evidence


def staff_view(client, person, **query):
    sign_in(client, staff_member())
    return client.get(f"/admin/cpd/people/{person.id}", query_string=query)


def test_staff_see_a_members_progress_and_entries_with_evidence_links(client, member_cpd):
    person, course, evidence = member_cpd

    response = staff_view(client, person)

    page = page_text(response)
    assert response.status_code == 200
    assert "CPD of Priya Shah" in page and "Read only." in page
    assert f"CPD year {current_year().label}" in page
    assert "2.5 of 20 hours logged" in page
    assert "1 draft entry does not count until completed." in page
    assert "Safeguarding adults level 2" in page and "Half-written reflection" in page
    assert "Link Worker Day conference" not in page  # last year's
    html = response.get_data(as_text=True)
    assert re.search(rf'<a [^>]*href="/cpd/evidence/{evidence.id}"[^>]*>\s*certificate\.pdf\s*</a>', html)

    download = client.get(f"/cpd/evidence/{evidence.id}")
    assert download.status_code == 200 and download.data == pdf_file()
    assert "attachment" in download.headers["Content-Disposition"]


def test_staff_can_look_at_an_earlier_cpd_year(client, member_cpd):
    person, _, _ = member_cpd
    previous = current_year().previous()

    page = page_text(staff_view(client, person, year=previous.key))

    assert f"CPD year {previous.label}" in page
    assert "6 of 20 hours logged" in page and "Link Worker Day conference" in page
    assert "Safeguarding adults level 2" not in page


def test_the_staff_view_has_no_edit_controls(client, member_cpd):
    person, course, _ = member_cpd

    html = staff_view(client, person).get_data(as_text=True)

    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    assert "<form" not in main and "<button" not in main and "<input" not in main
    assert "/cpd/entries/" not in main
    for control in ("Delete", "Edit", "Save", "Upload", "Log CPD"):
        assert control not in page_text_of(main)


def page_text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_unknown_person_is_not_found(client, app):
    sign_in(client, staff_member())
    assert client.get("/admin/cpd/people/999999").status_code == 404


@pytest.mark.parametrize("role", ["account_holder", "member", "organisation_admin", "judge"])
def test_only_staff_may_see_a_members_cpd(client, member_cpd, person_as, role):
    person, _, _ = member_cpd
    sign_in(client, person_as(role))

    response = client.get(f"/admin/cpd/people/{person.id}")

    assert response.status_code == 403
    assert "Safeguarding adults level 2" not in response.get_data(as_text=True)


def test_the_member_themselves_uses_their_own_page_not_the_staff_one(client, member_cpd):
    person, _, _ = member_cpd
    sign_in(client, person)

    assert client.get(f"/admin/cpd/people/{person.id}").status_code == 403
    assert "2.5 of 20 hours" in page_text(client.get("/cpd"))


def test_a_visitor_is_asked_to_sign_in(client, member_cpd):
    person, _, _ = member_cpd

    response = client.get(f"/admin/cpd/people/{person.id}")

    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
