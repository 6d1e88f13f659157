"""Awards demo data for `make run`, made through the awards services at the times they would have happened.

Three cycles, so that every part can be tried at once:
- last year's, published, with a winner and Highly Commended per category (the public page's past winners);
- this year's, in judging (blind), with eligible nominations in every category and the demo judge assigned
  to Link Worker of the Year and Rising Star;
- next year's, taking nominations now: a visitor nominates; the demo member has a draft and a submitted
  nomination; other submitted nominations wait for staff to screen them.
"""

import datetime as dt
import secrets

import sqlalchemy as sa

from nalw.accounts import services as account_services
from nalw.accounts.models import Person
from nalw.accounts.security import hash_password
from nalw.awards import cycles, defaults, nominations, screening
from nalw.awards.models import AwardCycle, AwardOutcome, JudgeAssignment, Nomination, NomineeKind
from nalw.core.regions import Region
from nalw.core.time import london_today, utcnow
from nalw.extensions import db

DAY = dt.timedelta(days=1)
JUDGED_CATEGORIES = ("Link Worker of the Year", "Rising Star")

# (nominee, organisation, region, email) of each kind a category takes: people, teams and community groups.
# Addresses are at reserved example domains, one for each organisation, so no two organisations share one.
NOMINEES = {
    NomineeKind.MEMBER: [
        (
            "Amara Okafor",
            "Riverside Primary Care Network",
            Region.YORKSHIRE_AND_THE_HUMBER,
            "amara.okafor@riverside-pcn.example.org",
        ),
        ("Tom Evans", "Cardiff Bay Wellbeing Hub", Region.WALES, "tom.evans@cardiffbay-wellbeing.example.org"),
        (
            "Grace Lindqvist",
            "Tyneside Community Connectors",
            Region.NORTH_EAST,
            "grace.lindqvist@tyneside-connectors.example.net",
        ),
        ("Deepa Sharma", "Leicester City PCN", Region.EAST_MIDLANDS, "deepa.sharma@leicester-city-pcn.example.org"),
        ("Kieran Walsh", "Salford Together", Region.NORTH_WEST, "kieran.walsh@salford-together.example.net"),
    ],
    NomineeKind.TEAM: [
        (
            "Riverside Social Prescribing Team",
            "Riverside Primary Care Network",
            Region.YORKSHIRE_AND_THE_HUMBER,
            "social.prescribing@riverside-pcn.example.org",
        ),
        (
            "Cardiff Bay Link Workers",
            "Cardiff Bay Wellbeing Hub",
            Region.WALES,
            "link.workers@cardiffbay-wellbeing.example.org",
        ),
        (
            "Salford Together Connectors",
            "Salford Together",
            Region.NORTH_WEST,
            "connectors@salford-together.example.net",
        ),
    ],
    NomineeKind.COMMUNITY_GROUP: [
        ("Harbour Lights Walking Group", "Harbour Lights Trust", Region.SOUTH_WEST, "walks@harbour-lights.example.org"),
        ("Tyneside Men's Shed", "Tyneside Men's Shed", Region.NORTH_EAST, "hello@tyneside-mens-shed.example.net"),
        (
            "Leicester Warm Welcome Café",
            "St Mark's Community Centre",
            Region.EAST_MIDLANDS,
            "warm.welcome@st-marks-centre.example.org",
        ),
    ],
}
# Who nominates in the past and judged cycles: people at organisations of their own (no sign-in), so the
# demo judge sees a conflict suggested only where one is meant (see `COLLEAGUE_NOMINATES`).
NOMINATORS = [
    ("Hannah Price", "hannah.price@northgate-trust.example.org"),
    ("Marcus Bell", "marcus.bell@harbour-health.example.net"),
    ("Siobhan Doyle", "siobhan.doyle@eastfield-surgery.example.org"),
    ("Ravi Kapoor", "ravi.kapoor@tyne-valley-vcs.example.net"),
    ("Bethan Morgan", "bethan.morgan@valleys-wellbeing.example.org"),
]
# The one nomination in this year's judged categories (category, its number there) made by a sign-in account at
# the demo judge's email domain: the judge sees the suggested conflict of interest on it.
COLLEAGUE_NOMINATES = ("Rising Star", 1)
ANSWERS = [
    "She meets people where they are, often at home, and stays with them until the first visit to a group is done. "
    "Forty people last year found a regular group through her; most still go.",
    "They set up a weekly drop-in with the food bank and the library, so people get help with money, "
    "food and loneliness in one visit.",
    "Reflective supervision every month, a reading group with colleagues, and a course on trauma-informed practice.",
]


def _cycle_dates(nominations_open_at):
    return {
        "nominations_open_at": nominations_open_at,
        "nominations_close_at": nominations_open_at + 40 * DAY,
        "judging_opens_at": nominations_open_at + 45 * DAY,
        "judging_closes_at": nominations_open_at + 80 * DAY,
        "results_due_on": (nominations_open_at + 90 * DAY).date(),
    }


def _cycle(staff, year, nominations_open_at, blind=False):
    """A cycle with the default categories, set up by staff a week before its nominations opened."""
    cycle = cycles.create_cycle(
        staff, year=year, title=f"Link Worker Day Awards {year}", blind=blind, **_cycle_dates(nominations_open_at)
    )
    defaults.seed_default_categories(staff, cycle, now=nominations_open_at - 7 * DAY)
    return cycle


def demo_person(name, email):
    """A demo person who never signs in (a random password nobody knows): found again by email, or added."""
    person = account_services.find_by_email(email)
    if person is None:
        person = Person(name=name, email=email, password_hash=hash_password(secrets.token_urlsafe(24)))
        db.session.add(person)
        db.session.flush()
    return person


def _nominate(nominator, category, nominee, at, submit=True, email=None):
    """`nominee` is (name, organisation, region, email); `email` replaces its email ("" for none)."""
    name, organisation, region, nominee_email = nominee
    nomination = nominations.save_draft(
        nominator,
        category,
        answers={criterion.id: ANSWERS[index % len(ANSWERS)] for index, criterion in enumerate(category.criteria)},
        nominee_name=name,
        nominee_organisation=organisation,
        nominee_region=region,
        nominee_email=nominee_email if email is None else email,
        relationship_to_nominee="A colleague",
        now=at,
    )
    if submit:
        nominations.submit(nominator, nomination, now=at)
    return nomination


def _nominated_and_screened(staff, nominators, cycle, count, colleague=None):
    """`count` eligible nominations per category, submitted and screened while the cycle took nominations;
    `colleague`, when given, makes the nomination `COLLEAGUE_NOMINATES` names."""
    submitted_at = cycle.nominations_open_at + 5 * DAY
    screened_at = cycle.nominations_close_at + DAY
    made = {}
    for place, category in enumerate(cycle.categories):
        made[category.name] = []
        candidates = NOMINEES[category.nominee_kind]
        for number in range(count):
            nominee = candidates[(number + place) % len(candidates)]  # a different winner in each category
            nominator = nominators[(number + place) % len(nominators)]
            if colleague is not None and (category.name, number) == COLLEAGUE_NOMINATES:
                nominator = colleague
            nomination = _nominate(nominator, category, nominee, submitted_at)
            screening.mark_eligible(staff, nomination, now=screened_at)
            made[category.name].append(nomination)
    return made


def _outcomes_of(cycle):
    return [
        nomination
        for category in cycle.categories
        for nomination in db.session.scalars(
            sa.select(Nomination).where(Nomination.category_id == category.id, Nomination.outcome.is_not(None))
        )
    ]


def seed_demo_awards(staff, judge, member, nominators):
    """Idempotent: does nothing once any cycle exists. `member` nominates and is nominated (so staff see a
    member's standing beside a nomination); `nominators` (sign-in accounts, at the demo judge's email domain)
    make some nominations in next year's cycle, and the first of them the one this year that the demo judge
    is told may be a conflict; people at organisations of their own (`NOMINATORS`) make the rest."""
    if db.session.scalar(sa.select(sa.func.count(AwardCycle.id))):
        return
    now = utcnow()
    year = london_today().year
    outsiders = [demo_person(name, email) for name, email in NOMINATORS]

    past = _cycle(staff, year - 1, now - 400 * DAY)
    for made in _nominated_and_screened(staff, outsiders, past, 3).values():
        made[0].outcome, made[1].outcome = AwardOutcome.WINNER, AwardOutcome.HIGHLY_COMMENDED
        for nomination in made[:2]:
            nomination.outcome_chosen_by_id, nomination.outcome_chosen_at = staff.id, past.judging_closes_at
    past.published_at = past.judging_closes_at + 2 * DAY
    for made in _outcomes_of(past):
        made.result_emailed_at = past.published_at

    judging = _cycle(staff, year, now - 60 * DAY, blind=True)
    _nominated_and_screened(staff, outsiders, judging, 4, colleague=nominators[0])
    for category in judging.categories:
        if category.name in JUDGED_CATEGORIES:
            db.session.add(JudgeAssignment(category=category, judge=judge, assigned_by_id=staff.id))

    taking = _cycle(staff, year + 1, now - 10 * DAY)
    first = taking.categories[0]
    _nominate(member, first, NOMINEES[first.nominee_kind][1], now - DAY)
    _nominate(member, first, NOMINEES[first.nominee_kind][2], now - DAY, submit=False)
    member_nominee = (member.name, "Riverside Primary Care Network", Region.YORKSHIRE_AND_THE_HUMBER, member.email)
    _nominate(nominators[0], first, member_nominee, now - 3 * DAY)
    for number, category in enumerate(taking.categories[:3]):
        candidates = NOMINEES[category.nominee_kind]
        _nominate(outsiders[number % len(outsiders)], category, candidates[number % len(candidates)], now - 2 * DAY)
    db.session.flush()
