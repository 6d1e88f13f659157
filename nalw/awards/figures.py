"""The awards in figures, for the staff dashboard: nominations per category by screening status and judging
progress per category, for the current cycle (the latest whose nominations have opened, else the next one).

`dashboard_figures` reads them in a fixed number of aggregate queries whatever the number of nominations,
judges or scores. Judging progress is the staff judging page's own (`judging.progress_for`) added up by
category, so the two pages always agree.
"""

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from nalw.awards import judging
from nalw.awards.models import AwardCategory, AwardCycle, JudgeAssignment, Nomination, NominationStatus
from nalw.extensions import db

# The statuses the dashboard counts: drafts are the nominator's own until submitted.
COUNTED_STATUSES = (NominationStatus.SUBMITTED, NominationStatus.ELIGIBLE, NominationStatus.INELIGIBLE)


@dataclass
class CategoryFigures:
    category_id: int
    name: str
    by_status: dict = field(default_factory=dict)
    judges: int = 0
    # Sheets (one judge, one eligible nomination) due: every assigned judge's eligible nominations, less
    # those they declared a conflict on or were recused from; scored: those with their scores.
    sheets_due: int = 0
    sheets_scored: int = 0
    conflicts: int = 0
    recusals: int = 0

    def count(self, status) -> int:
        return self.by_status.get(status, 0)

    @property
    def nominations(self) -> int:
        return sum(self.by_status.values())


@dataclass
class AwardsFigures:
    cycle: AwardCycle | None
    categories: list = field(default_factory=list)

    def total(self, name) -> int:
        return sum(getattr(category, name) for category in self.categories)

    def total_of(self, status) -> int:
        return sum(category.count(status) for category in self.categories)


def current_cycle(now: dt.datetime) -> AwardCycle | None:
    """The latest cycle whose nominations have opened by `now`; failing that, the earliest still to open."""
    opened = AwardCycle.nominations_open_at <= now
    return db.session.scalar(
        sa.select(AwardCycle)
        .order_by(
            sa.case((opened, 0), else_=1),
            sa.case((opened, -AwardCycle.year), else_=AwardCycle.year),
        )
        .limit(1)
    )


def dashboard_figures(now: dt.datetime) -> AwardsFigures:
    """Nominations per category by status, and judging progress per category, of the current cycle."""
    cycle = current_cycle(now)
    if cycle is None:
        return AwardsFigures(None)
    categories = {
        category_id: CategoryFigures(category_id, name)
        for category_id, name in db.session.execute(
            sa.select(AwardCategory.id, AwardCategory.name)
            .where(AwardCategory.cycle_id == cycle.id)
            .order_by(AwardCategory.position, AwardCategory.id)
        )
    }
    for category_id, status, count in db.session.execute(
        sa.select(Nomination.category_id, Nomination.status, sa.func.count())
        .where(Nomination.category_id.in_(list(categories) or [0]), Nomination.status.in_(COUNTED_STATUSES))
        .group_by(Nomination.category_id, Nomination.status)
    ):
        categories[category_id].by_status[status] = count
    assignments = db.session.scalars(
        sa.select(JudgeAssignment)
        .options(lazyload(JudgeAssignment.category), lazyload(JudgeAssignment.judge))
        .where(JudgeAssignment.category_id.in_(list(categories) or [0]))
    ).all()
    for progress in judging.progress_for(assignments).values():
        figures = categories[progress.category_id]
        figures.judges += 1
        figures.sheets_due += progress.to_score
        figures.sheets_scored += progress.scored
        figures.conflicts += progress.conflicts
        figures.recusals += progress.recused
    return AwardsFigures(cycle, list(categories.values()))
