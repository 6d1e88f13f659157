"""The staff compliance list: members in good standing below their tier's CPD requirement for a year."""

import csv
import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from nalw.core.audit import AuditEntry
from nalw.core.cpd_years import current_year, year_starting_in
from nalw.core.regions import Region
from nalw.cpd import compliance
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import MembershipStatus
from tests.factories import (
    CpdEntryFactory,
    MembershipFactory,
    link_worker_tier,
    staff_member,
    tier_named,
)
from tests.helpers import page_text, sign_in
from tests.members.steps import change_cpd_hours


def member_with_hours(name, hours, *, tier="Link Worker", region=Region.LONDON, draft_hours=0, last_year_hours=0):
    named = {"person__name": name} if name else {}
    membership = MembershipFactory(long_standing=True, tier=tier_named(tier), region=region, **named)
    if hours:
        CpdEntryFactory(person=membership.person, hours=hours)
    if draft_hours:
        CpdEntryFactory(person=membership.person, hours=draft_hours, complete=False)
    if last_year_hours:
        CpdEntryFactory(person=membership.person, hours=last_year_hours, done_on=current_year().previous().starts_on)
    return membership


@pytest.fixture
def members(app):
    """Members in every situation the list must tell apart, keyed by their name."""
    built = {
        "Alice Below": member_with_hours("Alice Below", 5, draft_hours=15),
        "Bob Met": member_with_hours("Bob Met", 20),
        "Cara Student": member_with_hours("Cara Student", 4, tier="Student or Trainee", region=Region.NORTH_EAST),
        "Dan Associate": member_with_hours("Dan Associate", 10, tier="Associate"),
        "Eve Grace": member_with_hours("Eve Grace", 0, region=Region.WALES),
        "Fay Lapsed": member_with_hours("Fay Lapsed", 0),
        "Gus Resigned": member_with_hours("Gus Resigned", 2),
        "Hal Last Year": member_with_hours("Hal Last Year", 1, last_year_hours=20),
        "Ivy Nearly": member_with_hours("Ivy Nearly", 19.75),
    }
    for name in ("Eve Grace", "Fay Lapsed"):
        member_services.change_status(built[name], MembershipStatus.GRACE, reason="Expired")
    member_services.change_status(built["Fay Lapsed"], MembershipStatus.LAPSED, reason="Not renewed")
    member_services.resign(built["Gus Resigned"].person, built["Gus Resigned"], "Changing career")
    db.session.commit()
    return built


@pytest.fixture
def staff_client(client):
    sign_in(client, staff_member())
    return client


def listed(response):
    """The table's rows as the page shows them: name, number, tier, region, hours logged, required."""
    body = re.search(r"<tbody>(.*?)</tbody>", response.get_data(as_text=True), re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if len(cells) == 6:
            rows.append(tuple(cells))
    return rows


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return [tuple(row) for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")))]


def test_members_below_their_tiers_requirement_are_listed_with_hours_logged_and_required(staff_client, members):
    response = staff_client.get("/admin/cpd/compliance")

    number = {name: membership.number for name, membership in members.items()}
    assert listed(response) == [
        ("Alice Below", number["Alice Below"], "Link Worker", "London", "5", "20"),
        ("Hal Last Year", number["Hal Last Year"], "Link Worker", "London", "1", "20"),
        ("Ivy Nearly", number["Ivy Nearly"], "Link Worker", "London", "19.75", "20"),
        ("Cara Student", number["Cara Student"], "Student or Trainee", "North East", "4", "10"),
        ("Eve Grace", number["Eve Grace"], "Link Worker", "Wales", "0", "20"),
    ]
    page = page_text(response)
    assert "5 members below the requirement." in page
    for name in ("Bob Met", "Dan Associate", "Fay Lapsed", "Gus Resigned"):
        assert name not in page


def test_the_list_is_for_the_chosen_cpd_year(staff_client, members):
    previous = current_year().previous()

    rows = listed(staff_client.get(f"/admin/cpd/compliance?year={previous.key}"))

    names = [row[0] for row in rows]
    assert "Hal Last Year" not in names  # 20 hours in that year
    assert ("Bob Met", members["Bob Met"].number, "Link Worker", "London", "0", "20") in rows


def test_each_member_listed_links_to_their_cpd_in_the_chosen_year(staff_client, members):
    previous = current_year().previous()

    response = staff_client.get(f"/admin/cpd/compliance?year={previous.key}")

    person_id = {name: membership.person_id for name, membership in members.items()}
    links = re.findall(r'<td><a href="([^"]+)">([^<]+)</a></td>', response.get_data(as_text=True))
    assert [name for _href, name in links] == [row[0] for row in listed(response)] != []
    for href, name in links:
        assert href == f"/admin/cpd/people/{person_id[name]}?year={previous.key}"


def test_a_member_who_joined_after_a_year_ended_is_not_behind_in_it_in_the_list_or_the_counts(staff_client, app):
    newcomer = MembershipFactory(tier=link_worker_tier(), joined_days_ago=0)  # joined today, no CPD yet
    db.session.commit()
    previous = current_year().previous()

    this_year = [row[1] for row in listed(staff_client.get("/admin/cpd/compliance"))]
    last_year = [row[1] for row in listed(staff_client.get(f"/admin/cpd/compliance?year={previous.key}"))]

    assert newcomer.number in this_year
    assert newcomer.number not in last_year
    assert sum(row[4] for row in compliance.compliance_counts(previous)) == len(last_year)
    assert sum(row[4] for row in compliance.compliance_counts(current_year())) == len(this_year)


def test_a_change_of_required_hours_leaves_this_and_last_years_lists_alone_and_applies_from_next_year(
    staff_client, members
):
    change_cpd_hours(link_worker_tier(), 25)

    this_year = listed(staff_client.get("/admin/cpd/compliance"))
    last_year = listed(staff_client.get(f"/admin/cpd/compliance?year={current_year().previous().key}"))
    next_year = compliance.compliance_rows(year_starting_in(current_year().key + 1))

    number = {name: membership.number for name, membership in members.items()}
    assert ("Alice Below", number["Alice Below"], "Link Worker", "London", "5", "20") in this_year
    assert "Bob Met" not in [row[0] for row in this_year]  # his 20 hours still meet this year's 20
    assert ("Bob Met", number["Bob Met"], "Link Worker", "London", "0", "20") in last_year
    assert {(row.name, row.required) for row in next_year if row.tier == "Link Worker"} >= {
        ("Bob Met", 25),
        ("Alice Below", 25),
    }
    assert not db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "tier.cpd_requirement_changed_for_current_year")
    ).all()


def test_staff_may_apply_a_change_of_required_hours_to_the_current_year_too_and_it_is_audited(staff_client, members):
    admin = staff_member()
    change_cpd_hours(link_worker_tier(), 25, actor=admin, current_year_too=True)

    this_year = listed(staff_client.get("/admin/cpd/compliance"))
    last_year = listed(staff_client.get(f"/admin/cpd/compliance?year={current_year().previous().key}"))

    number = {name: membership.number for name, membership in members.items()}
    assert ("Bob Met", number["Bob Met"], "Link Worker", "London", "20", "25") in this_year
    assert ("Bob Met", number["Bob Met"], "Link Worker", "London", "0", "20") in last_year
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "tier.cpd_requirement_changed_for_current_year")
    ).all()
    assert entry.actor_id == admin.id
    assert entry.target_id == str(link_worker_tier().id)
    assert (entry.before, entry.after) == (
        {"cpd_year": current_year().label, "hours_required": 20},
        {"cpd_year": current_year().label, "hours_required": 25},
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"tier": "Student or Trainee"}, ["Cara Student"]),
        ({"region": "wales"}, ["Eve Grace"]),
        ({"tier": "Link Worker", "region": "london"}, ["Alice Below", "Hal Last Year", "Ivy Nearly"]),
        ({"tier": "Associate"}, []),
    ],
)
def test_the_list_and_its_csv_filter_by_tier_and_region(staff_client, members, filters, expected):
    query = {**filters}
    if "tier" in query:
        query["tier"] = tier_named(query["tier"]).id

    page = staff_client.get("/admin/cpd/compliance", query_string=query)
    download = staff_client.get("/admin/cpd/compliance.csv", query_string=query)

    assert [row[0] for row in listed(page)] == expected
    assert [row[0] for row in csv_rows(download)[1:]] == expected
    if not expected:
        assert "Everyone has met the requirement." in page_text(page)


def test_a_tier_that_is_not_one_of_the_tiers_is_no_filter_on_the_page_and_in_its_csv(staff_client, members):
    everyone = [row[0] for row in listed(staff_client.get("/admin/cpd/compliance"))]

    page = staff_client.get("/admin/cpd/compliance", query_string={"tier": "99999", "region": "wales"})
    download = staff_client.get("/admin/cpd/compliance.csv", query_string={"tier": "99999"})

    # As an unknown region is: the select shows "Any tier" (nothing chosen), and the list is of any tier.
    assert [row[0] for row in listed(page)] == ["Eve Grace"]
    assert [row[0] for row in csv_rows(download)[1:]] == everyone
    html = page.get_data(as_text=True)
    assert "selected" not in re.search(r'<select[^>]*id="tier".*?</select>', html, re.S).group(0)
    assert "tier=&amp;" in re.search(r'href="/admin/cpd/compliance\.csv[^"]*"', html).group(0)


def test_a_page_after_the_last_says_so_and_links_to_the_last(staff_client, members, monkeypatch):
    monkeypatch.setattr(compliance, "PER_PAGE", 2)

    response = staff_client.get("/admin/cpd/compliance", query_string={"page": 7, "region": "london"})

    text = page_text(response)
    assert "There is no page 7: the list has 2 pages. Go to page 2" in text
    assert "Everyone has met the requirement." not in text
    assert 'href="/admin/cpd/compliance?page=2&amp;region=london"' in response.get_data(as_text=True)


def test_the_csv_has_the_same_rows_as_the_page(staff_client, members):
    page = staff_client.get("/admin/cpd/compliance")
    download = staff_client.get("/admin/cpd/compliance.csv")

    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = csv_rows(download)
    assert rows[0] == ("Name", "Membership number", "Tier", "Region", "Hours logged", "Hours required")
    assert rows[1:] == listed(page)


def test_names_that_look_like_formulas_are_defused_in_the_csv(staff_client, app):
    for name in ('=HYPERLINK("http://evil.example","Click")', "+44 7700 900000", "@SUM(A1)", "-1+2"):
        member_with_hours(name, 1)
    db.session.commit()

    names = [row[0] for row in csv_rows(staff_client.get("/admin/cpd/compliance.csv"))[1:]]

    assert sorted(names) == sorted(
        ['\'=HYPERLINK("http://evil.example","Click")', "'+44 7700 900000", "'@SUM(A1)", "'-1+2"]
    )
    assert '=HYPERLINK("http://evil.example","Click")' in page_text(staff_client.get("/admin/cpd/compliance"))


def test_the_list_is_paged(staff_client, members, monkeypatch):
    monkeypatch.setattr(compliance, "PER_PAGE", 2)

    pages = [staff_client.get(f"/admin/cpd/compliance?page={number}") for number in (1, 2, 3)]

    assert [[row[0] for row in listed(page)] for page in pages] == [
        ["Alice Below", "Hal Last Year"],
        ["Ivy Nearly", "Cara Student"],
        ["Eve Grace"],
    ]
    assert "Page 1 of 3" in page_text(pages[0]) and "Next page" in page_text(pages[0])
    assert "Page 3 of 3" in page_text(pages[2]) and "Next page" not in page_text(pages[2])
    assert all("5 members below the requirement." in page_text(page) for page in pages)
    # The CSV is the whole list, not one page.
    assert len(csv_rows(staff_client.get("/admin/cpd/compliance.csv"))) == 1 + 5


def test_the_list_runs_by_region_then_membership_number_and_the_csv_keeps_that_order(staff_client, app):
    later_tier = tier_named("Student or Trainee")
    zoe = member_with_hours("Zoe First", 1)  # joined first, so the lower membership number
    amy = member_with_hours("Amy Second", 2)
    wales = member_with_hours("Bea Wales", 3, region=Region.WALES)
    north_west = member_with_hours("Cy Student", 1, tier=later_tier.name, region=Region.NORTH_WEST)
    north_east = member_with_hours("Dee North East", 1, region=Region.NORTH_EAST)
    db.session.commit()

    # Regions by their stored value, which sorts as their names do (the tier plays no part), then by
    # membership number within each.
    expected = [zoe.number, amy.number, north_east.number, north_west.number, wales.number]
    assert [row[1] for row in listed(staff_client.get("/admin/cpd/compliance"))] == expected
    assert [row[1] for row in csv_rows(staff_client.get("/admin/cpd/compliance.csv"))[1:]] == expected


def test_the_list_writes_the_values_its_plan_depends_on_into_its_sql(staff_client, members, count_queries):
    """psycopg prepares a statement it runs often, and PostgreSQL then keeps one plan for any parameters: the
    statuses (the covering index's condition), the year and the page's size must be in the SQL itself, or the
    plan kept reads the whole memberships table and every name."""
    with count_queries() as sent:
        staff_client.get("/admin/cpd/compliance")

    (sql,) = [statement for statement in sent if "on_page" in statement]
    assert "IN ('active', 'grace')" in sql
    assert f"'{current_year().starts_on.isoformat()}'" in sql
    assert f"LIMIT {compliance.PER_PAGE} OFFSET 0" in sql


def test_members_with_the_same_name_each_appear_once_across_pages(staff_client, app, monkeypatch):
    monkeypatch.setattr(compliance, "PER_PAGE", 2)
    namesakes = [member_with_hours("Sam Smith", hours) for hours in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)]
    db.session.commit()

    numbers = [
        row[1] for number in range(1, 8) for row in listed(staff_client.get(f"/admin/cpd/compliance?page={number}"))
    ]

    assert sorted(numbers) == sorted(m.number for m in namesakes)


def test_the_pages_query_count_does_not_grow_with_the_members_listed(staff_client, app, count_queries):
    def queries_for_list_of(how_many):
        for _ in range(how_many):
            member_with_hours(None, 1)
        db.session.commit()
        with count_queries() as queries:
            response = staff_client.get("/admin/cpd/compliance")
        assert len(listed(response)) >= how_many
        return len(queries)

    with_3 = queries_for_list_of(3)
    with_30 = queries_for_list_of(27)

    assert with_30 == with_3


@pytest.mark.parametrize("path", ["/admin/cpd/compliance", "/admin/cpd/compliance.csv"])
def test_only_staff_see_the_compliance_list(client, members, path):
    assert client.get(path).status_code == 302  # a visitor is asked to sign in
    sign_in(client, members["Cara Student"].person)
    response = client.get(path)
    assert response.status_code == 403
    assert "Alice Below" not in response.get_data(as_text=True)
