"""Staff's list of applications: paid ones waiting for a decision and unpaid ones, each paged on its own."""

import re

from nalw.extensions import db
from nalw.members import services
from tests.factories import MembershipFactory, PersonFactory, pay_by_invoice, staff_member
from tests.helpers import page_text, sign_in


def applicants_listed(response):
    return re.findall(r'href="/admin/memberships/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_each_list_of_applications_is_paged_on_its_own_oldest_first(client, monkeypatch):
    monkeypatch.setattr(services, "APPLICATIONS_PER_PAGE", 2)
    staff = staff_member()
    for number in range(1, 4):
        pay_by_invoice(staff, MembershipFactory(applied=True, person=PersonFactory(name=f"Paid Applicant {number}")))
    for number in range(1, 6):
        MembershipFactory(applied=True, person=PersonFactory(name=f"Unpaid Applicant {number}"))
    db.session.flush()
    sign_in(client, staff)

    first = client.get("/admin/applications")
    paid_second = client.get("/admin/applications?paid_page=2")
    unpaid_third = client.get("/admin/applications?paid_page=2&unpaid_page=3")

    assert applicants_listed(first) == [
        "Paid Applicant 1",
        "Paid Applicant 2",
        "Unpaid Applicant 1",
        "Unpaid Applicant 2",
    ]
    assert applicants_listed(paid_second) == ["Paid Applicant 3", "Unpaid Applicant 1", "Unpaid Applicant 2"]
    assert applicants_listed(unpaid_third) == ["Paid Applicant 3", "Unpaid Applicant 5"]
    text = page_text(first)
    assert "Paid, waiting for a decision (3)" in text and "Not paid yet (5)" in text
    assert "Page 1 of 2" in text and "Page 1 of 3" in text
    # Each pager moves its own list and keeps the other where it was.
    assert 'href="/admin/applications?paid_page=2&amp;unpaid_page=3"' not in first.get_data(as_text=True)
    assert 'href="/admin/applications?paid_page=2&amp;unpaid_page=2"' in paid_second.get_data(as_text=True)
