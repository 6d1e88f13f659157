"""The member's CPD page offers upcoming events for the standards they have logged nothing against this year,
through a registry CPD owns and events fills (CPD imports no events code)."""

import ast
import datetime as dt
from pathlib import Path

from nalw.core.time import utcnow
from nalw.events import programme
from tests.factories import CpdEntryFactory, EventFactory, MembershipFactory, staff_member, standard
from tests.helpers import page_text, sign_in


def covering(*codes):
    return [standard(code).id for code in codes]


def test_cpd_page_lists_upcoming_events_for_the_standards_with_nothing_logged_this_year(client):
    member = MembershipFactory().person
    CpdEntryFactory(person=member, hours=2, standards=("S1",))
    EventFactory(title="Covered already", standard_ids=covering("S1"))
    EventFactory(title="Safeguarding day", standard_ids=covering("S1", "S5"))
    EventFactory(title="Not yet published", standard_ids=covering("S5"), draft=True)
    closed = EventFactory(title="Booking closed", standard_ids=covering("S5"))
    closed.booking_closes_at = utcnow() - dt.timedelta(minutes=1)
    cancelled = EventFactory(title="Called off", standard_ids=covering("S5"))
    programme.cancel_event(staff_member(), cancelled, "Venue lost")
    sign_in(client, member)

    page = page_text(client.get("/cpd"))

    assert "Coming up for the standards you have not covered this year" in page
    assert "Safeguarding day" in page and "(covers S5)" in page
    for title in ("Covered already", "Not yet published", "Booking closed", "Called off"):
        assert title not in page


def test_cpd_page_of_a_past_year_offers_no_events(client):
    member = MembershipFactory(long_standing=True).person
    EventFactory(title="Safeguarding day", standard_ids=covering("S5"))
    sign_in(client, member)

    response = client.get(f"/cpd?year={utcnow().year - 1}")

    assert response.status_code == 200
    assert "Safeguarding day" not in page_text(response)


def test_cpd_imports_nothing_from_events():
    cpd = Path(__file__).resolve().parents[2] / "nalw" / "cpd"
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for path in cpd.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any((name or "").startswith("nalw.events") for name in imported)


def test_events_cost_the_cpd_page_one_query_and_none_once_every_standard_is_covered(app, count_queries):
    EventFactory(title="Safeguarding day", standard_ids=covering("S5"))
    every_code = tuple(each.code for each in standard("S1").version.standards)
    covered_all = MembershipFactory().person
    CpdEntryFactory(person=covered_all, hours=2, standards=every_code)
    covered_one = MembershipFactory().person
    CpdEntryFactory(person=covered_one, hours=2, standards=("S1",))

    counts = {}
    for name, person in (("covered_all", covered_all), ("covered_one", covered_one)):
        client = app.test_client()
        sign_in(client, person)
        with count_queries() as queries:
            page = page_text(client.get("/cpd"))
        counts[name] = len(queries)
        assert ("Safeguarding day" in page) is (name == "covered_one")

    assert counts["covered_one"] == counts["covered_all"] + 1
