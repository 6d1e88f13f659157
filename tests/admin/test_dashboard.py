"""The staff dashboard: every figure against a data set built by hand, its period form, its charts and its links,
and a query count that does not grow with the data."""

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from nalw.admin.dashboard import PRESETS, income_section
from nalw.awards.models import AwardCycle
from nalw.core.charts import chart_stylesheet
from nalw.core.cpd_years import current_year
from nalw.core.money import format_pence
from nalw.core.regions import Region
from nalw.core.time import Period, format_date, london_to_utc, london_today, utcnow
from nalw.events import services as event_services
from nalw.events import waiting_list
from nalw.extensions import db
from nalw.members import renewals
from nalw.members import services as member_services
from nalw.members.models import MembershipChange, MembershipStatus, RenewalNotice
from nalw.payments.models import PaymentMethod, PaymentPurpose, PaymentStatus, Refund, RefundStatus
from tests.factories import (
    AwardCategoryFactory,
    AwardCycleFactory,
    CpdEntryFactory,
    EventFactory,
    MembershipFactory,
    NominationFactory,
    PaymentFactory,
    PersonFactory,
    declared,
    judge_of,
    organisation_tier,
    publish_new_code_version,
    saved_card,
    scored,
    seat_in,
    tier_named,
)
from tests.helpers import csv_records, input_tag, page_text

ROOT = Path(__file__).resolve().parents[2]


class _Tables(HTMLParser):
    """Each table's rows of cell texts, by its caption, and the links in each cell."""

    def __init__(self):
        super().__init__()
        self.tables, self._caption, self._rows, self._cell, self._links, self._in = {}, None, None, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "thead":
            self._in = "thead"
        elif tag == "caption":
            self._in = "caption"
        elif tag in ("td", "th") and self._rows is not None and self._in != "thead":
            self._cell, self._links = [], []
        elif tag == "tr" and self._rows is not None and self._in != "thead":
            self._rows.append([])
        elif tag == "a" and self._cell is not None:
            self._links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("caption", "thead"):
            self._in = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append((" ".join("".join(self._cell).split()), self._links))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[" ".join(self._caption.split())] = [row for row in self._rows if row]
            self._rows = None

    def handle_data(self, data):
        if self._in == "caption":
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


def tables_of(response):
    reader = _Tables()
    reader.feed(response.get_data(as_text=True))
    return reader.tables


def table(response, caption_start):
    """{first cell: [the other cells' texts]} of the table whose caption starts so."""
    for caption, rows in tables_of(response).items():
        if caption.startswith(caption_start):
            return {row[0][0]: [text for text, _links in row[1:]] for row in rows}
    raise AssertionError(f"no table {caption_start!r}")


def links_in_row(response, caption_start, first_cell):
    for caption, rows in tables_of(response).items():
        if caption.startswith(caption_start):
            for row in rows:
                if row[0][0] == first_cell:
                    return [link for _text, links in row for link in links]
    raise AssertionError(f"no row {first_cell!r} in {caption_start!r}")


def href(response, text):
    """The address of the link whose text is `text`."""
    html = response.get_data(as_text=True)
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*>\s*' + re.escape(text) + r"\s*</a>", html)
    assert match, f"no link {text!r}"
    return match.group(1).replace("&amp;", "&")


def moved_into(membership, status, when):
    """Date the history row of the membership's move into `status` (the scenario happened then)."""
    change = db.session.scalar(
        sa.select(MembershipChange)
        .where(MembershipChange.membership_id == membership.id, MembershipChange.to_status == status)
        .order_by(MembershipChange.id.desc())
    )
    change.changed_at = when
    db.session.flush()


@pytest.fixture
def staff_client(signed_in_client):
    client, _ = signed_in_client("staff")
    return client


# --- Members -----------------------------------------------------------------------------------------


def test_members_by_tier_and_region_count_active_and_grace_once_each_in_their_current_tier(staff_client):
    north_west = {"region": Region.NORTH_WEST}
    MembershipFactory(**north_west)
    MembershipFactory(grace=True, **north_west)
    MembershipFactory(lapsed=True, **north_west)  # not in good standing
    MembershipFactory(paid=True, **north_west)  # an application, not a member
    MembershipFactory(region=Region.LONDON)
    # Was a student, resigned, and joined again as a Link Worker: counted once, as a Link Worker.
    student = MembershipFactory(tier=tier_named("Student or Trainee"), resigned=True, region=Region.WALES)
    MembershipFactory(person=student.person, region=Region.WALES)

    response = staff_client.get("/admin/")

    by_tier = table(response, "Members in good standing by tier")
    assert by_tier == {"Link Worker": ["3", "1", "4"]}  # active, in grace, total
    by_region = table(response, "Members in good standing by region")
    assert by_region["North West"] == ["1", "1", "2"]
    assert by_region["London"] == ["1", "0", "1"]
    assert by_region["Wales"] == ["1", "0", "1"]
    assert by_region["Scotland"] == ["0", "0", "0"]
    assert "4 members in good standing: 3 active and 1 in their grace period" in page_text(response)


def _members_listed(client, link):
    """The names on the members list a dashboard link leads to (every page: the test lists are short)."""
    assert link.startswith("/admin/members?"), link
    response = client.get(link)
    assert response.status_code == 200
    for caption, rows in tables_of(response).items():
        if caption.startswith("Members"):
            return sorted(row[0][0] for row in rows if len(row) > 1)
    raise AssertionError("no list of members")


def test_each_members_figure_links_to_the_members_list_of_exactly_those(staff_client):
    north_west = {"region": Region.NORTH_WEST}
    MembershipFactory(person__name="Active NW", **north_west)
    MembershipFactory(person__name="Grace NW", grace=True, **north_west)
    MembershipFactory(person__name="Lapsed NW", lapsed=True, **north_west)
    MembershipFactory(person__name="Active London", region=Region.LONDON)
    student = MembershipFactory(tier=tier_named("Student or Trainee"), resigned=True, region=Region.WALES)
    MembershipFactory(person=student.person, region=Region.WALES)
    MembershipFactory(person__name="Student", tier=tier_named("Student or Trainee"), region=Region.WALES)
    # An organisation's own membership is on the members list, but no figure here counts it.
    MembershipFactory(
        person__name="Olu Organisation", tier=organisation_tier(), organisation_name="Riverside PCN", **north_west
    )

    response = staff_client.get("/admin/")

    assert _members_listed(staff_client, href(response, "4 active")) == [
        "Active London",
        "Active NW",
        "Student",
        student.person.name,
    ]
    for caption in ("Members in good standing by tier", "Members in good standing by region"):
        for first_cell, figures in table(response, caption).items():
            links = links_in_row(response, caption, first_cell)
            assert len(links) == 2  # active and in grace; the total adds them up
            for figure, link in zip(figures[:2], links, strict=True):
                assert len(_members_listed(staff_client, link)) == int(figure), (first_cell, link)
    link_worker = links_in_row(response, "Members in good standing by tier", "Link Worker")
    assert "status=active" in link_worker[0] and "status=grace" in link_worker[1]
    assert _members_listed(staff_client, link_worker[1]) == ["Grace NW"]
    north_west_grace = links_in_row(response, "Members in good standing by region", "North West")[1]
    assert "region=north_west" in north_west_grace
    assert _members_listed(staff_client, north_west_grace) == ["Grace NW"]


def _changes_listed(client, link):
    """The names on the membership changes list a dashboard link leads to, and the names in its CSV."""
    assert link.startswith("/admin/members/changes?"), link
    response = client.get(link)
    assert response.status_code == 200
    for caption, rows in tables_of(response).items():
        if caption.startswith("Membership changes"):
            listed = sorted(row[1][0] for row in rows if len(row) > 1)
            break
    else:
        raise AssertionError("no list of membership changes")
    return listed, exported_by(client, response, "Name")


def exported_by(client, response, column):
    """The `column` of each row of the CSV a list page links to, sorted (none when it has nothing to export)."""
    export = re.search(r'href="(/[^"]+\.csv[^"]*)" download', response.get_data(as_text=True))
    if not export:
        return []
    download = client.get(export.group(1).replace("&amp;", "&"))
    assert download.mimetype == "text/csv"
    text = download.get_data(as_text=True).lstrip("\ufeff")
    return sorted(row[column] for row in csv.DictReader(io.StringIO(text)))


def figure(response, pattern):
    match = re.search(pattern, page_text(response))
    assert match, pattern
    return int(match.group(1))


def test_lapses_and_resignations_link_to_exactly_the_changes_they_count(staff_client):
    """Period: 60 days ago to 10 days ago. Counted: a lapse that is still lapsed, a lapse renewed since, a
    resignation. Not counted, though each holds its status now: a lapse two years ago, a lapse 5 days ago (after
    the period), a resignation before it, and an organisation's own membership that lapsed in the period."""
    today = london_today()
    starts_on, ends_on = today - dt.timedelta(days=60), today - dt.timedelta(days=10)

    def lapsed(name, days_ago, **fields):
        membership = MembershipFactory(person__name=name, lapsed=True, **fields)
        moved_into(membership, MembershipStatus.LAPSED, utcnow() - dt.timedelta(days=days_ago))
        return membership

    lapsed("Still Lapsed", 30)
    renewed = lapsed("Lapsed Then Renewed", 40)
    member_services.change_status(renewed, MembershipStatus.ACTIVE, reason="Renewed")
    lapsed("Lapsed Long Ago", 730)
    lapsed("Lapsed Last Week", 5)
    lapsed("Organisation", 30, tier=organisation_tier(), organisation_name="Riverside PCN")
    resigned = MembershipFactory(person__name="Resigned In Period", resigned=True)
    moved_into(resigned, MembershipStatus.RESIGNED, london_to_utc(dt.datetime.combine(starts_on, dt.time())))
    earlier = MembershipFactory(person__name="Resigned Before", resigned=True)
    moved_into(
        earlier,
        MembershipStatus.RESIGNED,
        london_to_utc(dt.datetime.combine(starts_on, dt.time(0))) - dt.timedelta(seconds=1),
    )
    db.session.flush()

    response = staff_client.get(f"/admin/?starts_on={starts_on}&ends_on={ends_on}")
    lapses = figure(response, r"Lapsed (\d+) memberships? lapsed")
    resignations = figure(response, r"Resigned (\d+) members? resigned")

    assert (lapses, resignations) == (2, 1)
    listed, exported = _changes_listed(staff_client, href(response, f"{lapses} memberships lapsed"))
    assert listed == exported == ["Lapsed Then Renewed", "Still Lapsed"]
    listed, exported = _changes_listed(staff_client, href(response, f"{resignations} member resigned"))
    assert listed == exported == ["Resigned In Period"]
    # Who holds the status now is a different list, and says so.
    lapsed_now = _members_listed(staff_client, href(response, "every member lapsed now"))
    assert lapsed_now == ["Lapsed Last Week", "Lapsed Long Ago", "Still Lapsed"]


def test_every_period_preset_links_lapses_to_a_list_as_long_as_its_figure(staff_client):
    for days_ago in (0, 20, 45, 200, 400):
        membership = MembershipFactory(lapsed=True)
        moved_into(membership, MembershipStatus.LAPSED, utcnow() - dt.timedelta(days=days_ago))
    db.session.flush()

    for preset, _label in PRESETS:
        response = staff_client.get(f"/admin/?period={preset}")
        lapses = figure(response, r"Lapsed (\d+) memberships? lapsed")
        noun = "membership" if lapses == 1 else "memberships"
        listed, exported = _changes_listed(staff_client, href(response, f"{lapses} {noun} lapsed"))
        assert len(listed) == len(exported) == lapses, preset


def test_the_membership_changes_list_shows_each_change_with_the_status_held_now(staff_client):
    renewed = MembershipFactory(person__name="Renewed Member", lapsed=True)
    member_services.change_status(renewed, MembershipStatus.ACTIVE, reason="Renewed")
    db.session.flush()

    response = staff_client.get("/admin/members/changes", query_string={"to_status": "lapsed"})

    [row] = table(response, "Membership changes").values()
    # Membership number, tier, region, from, to, reason, status now (after the name).
    assert row[1:] == [
        renewed.number,
        "Link Worker",
        "Yorkshire and the Humber",
        "In grace period",
        "Lapsed",
        row[6],
        "Active",
    ]
    assert "1 change found" in page_text(response)


def test_the_membership_changes_list_shows_a_day_it_cannot_read_at_its_field(staff_client):
    response = staff_client.get(
        "/admin/members/changes", query_string={"changed_from": "2026-10-31", "changed_to": "2026-10-01"}
    )

    assert response.status_code == 200
    assert "Changed to day must be the same day as changed from or later" in page_text(response)


def queries_do_not_grow(client, count_queries, address, add_rows):
    """The page at `address` takes as many queries after `add_rows(10)` as after `add_rows(2)`."""
    add_rows(2)
    client.get(address)
    with count_queries() as few:
        assert client.get(address).status_code == 200
    add_rows(10)
    with count_queries() as many:
        assert client.get(address).status_code == 200
    assert len(many) == len(few)


def test_the_membership_changes_lists_query_count_does_not_grow_with_its_rows(staff_client, count_queries):
    def lapse(count):
        for _ in range(count):
            MembershipFactory(lapsed=True)
        db.session.flush()

    queries_do_not_grow(staff_client, count_queries, "/admin/members/changes?to_status=lapsed", lapse)


# --- Applications and renewals -----------------------------------------------------------------------


def test_applications_waiting_and_how_long_the_oldest_has_waited(staff_client):
    oldest = MembershipFactory(paid=True)
    moved_into(oldest, MembershipStatus.PAID, utcnow() - dt.timedelta(days=12, hours=2))
    MembershipFactory(paid=True)
    MembershipFactory(applied=True)
    MembershipFactory()  # approved: no longer waiting

    text = page_text(staff_client.get("/admin/"))

    assert "2 applications paid and waiting for a decision" in text
    assert "The oldest has waited 12 days" in text
    assert "1 more has applied but not paid yet" in text


def test_renewals_due_in_30_days_and_how_many_renew_automatically(staff_client):
    today = london_today()
    automatic = MembershipFactory(expires_on=today + dt.timedelta(days=10))
    automatic.auto_renew = True
    saved_card(automatic.person)
    no_card = MembershipFactory(expires_on=today + dt.timedelta(days=20))
    no_card.auto_renew = True  # the charge would be refused without a card: renewed by hand
    MembershipFactory(expires_on=today + dt.timedelta(days=30))  # by hand, on the last day counted
    MembershipFactory(expires_on=today + dt.timedelta(days=31))  # later
    MembershipFactory(grace=True)  # already past its end date
    db.session.flush()

    text = page_text(staff_client.get("/admin/"))

    assert "3 memberships end between today and" in text
    assert "1 will renew automatically with the card saved, and 2 need renewing by hand" in text


@pytest.fixture
def renewals_in_the_next_30_days():
    """Due in the next 30 days, renewed by their holder: one renewing automatically with a card saved, one with
    automatic renewal on but no card, one by hand, and an organisation's own membership. Not due: a seat of
    that organisation (it renews with the organisation), one ending after the 30 days, and one lapsed."""
    today = london_today()
    automatic = MembershipFactory(person__name="Auto Card", expires_on=today + dt.timedelta(days=3))
    automatic.auto_renew = True
    saved_card(automatic.person)
    no_card = MembershipFactory(person__name="Auto No Card", expires_on=today + dt.timedelta(days=10))
    no_card.auto_renew = True
    MembershipFactory(person__name="By Hand", expires_on=today + dt.timedelta(days=30))
    organisation = MembershipFactory(
        person__name="Olu Admin",
        tier=organisation_tier(),
        organisation_name="Riverside PCN",
        expires_on=today + dt.timedelta(days=20),
    )
    seat_in(organisation, PersonFactory(name="Seat Holder"))
    MembershipFactory(person__name="Ends Later", expires_on=today + dt.timedelta(days=31))
    MembershipFactory(person__name="Lapsed", lapsed=True, expires_on=today + dt.timedelta(days=5))
    db.session.flush()


def _renewals_listed(client, link):
    """{holder: how it renews} on the renewals due list a dashboard link leads to, and the holders in its CSV."""
    assert link.startswith("/admin/members/renewals?"), link
    response = client.get(link)
    assert response.status_code == 200
    listed = {row[0]: row[3] for row in table(response, "Renewals due").values() if row}
    return listed, exported_by(client, response, "Holder")


def _section_links(response, name):
    """(text, address) of each link in a dashboard section."""
    html = response.get_data(as_text=True)
    section = re.search(rf'<section[^>]*aria-labelledby="section-{name}">(.*?)</section>', html, re.S).group(1)
    return [
        (" ".join(text.split()), address.replace("&amp;", "&"))
        for address, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', section, re.S)
    ]


def test_every_renewals_figure_is_the_number_of_rows_on_the_list_and_csv_it_links_to(
    staff_client, renewals_in_the_next_30_days
):
    response = staff_client.get("/admin/")
    links = _section_links(response, "renewals")

    figures = [text for text, _address in links]
    assert figures[:3] == ["4 memberships end", "1 will renew automatically", "3 need renewing by hand"]
    months = table(response, "Active memberships ending in each month")
    assert len(links) == 3 + len(months)
    for text, address in links:
        listed, exported = _renewals_listed(staff_client, address)
        assert len(listed) == len(exported) == int(text.split()[0]), (text, address)
    listed, exported = _renewals_listed(staff_client, links[0][1])
    assert listed == {
        "Auto Card": "Automatically",
        "Auto No Card": "By hand: no card saved",
        "Riverside PCN": "By hand: automatic renewal off",
        "By Hand": "By hand: automatic renewal off",
    }
    assert exported == sorted(listed)
    assert list(_renewals_listed(staff_client, links[1][1])[0]) == ["Auto Card"]
    assert set(_renewals_listed(staff_client, links[2][1])[0]) == {"Auto No Card", "Riverside PCN", "By Hand"}
    # The months' figures add up to the same memberships, whole months (so perhaps more).
    assert sum(int(figure) for [figure] in months.values()) >= 4


def test_the_renewals_due_list_shows_the_next_30_days_by_end_date_when_no_days_are_given(
    staff_client, renewals_in_the_next_30_days
):
    today = london_today()
    response = staff_client.get("/admin/members/renewals")

    rows = list(table(response, "Renewals due").values())
    assert [row[0] for row in rows] == ["Auto Card", "Auto No Card", "Riverside PCN", "By Hand"]
    assert rows[0][1:] == ["Link Worker", format_date(today + dt.timedelta(days=3)), "Automatically"]
    assert rows[2][1] == "Organisation"
    assert "4 memberships found" in page_text(response)
    assert f'value="{today.isoformat()}"' in input_tag(response, "ends_from")
    assert f'value="{(today + dt.timedelta(days=30)).isoformat()}"' in input_tag(response, "ends_to")
    later = staff_client.get("/admin/members/renewals", query_string={"ends_to": (today + dt.timedelta(days=31))})
    assert "Ends Later" in [row[0] for row in table(later, "Renewals due").values()]


def test_the_renewals_due_list_links_each_holder_to_the_person_who_holds_the_membership(staff_client):
    membership = MembershipFactory(person__name="Ada Renewer", expires_on=london_today() + dt.timedelta(days=3))
    db.session.flush()

    response = staff_client.get("/admin/members/renewals")

    assert links_in_row(response, "Renewals due", membership.number) == [f"/admin/people/{membership.person_id}"]


def test_the_renewals_due_csv_cannot_hold_a_formula(staff_client):
    MembershipFactory(
        tier=organisation_tier(),
        organisation_name='=HYPERLINK("http://evil.example")',
        expires_on=london_today() + dt.timedelta(days=3),
    )
    db.session.flush()

    download = staff_client.get("/admin/members/renewals.csv")

    [row] = csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff")))
    assert row["Holder"] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"ends_from": "2026-10-31", "ends_to": "2026-10-01"}, "ends_to", "Ending to must be the same day as"),
        ({"ends_from": "31.10.2026"}, "ends_from", "Enter ending from as a date, like 31/10/2026"),
        ({"renews": "sometimes"}, "renews", "Choose renews from the list"),
    ],
)
def test_the_renewals_due_list_shows_a_filter_it_cannot_use_at_its_field(staff_client, query, field, message):
    response = staff_client.get("/admin/members/renewals", query_string=query)

    assert response.status_code == 200
    error = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S)
    assert error and message in error.group(1)


def test_the_renewals_due_list_calls_automatic_only_what_the_daily_run_will_charge_and_says_why_not(
    staff_client, person_as
):
    today = london_today()

    def automatic_with_card(name, days):
        membership = MembershipFactory(person__name=name, expires_on=today + dt.timedelta(days=days))
        membership.auto_renew = True
        saved_card(membership.person)
        return membership

    will_charge = automatic_with_card("Will Charge", 6)
    tried = automatic_with_card("Charge Tried", 3)
    db.session.add(RenewalNotice(membership_id=tried.id, kind="auto_charge", for_expiry_on=tried.expires_on))
    tried_last_year = automatic_with_card("Tried Last Year", 8)
    db.session.add(
        RenewalNotice(
            membership_id=tried_last_year.id,
            kind="auto_charge",
            for_expiry_on=tried_last_year.expires_on - dt.timedelta(days=365),
        )
    )
    old_code = automatic_with_card("Old Code", 9)
    new_version = publish_new_code_version(person_as("admin"))
    for membership in (will_charge, tried, tried_last_year):
        membership.code_version_id = new_version.id
    db.session.flush()

    response = staff_client.get("/admin/members/renewals")

    listed = {row[0]: row[3] for row in table(response, "Renewals due").values() if row}
    assert listed == {
        "Charge Tried": "By hand: automatic charge already tried (it failed or needed the member; they were emailed)",
        "Will Charge": "Automatically",
        "Tried Last Year": "Automatically",
        "Old Code": "By hand: must accept the new code of practice",
    }
    assert old_code.auto_renew
    dashboard = page_text(staff_client.get("/admin/"))
    assert "2 will renew automatically with the card saved, and 2 need renewing by hand" in dashboard


def test_renewals_due_between_counts_the_rows_of_each_list_it_links_to(app, renewals_in_the_next_30_days):
    today = london_today()
    last_day = today + dt.timedelta(days=30)

    def listed(renews=None):
        statement = renewals.renewals_due(ends_from=today, ends_to=last_day, renews=renews)
        return len(db.session.execute(statement).all())

    assert (
        renewals.renewals_due_between(today, last_day)
        == (
            listed(),
            listed(renewals.Renews.AUTOMATICALLY),
            listed(renewals.Renews.BY_HAND),
        )
        == (4, 1, 3)
    )


def _days_shown(response):
    return [re.search(r'value="([^"]*)"', input_tag(response, name)).group(1) for name in ("ends_from", "ends_to")]


def _holders(response):
    return [row[0] for row in table(response, "Renewals due").values() if row]


def test_the_renewals_due_list_given_only_a_first_day_shows_it_and_the_30_days_after_it(staff_client):
    first_day = london_today() + dt.timedelta(days=60)
    MembershipFactory(person__name="In The Days", expires_on=first_day + dt.timedelta(days=30))
    MembershipFactory(person__name="After Them", expires_on=first_day + dt.timedelta(days=31))
    db.session.flush()

    response = staff_client.get("/admin/members/renewals", query_string={"ends_from": first_day.isoformat()})

    assert _days_shown(response) == [first_day.isoformat(), (first_day + dt.timedelta(days=30)).isoformat()]
    assert _holders(response) == ["In The Days"]
    assert exported_by(staff_client, response, "Holder") == ["In The Days"]


def test_the_renewals_due_list_with_its_last_day_cleared_shows_the_30_days_after_the_first(staff_client):
    first_day = london_today() + dt.timedelta(days=60)
    MembershipFactory(person__name="In The Days", expires_on=first_day + dt.timedelta(days=12))
    db.session.flush()

    response = staff_client.get(
        "/admin/members/renewals", query_string={"ends_from": first_day.isoformat(), "ends_to": ""}
    )

    assert _days_shown(response) == [first_day.isoformat(), (first_day + dt.timedelta(days=30)).isoformat()]
    assert _holders(response) == ["In The Days"]


def test_the_renewals_due_list_given_only_a_last_day_shows_today_to_it(staff_client):
    today = london_today()
    last_day = today + dt.timedelta(days=90)
    MembershipFactory(person__name="Soon", expires_on=today + dt.timedelta(days=2))
    MembershipFactory(person__name="On The Last Day", expires_on=last_day)
    MembershipFactory(person__name="Later", expires_on=last_day + dt.timedelta(days=1))
    db.session.flush()

    response = staff_client.get("/admin/members/renewals", query_string={"ends_from": "", "ends_to": last_day})

    assert _days_shown(response) == [today.isoformat(), last_day.isoformat()]
    assert _holders(response) == ["Soon", "On The Last Day"]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (
            {"ends_from": "2027-01-31", "ends_to": "2027-01-30"},
            "Ending to must be the same day as ending from or later",
        ),
        ({"ends_to": "2020-01-31"}, "Ending to must be today or later, or give ending from too"),
    ],
)
def test_the_renewals_due_list_refuses_a_last_day_before_the_first_day_used(staff_client, days, message):
    response = staff_client.get("/admin/members/renewals", query_string=days)

    error = re.search(r'<div id="ends_to-error"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S)
    assert error and message in error.group(1)
    assert "ends_from-error" not in response.get_data(as_text=True)
    assert _days_shown(response)[1] == days["ends_to"]


def test_the_renewals_due_csv_gives_each_holders_email_and_an_organisations_admin(staff_client):
    today = london_today()
    MembershipFactory(person__name="Ada Renewer", person__email="ada@example.org", expires_on=today)
    MembershipFactory(
        person__name="Olu Admin",
        person__email="olu@example.org",
        tier=organisation_tier(),
        organisation_name="Riverside PCN",
        expires_on=today + dt.timedelta(days=4),
    )
    db.session.flush()

    page = staff_client.get("/admin/members/renewals")
    download = staff_client.get("/admin/members/renewals.csv")

    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(row["Holder"], row["Email"], row["Organisation admin"]) for row in rows] == [
        ("Ada Renewer", "ada@example.org", ""),
        ("Riverside PCN", "olu@example.org", "Olu Admin"),
    ]
    assert "ada@example.org" not in page.get_data(as_text=True)


def test_the_renewals_due_lists_query_count_does_not_grow_with_its_rows(staff_client, count_queries):
    def due(count):
        for number in range(count):
            membership = MembershipFactory(expires_on=london_today() + dt.timedelta(days=number % 30))
            membership.auto_renew = number % 2 == 0
        organisation = MembershipFactory(tier=organisation_tier(), expires_on=london_today() + dt.timedelta(days=4))
        seat_in(organisation)
        db.session.flush()

    queries_do_not_grow(staff_client, count_queries, "/admin/members/renewals", due)


def test_lapses_and_resignations_count_those_in_the_period(staff_client):
    MembershipFactory(lapsed=True)
    MembershipFactory(lapsed=True)
    earlier = MembershipFactory(lapsed=True)
    moved_into(earlier, MembershipStatus.LAPSED, utcnow() - dt.timedelta(days=70))
    MembershipFactory(resigned=True)
    MembershipFactory(grace=True)  # not lapsed yet

    this_month = page_text(staff_client.get("/admin/?period=this_month"))
    last_12_months = page_text(staff_client.get("/admin/?period=last_12_months"))

    assert "Lapsed 2 memberships lapsed" in this_month
    assert "Resigned 1 member resigned" in this_month
    assert "Lapsed 3 memberships lapsed" in last_12_months


# --- Income ------------------------------------------------------------------------------------------


def london(*parts):
    return london_to_utc(dt.datetime(*parts))


@pytest.fixture
def autumn_2025_payments(make_person):
    """September to November 2025, in UK time. October: a card fee, an event place paid by bank transfer, a
    refund (made in October) of a September payment, and a payment at 00:30 on 1 October (23:30 on 30 September
    in UTC); a failed payment and a refund that never went through count nowhere."""
    person = make_person()

    def paid(when, pence, purpose=PaymentPurpose.MEMBERSHIP_FEE, **fields):
        return PaymentFactory(person=person, purpose=purpose, amount_pence=pence, succeeded_at=when, **fields)

    september = paid(london(2025, 9, 10, 12), 4500)
    paid(london(2025, 10, 1, 0, 30), 1500, PaymentPurpose.RENEWAL)
    paid(london(2025, 10, 15, 9), 4500)
    paid(
        london(2025, 10, 20, 9),
        2500,
        PaymentPurpose.EVENT_PLACE,
        method=PaymentMethod.BANK_TRANSFER,
        stripe_payment_intent_id=None,
        offline_reference="BACS 1234",
    )
    PaymentFactory(person=person, amount_pence=9900, status=PaymentStatus.FAILED, succeeded_at=None)
    november = paid(london(2025, 11, 3, 9), 3500, PaymentPurpose.RENEWAL)
    refund(september, 2000, RefundStatus.SUCCEEDED, london(2025, 10, 5, 10))
    refund(november, 3500, RefundStatus.FAILED, london(2025, 11, 4, 10))
    september.refunded_pence = 2000
    september.status = PaymentStatus.PARTIALLY_REFUNDED
    db.session.flush()


def refund(payment, pence, status, when):
    db.session.add(
        Refund(
            payment=payment,
            amount_pence=pence,
            reason="Asked for",
            idempotency_key=f"refund-{payment.id}-{status.value}-{when:%Y%m%d%H%M}",
            status=status,
            created_at=when,
        )
    )


AUTUMN_2025 = "/admin/?starts_on=2025-09-01&ends_on=2025-11-30"


def test_income_by_month_and_purpose_is_net_of_refunds_dated_by_the_refund(staff_client, autumn_2025_payments):
    response = staff_client.get(AUTUMN_2025)

    months = table(response, "Income by month, net of refunds")
    # Membership fee, renewal, event place, taken, refunded, net.
    assert months["September 2025"] == ["£45.00", "£0.00", "£0.00", "£45.00", "£0.00", "£45.00"]
    assert months["October 2025"] == ["£25.00", "£15.00", "£25.00", "£85.00", "£20.00", "£65.00"]
    assert months["November 2025"] == ["£0.00", "£35.00", "£0.00", "£35.00", "£0.00", "£35.00"]
    assert months["Total"] == ["£70.00", "£50.00", "£25.00", "£165.00", "£20.00", "£145.00"]
    assert "Net of refunds in the period: £145.00" in page_text(response)


def test_how_much_we_took_in_october_net_of_refunds_is_two_clicks_away(staff_client, autumn_2025_payments):
    dashboard = staff_client.get(AUTUMN_2025)  # click one: the period
    october = staff_client.get(links_in_row(dashboard, "Income by month", "October 2025")[0])  # click two

    text = page_text(october)
    assert "Payments in October 2025" in text
    assert "net of refunds: £65.00" in text
    listed = table(october, "Payments, newest first")
    # Paid in October (three, not the failed one), and September's payment refunded in October: nothing of it
    # was taken in October.
    assert sorted(row[3] for row in listed.values()) == ["£15.00", "£25.00", "£45.00", "—"]


def test_the_payments_list_ignores_a_month_it_cannot_read(staff_client, autumn_2025_payments):
    text = page_text(staff_client.get("/admin/payments?month=2025-13"))
    assert "Payments" in text and "net of refunds" not in text


OCTOBER_2026 = dt.date(2026, 10, 1)
TAKEN_IN_OCTOBER, REFUNDED_IN_OCTOBER = "Taken in October 2026", "Refunded in October 2026"


@pytest.fixture
def october_2026_payments(make_person):
    """Around October 2026, in UK time: a card fee taken in October (and a refund of it still waiting for Stripe);
    a fee taken in September and partly refunded in October; an event place taken in October, refunded partly in
    October and partly in November; an invoice recorded at 00:30 on 1 October (23:30 on 30 September in UTC);
    a failed payment and one still pending in October. Returns the payments by name."""
    person = make_person(name="Pat Payer")

    def paid(when, pence, purpose=PaymentPurpose.MEMBERSHIP_FEE, made_at=None, **fields):
        made_at = made_at or when
        return PaymentFactory(
            person=person, purpose=purpose, amount_pence=pence, succeeded_at=when, created_at=made_at, **fields
        )

    payments = {
        "taken in october": paid(london(2026, 10, 24, 10), 4500),
        "taken in september": paid(london(2026, 9, 24, 10), 4500),
        "refunded in two months": paid(london(2026, 10, 10, 9), 6000, PaymentPurpose.EVENT_PLACE),
        "invoice": paid(
            london(2026, 10, 1, 0, 30),
            2500,
            method=PaymentMethod.INVOICE,
            stripe_payment_intent_id=None,
            offline_reference="INV-2026-10",
        ),
        "failed": paid(None, 9900, status=PaymentStatus.FAILED, made_at=london(2026, 10, 12, 9)),
        "pending": paid(None, 3000, status=PaymentStatus.PENDING, made_at=london(2026, 10, 13, 9)),
    }
    refund(payments["taken in october"], 1000, RefundStatus.PENDING, london(2026, 10, 25, 9))
    refunded(payments["taken in september"], 1000, london(2026, 10, 24, 11))
    refunded(payments["refunded in two months"], 1500, london(2026, 10, 20, 9))
    refunded(payments["refunded in two months"], 2000, london(2026, 11, 2, 9))
    return payments


def refunded(payment, pence, when):
    """A refund of the payment that went through at `when`, with the payment as it leaves it."""
    refund(payment, pence, RefundStatus.SUCCEEDED, when)
    payment.refunded_pence += pence
    payment.status = (
        PaymentStatus.REFUNDED if payment.refunded_pence == payment.amount_pence else (PaymentStatus.PARTIALLY_REFUNDED)
    )
    db.session.flush()


def pence_in(cell):
    """£1,234.50 -> 123450; the mark of nothing taken in the month -> 0."""
    return 0 if cell == "—" else round(float(cell.removeprefix("£").replace(",", "")) * 100)


def listed_columns(response):
    """{receipt: {heading: cell}} of the payments list's rows on the page."""
    headings = re.findall(r'<th scope="col">(.*?)</th>', response.get_data(as_text=True))
    rows = table(response, "Payments, newest first")
    return {receipt: dict(zip(headings[1:], cells, strict=True)) for receipt, cells in rows.items()}


def exported_columns(response):
    """{receipt: {heading: cell}} of the payments CSV."""
    return {row["Receipt"]: row for row in csv_records(response)}


def dashboards_october_2026():
    """October 2026's taken and refunded, as the dashboard's income section counts them."""
    (october,) = income_section(Period(OCTOBER_2026, dt.date(2026, 10, 31)), utcnow())["months"]
    return october.taken_pence, october.refunded_pence


def test_a_months_payments_list_and_csv_add_up_to_the_dashboards_figures_for_it(staff_client, october_2026_payments):
    payments = october_2026_payments
    page = staff_client.get("/admin/payments?month=2026-10")
    listed = listed_columns(page)
    exported = exported_columns(staff_client.get("/admin/payments.csv?month=2026-10"))
    taken, refunded_then = dashboards_october_2026()

    assert (taken, refunded_then) == (4500 + 6000 + 2500, 1000 + 1500)
    for rows in (listed, exported):
        assert sum(pence_in(row[TAKEN_IN_OCTOBER]) for row in rows.values()) == taken
        assert sum(pence_in(row[REFUNDED_IN_OCTOBER]) for row in rows.values()) == refunded_then
    september = listed[payments["taken in september"].receipt_number]
    assert (september["Taken on"], september[TAKEN_IN_OCTOBER], september[REFUNDED_IN_OCTOBER]) == (
        "24 Sep 2026, 10:00",
        "—",
        "£10.00",
    )
    # Refunded partly in October, partly in November: only October's part is October's.
    assert listed[payments["refunded in two months"].receipt_number][REFUNDED_IN_OCTOBER] == "£15.00"
    assert listed[payments["invoice"].receipt_number]["Taken on"] == "1 Oct 2026, 00:30"
    assert (
        set(listed)
        == set(exported)
        == {
            payments[name].receipt_number
            for name in ("taken in october", "taken in september", "refunded in two months", "invoice")
        }
    )
    text = page_text(page)
    assert f"Taken in October 2026: {format_pence(taken)}" in text
    assert f"net of refunds: {format_pence(taken - refunded_then)}" in text


def test_a_months_payments_list_narrowed_by_other_filters_says_its_rows_are_only_part_of_the_month(
    staff_client, october_2026_payments
):
    notice = "Other filters are set too: the list holds only the month's payments that match them"

    by_card = staff_client.get("/admin/payments?month=2026-10&method=card")

    assert notice in page_text(by_card)
    assert set(listed_columns(by_card)) == {
        october_2026_payments[name].receipt_number
        for name in ("taken in october", "taken in september", "refunded in two months")
    }
    assert notice not in page_text(staff_client.get("/admin/payments?month=2026-10"))
    assert notice not in page_text(staff_client.get("/admin/payments?method=card"))


def october_2026_money(client):
    """What the October 2026 list and its CSV give for each payment: when it was taken, and what of it October
    took and refunded (its status is the payment's now, and moves on)."""
    money = ("Taken on", TAKEN_IN_OCTOBER, REFUNDED_IN_OCTOBER)
    return [
        {receipt: [row[heading] for heading in money] for receipt, row in rows.items()}
        for rows in (
            listed_columns(client.get("/admin/payments?month=2026-10")),
            exported_columns(client.get("/admin/payments.csv?month=2026-10")),
        )
    ]


def test_a_later_refund_leaves_a_months_payments_list_and_csv_as_they_were(staff_client, october_2026_payments):
    before, figures = october_2026_money(staff_client), dashboards_october_2026()

    refunded(october_2026_payments["taken in september"], 500, london(2026, 12, 3, 9))
    refunded(october_2026_payments["taken in october"], 4500, london(2026, 12, 3, 10))

    assert october_2026_money(staff_client) == before
    assert dashboards_october_2026() == figures
    assert "refunded in October 2026: £25.00" in page_text(staff_client.get("/admin/payments?month=2026-10"))
    # Without a month the list shows each payment's amount and everything refunded of it to date.
    everything = listed_columns(staff_client.get("/admin/payments"))
    september = everything[october_2026_payments["taken in september"].receipt_number]
    assert (september["Amount"], september["Refunded"]) == ("£45.00", "£15.00")


def test_a_months_payments_list_takes_the_same_queries_however_many_rows(
    staff_client, october_2026_payments, count_queries
):
    def refunded_in_october(count):
        """`count` September payments, each with a refund in October (listed in October's payments)."""
        for day in range(1, count + 1):
            payment = PaymentFactory(
                person=october_2026_payments["invoice"].person, succeeded_at=london(2026, 9, day, 9)
            )
            refunded(payment, 100, london(2026, 10, day, 9))

    queries_do_not_grow(staff_client, count_queries, "/admin/payments?month=2026-10", refunded_in_october)


# --- CPD compliance ----------------------------------------------------------------------------------


@pytest.fixture
def north_west_cpd():
    """This CPD year, in the North West: two Link Workers (20 hours required) behind, one of them in grace;
    one who has done 20 hours; a student (10 hours) with 12. Elsewhere, one behind in London. A lapsed
    member behind and last year's hours count nowhere."""
    year = current_year()
    day = max(year.starts_on, london_today() - dt.timedelta(days=1))

    def member(name, region=Region.NORTH_WEST, hours=0, **options):
        membership = MembershipFactory(person__name=name, region=region, long_standing=True, **options)
        if hours:
            CpdEntryFactory(person=membership.person, hours=hours, done_on=day)
        return membership

    behind = member("Ada Behind", hours=5)
    CpdEntryFactory(person=behind.person, hours=20, done_on=year.starts_on - dt.timedelta(days=1))  # last year
    member("Grace Behind", grace=True)
    member("Nina Done", hours=20)
    member("Sam Student", hours=12, tier=tier_named("Student or Trainee"))
    member("Lou London", region=Region.LONDON, hours=3)
    member("Lapsed Larry", lapsed=True)


def test_cpd_compliance_by_tier_and_region_for_the_current_year(staff_client, north_west_cpd):
    response = staff_client.get("/admin/")

    by_region = table(response, "Below the CPD requirement by region")
    assert by_region["North West"] == ["4", "2"]  # members, below
    assert by_region["London"] == ["1", "1"]
    assert by_region["Wales"] == ["0", "0"]
    by_tier = table(response, "Below the CPD requirement by tier")
    assert by_tier["Link Worker"] == ["4", "3"]
    assert by_tier["Student or Trainee"] == ["1", "0"]
    assert "3 of 5 members in good standing are below their tier's requirement" in page_text(response)


def test_who_in_the_north_west_is_behind_on_cpd_is_two_clicks_away(staff_client, north_west_cpd):
    dashboard = staff_client.get("/admin/")  # click one: Dashboard in the staff menu
    listed = staff_client.get(links_in_row(dashboard, "Below the CPD requirement by region", "North West")[0])

    text = page_text(listed)
    assert "2 members below the requirement" in text
    names = set(table(listed, "Members below their CPD requirement"))
    assert names == {"Ada Behind", "Grace Behind"}


# --- Events and emails -------------------------------------------------------------------------------


def test_upcoming_events_show_how_full_they_are_and_their_waiting_lists(staff_client, make_person):
    full = EventFactory(title="Full roadshow", capacity=2)
    for _ in range(2):
        event_services.book_place(full, MembershipFactory().person)
    waiting_list.join_waiting_list(full, MembershipFactory().person)
    half = EventFactory(title="Half-full webinar", capacity=4, starts_at=utcnow() + dt.timedelta(days=40))
    event_services.book_place(half, MembershipFactory().person)
    event_services.book_place(half, make_person())
    EventFactory(title="Draft event", draft=True)

    events = table(staff_client.get("/admin/"), "The next 2 published events")

    assert events["Full roadshow"][1:] == ["2 of 2", "100%", "1"]
    assert events["Half-full webinar"][1:] == ["2 of 4", "50%", "0"]
    assert "Draft event" not in events


# --- The page: period, charts, queries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("starts_on=2026-10-31&ends_on=2026-10-01", "ends_on", "To must be the same day as from or later"),
        ("starts_on=2026-10-01", "ends_on", "Enter the last day of the period too"),
        ("ends_on=2026-10-01", "starts_on", "Enter the first day of the period too"),
        ("starts_on=31.10.2026&ends_on=2026-11-30", "starts_on", "Enter from as a date, like 31/10/2026"),
        ("starts_on=2015-01-01&ends_on=2026-11-30", "ends_on", "Choose a period of at most 5 years"),
        ("period=forever", "period", "Choose a period from the list"),
    ],
)
def test_a_period_that_cannot_be_used_is_shown_at_its_field_and_the_last_12_months_shown(
    staff_client, query, field, message
):
    response = staff_client.get(f"/admin/?{query}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', html, re.S)
    assert error and message in error.group(1)
    assert 'aria-invalid="true"' in re.search(rf'<(input|select)[^>]*id="{field}"[^>]*>', html).group(0)
    assert "There is a problem" in page_text(response)
    assert "to " + f"{london_today().day} {london_today():%B %Y}" in page_text(response)


def test_presets_choose_their_periods(staff_client):
    today = london_today()
    last_month_end = today.replace(day=1) - dt.timedelta(days=1)
    cases = {
        "this_month": f"1 {today:%B %Y} to {today.day} {today:%B %Y}",
        "last_month": f"1 {last_month_end:%B %Y} to {last_month_end.day} {last_month_end:%B %Y}",
        "this_cpd_year": f"{current_year().starts_on.day} {current_year().starts_on:%B %Y} to {today.day}",
    }
    for preset, label in cases.items():
        assert label in page_text(staff_client.get(f"/admin/?period={preset}")), preset


def test_charts_are_named_images_with_their_figures_in_a_table(staff_client):
    MembershipFactory(region=Region.NORTH_WEST)
    html = staff_client.get("/admin/").get_data(as_text=True)

    for chart_id in ("members-by-region-chart", "income-by-month-chart"):
        svg = re.search(rf'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"[^>]*>', html)
        assert svg, chart_id
        assert f'<title id="{chart_id}-title">' in html and f'<desc id="{chart_id}-desc">' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # the charts need no JavaScript
    assert "<style" not in html and ' style="' not in html  # nor inline style, which the policy refuses


def test_the_chart_stylesheet_is_the_one_pygal_makes():
    assert (ROOT / "static/css/charts.css").read_text() == chart_stylesheet()


# --- Awards ------------------------------------------------------------------------------------------


@pytest.fixture
def awards_in_judging():
    """The 2041 cycle is judging: "Practice" has 1 submitted, 2 eligible, 1 not eligible and a draft; two judges,
    one scored one nomination, the other declared a conflict on the other. "Team" has one eligible and no judges.
    The 2040 cycle (published) and the 2042 cycle (not open) must not count."""
    old = AwardCategoryFactory(cycle=AwardCycleFactory(year=2040, phase="published"), name="Old")
    NominationFactory(category=old, status="eligible")
    AwardCategoryFactory(cycle=AwardCycleFactory(year=2042, phase="not_open"), name="Next year")
    cycle = AwardCycleFactory(year=2041, phase="judging")
    practice = AwardCategoryFactory(cycle=cycle, name="Practice")
    team = AwardCategoryFactory(cycle=cycle, name="Team")
    NominationFactory(category=practice, status="submitted")
    first, second = (NominationFactory(category=practice, status="eligible") for _ in range(2))
    NominationFactory(category=practice, status="ineligible")
    NominationFactory(category=practice, status="draft")
    NominationFactory(category=team, status="eligible")
    scorer, conflicted = judge_of(practice), judge_of(practice)
    scored(scorer, first, 4)
    declared(conflicted, second, conflicted=True)
    return cycle


def test_nominations_per_category_by_status_in_the_current_cycle(staff_client, awards_in_judging):
    response = staff_client.get("/admin/")
    nominations = table(response, "Nominations by category, Link Worker Day Awards 2041")
    assert nominations == {"Practice": ["1", "2", "1", "4"], "Team": ["0", "1", "0", "1"]}
    assert "Old" not in nominations and "Next year" not in nominations


def test_judging_progress_per_category_counts_sheets_due_scored_and_conflicts(staff_client, awards_in_judging):
    response = staff_client.get("/admin/")
    # Practice: the scorer has both eligible nominations due, the conflicted judge one (the conflict leaves it).
    assert table(response, "Judging progress by category") == {
        "Practice": ["2", "1", "3", "1", "0"],
        "Team": ["0", "0", "0", "0", "0"],
    }
    judging_page = f"/admin/awards/cycles/{awards_in_judging.id}/judges"
    assert set(links_in_row(response, "Judging progress by category", "Practice")) == {judging_page}


def _rows_of_list(client, link):
    response = client.get(link)
    assert response.status_code == 200
    for caption, rows in tables_of(response).items():
        if caption.startswith("Nominations"):
            return [row[0][0] for row in rows if len(row) > 1]
    raise AssertionError("no list of nominations")


def test_each_nominations_figure_links_to_the_screening_list_of_exactly_those(staff_client, awards_in_judging):
    response = staff_client.get("/admin/")
    figures = table(response, "Nominations by category")
    for category in ("Practice", "Team"):
        links = links_in_row(response, "Nominations by category", category)
        assert len(links) == 4
        for figure, link in zip(figures[category], links, strict=True):
            assert f"/admin/awards/cycles/{awards_in_judging.id}/nominations?" in link
            assert len(_rows_of_list(staff_client, link)) == int(figure), link


def test_with_no_awards_cycle_the_section_says_so(staff_client):
    assert "No awards cycle yet" in page_text(staff_client.get("/admin/"))


def _more_of_everything(count):
    for number in range(count):
        membership = MembershipFactory(region=list(Region)[number % 12], grace=number % 3 == 0)
        CpdEntryFactory(person=membership.person, hours=2)
        PaymentFactory(person=membership.person, refunded_pence=500)
        event = EventFactory(title=f"Event {number}", capacity=3)
        event_services.book_place(event, membership.person)
        small = EventFactory(capacity=1, title=f"Small {number}")
        event_services.book_place(small, MembershipFactory().person)
        waiting_list.join_waiting_list(small, membership.person)
    MembershipFactory(paid=True)
    MembershipFactory(lapsed=True)
    category = AwardCategoryFactory(cycle=_cycle_for_counting())
    for status in ("submitted", "eligible", "ineligible"):
        NominationFactory(category=category, status=status)
    judge = judge_of(category)
    for nomination in [NominationFactory(category=category, status="eligible") for _ in range(count)]:
        scored(judge, nomination, 3)


def _cycle_for_counting():
    """The one judging cycle the query count test fills: made the first time, then found again."""
    return db.session.scalar(sa.select(AwardCycle).where(AwardCycle.year == 2041)) or AwardCycleFactory(
        year=2041, phase="judging"
    )


def test_the_page_takes_the_same_queries_whatever_the_data(app, staff_client, count_queries):
    _more_of_everything(2)
    with count_queries() as few:
        assert staff_client.get("/admin/").status_code == 200
    _more_of_everything(12)
    with count_queries() as many:
        assert staff_client.get("/admin/").status_code == 200
    assert len(many) == len(few)
