"""The staff dashboard: what the body looks like now, and what happened in a chosen period.

Each section is a function of (period, now) giving what its template shows, and reads its domain through that
domain's own read functions, each a fixed number of aggregate queries: the page's query count does not grow
with the data. To add a section (awards: nominations per category, judging progress), write its function
here, its template `admin/dashboard/_<name>.html`, and add it to SECTIONS.
"""

import datetime as dt
from dataclasses import dataclass

from nalw.admin import services as admin_services
from nalw.awards import figures as award_figures
from nalw.core.charts import bar_chart
from nalw.core.cpd_years import current_year
from nalw.core.outbox import OutboxStatus
from nalw.core.regions import Region
from nalw.core.time import Period, london_today, next_month
from nalw.cpd import compliance
from nalw.events import listings as event_listings
from nalw.members import figures as member_figures
from nalw.members import renewals
from nalw.members.directory import HeldBy
from nalw.members.models import MembershipStatus
from nalw.payments import income
from nalw.payments.models import PaymentPurpose

RENEWALS_AHEAD_DAYS = 30
UPCOMING_EVENTS = 10
# The longest period a custom choice may cover: income is grouped by month, one bar per month.
LONGEST_PERIOD_MONTHS = 60


# --- The period -----------------------------------------------------------------------------------------


def months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def preset_period(name, today=None) -> Period:
    """A period by name (PRESETS), up to and including today."""
    today = today or london_today()
    this_month = today.replace(day=1)
    if name == "this_month":
        return Period(this_month, today)
    if name == "last_month":
        last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
        return Period(last_month, this_month - dt.timedelta(days=1))
    if name == "this_cpd_year":
        return Period(current_year().starts_on, today)
    # The last 12 months: this month and the 11 before it.
    first = this_month
    for _ in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return Period(first, today)


PRESETS = (
    ("last_12_months", "The last 12 months"),
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("this_cpd_year", "This CPD year"),
)
DEFAULT_PRESET = "last_12_months"


# --- The sections --------------------------------------------------------------------------------------


def members_section(_period, _now):
    """Members in good standing (active, or in grace) now, by tier and by region."""
    by_tier, by_region = {}, {region: [0, 0] for region in Region}
    for tier_id, tier_name, region, status, count in member_figures.in_good_standing_counts():
        column = 0 if status is MembershipStatus.ACTIVE else 1
        by_tier.setdefault((tier_id, tier_name), [0, 0])[column] += count
        by_region[region][column] += count
    tiers = [(tier_id, name, active, grace) for (tier_id, name), (active, grace) in by_tier.items()]
    regions = [(region, active, grace) for region, (active, grace) in by_region.items()]
    active = sum(row[2] for row in tiers)
    grace = sum(row[3] for row in tiers)
    chart = bar_chart(
        "members-by-region-chart",
        "Members in good standing by region",
        "Active members and members in grace in each of the 12 regions; the table below gives the figures.",
        [region.label for region, _active, _grace in regions],
        [("Active", [row[1] for row in regions]), ("In grace", [row[2] for row in regions])],
        horizontal=True,
    )
    return {
        "tiers": tiers,
        "regions": regions,
        "active": active,
        "grace": grace,
        "chart": chart,
        # The members list's status filter for each column: the rows behind each figure. The figures count people's
        # own memberships, so the list leaves organisations' out.
        "statuses": (MembershipStatus.ACTIVE.value, MembershipStatus.GRACE.value),
        "held_by": HeldBy.PERSON.value,
    }


def applications_section(_period, now):
    waiting, oldest_paid_at, unpaid = member_figures.applications()
    oldest_days = (now - oldest_paid_at).days if oldest_paid_at else None
    return {"waiting": waiting, "oldest_paid_at": oldest_paid_at, "oldest_days": oldest_days, "unpaid": unpaid}


def renewals_ahead(today=None) -> Period:
    """The days the dashboard counts renewals over, and the renewals due list shows when no days are given:
    today and the RENEWALS_AHEAD_DAYS after it."""
    today = today or london_today()
    return Period(today, today + dt.timedelta(days=RENEWALS_AHEAD_DAYS))


def _ending_between(first_day, last_day) -> dict:
    """The renewals due list's filters for these days."""
    return {"ends_from": first_day.isoformat(), "ends_to": last_day.isoformat()}


def renewals_section(_period, _now):
    """Renewals due in the next RENEWALS_AHEAD_DAYS, and in each month those days touch (the whole month).
    Each figure counts the rows of the renewals due list (`renewals.renewals_due`) and links to that list with
    the same filters."""
    ahead = renewals_ahead()
    due, automatic, by_hand = renewals.renewals_due_between(ahead.starts_on, ahead.ends_on)
    days = _ending_between(ahead.starts_on, ahead.ends_on)
    months = []
    for month in ahead.months():
        last_day = next_month(month) - dt.timedelta(days=1)
        months.append((month, renewals.renewals_due_between(month, last_day)[0], _ending_between(month, last_day)))
    return {
        "due": due,
        "automatic": automatic,
        "by_hand": by_hand,
        "last_day": ahead.ends_on,
        "months": months,
        # The renewals due list's filters behind each figure.
        "filters": {
            "due": days,
            "automatic": {**days, "renews": renewals.Renews.AUTOMATICALLY.value},
            "by_hand": {**days, "renews": renewals.Renews.BY_HAND.value},
        },
    }


def leavers_section(period, _now):
    """Moves into lapsed and into resigned in the period; each figure links to the list of those moves (the
    membership changes on the period's days), not to who holds the status now."""
    boundaries = period.boundaries()
    changes = member_figures.status_changes_between(
        boundaries[0], boundaries[-1], (MembershipStatus.LAPSED, MembershipStatus.RESIGNED)
    )
    return {
        "lapsed": changes.get(MembershipStatus.LAPSED, 0),
        "resigned": changes.get(MembershipStatus.RESIGNED, 0),
        "lapsed_status": MembershipStatus.LAPSED.value,
        "resigned_status": MembershipStatus.RESIGNED.value,
        "held_by": HeldBy.PERSON.value,  # as the figures: people's own memberships
        "changed_from": period.starts_on.isoformat(),
        "changed_to": period.ends_on.isoformat(),
    }


@dataclass
class MonthTakings:
    month: dt.date
    by_purpose: dict
    taken_pence: int
    refunded_pence: int

    @property
    def net_pence(self):
        return self.taken_pence - self.refunded_pence

    @property
    def key(self):
        return f"{self.month:%Y-%m}"

    @property
    def label(self):
        return f"{self.month:%B %Y}"


def income_section(period, _now):
    """Money taken by month and purpose, net of refunds (a refund counts in the month it was made)."""
    takings = income.takings_between(period.boundaries())
    purposes = list(PaymentPurpose)
    months = []
    for index, month in enumerate(period.months()):
        cells = {purpose: takings.get((index, purpose), income.Takings()) for purpose in purposes}
        months.append(
            MonthTakings(
                month=month,
                by_purpose={purpose: cell.net_pence for purpose, cell in cells.items()},
                taken_pence=sum(cell.taken_pence for cell in cells.values()),
                refunded_pence=sum(cell.refunded_pence for cell in cells.values()),
            )
        )
    totals = MonthTakings(
        month=period.starts_on,
        by_purpose={purpose: sum(month.by_purpose[purpose] for month in months) for purpose in purposes},
        taken_pence=sum(month.taken_pence for month in months),
        refunded_pence=sum(month.refunded_pence for month in months),
    )
    chart = bar_chart(
        "income-by-month-chart",
        "Income by month, net of refunds",
        "Money taken less money refunded in each month of the period, in pounds, by what it paid for; "
        "the table below gives the figures.",
        [f"{month.month:%b %Y}" for month in months],
        [(purpose.label, [month.by_purpose[purpose] for month in months]) for purpose in purposes],
        money=True,
    )
    return {"purposes": purposes, "months": months, "totals": totals, "chart": chart}


def compliance_section(_period, _now):
    """CPD in the current CPD year: members in good standing below their tier's requirement, by tier and region."""
    year = current_year()
    by_tier, by_region = {}, {region: [0, 0] for region in Region}
    for tier_id, tier_name, region, members, behind in compliance.compliance_counts(year):
        counts = by_tier.setdefault((tier_id, tier_name), [0, 0])
        counts[0] += members
        counts[1] += behind
        by_region[region][0] += members
        by_region[region][1] += behind
    return {
        "year": year,
        "tiers": [(tier_id, name, members, behind) for (tier_id, name), (members, behind) in by_tier.items()],
        "regions": [(region, members, behind) for region, (members, behind) in by_region.items()],
        "members": sum(members for members, _behind in by_region.values()),
        "behind": sum(behind for _members, behind in by_region.values()),
    }


def emails_section(_period, _now):
    counts = admin_services.email_counts()
    return {"waiting": counts.get(OutboxStatus.WAITING, 0), "failed": counts.get(OutboxStatus.FAILED, 0)}


def events_section(_period, now):
    return {"events": event_listings.upcoming_with_places(now, UPCOMING_EVENTS)}


def awards_section(_period, now):
    """The current awards cycle: nominations per category by screening status, and judging progress."""
    figures = award_figures.dashboard_figures(now)
    statuses = award_figures.COUNTED_STATUSES
    chart = None
    if figures.categories:
        chart = bar_chart(
            "nominations-by-category-chart",
            "Nominations by category",
            "Submitted nominations in each category by screening status; the table beside gives the figures.",
            [category.name for category in figures.categories],
            [(status.label, [category.count(status) for category in figures.categories]) for status in statuses],
            horizontal=True,
        )
    return {"figures": figures, "statuses": statuses, "chart": chart}


# (name: the template admin/dashboard/_<name>.html, heading, the function giving what it shows), in page order.
SECTIONS = (
    ("members", "Members", members_section),
    ("applications", "Applications", applications_section),
    ("renewals", "Renewals", renewals_section),
    ("leavers", "Lapses and resignations", leavers_section),
    ("income", "Income", income_section),
    ("compliance", "CPD compliance", compliance_section),
    ("events", "Upcoming events", events_section),
    ("awards", "Awards", awards_section),
    ("emails", "Emails", emails_section),
)


def dashboard(period: Period, now: dt.datetime) -> list[tuple[str, str, dict]]:
    """Every section: (template name, heading, what it shows)."""
    return [(name, heading, build(period, now)) for name, heading, build in SECTIONS]
