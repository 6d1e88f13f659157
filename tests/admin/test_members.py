"""Staff find members by name, email or membership number, narrow the list, and export exactly what they found."""

import datetime as dt
import re

import pytest

from nalw.admin import member_views
from nalw.core.cpd_years import current_year
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import EmployerType, MembershipStatus
from tests.factories import (
    CpdEntryFactory,
    MembershipFactory,
    PersonFactory,
    organisation_membership,
    organisation_tier,
    staff_member,
    tier_named,
)
from tests.helpers import csv_records, page_text, sign_in


def names_listed(response):
    """The members on the page, in order (each name links to the member's page)."""
    assert response.status_code == 200
    return re.findall(r'href="/admin/people/\d+">([^<]+)</a>', response.get_data(as_text=True))


@pytest.fixture
def staff_client(client):
    sign_in(client, staff_member())
    return client


def member(name, email=None, **fields):
    person = PersonFactory(name=name, **({"email": email} if email else {}))
    return MembershipFactory(person=person, **fields)


def test_staff_find_a_member_by_their_membership_number_whole_or_in_part(staff_client):
    priya = member("Priya Shah")
    member("Tom Jones")
    digits = priya.number.split("-")[1].lstrip("0")

    assert names_listed(staff_client.get("/admin/members", query_string={"q": priya.number})) == ["Priya Shah"]
    assert names_listed(staff_client.get("/admin/members", query_string={"q": priya.number.lower()})) == ["Priya Shah"]
    assert "Priya Shah" in names_listed(staff_client.get("/admin/members", query_string={"q": digits}))


def test_search_ranks_the_exact_email_then_what_starts_with_the_text_then_what_holds_it(staff_client):
    member("Anna Holdsmith", "anna@example.org")  # holds "smith" in her name
    member("Zed Smithers", "zed@example.org")  # a word of the name starts with it
    member("Bob Brown", "smith@example.org")  # the email exactly
    member("Smith Carter", "carter@example.org")  # the name starts with it
    member("Nobody Else", "else@example.org")

    by_email = names_listed(staff_client.get("/admin/members", query_string={"q": "smith@example.org"}))
    by_name = names_listed(staff_client.get("/admin/members", query_string={"q": "SMITH"}))

    assert by_email == ["Bob Brown"]
    assert by_name == ["Bob Brown", "Smith Carter", "Zed Smithers", "Anna Holdsmith"]


def test_search_ranks_the_exact_membership_number_first_then_what_starts_with_it_then_what_holds_it(staff_client):
    holds = member("Abe Holds")
    starts = member("Mia Starts")
    exact = member("Zara Exact")
    member("Not Found")
    exact.number, starts.number, holds.number = "NALW-900012", "NALW-9000123", "XNALW-900012"
    db.session.flush()

    response = staff_client.get("/admin/members", query_string={"q": "nalw-900012"})

    assert names_listed(response) == ["Zara Exact", "Mia Starts", "Abe Holds"]
    assert "3 members found" in page_text(response)


def test_search_finds_a_person_once_by_their_latest_membership(staff_client):
    first = member("Rejoined Member", resigned=True)
    old_number = first.number
    latest = MembershipFactory(person=first.person)
    db.session.flush()

    by_name = staff_client.get("/admin/members", query_string={"q": "rejoined"})
    by_old_number = staff_client.get("/admin/members", query_string={"q": old_number})
    by_new_number = staff_client.get("/admin/members", query_string={"q": latest.number})

    assert names_listed(by_name) == ["Rejoined Member"] and "1 member found" in page_text(by_name)
    assert "Active" in page_text(by_name) and latest.number in page_text(by_name)
    assert names_listed(by_old_number) == [] and "0 members found" in page_text(by_old_number)
    assert names_listed(by_new_number) == ["Rejoined Member"]


def test_the_count_and_the_page_agree_for_a_search_with_other_filters(staff_client, monkeypatch):
    # The list is served from the one object, so it is changed in place (and put back after the test).
    monkeypatch.setitem(member_views.MEMBERS.__dict__, "per_page", 2)
    for number in range(3):
        member(f"Shah {number}", region=Region.LONDON)
    member("Shah Wales", region=Region.WALES)
    member("Shah Lapsed", region=Region.LONDON, lapsed=True)
    member("Jones London", region=Region.LONDON)

    response = staff_client.get("/admin/members", query_string={"q": "shah", "region": "london", "status": "active"})
    second = staff_client.get(
        "/admin/members", query_string={"q": "shah", "region": "london", "status": "active", "page": 2}
    )

    assert "3 members found" in page_text(response) and "Page 1 of 2" in page_text(response)
    assert sorted(names_listed(response) + names_listed(second)) == ["Shah 0", "Shah 1", "Shah 2"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "shah"},
        {"q": "shah", "region": "london", "status": "active"},
        {"cpd": "behind"},
        {"q": "shah", "cpd": "met"},
        {"status": "lapsed"},
        {"employer_type": "nhs_trust", "tier": "tier"},
    ],
)
def test_the_count_shown_is_the_number_of_rows_the_csv_holds(staff_client, filters):
    on_track = member("Shah On Track", region=Region.LONDON, long_standing=True)
    year = current_year()
    for day in (year.starts_on, year.starts_on + dt.timedelta(days=1)):
        CpdEntryFactory(person=on_track.person, hours=10, done_on=day)
    member("Shah Behind", region=Region.LONDON, long_standing=True)
    member("Shah Wales", region=Region.WALES, employer_type=EmployerType.NHS_TRUST)
    member("Shah Lapsed", region=Region.LONDON, lapsed=True)
    member("Jones Trust", employer_type=EmployerType.NHS_TRUST)
    rejoined = member("Shah Rejoined", resigned=True)
    MembershipFactory(person=rejoined.person)
    if "tier" in filters:
        filters = {**filters, "tier": str(tier_named("Link Worker").id)}

    page = staff_client.get("/admin/members", query_string=filters)
    shown = int(re.search(r"(\d+) members? found", page_text(page)).group(1))
    rows = csv_records(staff_client.get("/admin/members.csv", query_string=filters))

    assert shown == len(rows) == len(names_listed(page))
    assert shown > 0


def test_search_takes_percent_and_underscore_literally(staff_client):
    member("Percy Vale", "percy@example.org")

    assert names_listed(staff_client.get("/admin/members", query_string={"q": "%"})) == []
    assert names_listed(staff_client.get("/admin/members", query_string={"q": "_"})) == []


def test_each_filter_narrows_the_list(staff_client):
    member("London Member", region=Region.LONDON)
    member("Trust Member", employer_type=EmployerType.NHS_TRUST)
    member("Lapsed Member", lapsed=True)
    member("Student Member", tier=tier_named("Student or Trainee"))

    def listed(**filters):
        return names_listed(staff_client.get("/admin/members", query_string=filters))

    assert listed(region="london") == ["London Member"]
    assert listed(employer_type="nhs_trust") == ["Trust Member"]
    assert listed(status="lapsed") == ["Lapsed Member"]
    assert listed(tier=str(tier_named("Student or Trainee").id)) == ["Student Member"]
    assert listed(region="london", status="lapsed") == []


def test_renewal_month_lists_those_whose_membership_ends_that_month(staff_client):
    this_month = dt.date.today().replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    member("Renews Next Month", expires_on=next_month + dt.timedelta(days=9))
    member("Renews Later", expires_on=next_month + dt.timedelta(days=70))

    response = staff_client.get("/admin/members", query_string={"renews_in": next_month.strftime("%Y-%m")})

    assert names_listed(response) == ["Renews Next Month"]


def test_cpd_filter_splits_members_behind_from_those_who_met_this_years_requirement(staff_client):
    on_track = member("On Track", long_standing=True)
    member("Behind Member", long_standing=True)
    year = current_year()
    for day in (year.starts_on, year.starts_on + dt.timedelta(days=1)):
        CpdEntryFactory(person=on_track.person, hours=10, done_on=day)

    behind = staff_client.get("/admin/members", query_string={"cpd": "behind"})
    met = staff_client.get("/admin/members", query_string={"cpd": "met"})

    assert "On Track" not in names_listed(behind) and "Behind Member" in names_listed(behind)
    assert names_listed(met) == ["On Track"]
    assert "20 hours of 20 hours" in page_text(met)


def log_this_year(membership, hours):
    year = current_year()
    for day in range(hours // 10):
        CpdEntryFactory(person=membership.person, hours=10, done_on=year.starts_on + dt.timedelta(days=day))


def test_behind_on_cpd_lists_exactly_the_members_the_compliance_list_finds_on_the_page_and_in_its_csv(staff_client):
    member("Behind Member", long_standing=True)
    log_this_year(member("On Track", long_standing=True), 20)
    member("Grace Member", long_standing=True, grace=True)
    member("Priya Applicant", paid=True)  # awaiting approval: not yet asked for CPD
    lapsed = member("Lapsed Member", long_standing=True)
    log_this_year(lapsed, 20)
    member_services.change_status(lapsed, MembershipStatus.GRACE, reason="Expired")
    member_services.change_status(lapsed, MembershipStatus.LAPSED, reason="Not renewed")
    member("Late Joiner", started_on=current_year().ends_on + dt.timedelta(days=1))
    db.session.commit()

    compliance_page = staff_client.get("/admin/cpd/compliance")
    compliance_names = re.findall(r'<td><a href="/admin/cpd/people/\d+[^"]*">([^<]+)</a></td>', compliance_page.text)
    compliance_csv = [row["Name"] for row in csv_records(staff_client.get("/admin/cpd/compliance.csv"))]
    behind = staff_client.get("/admin/members", query_string={"cpd": "behind"})
    behind_csv = csv_records(staff_client.get("/admin/members.csv", query_string={"cpd": "behind"}))
    met = staff_client.get("/admin/members", query_string={"cpd": "met"})
    met_csv = csv_records(staff_client.get("/admin/members.csv", query_string={"cpd": "met"}))

    assert sorted(compliance_names) == sorted(compliance_csv) == ["Behind Member", "Grace Member"]
    assert sorted(names_listed(behind)) == sorted(row["Name"] for row in behind_csv) == sorted(compliance_names)
    assert "2 members found" in page_text(behind)
    assert names_listed(met) == [row["Name"] for row in met_csv] == ["On Track"]
    assert [(row["CPD hours logged this year"], row["CPD hours required this year"]) for row in met_csv] == [
        ("20", "20")
    ]


def test_an_organisations_membership_is_found_by_its_number_and_by_the_organisations_name(staff_client):
    organisation = organisation_membership()
    member("Priya Shah")

    by_number = staff_client.get("/admin/members", query_string={"q": organisation.number})
    by_name = staff_client.get("/admin/members", query_string={"q": "riverside"})
    [row] = csv_records(staff_client.get("/admin/members.csv", query_string={"q": "riverside"}))

    assert names_listed(by_number) == names_listed(by_name) == ["Riverside PCN"]
    assert "1 member found" in page_text(by_name)
    assert f'href="/admin/people/{organisation.person_id}">Riverside PCN</a>' in by_name.text
    assert (row["Name"], row["Organisation admin"], row["Membership number"], row["Tier"]) == (
        "Riverside PCN",
        "Olu Organisation",
        organisation.number,
        "Organisation",
    )
    assert (row["CPD this year"], row["CPD hours logged this year"], row["CPD hours required this year"]) == (
        "",
        "",
        "",
    )


def test_the_organisation_tier_lists_organisations_memberships_beside_their_admins_own(staff_client):
    organisation = organisation_membership()
    MembershipFactory(person=organisation.person)  # Olu is a link worker too
    member("Priya Shah")

    organisations = staff_client.get("/admin/members", query_string={"tier": str(organisation_tier().id)})
    everyone = staff_client.get("/admin/members")
    by_admin = staff_client.get("/admin/members", query_string={"q": "Olu"})

    assert names_listed(organisations) == ["Riverside PCN"] and "1 member found" in page_text(organisations)
    assert "Olu Organisation" in page_text(organisations)
    assert sorted(names_listed(everyone)) == ["Olu Organisation", "Priya Shah", "Riverside PCN"]
    assert sorted(names_listed(by_admin)) == ["Olu Organisation", "Riverside PCN"]


@pytest.mark.parametrize(
    ("held_by", "expected"),
    [("person", ["Olu Organisation", "Priya Shah"]), ("organisation", ["Riverside PCN"]), ("", None)],
)
def test_membership_of_people_or_of_organisations_narrows_the_list_its_count_and_csv(staff_client, held_by, expected):
    organisation = organisation_membership()
    MembershipFactory(person=organisation.person)
    member("Priya Shah")
    expected = expected or ["Olu Organisation", "Priya Shah", "Riverside PCN"]

    page = staff_client.get("/admin/members", query_string={"held_by": held_by})
    rows = csv_records(staff_client.get("/admin/members.csv", query_string={"held_by": held_by}))

    assert sorted(names_listed(page)) == sorted(row["Name"] for row in rows) == expected
    assert f"{len(expected)} member{'s' if len(expected) > 1 else ''} found" in page_text(page)


def test_an_organisations_membership_is_never_behind_or_met_on_cpd(staff_client):
    organisation_membership(long_standing=True)
    member("Behind Member", long_standing=True)

    assert names_listed(staff_client.get("/admin/members", query_string={"cpd": "behind"})) == ["Behind Member"]
    assert names_listed(staff_client.get("/admin/members", query_string={"cpd": "met"})) == []


def test_a_filter_it_cannot_read_is_shown_at_its_field_and_lists_nothing(staff_client):
    member("Someone")

    response = staff_client.get("/admin/members", query_string={"region": "atlantis"})

    assert names_listed(response) == []
    assert "Choose region from the list" in page_text(response)


def test_a_search_too_long_to_run_is_shown_at_its_field_and_lists_nothing(staff_client):
    member("Someone")

    response = staff_client.get("/admin/members", query_string={"q": "x" * 201})

    assert names_listed(response) == []
    assert "Search for at most 200 characters" in page_text(response)


def test_the_csv_of_a_filtered_list_holds_exactly_the_rows_it_found_across_every_page(staff_client, monkeypatch):
    # The list is served from the one object, so it is changed in place (and put back after the test).
    monkeypatch.setitem(member_views.MEMBERS.__dict__, "per_page", 2)
    for number in range(5):
        member(f"North West {number}", region=Region.NORTH_WEST)
    for number in range(3):
        member(f"London {number}", region=Region.LONDON)
    member('=HYPERLINK("http://evil")', region=Region.NORTH_WEST)

    page = staff_client.get("/admin/members", query_string={"region": "north_west"})
    export_link = re.search(r'href="(/admin/members\.csv[^"]*)"', page.get_data(as_text=True)).group(1)
    rows = csv_records(staff_client.get(export_link.replace("&amp;", "&")))

    assert sorted(row["Name"] for row in rows) == sorted(
        ['\'=HYPERLINK("http://evil")', *(f"North West {number}" for number in range(5))]
    )
    assert {row["Region"] for row in rows} == {"North West"}
    assert "6 members found" in page_text(page) and "Page 1 of 3" in page_text(page)
    assert len(names_listed(page)) == 2


def test_an_export_with_a_filter_it_cannot_read_goes_back_to_the_list(staff_client):
    response = staff_client.get("/admin/members.csv", query_string={"status": "nonsense"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/members?")


def test_the_member_lists_query_count_does_not_grow_with_the_rows_on_it(staff_client, count_queries):
    for number in range(2):
        member(f"Few {number}", region=Region.WALES)
    for number in range(12):
        member(f"Many {number}", region=Region.LONDON)
    organisation_membership(region=Region.LONDON)  # its organisation's name is read with the rest
    staff_client.get("/admin/members")  # the first request loads what every request shares

    with count_queries() as few:
        assert len(names_listed(staff_client.get("/admin/members", query_string={"region": "wales"}))) == 2
    with count_queries() as many:
        assert len(names_listed(staff_client.get("/admin/members", query_string={"region": "london"}))) == 13

    assert len(many) == len(few)


def test_the_list_and_its_csv_show_days_as_uk_dates_like_every_other_page(staff_client):
    member("Dated Member", expires_on=dt.date(2026, 11, 3), started_on=dt.date(2025, 11, 4))

    page = staff_client.get("/admin/members")
    [row] = csv_records(staff_client.get("/admin/members.csv"))

    assert "Dated Member" in names_listed(page)
    assert "3 November 2026" in page_text(page) and "2026-11-03" not in page_text(page)
    assert (row["Renews on"], row["Member since"]) == ("3 November 2026", "4 November 2025")
