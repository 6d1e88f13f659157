"""Staff and public figures, hiding, the open data, a roadshow's leading themes: what each person sees."""

import csv
import datetime as dt
import io
import re

import sqlalchemy as sa

from nalw.core.audit import AuditEntry
from nalw.core.regions import Region
from nalw.core.time import london_today
from nalw.extensions import db
from nalw.insight.models import ReportStatus, Theme
from tests.factories import EventFactory, MembershipFactory, ReportFactory
from tests.helpers import page_text

SMALL_NUMBER = re.compile(r"(?<![\d,.£-])[0-4](?![\d,.])")


def reports(count, reporter, **values):
    return [ReportFactory(reporter=reporter, **values) for _ in range(count)]


def public_figures_text(client, year=None):
    page = page_text(client.get("/insight" + (f"?year={year}" if year else "")))
    return page[page.index("By theme and region") : page.index("Open data")]


def open_data_rows(client, year=None):
    """The open data file's rows, each a dict by column."""
    response = client.get("/insight/open-data.csv" + (f"?year={year}" if year else ""))
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_staff_see_themes_by_region_with_each_figure_linked_to_its_reports(signed_in_client):
    client, _staff = signed_in_client("staff")
    member = MembershipFactory().person
    reports(3, member, theme=Theme.TRANSPORT, region=Region.NORTH_WEST)
    ReportFactory(reporter=member, theme=Theme.HOUSING, region=Region.LONDON, description="Emergency housing is full.")

    page = client.get("/admin/insight")
    text = page_text(page)

    assert "4 reports" in text
    assert "North West Transport 3" in text  # the leading theme table
    assert '<svg role="img" aria-labelledby="trend-title trend-desc"' in page.get_data(as_text=True)
    cell = client.get("/admin/insight/reports?theme=housing&region=london")
    assert "Emergency housing is full." in page_text(cell)
    assert "No bus to the Tuesday walking group" not in page_text(cell)


def test_staff_figures_ask_the_same_number_of_queries_however_many_reports(signed_in_client, count_queries):
    client, _staff = signed_in_client("staff")
    member = MembershipFactory().person
    ReportFactory(reporter=member)
    client.get("/admin/insight")
    with count_queries() as few:
        client.get("/admin/insight")
        client.get("/insight")
    for theme, region in zip(Theme, Region, strict=False):
        reports(3, member, theme=theme, region=region)
    with count_queries() as many:
        client.get("/admin/insight")
        client.get("/insight")

    assert len(many) == len(few)


def test_staff_hide_a_report_with_a_reason_and_it_is_audited(signed_in_client):
    client, staff = signed_in_client("staff")
    report = ReportFactory()

    refused = client.post(f"/admin/insight/reports/{report.id}/hide", data={"reason": ""})
    client.post(f"/admin/insight/reports/{report.id}/hide", data={"reason": "Names a patient"})

    assert "Enter the reason for hiding this report" in page_text(refused)
    db.session.refresh(report)
    assert report.status is ReportStatus.HIDDEN and report.hidden_reason == "Names a patient"
    assert report.hidden_by_id == staff.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "insight.report_hidden"))
    assert entry.actor_id == staff.id and entry.target_id == str(report.id)
    assert entry.after == {"status": "hidden", "reason": "Names a patient"}


def test_a_withdrawn_or_hidden_report_leaves_every_figure(signed_in_client, client):
    staff_client, _staff = signed_in_client("staff")
    member = MembershipFactory().person
    reports(6, member, theme=Theme.ISOLATION, region=Region.SCOTLAND)
    roadshow = EventFactory(region=Region.SCOTLAND, title="Glasgow roadshow")

    def everything():
        return (
            page_text(staff_client.get("/admin/insight")),
            page_text(staff_client.get("/admin/insight/reports?theme=isolation&region=scotland")),
            staff_client.get("/admin/insight/reports.csv").get_data(as_text=True).count("Isolation"),
            public_figures_text(client),
            open_data_rows(client),
            page_text(client.get(f"/events/{roadshow.id}")),
        )

    before = everything()
    ReportFactory(reporter=member, theme=Theme.ISOLATION, region=Region.SCOTLAND, withdrawn=True)
    ReportFactory(reporter=member, theme=Theme.ISOLATION, region=Region.SCOTLAND, hidden=True)

    assert everything() == before
    assert "6 reports" in before[0] and before[2] == 6
    assert "Isolation" in before[5]  # the roadshow page names the leading theme


def test_public_page_and_open_data_never_show_a_count_below_5(client):
    member = MembershipFactory().person
    reports(7, member, theme=Theme.TRANSPORT, region=Region.NORTH_WEST)
    reports(6, member, theme=Theme.TRANSPORT, region=Region.LONDON)
    reports(2, member, theme=Theme.HOUSING, region=Region.NORTH_WEST)
    reports(5, member, theme=Theme.HOUSING, region=Region.LONDON)

    text = public_figures_text(client)
    rows = open_data_rows(client)

    assert "fewer than 5" in text and "withheld" in text
    assert not SMALL_NUMBER.search(text), text
    suppressed = [row for row in rows if row["suppressed"] == "true"]
    assert suppressed and all(row["reports"] == "" for row in suppressed)
    published = [int(row["reports"]) for row in rows if row["suppressed"] == "false"]
    assert all(count >= 5 for count in published) and 2 not in published


def test_public_page_shows_no_description_or_reporter(client):
    member = MembershipFactory(person__name="Priya Shah").person
    reports(5, member, description="The lunch club in the village hall has a waiting list of a year.")

    text = page_text(client.get("/insight"))

    assert "lunch club" not in text and "Priya Shah" not in text
    assert "Open Government Licence v3.0" in text


def test_public_figures_are_for_whole_years(client):
    member = MembershipFactory().person
    last_year = london_today().year - 1
    reports(5, member, reported_on=dt.date(last_year, 6, 1), theme=Theme.GP_ACCESS, region=Region.WALES)

    this_year = open_data_rows(client)
    last = open_data_rows(client, last_year)

    assert {(row["reports"], row["suppressed"]) for row in this_year} == {("", "true")}  # none this year
    wales_gp_access = [row for row in last if (row["region_code"], row["theme_code"]) == ("wales", "gp_access")]
    # The lone 5 of last year is withheld, with its totals on the page, as it would give away the zeros.
    assert [(row["reports"], row["suppressed"]) for row in wales_gp_access] == [("", "true")]
    assert "withheld" in public_figures_text(client, last_year)
    assert f"Reports by theme and region, {last_year}" in page_text(client.get(f"/insight?year={last_year}"))


def test_roadshow_page_names_leading_themes_of_its_region_without_counts(client):
    member = MembershipFactory().person
    reports(8, member, theme=Theme.DIGITAL_ACCESS, region=Region.WALES)
    reports(5, member, theme=Theme.TRANSPORT, region=Region.WALES)
    reports(4, member, theme=Theme.HOUSING, region=Region.WALES)  # too few to name on a public page
    reports(9, member, theme=Theme.HOUSING, region=Region.LONDON)
    ReportFactory(
        reporter=member, theme=Theme.HOUSING, region=Region.WALES, reported_on=london_today() - dt.timedelta(days=400)
    )
    roadshow = EventFactory(region=Region.WALES, title="Cardiff roadshow")

    text = page_text(client.get(f"/events/{roadshow.id}"))

    assert "1. Digital access" in text or "Digital access Transport" in text
    assert text.index("Digital access") < text.index("Transport")
    assert "Housing" not in text


def test_staff_trend_counts_each_theme_by_month_over_the_period(signed_in_client):
    client, _staff = signed_in_client("staff")
    member = MembershipFactory().person
    this_year = london_today().year
    reports(2, member, theme=Theme.HOUSING, reported_on=dt.date(this_year - 1, 11, 3))
    reports(1, member, theme=Theme.HOUSING, region=Region.WALES, reported_on=dt.date(this_year - 1, 11, 30))
    reports(4, member, theme=Theme.HOUSING, reported_on=dt.date(this_year - 1, 12, 1))
    ReportFactory(reporter=member, theme=Theme.HOUSING, reported_on=dt.date(this_year - 1, 10, 31))

    text = page_text(client.get(f"/admin/insight?starts_on={this_year - 1}-11-01&ends_on={this_year - 1}-12-31"))

    trend = text[text.index("Reports per month by theme Theme") :]
    assert f"Nov {this_year - 1} Dec {this_year - 1} Transport 0 0 Digital access 0 0" in trend
    assert "Housing 3 4" in trend
    assert "7 reports" in text


def test_staff_figures_count_only_the_periods_own_days_of_its_first_and_last_months(signed_in_client):
    client, _staff = signed_in_client("staff")
    member = MembershipFactory().person
    last_year = london_today().year - 1
    for month, day in ((11, 14), (11, 15), (12, 10), (12, 11)):  # the first and the last are outside the period
        ReportFactory(
            reporter=member, theme=Theme.HOUSING, region=Region.WALES, reported_on=dt.date(last_year, month, day)
        )

    text = page_text(client.get(f"/admin/insight?starts_on={last_year}-11-15&ends_on={last_year}-12-10"))

    assert "2 reports" in text
    assert "Wales Housing 2" in text  # the leading theme table
    trend = text[text.index("Reports per month by theme Theme") :]
    assert f"Nov {last_year} Dec {last_year} Transport 0 0" in trend
    assert "Housing 1 1" in trend


def test_staff_figures_refuse_a_last_day_before_the_first_in_the_words_every_day_pair_uses(signed_in_client):
    client, _staff = signed_in_client("staff")
    last_year = london_today().year - 1

    text = page_text(client.get(f"/admin/insight?starts_on={last_year}-12-10&ends_on={last_year}-11-15"))

    assert "To must be the same day as from or later" in text


def test_staff_csv_has_the_periods_active_reports_without_reporters_and_safe_for_spreadsheets(signed_in_client):
    client, _staff = signed_in_client("staff")
    member = MembershipFactory(person__name="Priya Shah").person
    ReportFactory(reporter=member, description="=HYPERLINK(1) no lunch club")
    ReportFactory(reporter=member, description="Withdrawn one", withdrawn=True)

    response = client.get("/admin/insight/reports.csv")
    text = response.get_data(as_text=True)

    assert response.mimetype == "text/csv"
    assert "'=HYPERLINK(1) no lunch club" in text
    assert "Withdrawn one" not in text and "Priya Shah" not in text


def test_the_reports_behind_a_figure_come_a_page_at_a_time(signed_in_client):
    client, _staff = signed_in_client("staff")
    member = MembershipFactory().person
    ReportFactory(reporter=member, theme=Theme.OTHER, description="The oldest report of all")
    reports(25, member, theme=Theme.OTHER)  # the same day, newer: newest first

    first = page_text(client.get("/admin/insight/reports?theme=other"))
    second = page_text(client.get("/admin/insight/reports?theme=other&page=2"))

    assert "26 active reports" in first and "Page 1 of 2" in first
    assert "The oldest report of all" not in first and "The oldest report of all" in second


def test_a_tie_for_the_leading_theme_names_every_theme_tied():
    from nalw.insight import figures

    counts = {
        (Theme.TRANSPORT, Region.WALES): 6,
        (Theme.HOUSING, Region.WALES): 6,
        (Theme.ISOLATION, Region.WALES): 2,
        (Theme.TRANSPORT, Region.LONDON): 3,
        (Theme.HOUSING, Region.LONDON): 0,
    }

    leading = figures.leading_theme_by_region(counts)

    assert leading[Region.WALES] == ((Theme.TRANSPORT, Theme.HOUSING), 6)
    assert leading[Region.LONDON] == ((Theme.TRANSPORT,), 3)
