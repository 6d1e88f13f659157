"""Results as staff read them, their choice of winner and Highly Commended, publishing, and the export.

The figures come from `results.category_results`; this module reads what they are computed from (the
counted scores, see `judging.counted_sheets`) and records what staff decide.
"""

import dataclasses

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, lazyload

from nalw.accounts.models import Person
from nalw.awards import judging
from nalw.awards.models import (
    AwardCategory,
    AwardCycle,
    AwardOutcome,
    ConflictDeclaration,
    Nomination,
    NominationStatus,
    Recusal,
    Score,
)
from nalw.awards.results import category_results
from nalw.core.audit import record_audit
from nalw.core.links import absolute_link
from nalw.core.outbox import queue_email
from nalw.core.paging import Page
from nalw.core.time import format_datetime
from nalw.extensions import db

# The results of every category show this many nominations each; the rest are on the category's own pages.
TOP_OF_CATEGORY = 20
RESULTS_PER_PAGE = 50


@dataclasses.dataclass(frozen=True)
class CategoryStanding:
    """A category's results with the nominations and judges they name, for the staff pages and the export.
    `shown` are the results on the page (all of them when None); `nominations` holds at least those."""

    category: AwardCategory
    results: object  # results.CategoryResults
    nominations: dict  # id -> Nomination
    judges: dict  # id -> Person
    shown: tuple | None = None

    def rows(self):
        shown = self.results.nominations if self.shown is None else self.shown
        return [(result, self.nominations[result.nomination_id]) for result in shown]

    @property
    def total(self):
        """How many eligible nominations the category has, shown or not."""
        return len(self.results.nominations)


def _standings(categories, shown_of):
    """Each category's standing, ranking every eligible nomination but loading only the nominations
    `shown_of(results)` picks: a fixed number of queries, however many categories and nominations."""
    category_ids = [category.id for category in categories]
    eligible = {category_id: [] for category_id in category_ids}
    for nomination_id, category_id in db.session.execute(
        sa.select(Nomination.id, Nomination.category_id)
        .where(Nomination.category_id.in_(category_ids or [0]), Nomination.status == NominationStatus.ELIGIBLE)
        .order_by(Nomination.id)
    ):
        eligible[category_id].append(nomination_id)
    sheets = judging.counted_sheets_of(categories)
    figures = {
        category.id: category_results(
            {criterion.id: criterion.weight for criterion in category.criteria},
            sheets[category.id],
            nomination_ids=eligible[category.id],
            min_scores=category.cycle.min_scores_to_standardise,
        )
        for category in categories
    }
    shown = {category_id: tuple(shown_of(results)) for category_id, results in figures.items()}
    wanted = [result.nomination_id for results in shown.values() for result in results]
    nominations = {
        nomination.id: nomination
        for nomination in db.session.scalars(
            sa.select(Nomination).options(*judging.LIST_OPTIONS).where(Nomination.id.in_(wanted or [0]))
        )
    }
    judge_ids = sorted({sheet.judge_id for category_sheets in sheets.values() for sheet in category_sheets})
    judges = {
        person.id: person for person in db.session.scalars(sa.select(Person).where(Person.id.in_(judge_ids or [0])))
    }
    return [
        CategoryStanding(category, figures[category.id], nominations, judges, shown[category.id])
        for category in categories
    ]


def top_of_each_category(cycle, top=TOP_OF_CATEGORY):
    """Every category of the cycle, each ranked in full with its first `top` nominations by rank shown."""
    return _standings(cycle.categories, lambda results: results.nominations[:top])


def standing_page(category, number, per_page=RESULTS_PER_PAGE):
    """The category ranked in full with page `number` of its nominations, by rank, shown (the last page when
    `number` is past it); and that page of (result, nomination) rows."""

    def page_of(total):
        last = Page(items=[], page=1, per_page=per_page, total=total).pages
        return Page(items=[], page=min(number, last), per_page=per_page, total=total)

    def shown(results):
        start = (page_of(len(results.nominations)).page - 1) * per_page
        return results.nominations[start : start + per_page]

    (standing,) = _standings([category], shown)
    page = page_of(standing.total)
    page.items = standing.rows()
    return standing, page


def standing_of(category):
    """The category's figures and ranking from the counted scores, with every nomination, in a fixed number of
    queries: for the export."""
    (standing,) = _standings([category], lambda results: results.nominations)
    return standing


def outcome_refusal(cycle, now) -> str | None:
    """Why staff may not choose winners now (None when they may): the pages offer the choice only where
    `choose_outcome` would accept it."""
    if cycle.published_at is not None:
        return "The results are published, so the outcomes can no longer change."
    if cycle.judging_open(now) or now < cycle.judging_opens_at:
        return "Choose winners once judging has closed, so every score is in."
    return None


def _check_outcomes_may_change(cycle, now):
    judging.JudgingError.refuse_if(outcome_refusal(cycle, now))


def choose_outcome(actor, nomination, outcome, now):
    """Staff mark an eligible nomination winner, Highly Commended, or neither, once judging has closed and
    before publishing. A category has one winner; Highly Commended may be several."""
    cycle = nomination.category.cycle
    _check_outcomes_may_change(cycle, now)
    # Two staff choosing winners at once: the second waits, then sees the first one's winner.
    db.session.execute(sa.select(AwardCategory.id).where(AwardCategory.id == nomination.category_id).with_for_update())
    if nomination.status is not NominationStatus.ELIGIBLE:
        raise judging.JudgingError("Only an eligible nomination can win or be Highly Commended.", field="outcome")
    if outcome is AwardOutcome.WINNER:
        other = db.session.scalar(
            sa.select(Nomination).where(
                Nomination.category_id == nomination.category_id,
                Nomination.outcome == AwardOutcome.WINNER,
                Nomination.id != nomination.id,
            )
        )
        if other is not None:
            raise judging.JudgingError(
                f"Nomination {other.id} ({other.nominee_name}) is already the winner of {nomination.category.name}. "
                "Change that one first.",
                field="outcome",
            )
    before = {"outcome": nomination.outcome}
    nomination.outcome = outcome
    nomination.outcome_chosen_by_id = actor.id
    nomination.outcome_chosen_at = now
    record_audit(
        actor,
        "awards.outcome_chosen",
        nomination,
        before=before,
        after={"outcome": outcome},
        summary=f"Nomination {nomination.id}: {outcome.label if outcome else 'no award'}",
    )
    db.session.flush()


def publish_results(actor, cycle, now):
    """Staff publish a cycle's results once judging has closed: the public results page opens, and each
    eligible nomination's nominator and nominee (where we have an email) are told the result, once. Publishing
    again sends nothing again. Returns the number of emails queued."""
    cycle = db.session.scalars(sa.select(AwardCycle).where(AwardCycle.id == cycle.id).with_for_update()).one()
    if now < cycle.judging_closes_at or cycle.judging_open(now):
        raise judging.JudgingError("Judging is still open. Publish once it has closed.")
    first_time = cycle.published_at is None
    if first_time:
        undecided = categories_without_a_winner(cycle)
        if undecided:
            raise judging.JudgingError(
                f"Choose a winner in {', '.join(undecided)} before publishing: every nominator there would "
                "otherwise be told their nomination did not win."
            )
        cycle.published_at = now
        record_audit(actor, "awards.results_published", cycle, after={"published_at": now}, summary=cycle.title)
    queued = 0
    to_tell = db.session.scalars(
        sa.select(Nomination)
        .join(AwardCategory, AwardCategory.id == Nomination.category_id)
        .options(lazyload(Nomination.answers), lazyload(Nomination.evidence))
        .where(
            AwardCategory.cycle_id == cycle.id,
            Nomination.status == NominationStatus.ELIGIBLE,
            Nomination.result_emailed_at.is_(None),
        )
        .order_by(Nomination.id)
        .with_for_update(of=Nomination)
    ).all()
    link = absolute_link("awards.public_results", year=cycle.year)
    for nomination in to_tell:
        context = {"nomination": nomination, "cycle": cycle, "link": link}
        subject = f"{cycle.title}: the results"
        queue_email(
            nomination.nominator.email,
            "awards/result_nominator",
            subject,
            person=nomination.nominator,
            **context,
        )
        queued += 1
        if nomination.nominee_email and nomination.nominee_email != nomination.nominator.email:
            queue_email(nomination.nominee_email, "awards/result_nominee", subject, **context)
            queued += 1
        nomination.result_emailed_at = now
    db.session.flush()
    if not first_time and not queued:
        raise judging.JudgingError(
            f"The results were published on {format_datetime(cycle.published_at)}. Nobody was emailed again."
        )
    return queued


def categories_without_a_winner(cycle) -> list[str]:
    """The names of the cycle's categories that have eligible nominations but no winner chosen yet."""
    winners = sa.select(Nomination.category_id).where(Nomination.outcome == AwardOutcome.WINNER)
    return list(
        db.session.scalars(
            sa.select(AwardCategory.name)
            .join(Nomination, Nomination.category_id == AwardCategory.id)
            .where(
                AwardCategory.cycle_id == cycle.id,
                Nomination.status == NominationStatus.ELIGIBLE,
                AwardCategory.id.not_in(winners),
            )
            .group_by(AwardCategory.id, AwardCategory.name, AwardCategory.position)
            .order_by(AwardCategory.position, AwardCategory.id)
        )
    )


def past_winners():
    """Winners and Highly Commended of published cycles only, newest cycle first, then by category."""
    return db.session.scalars(
        sa.select(Nomination)
        # The page shows no answers or files; each category's cycle comes with it.
        .options(
            lazyload(Nomination.answers),
            lazyload(Nomination.evidence),
            contains_eager(Nomination.category).contains_eager(AwardCategory.cycle),
        )
        .join(Nomination.category)
        .join(AwardCategory.cycle)
        .where(AwardCycle.published_at.is_not(None), Nomination.outcome.is_not(None))
        .order_by(AwardCycle.year.desc(), AwardCategory.position, Nomination.outcome.desc(), Nomination.nominee_name)
    ).all()


def published_outcomes(cycle):
    """The winners and Highly Commended of a published cycle, by category, for the public page."""
    nominations = db.session.scalars(
        sa.select(Nomination)
        .join(AwardCategory, AwardCategory.id == Nomination.category_id)
        .options(lazyload(Nomination.answers), lazyload(Nomination.evidence))
        .where(AwardCategory.cycle_id == cycle.id, Nomination.outcome.is_not(None))
        .order_by(AwardCategory.position, AwardCategory.id, Nomination.outcome.desc(), Nomination.nominee_name)
    ).all()
    by_category = {category.id: (category, []) for category in cycle.categories}
    for nomination in nominations:
        by_category[nomination.category_id][1].append(nomination)
    return list(by_category.values())


# --- The export ------------------------------------------------------------------------------------------

EXPORT_HEADER = [
    "Category",
    "Nomination",
    "Nominee",
    "Nominee's organisation",
    "Nominator",
    "Judge",
    "Conflict of interest declared",
    "Criterion",
    "Question",
    "Weight",
    "Score",
    "Comment",
    "Judge's weighted score",
    "Mean",
    "Standardised mean",
    "Rank",
    "Tied",
    "Winner",
    "Highly Commended",
]


def export_rows(cycle):
    """One row per judge, nomination and criterion the judge scored (counted scores only: a recused judge's
    scores leave the export as they leave the results), and one row per conflict of interest declared."""
    return [row for category in cycle.categories for row in _category_export_rows(category)]


def _category_export_rows(category):
    standing = standing_of(category)
    criteria = judging.numbered_criteria([category])
    by_nomination = {result.nomination_id: result for result in standing.results.nominations}
    counted = {(s.judge_id, r.nomination_id): s.weighted for r in standing.results.nominations for s in r.judge_scores}
    nomination_ids = list(standing.nominations) or [0]
    scores = db.session.scalars(
        sa.select(Score)
        .where(Score.nomination_id.in_(nomination_ids))
        .order_by(Score.nomination_id, Score.judge_id, Score.criterion_id)
    ).all()
    declared = db.session.scalars(
        sa.select(ConflictDeclaration)
        .where(ConflictDeclaration.nomination_id.in_(nomination_ids), ConflictDeclaration.conflicted.is_(True))
        .order_by(ConflictDeclaration.nomination_id, ConflictDeclaration.judge_id)
    ).all()
    recused = set(
        db.session.execute(
            sa.select(Recusal.judge_id, Recusal.nomination_id).where(Recusal.nomination_id.in_(nomination_ids))
        ).all()
    )
    people_ids = {row.judge_id for row in [*scores, *declared]} or {0}
    people = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(people_ids)))}

    def row(nomination_id, judge_id, conflict, criterion_values):
        nomination, result = standing.nominations[nomination_id], by_nomination[nomination_id]
        return [
            category.name,
            nomination.id,
            nomination.nominee_name,
            nomination.nominee_organisation,
            nomination.nominator.name,
            people[judge_id].name,
            conflict,
            *criterion_values,
            _figure(counted.get((judge_id, nomination_id))),
            _figure(result.mean),
            _figure(result.standardised_mean),
            result.rank or "",
            "Yes" if result.tied else "No",
            "Yes" if nomination.outcome is AwardOutcome.WINNER else "No",
            "Yes" if nomination.outcome is AwardOutcome.HIGHLY_COMMENDED else "No",
        ]

    rows = []
    for score in scores:
        if (score.judge_id, score.nomination_id) in counted:
            position, criterion = criteria[score.criterion_id]
            values = [position, criterion.question, criterion.weight, score.score, score.comment]
            rows.append(row(score.nomination_id, score.judge_id, "No", values))
    for declaration in declared:
        if (declaration.judge_id, declaration.nomination_id) not in recused:
            rows.append(row(declaration.nomination_id, declaration.judge_id, f"Yes: {declaration.note}", [""] * 5))
    return rows


def _figure(value):
    return "" if value is None else f"{value:.2f}"
