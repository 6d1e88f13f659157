"""A member's CPD page: the year's progress against the requirement, hours by type and by standard,
the standards with nothing logged, and earlier years."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine

from nalw.core.cpd_years import year_starting_in
from nalw.cpd import services
from nalw.cpd.models import ActivityType
from nalw.extensions import db
from tests.factories import (
    CpdEntryFactory,
    EvidenceFactory,
    MembershipFactory,
    link_worker_tier,
    publish_new_code_version,
)
from tests.helpers import page_text, sign_in
from tests.members.steps import change_cpd_hours

# Mid-February 2026: the current CPD year runs from 1 April 2025 to 31 March 2026.
NOW = dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)
ALL_CODES = [f"S{number}" for number in range(1, 10)]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def table_rows(response, caption):
    """The rows of the table with this caption, as lists of cell texts."""
    html = response.get_data(as_text=True)
    match = re.search(rf"<caption[^>]*>{re.escape(caption)}</caption>(.*?)</table>", html, re.S)
    assert match, f"no table captioned {caption!r}"
    body = match.group(1).split("<tbody>", 1)[1]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def hours_by_standard(response):
    return {
        cells[0].split()[0]: cells[1] for cells in table_rows(response, "Hours logged against each standard this year")
    }


def hours_by_type(response):
    return dict(table_rows(response, "Hours logged by type of activity this year"))


def progress_value(response):
    return re.search(r'<progress[^>]*\bvalue="(\d+)"', response.get_data(as_text=True)).group(1)


def nothing_logged(response):
    """The standards listed under 'Nothing logged yet this year for:'."""
    html = response.get_data(as_text=True)
    match = re.search(r"Nothing logged yet this year for:</strong></p>\s*<ul>(.*?)</ul>", html, re.S)
    if not match:
        return []
    return [unescape(item).split()[0] for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def listed_entries(response):
    """The titles in the year's table of entries, each a link to the entry."""
    html = response.get_data(as_text=True)
    table = re.search(r"CPD entries in this year, newest first</caption>(.*?)</table>", html, re.S)
    return [unescape(title) for title in re.findall(r'<a href="/cpd/entries/\d+">(.*?)</a>', table.group(1))]


def year_links(response):
    """(label, address) of each CPD year offered above the progress."""
    html = response.get_data(as_text=True)
    nav = re.search(r'<nav aria-label="CPD years"[^>]*>(.*?)</nav>', html, re.S)
    if not nav:
        return []
    return [
        (" ".join(unescape(label).split()), unescape(href))
        for href, label in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', nav.group(1), re.S)
    ]


def test_the_page_shows_the_current_years_progress_by_default(client, person):
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2025, 5, 10),
        hours=2.5,
        standards=("S1", "S2"),
        title="Strengths-based conversations",
    )
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2025, 9, 1),
        hours=1.5,
        standards=("S2",),
        activity_type=ActivityType.READING,
        title="Marmot",
    )
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2026, 1, 5),
        hours=3,
        standards=("S3",),
        title="Unfinished course",
        complete=False,
    )
    CpdEntryFactory(person=person, done_on=dt.date(2025, 3, 20), hours=4, standards=("S4",), title="Last year's course")

    response = client.get("/cpd")

    page = page_text(response)
    assert "CPD year 2025 to 2026 (1 April 2025 to 31 March 2026)" in page
    assert "4 of 20 hours logged." in page
    assert progress_value(response) == "20"
    assert "1 draft entry does not count until completed." in page
    assert hours_by_standard(response) == {"S1": "2.5", "S2": "4", **dict.fromkeys(ALL_CODES[2:], "0")}
    assert hours_by_type(response) == {
        "Course or training": "2.5",
        "Conference or event": "0",
        "Peer support or supervision": "0",
        "Reading or research": "1.5",
        "Reflective practice": "0",
        "Shadowing": "0",
        "Other": "0",
    }
    # The draft's standard does not count as covered until the draft is complete.
    assert nothing_logged(response) == ALL_CODES[2:]
    assert listed_entries(response) == ["Unfinished course", "Marmot", "Strengths-based conversations"]


def test_a_new_member_sees_an_empty_year_with_every_standard_still_to_cover(client, person):
    response = client.get("/cpd")

    page = page_text(response)
    assert "0 of 20 hours logged." in page
    assert progress_value(response) == "0"
    assert nothing_logged(response) == ALL_CODES
    assert "No entries in this year." in page
    assert "draft" not in page.lower()
    assert year_links(response) == []  # only the current year: nothing to choose between


def test_the_bar_is_full_and_says_so_once_the_requirement_is_met(client, person):
    for day in (1, 2):
        CpdEntryFactory(person=person, done_on=dt.date(2026, 1, day), hours=12, standards=ALL_CODES)

    response = client.get("/cpd")

    assert "24 of 20 hours logged: requirement met." in page_text(response)
    assert progress_value(response) == "100"
    assert nothing_logged(response) == []


def test_earlier_years_are_listed_as_links_and_each_shows_its_own_progress(client, person):
    CpdEntryFactory(
        person=person, done_on=dt.date(2023, 6, 1), hours=6, standards=("S5",), title="Safeguarding refresher"
    )
    CpdEntryFactory(person=person, done_on=dt.date(2025, 5, 1), hours=1, standards=("S1",), title="This year's course")

    current = client.get("/cpd")
    earlier = client.get("/cpd?year=2023")

    assert year_links(current) == [
        ("2025 to 2026", "/cpd?year=2025"),
        ("2024 to 2025", "/cpd?year=2024"),
        ("2023 to 2024", "/cpd?year=2023"),
    ]
    assert 'aria-current="page">2025 to 2026' in current.get_data(as_text=True)
    page = page_text(earlier)
    assert "CPD year 2023 to 2024 (1 April 2023 to 31 March 2024)" in page
    assert "6 of 20 hours logged." in page
    assert "Safeguarding refresher" in page
    assert "This year's course" not in page
    assert hours_by_standard(earlier)["S5"] == "6"
    assert 'aria-current="page">2023 to 2024' in earlier.get_data(as_text=True)


def test_a_change_of_required_hours_keeps_this_and_earlier_years_and_applies_from_the_next(client, person):
    CpdEntryFactory(person=person, done_on=dt.date(2023, 6, 1), hours=6)
    CpdEntryFactory(person=person, done_on=dt.date(2025, 5, 1), hours=4)

    change_cpd_hours(link_worker_tier(), 30)

    assert "4 of 20 hours logged." in page_text(client.get("/cpd"))
    assert "6 of 20 hours logged." in page_text(client.get("/cpd?year=2023"))
    assert services.progress(person, year_starting_in(2026)).required_hours == 30


@pytest.mark.parametrize("year", ["2026", "2030", "1999", "1066"])
def test_a_year_in_the_future_or_before_2000_is_not_found(client, person, year):
    assert client.get(f"/cpd?year={year}").status_code == 404


def test_the_first_year_allowed_is_2000(client, person):
    response = client.get("/cpd?year=2000")

    assert response.status_code == 200
    assert "CPD year 2000 to 2001" in page_text(response)


def test_an_entry_on_31_march_counts_in_the_year_ending_then_and_1_april_in_the_next(client, person):
    CpdEntryFactory(person=person, done_on=dt.date(2025, 3, 31), hours=3, title="Last day of the year")
    CpdEntryFactory(person=person, done_on=dt.date(2025, 4, 1), hours=1, title="First day of the year")

    ending = page_text(client.get("/cpd?year=2024"))
    starting = page_text(client.get("/cpd?year=2025"))

    assert "CPD year 2024 to 2025 (1 April 2024 to 31 March 2025)" in ending
    assert "3 of 20 hours logged." in ending
    assert "Last day of the year" in ending and "First day of the year" not in ending
    assert "1 of 20 hours logged." in starting
    assert "First day of the year" in starting and "Last day of the year" not in starting


@pytest.mark.parametrize("settings", [{"CPD_YEAR_STARTS": "01-01"}])
def test_a_cpd_year_starting_on_1_january_keeps_31_march_and_1_april_together(client, person):
    CpdEntryFactory(person=person, done_on=dt.date(2025, 3, 31), hours=3, title="Last day of March")
    CpdEntryFactory(person=person, done_on=dt.date(2025, 4, 1), hours=1, title="First day of April")
    CpdEntryFactory(person=person, done_on=dt.date(2024, 12, 31), hours=2, title="New Year's Eve")

    response = client.get("/cpd?year=2025")

    page = page_text(response)
    assert "CPD year 2025 (1 January 2025 to 31 December 2025)" in page
    assert "4 of 20 hours logged." in page
    assert "New Year's Eve" not in page
    assert "CPD year 2026 (1 January 2026 to 31 December 2026)" in page_text(client.get("/cpd"))
    assert client.get("/cpd?year=2027").status_code == 404


def test_the_page_takes_the_same_queries_for_three_entries_as_for_ten_years_of_them(app, count_queries):
    """Hours are summed in the database and the year's entries loaded with their standards and evidence
    together, so a long record costs no more to show than a short one."""
    newcomer = MembershipFactory().person
    for day in (1, 2, 3):
        entry = CpdEntryFactory(person=newcomer, done_on=dt.date(2026, 1, day), hours=1, standards=("S1",))
    EvidenceFactory(entry=entry)

    veteran = MembershipFactory().person
    for year in range(2016, 2026):
        for month in (4, 7, 10, 1):
            done_on = dt.date(year + 1 if month < 4 else year, month, 15)
            entry = CpdEntryFactory(
                person=veteran,
                done_on=done_on,
                hours=2,
                standards=("S1", "S2", "S3"),
                activity_type=ActivityType.READING,
            )
            EvidenceFactory(entry=entry)
    CpdEntryFactory(person=veteran, done_on=dt.date(2026, 2, 1), hours=1, standards=("S4",), complete=False)

    counts = {}
    for name, person in (("newcomer", newcomer), ("veteran", veteran)):
        client = app.test_client()
        sign_in(client, person)
        with count_queries() as queries:
            response = client.get("/cpd")
        assert response.status_code == 200
        counts[name] = len(queries)

    assert "8 of 20 hours logged." in page_text(response)  # the veteran's four complete entries this year
    assert len(year_links(response)) == 10
    assert counts["newcomer"] == counts["veteran"]
    # Twelve whatever the size of the record: the person with their session, the membership, the code version,
    # two sums, the entries with their evidence and standards, the year's requirement, the first year with
    # entries, whether a newer code has been published, and the upcoming events offered for the standards with
    # nothing logged (none when every standard has something: see tests/events/test_cpd_suggestions.py).
    assert counts["veteran"] <= 12


def test_a_year_with_hundreds_of_entries_lists_the_latest_200_and_costs_no_more_queries(app, count_queries):
    """Past 500 entries the eager loads would split into batches; the page lists the latest 200 instead."""
    prolific = MembershipFactory().person
    for number in range(205):
        CpdEntryFactory(
            person=prolific,
            done_on=dt.date(2025, 4, 1) + dt.timedelta(days=number),
            hours=0.25,
            title=f"Entry {number}",
        )
    modest = MembershipFactory().person
    CpdEntryFactory(person=modest, done_on=dt.date(2025, 6, 1))

    counts = {}
    for name, person in (("prolific", prolific), ("modest", modest)):
        client = app.test_client()
        sign_in(client, person)
        with count_queries() as queries:
            response = client.get("/cpd?year=2025")
        counts[name] = len(queries)
        if name == "prolific":
            text = page_text(response)
            assert "Showing the latest 200 of 205 entries in this year." in text
            assert "51.25 of 20 hours" in text  # every entry counts, listed or not
            assert "Entry 204" in text and "Entry 4 " not in text

    assert counts["prolific"] == counts["modest"]


def test_hours_logged_against_an_earlier_code_version_stay_in_the_table_after_accepting_a_new_one(
    client, person, person_as
):
    CpdEntryFactory(person=person, done_on=dt.date(2026, 1, 5), hours=2, standards=("S5",))
    first_standard = services.accepted_version(person).standards[4]
    new_version = publish_new_code_version(person_as("admin"))
    membership = services.logging_membership(person)
    membership.code_version_id = new_version.id  # accepted at renewal
    db.session.flush()

    text = page_text(client.get("/cpd?year=2025"))

    assert f"{first_standard.code} {first_standard.title} (code version 1) 2" in text
    assert "2 of 20 hours" in text
    # The new version's standards are the ones still to cover; the old one is not listed as missing.
    assert "S10 Working with digital tools" in nothing_logged_text(text)


def nothing_logged_text(text):
    return text.split("Nothing logged yet this year for:", 1)[1].split("Hours by type", 1)[0]


def entry_hours(response):
    """{title: the hours shown} from the year's table of entries."""
    return {
        cells[1].split(" ")[0]: cells[3] for cells in table_rows(response, "CPD entries in this year, newest first")
    }


def test_one_hour_reads_as_1_hour_and_a_quarter_hour_as_0_25_hours(client, person):
    CpdEntryFactory(person=person, done_on=dt.date(2026, 1, 5), hours=1, title="Supervision")
    CpdEntryFactory(person=person, done_on=dt.date(2026, 1, 6), hours=0.25, title="Briefing")
    CpdEntryFactory(person=person, done_on=dt.date(2026, 1, 7), hours=2.5, title="Course")

    response = client.get("/cpd")

    assert entry_hours(response) == {"Course": "2.5 hours", "Briefing": "0.25 hours", "Supervision": "1 hour"}
    assert "1 hours" not in page_text(response)


@pytest.mark.parametrize(
    ("hours", "shown"), [(1, "1 hour"), (1.0, "1 hour"), (0.25, "0.25 hours"), (0, "0 hours"), (20, "20 hours")]
)
def test_the_hours_filter_says_hour_for_one_and_hours_otherwise(app, hours, shown):
    assert app.jinja_env.filters["hours"](hours) == shown


def test_the_hours_by_standard_table_says_an_entry_under_two_standards_counts_in_both(client, person):
    CpdEntryFactory(person=person, done_on=dt.date(2026, 1, 5), hours=2, standards=("S1", "S2"))

    response = client.get("/cpd")

    assert hours_by_standard(response)["S1"] == hours_by_standard(response)["S2"] == "2"
    assert "2 of 20 hours logged." in page_text(response)
    assert (
        "An entry under two standards counts its hours in both, so this table can add up to more than the hours logged."
        in page_text(response)
    )
    assert 'aria-describedby="by-standard-hint"' in response.get_data(as_text=True)
