"""The staff dashboard counts what needs attention."""

import re

from nalw.code_of_practice.services import current_version
from nalw.core.regions import Region
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import EmployerType, MembershipStatus, Tier
from tests.helpers import page_text


def application(person, tier_name="Link Worker"):
    tier = db.session.query(Tier).filter_by(name=tier_name).one()
    return member_services.apply(
        person,
        tier,
        answers={
            "job_title": "Link Worker",
            "employer_name": "Riverside PCN",
            "employer_type": EmployerType.GP_PRACTICE_OR_PCN,
            "region": Region.LONDON,
            "years_in_role": 2,
            "register_consent": False,
            "news_consent": False,
        },
        code_version_id=current_version().id,
        accepted_code=True,
    )


def tile(text, label):
    match = re.search(r"(\d+) " + re.escape(label), text)
    assert match, f"no tile {label!r} in {text}"
    return int(match.group(1))


def test_dashboard_counts_applications_waiting_and_unpaid(signed_in_client, make_person):
    client, _ = signed_in_client("staff")
    waiting = application(make_person())
    member_services.change_status(waiting, MembershipStatus.PAID, reason="paid for the test")
    application(make_person())
    application(make_person())

    text = page_text(client.get("/admin/"))

    assert tile(text, "Applications waiting for a decision") == 1
    assert tile(text, "Applications not paid yet") == 2
