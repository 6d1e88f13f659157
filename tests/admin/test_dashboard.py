"""The staff dashboard counts what needs attention."""

import re

from tests.factories import MembershipFactory
from tests.helpers import page_text


def tile(text, label):
    match = re.search(r"(\d+) " + re.escape(label), text)
    assert match, f"no tile {label!r} in {text}"
    return int(match.group(1))


def test_dashboard_counts_applications_waiting_and_unpaid(signed_in_client, make_person):
    client, _ = signed_in_client("staff")
    MembershipFactory(paid=True, person=make_person())
    MembershipFactory(applied=True, person=make_person())
    MembershipFactory(applied=True, person=make_person())

    text = page_text(client.get("/admin/"))

    assert tile(text, "Applications waiting for a decision") == 1
    assert tile(text, "Applications not paid yet") == 2
