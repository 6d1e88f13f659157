"""Reference data every installation needs (`flask setup defaults`): the first code of practice,
the default membership tiers and the membership number counter. Safe to run again."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from nalw.code_of_practice.services import seed_first_version
from nalw.extensions import db
from nalw.members.cpd_requirements import start_requirement
from nalw.members.models import Eligibility, MembershipNumberCounter, Tier

setup_cli = AppGroup("setup", help="Reference data for a new installation.")

DEFAULT_TIERS = [
    {
        "name": "Link Worker",
        "description": "For practising social prescribing link workers, care coordinators and health and wellbeing coaches.",
        "annual_fee_pence": 4500,
        "eligibility": Eligibility.PRACTITIONER,
        "cpd_hours_required": 20,
        "position": 1,
    },
    {
        "name": "Student or Trainee",
        "description": "For people training for, or in their first year of, a link worker role.",
        "annual_fee_pence": 1500,
        "eligibility": Eligibility.STUDENT,
        "cpd_hours_required": 10,
        "position": 2,
    },
    {
        "name": "Associate",
        "description": "For managers, commissioners, clinicians and supporters of social prescribing.",
        "annual_fee_pence": 3500,
        "eligibility": Eligibility.ASSOCIATE,
        "cpd_hours_required": 10,
        "position": 3,
    },
    {
        "name": "Organisation",
        "description": "One membership that gives up to 10 of your link workers their own membership.",
        "annual_fee_pence": 40000,
        "eligibility": Eligibility.ORGANISATION,
        "cpd_hours_required": 20,
        "seats": 10,
        "position": 4,
    },
]


def seed_defaults() -> list[str]:
    """Add whatever reference data is missing; change nothing that exists."""
    added = []
    if seed_first_version() is not None:
        added.append("code of practice version 1")
    if not db.session.scalar(sa.select(sa.func.count(Tier.id))):
        tiers = [Tier(**tier) for tier in DEFAULT_TIERS]
        db.session.add_all(tiers)
        db.session.flush()
        for tier in tiers:
            start_requirement(tier)
        added.append(f"{len(DEFAULT_TIERS)} membership tiers")
    if db.session.get(MembershipNumberCounter, 1) is None:
        db.session.add(MembershipNumberCounter(id=1, last_number=0))
        added.append("membership number counter")
    db.session.flush()
    return added


@setup_cli.command("defaults")
def defaults_command():
    """Seed the code of practice, tiers and counters if missing."""
    added = seed_defaults()
    db.session.commit()
    click.echo("setup: added " + ", ".join(added) if added else "setup: nothing to add")
