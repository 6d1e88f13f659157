"""Demo data for `make run`: one sign-in per role. Safe to run again: nothing is duplicated."""

import datetime as dt
import random

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from nalw.accounts import services as account_services
from nalw.accounts.models import Person, RecoveryCode
from nalw.accounts.security import hash_password, recovery_code_digest
from nalw.awards.demo import seed_demo_awards
from nalw.awards.judging_demo import seed_demo_judging
from nalw.code_of_practice.services import current_version
from nalw.core.cpd_years import current_year
from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.core.time import london_to_utc, london_today, utcnow
from nalw.cpd import audits
from nalw.cpd import services as cpd_services
from nalw.cpd.models import ActivityType, CpdAudit, quarters_from_hours
from nalw.events import attendance
from nalw.events import programme as event_programme
from nalw.events import services as event_services
from nalw.events import waiting_list as event_waiting_list
from nalw.events.models import Event, EventFormat, EventKind
from nalw.extensions import db
from nalw.members import services as member_services
from nalw.members.models import EmployerType, Tier
from nalw.payments import services as payment_services
from nalw.payments.gateway import SavedCard
from nalw.payments.models import BillingProfile, PaymentMethod, PaymentPurpose

demo_cli = AppGroup("demo", help="Demo data for trying the platform locally.")

DEMO_PASSWORD = "link-worker-demo"
# A fixed authenticator secret for the demo's two-factor accounts, so the README can give it.
DEMO_TOTP_SECRET = "NALWDEMOTOTPSECRETKEY234"
DEMO_RECOVERY_CODES = ["demo-code-0001", "demo-code-0002", "demo-code-0003", "demo-code-0004", "demo-code-0005"]

# The member and organisation admin roles come from their memberships (see DEMO_MEMBERSHIPS).
DEMO_PEOPLE = [
    ("Alex Account", "account@demo.nalw.org.uk", ()),
    ("Morgan Member", "member@demo.nalw.org.uk", ()),
    ("Olu Organisation", "orgadmin@demo.nalw.org.uk", ()),
    ("Jamie Judge", "judge@demo.nalw.org.uk", (Role.JUDGE,)),
    ("Sam Staff", "staff@demo.nalw.org.uk", (Role.STAFF,)),
    ("Ada Admin", "admin@demo.nalw.org.uk", (Role.STAFF, Role.ADMIN)),
    ("Priya Patel", "applicant@demo.nalw.org.uk", ()),
]

# (email, tier, employer, employer type, region, approved?)
DEMO_MEMBERSHIPS = [
    (
        "member@demo.nalw.org.uk",
        "Link Worker",
        "Riverside Primary Care Network",
        EmployerType.GP_PRACTICE_OR_PCN,
        Region.YORKSHIRE_AND_THE_HUMBER,
        True,
    ),
    (
        "orgadmin@demo.nalw.org.uk",
        "Organisation",
        "Northgate Community Trust",
        EmployerType.VCSE,
        Region.NORTH_WEST,
        True,
    ),
    (
        "applicant@demo.nalw.org.uk",
        "Link Worker",
        "Harbour Health Partnership",
        EmployerType.GP_PRACTICE_OR_PCN,
        Region.SOUTH_WEST,
        False,
    ),
]

# Members who appear on the public register, so a search has something to find.
REGISTER_MEMBERS = [
    ("Amara Okafor", Region.LONDON),
    ("Bethan Griffiths", Region.WALES),
    ("Callum MacLeod", Region.SCOTLAND),
    ("Deepa Sharma", Region.WEST_MIDLANDS),
    ("Eilidh Fraser", Region.SCOTLAND),
    ("Fiona O'Neill", Region.NORTHERN_IRELAND),
    ("George Hughes", Region.NORTH_EAST),
    ("Hannah Clarke", Region.EAST_OF_ENGLAND),
    ("Imran Hussain", Region.EAST_MIDLANDS),
    ("Jade Thompson", Region.SOUTH_EAST),
    # The North West, for the staff dashboard's question: who there is behind on CPD this year?
    ("Kieran Walsh", Region.NORTH_WEST),
    ("Laura Bennett", Region.NORTH_WEST),
    ("Mohammed Ali", Region.NORTH_WEST),
]


# Register members whose membership ends within the dashboard's next 30 days (counted from the day the demo is
# seeded), so its renewals figures and the renewals due list have one of each kind to show:
# {register member's number: (days until it ends, automatic renewal on?, a card saved?)}
DEMO_RENEWALS_DUE = {
    1: (12, True, True),  # the daily run will charge the saved card
    2: (19, True, False),  # automatic renewal chosen when joining by invoice, but no card saved: by hand
    3: (26, False, False),  # by hand
}


def seed_demo_people():
    """Create each demo person that is missing; leave existing ones as they are."""
    created = []
    for name, email, roles in DEMO_PEOPLE:
        if account_services.find_by_email(email) is not None:
            continue
        person = Person(name=name, email=email, password_hash=hash_password(DEMO_PASSWORD), email_verified_at=utcnow())
        db.session.add(person)
        db.session.flush()
        for role in roles:
            account_services.grant_role(None, person, role)
        if any(role in (Role.JUDGE, Role.STAFF, Role.ADMIN) for role in roles):
            person.totp_secret = DEMO_TOTP_SECRET
            person.totp_enabled_at = utcnow()
            db.session.add_all(
                RecoveryCode(person_id=person.id, code_digest=recovery_code_digest(code))
                for code in DEMO_RECOVERY_CODES
            )
        created.append(person)
    return created


def _person(email):
    return account_services.find_by_email(email)


def demo_membership(person, tier_name, employer, employer_type, region, staff, approve):
    """A membership made the way a real one is: application, payment by invoice, approval."""
    tier = db.session.scalar(sa.select(Tier).where(Tier.name == tier_name))
    code = current_version()
    membership = member_services.apply(
        person,
        tier,
        answers={
            "job_title": "Organisation lead" if tier.is_organisation else "Social Prescribing Link Worker",
            "employer_name": employer,
            "employer_type": employer_type,
            "region": region,
            "years_in_role": 3,
            "register_consent": True,
            "news_consent": False,
        },
        code_version_id=code.id,
        accepted_code=True,
    )
    payment_services.record_offline_payment(
        staff,
        person,
        PaymentPurpose.MEMBERSHIP_FEE,
        membership.id,
        tier.annual_fee_pence,
        PaymentMethod.INVOICE,
        f"DEMO-INV-{membership.id:04d}",
        f"{tier.name} membership fee",
    )
    if approve:
        member_services.approve(staff, membership)
    return membership


# (days ago, title, type, hours, standard codes, complete?)
DEMO_CPD = [
    (12, "Safeguarding adults: level 2 refresher", ActivityType.COURSE, 3, ("S5",), True),
    (30, "Regional roadshow: Yorkshire and the Humber", ActivityType.CONFERENCE, 5, ("S4", "S8"), True),
    (45, "Group supervision with the PCN team", ActivityType.PEER_SUPPORT, 1.5, ("S7", "S9"), True),
    (70, "Reading: health inequalities and the cost of living", ActivityType.READING, 2, ("S3",), True),
    (95, "Shadowing a debt advice charity", ActivityType.SHADOWING, 3.5, ("S4", "S2"), True),
    (120, "Reflective log: a difficult referral", ActivityType.REFLECTIVE_PRACTICE, 1, ("S6", "S7"), True),
    (150, "Motivational interviewing workshop", ActivityType.COURSE, 6, ("S1",), False),
    (400, "Link Worker Day conference", ActivityType.CONFERENCE, 6, ("S1", "S4", "S7"), True),
    (460, "Mental health first aid", ActivityType.COURSE, 12, ("S2", "S5"), True),
    (520, "Peer support network meeting", ActivityType.PEER_SUPPORT, 2, ("S9",), True),
]


def seed_demo_cpd(person):
    """A year and a bit of CPD for the demo member, with one draft still to finish."""
    version = cpd_services.accepted_version(person)
    standards = {standard.code: standard.id for standard in version.standards}
    for days_ago, title, kind, hours, codes, complete in DEMO_CPD:
        cpd_services.save_entry(
            person,
            None,
            done_on=london_today() - dt.timedelta(days=days_ago),
            title=title,
            activity_type=kind,
            quarter_hours=int(quarters_from_hours(hours)),
            provider="",
            standard_ids=[standards[code] for code in codes],
            reflection={
                "what_i_did": f"I took part in: {title.lower()}.",
                "what_i_learned": "New approaches I can use straight away with the people I support.",
                "practice_change": "I now check this at first contact and record it in my notes.",
                "impact": "People get the right support sooner and feel listened to.",
            }
            if complete
            else {"what_i_did": f"I took part in: {title.lower()}."},
            complete=complete,
        )


def seed_demo_memberships(created):
    created_emails = {person.email for person in created}
    staff = _person("admin@demo.nalw.org.uk")
    for email, tier_name, employer, employer_type, region, approve in DEMO_MEMBERSHIPS:
        if email in created_emails:
            demo_membership(_person(email), tier_name, employer, employer_type, region, staff, approve)
    if "member@demo.nalw.org.uk" in created_emails:
        seed_demo_cpd(_person("member@demo.nalw.org.uk"))
    for index, (name, region) in enumerate(REGISTER_MEMBERS, start=1):
        email = f"register{index}@demo.nalw.org.uk"
        if _person(email) is not None:
            continue
        person = Person(name=name, email=email, password_hash=hash_password(DEMO_PASSWORD), email_verified_at=utcnow())
        db.session.add(person)
        db.session.flush()
        membership = demo_membership(
            person, "Link Worker", "Demo Primary Care Network", EmployerType.GP_PRACTICE_OR_PCN, region, staff, True
        )
        if index in DEMO_RENEWALS_DUE:
            _end_soon(membership, *DEMO_RENEWALS_DUE[index])


def _end_soon(membership, days, auto_renew, card_saved):
    """Make the membership one that joined about a year ago and ends `days` from today, with automatic renewal
    and a saved card as given. The card is kept as the card form keeps one, but without asking Stripe (seeding
    makes no Stripe call): its ids are the demo's own, so a charge to it fails and the member is emailed a link
    to pay, as when a card is declined."""
    membership.expires_on = london_today() + dt.timedelta(days=days)
    membership.started_on = member_services.add_years(membership.expires_on + dt.timedelta(days=1), -1)
    if card_saved:
        person_id = membership.person_id
        profile = BillingProfile(person_id=person_id, stripe_customer_id=f"cus_demo_{person_id}")
        db.session.add(profile)
        card = SavedCard(f"pm_demo_{person_id}", "visa", "4242", 12, london_today().year + 3)
        payment_services.keep_card(profile, card)
    membership.auto_renew = auto_renew
    db.session.flush()


def seed_demo_income():
    """The register members' fees, paid by invoice, dated across the last six months (as if they had joined
    month by month), and one of them partly refunded the month after, so the dashboard's income by month, net
    of refunds, has something to show."""
    from nalw.payments import services as payment_services
    from nalw.payments.models import Payment, Refund

    people = [_person(f"register{index}@demo.nalw.org.uk") for index in range(1, len(REGISTER_MEMBERS) + 1)]
    fees = db.session.scalars(
        sa.select(Payment).where(Payment.person_id.in_([person.id for person in people])).order_by(Payment.id)
    ).all()
    if not fees or db.session.scalar(
        sa.select(sa.func.count(Refund.id)).where(Refund.payment_id.in_([fee.id for fee in fees]))
    ):
        return
    now = utcnow()
    for index, fee in enumerate(fees):
        fee.created_at = fee.succeeded_at = now - dt.timedelta(days=30 * (index % 6) + 10)
    refunded = fees[2]  # paid about two months ago, refunded a month later
    refund = payment_services.request_refund(_person("admin@demo.nalw.org.uk"), refunded, 1000, "Paid twice by invoice")
    refund.created_at = refunded.succeeded_at + dt.timedelta(days=30)
    db.session.flush()


def seed_demo_audit():
    """A CPD audit of the last CPD year that has ended, drawing every demo member, so the member's side can
    be tried."""
    if db.session.scalar(sa.select(sa.func.count(CpdAudit.id))):
        return
    audits.start_audit(
        _person("admin@demo.nalw.org.uk"),
        current_year().previous(),
        share_per_thousand=1000,
        exclude_joined_within_days=0,
        deadline_on=london_today() + dt.timedelta(days=30),
        seed=2026,
    )


# --- Events ----------------------------------------------------------------------------------------

ROADSHOW_VENUES = {
    Region.NORTH_EAST: "Newcastle Civic Centre",
    Region.NORTH_WEST: "Manchester Central Library",
    Region.YORKSHIRE_AND_THE_HUMBER: "Leeds Town Hall",
    Region.EAST_MIDLANDS: "Nottingham Council House",
    Region.WEST_MIDLANDS: "Birmingham Council House",
    Region.EAST_OF_ENGLAND: "Cambridge Guildhall",
    Region.LONDON: "Friends House, Euston",
    Region.SOUTH_EAST: "Brighton Dome",
    Region.SOUTH_WEST: "Bristol M Shed",
    Region.WALES: "Cardiff City Hall",
    Region.SCOTLAND: "Glasgow City Chambers",
    Region.NORTHERN_IRELAND: "Belfast City Hall",
}


def _at(day, hour, minute=0):
    """A UK wall-clock time on `day`, as aware UTC."""
    return london_to_utc(dt.datetime.combine(day, dt.time(hour, minute)))


def _demo_event(staff, standards, codes, *, title, kind, day, hours, **values):
    """A published event on `day` from `hours` (start, end) UK time; booking opens a month before it."""
    starts_at, ends_at = _at(day, hours[0]), _at(day, hours[1])
    defaults = {
        "description": "Talks, workshops and time with link workers from across the region.",
        "region": None,
        "format": EventFormat.IN_PERSON,
        "venue": "",
        "joining_url": "",
        "capacity": 80,
        "member_price_pence": 0,
        "non_member_price_pence": 1500,
        "booking_opens_at": min(utcnow() - dt.timedelta(days=1), starts_at - dt.timedelta(days=60)),
        "booking_closes_at": starts_at - dt.timedelta(hours=2),
        "cpd_quarter_hours": quarters_from_hours(hours[1] - hours[0] - 1),
        "refund_cutoff_days": 7,
        "offer_hours": 24,
        "hold_minutes": 15,
    }
    event = event_programme.create_event(
        staff,
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        standard_ids=[standards[code] for code in codes if code in standards],
        **{**defaults, **values},
    )
    event_programme.publish_event(staff, event)
    return event


def _next_july(today):
    """The second Thursday of the next July not yet past."""

    def second_thursday(year):
        day = dt.date(year, 7, 8)
        return day + dt.timedelta(days=(3 - day.weekday()) % 7)

    day = second_thursday(today.year)
    return day if day > today else second_thursday(today.year + 1)


def seed_demo_events():
    """A year of roadshows in every region, Link Worker Day in July, two webinars, a full event with a
    waiting list, and a past event the demo member attended (so the certificate and CPD draft can be tried)."""
    if db.session.scalar(sa.select(sa.func.count(Event.id))):
        return
    staff = _person("staff@demo.nalw.org.uk")
    version = current_version()
    standards = {standard.code: standard.id for standard in version.standards} if version else {}
    today = london_today()
    step = 365 // len(Region)
    for index, region in enumerate(Region):
        _demo_event(
            staff,
            standards,
            (f"S{index % 9 + 1}", f"S{(index + 4) % 9 + 1}"),
            title=f"{region.label} roadshow",
            kind=EventKind.ROADSHOW,
            day=today + dt.timedelta(days=14 + index * step),
            hours=(10, 16),
            region=region,
            venue=ROADSHOW_VENUES[region],
        )
    _demo_event(
        staff,
        standards,
        ("S1", "S4", "S7"),
        title=f"Link Worker Day {_next_july(today).year}",
        kind=EventKind.CONFERENCE,
        day=_next_july(today),
        hours=(9, 17),
        format=EventFormat.HYBRID,
        venue="Birmingham ICC",
        joining_url="https://events.nalw.org.uk/link-worker-day/live",
        capacity=600,
        member_price_pence=4500,
        non_member_price_pence=9500,
        description="The national conference for social prescribing link workers: keynotes, workshops and awards.",
    )
    for days, title, codes in (
        (10, "Webinar: safeguarding adults for link workers", ("S5",)),
        (40, "Webinar: supporting people with debt and the cost of living", ("S3", "S4")),
    ):
        _demo_event(
            staff,
            standards,
            codes,
            title=title,
            kind=EventKind.WEBINAR,
            day=today + dt.timedelta(days=days),
            hours=(13, 15),
            format=EventFormat.ONLINE,
            joining_url="https://events.nalw.org.uk/webinars/live",
            capacity=300,
            description="A live online session with time for questions.",
        )
    register = [_person(f"register{index}@demo.nalw.org.uk") for index in range(1, len(REGISTER_MEMBERS) + 1)]
    full = _demo_event(
        staff,
        standards,
        ("S7", "S9"),
        title="Peer supervision masterclass",
        kind=EventKind.WEBINAR,
        day=today + dt.timedelta(days=21),
        hours=(10, 13),
        format=EventFormat.IN_PERSON,
        venue="NALW office, Leeds",
        capacity=3,
        description="A small-group masterclass in running peer supervision. Places are few: join the waiting list.",
    )
    for person in register[:3]:
        event_services.book_place(full, person)
    for person in register[3:5]:
        event_waiting_list.join_waiting_list(full, person)
    _seed_past_event(staff, standards, register, today)


def _seed_past_event(staff, standards, register, today):
    """A roadshow three weeks ago: the demo member and two others booked and were checked in."""
    day = today - dt.timedelta(days=21)
    past = _demo_event(
        staff,
        standards,
        ("S2", "S6", "S8"),
        title="Yorkshire and the Humber roadshow",
        kind=EventKind.ROADSHOW,
        day=day,
        hours=(10, 16),
        region=Region.YORKSHIRE_AND_THE_HUMBER,
        venue="Leeds Town Hall",
        booking_opens_at=_at(day - dt.timedelta(days=60), 9),
    )
    booked_at = past.starts_at - dt.timedelta(days=14)
    for person in [_person("member@demo.nalw.org.uk"), *register[5:7]]:
        booking = event_services.book_place(past, person, now=booked_at)
        attendance.check_in(staff, booking, now=past.starts_at + dt.timedelta(minutes=20))


# Gaps and barriers link workers report, a few per theme; transport leads in the North West, Wales and the
# South West, digital access in Scotland, mental health support in London.
DEMO_BARRIERS = {
    "transport": ["The bus to the weekly walking group was cut; nobody without a car can get there.",
                  "No affordable transport to the hospital's evening clinics from the outlying villages.",
                  "Community transport has a six-week wait for bookings."],
    "digital_access": ["People without a smartphone cannot book GP appointments since the phone line closed.",
                       "The library's computer sessions stopped; benefit claims have to be made online."],
    "poverty_and_debt": ["Debt advice has a two-month wait; people are borrowing to pay for food.",
                         "The food bank needs a referral that the people we see cannot get."],
    "housing": ["Damp and mould in private rentals; tenants fear eviction if they complain.",
                "No emergency housing advice on Fridays or at weekends."],
    "isolation": ["The lunch club closed and older people now see nobody between visits.",
                  "No groups for carers that meet in the evening."],
    "mental_health_support": ["Talking therapies have a waiting list of eight months.",
                              "No crisis support that can be reached without going to A&E."],
    "language_and_interpreting": ["No interpreter for Tigrinya speakers at the surgery.",
                                  "Leaflets about local groups are only in English."],
    "gp_access": ["Appointments can only be booked at 8am by phone, and the line is engaged for an hour."],
    "other": ["The warm space in the community centre is closing for lack of funding."],
}  # fmt: skip
DEMO_LEADING = {
    Region.NORTH_WEST: "transport",
    Region.WALES: "transport",
    Region.SOUTH_WEST: "transport",
    Region.SCOTLAND: "digital_access",
    Region.LONDON: "mental_health_support",
}
DEMO_REPORTS = 360


def seed_demo_insight():
    """A year of reports by the demo members (they are in good standing), dated across the last 12 months,
    so staff see transport leading in the North West, Wales and the South West this year."""
    from nalw.insight import services as insight_services
    from nalw.insight.models import AffectedBand, Report, ServiceState, Theme

    if db.session.scalar(sa.select(sa.func.count(Report.id))):
        return
    rng = random.Random(15)
    reporters = [_person("member@demo.nalw.org.uk")]
    reporters += [_person(f"register{index}@demo.nalw.org.uk") for index in range(1, len(REGISTER_MEMBERS) + 1)]
    today = london_today()
    themes = list(Theme)
    for number in range(DEMO_REPORTS):
        region = rng.choice(list(Region))
        leading = DEMO_LEADING.get(region)
        theme = Theme(leading) if leading and rng.random() < 0.4 else rng.choice(themes)
        report = insight_services.make_report(
            rng.choice(reporters),
            theme=theme,
            region=region,
            local_authority="",
            affected=rng.choice(list(AffectedBand)),
            service_state=rng.choice(list(ServiceState)),
            description=rng.choice(DEMO_BARRIERS[theme.value]),
        )
        report.reported_on = today - dt.timedelta(days=number * 365 // DEMO_REPORTS)


def _seed_demo_awards():
    nominators = [_person(email) for email in ("orgadmin@demo.nalw.org.uk", "account@demo.nalw.org.uk")]
    seed_demo_awards(
        _person("staff@demo.nalw.org.uk"),
        _person("judge@demo.nalw.org.uk"),
        _person("member@demo.nalw.org.uk"),
        nominators,
    )
    seed_demo_judging(_person("staff@demo.nalw.org.uk"), _person("judge@demo.nalw.org.uk"))


@demo_cli.command("seed")
def seed_command():
    """Add the demo sign-ins, memberships, CPD, an audit, events and reports of gaps and barriers (idempotent)."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("Demo data is never seeded in production.")
    created = seed_demo_people()
    seed_demo_memberships(created)
    seed_demo_income()
    seed_demo_audit()
    seed_demo_events()
    seed_demo_insight()
    _seed_demo_awards()
    db.session.commit()
    click.echo(f"demo: {len(created)} people added, {len(DEMO_PEOPLE) - len(created)} already there")
