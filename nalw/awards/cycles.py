"""Staff set up an awards cycle: its dates, whether judging is blind, its categories and their criteria.

Categories and criteria are fixed once nominations open (`AwardCycle.criteria_frozen`): a weight
changed mid-cycle would change scores already given, and a question changed would no longer match the
answers nominators wrote. Services flush; callers commit.
"""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from nalw.awards.errors import AwardsError, CriteriaFrozen
from nalw.awards.models import AwardCategory, AwardCriterion, AwardCycle, NomineeKind
from nalw.core.audit import record_audit
from nalw.core.time import format_datetime, utcnow
from nalw.extensions import db

CYCLE_FIELDS = (
    "year",
    "title",
    "nominations_open_at",
    "nominations_close_at",
    "judging_opens_at",
    "judging_closes_at",
    "results_due_on",
    "blind",
)
CATEGORY_FIELDS = ("name", "description", "self_nomination_allowed", "nominee_kind")
CRITERION_FIELDS = ("question", "word_limit", "weight")
FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST_WORD_LIMIT = 2000
HEAVIEST_WEIGHT = 10


def _snapshot(record, fields):
    return {field: getattr(record, field) for field in fields}


def _add(actor, record, fields, action, summary=""):
    """Keep a new `record` and audit it as `action`."""
    db.session.add(record)
    db.session.flush()
    record_audit(actor, action, record, after=_snapshot(record, fields), summary=summary)
    return record


def _remove(actor, record, fields, action, siblings):
    """Take `record` out of its parent's list `siblings` (deleting it) and audit it as `action`."""
    record_audit(actor, action, record, before=_snapshot(record, fields))
    siblings.remove(record)
    db.session.flush()


def _change(actor, record, fields, action, values, summary=""):
    """Set `values` on `record` and audit the change of `fields` as `action`."""
    before = _snapshot(record, fields)
    for field, value in values.items():
        setattr(record, field, value)
    db.session.flush()
    record_audit(actor, action, record, before=before, after=_snapshot(record, fields), summary=summary)
    return record


# --- Cycles ------------------------------------------------------------------------------------------


def cycle_refusals(values, cycle=None, now=None) -> list[AwardsError]:
    """Every rule the values break, each at its field. A None value (a form field that did not read) is
    passed over: the form has already said what is wrong with it."""
    now = now or utcnow()
    refusals = []

    def refuse(message, field):
        refusals.append(AwardsError(message, field=field))

    year = values.get("year")
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        refuse(f"Enter a year between {FIRST_YEAR} and {LAST_YEAR}", "year")
    elif year is not None:
        taken = db.session.scalar(sa.select(AwardCycle.id).where(AwardCycle.year == year))
        if taken is not None and (cycle is None or taken != cycle.id):
            refuse(f"There is already a {year} cycle: edit that one, or choose another year", "year")
    opens, closes = values.get("nominations_open_at"), values.get("nominations_close_at")
    judging_opens, judging_closes = values.get("judging_opens_at"), values.get("judging_closes_at")
    if opens and closes and closes <= opens:
        refuse("Nominations must close after they open", "nominations_close_at")
    if closes and judging_opens and judging_opens < closes:
        refuse("Judging must open no earlier than nominations close", "judging_opens_at")
    if judging_opens and judging_closes and judging_closes <= judging_opens:
        refuse("Judging must close after it opens", "judging_closes_at")
    results_due = values.get("results_due_on")
    if results_due and judging_closes and results_due < judging_closes.date():
        refuse("Results are due no earlier than judging closes", "results_due_on")
    if cycle is not None and cycle.criteria_frozen(now):
        if opens and _to_the_minute(opens) != _to_the_minute(cycle.nominations_open_at):
            refuse(
                f"Nominations opened on {format_datetime(cycle.nominations_open_at)}: that date can no longer change",
                "nominations_open_at",
            )
        if values.get("blind") is not None and values["blind"] != cycle.blind:
            refuse("Whether judging is blind cannot change once nominations have opened", "blind")
    return refusals


def _to_the_minute(moment):
    """Forms give times to the minute: a stored time with seconds is the same time to them."""
    return moment.replace(second=0, microsecond=0)


def _check(refusals):
    if refusals:
        raise refusals[0]


def create_cycle(actor, **values) -> AwardCycle:
    """A new cycle for a year that has none, its dates in order."""
    _check(cycle_refusals(values))
    return _add(actor, AwardCycle(**values), CYCLE_FIELDS, "awards.cycle_created", summary=values["title"])


def edit_cycle(actor, cycle, **values) -> AwardCycle:
    """Change a cycle's dates and title; once nominations open, neither their opening nor blindness changes."""
    _check(cycle_refusals(values, cycle))
    return _change(actor, cycle, CYCLE_FIELDS, "awards.cycle_edited", values, summary=values.get("title", ""))


def all_cycles():
    return db.session.scalars(sa.select(AwardCycle).order_by(AwardCycle.year.desc())).all()


def categories_open_for_nominations(now=None) -> list[AwardCategory]:
    """The categories people may nominate in now (those with questions), in the order staff set."""
    now = now or utcnow()
    return db.session.scalars(
        sa.select(AwardCategory)
        .join(AwardCategory.cycle)
        .options(contains_eager(AwardCategory.cycle))
        .where(AwardCycle.nominations_open_at <= now, AwardCycle.nominations_close_at > now)
        # A category staff left without questions takes no nominations.
        .where(AwardCategory.criteria.any())
        .order_by(AwardCycle.year, AwardCategory.position, AwardCategory.id)
    ).all()


# --- Categories and criteria ------------------------------------------------------------------------


def _refuse_if_frozen(cycle, now=None):
    if cycle.criteria_frozen(now or utcnow()):
        raise CriteriaFrozen(cycle)


def _check_category(cycle, values, category=None):
    name = (values.get("name") or "").strip()
    if not name:
        raise AwardsError("Enter the category's name", field="name")
    clash = db.session.scalar(
        sa.select(AwardCategory.id).where(AwardCategory.cycle_id == cycle.id, AwardCategory.name == name)
    )
    if clash is not None and (category is None or clash != category.id):
        raise AwardsError(f"{cycle.title} already has a category called {name}: choose another name", field="name")
    if not isinstance(values.get("nominee_kind"), NomineeKind):
        raise AwardsError("Choose who may be nominated", field="nominee_kind")


def add_category(actor, cycle, *, now=None, **values) -> AwardCategory:
    """A category in a cycle whose nominations have not opened yet (at `now`: the demo sets up past cycles)."""
    _refuse_if_frozen(cycle, now)
    _check_category(cycle, values)
    position = max((category.position for category in cycle.categories), default=0) + 1
    category = AwardCategory(cycle=cycle, position=position, **values)
    return _add(actor, category, CATEGORY_FIELDS, "awards.category_added")


def edit_category(actor, category, **values) -> AwardCategory:
    _refuse_if_frozen(category.cycle)
    _check_category(category.cycle, values, category)
    return _change(actor, category, CATEGORY_FIELDS, "awards.category_edited", values)


def remove_category(actor, category):
    _refuse_if_frozen(category.cycle)
    _remove(actor, category, CATEGORY_FIELDS, "awards.category_removed", category.cycle.categories)


def _check_criterion(values):
    if not (values.get("question") or "").strip():
        raise AwardsError("Enter the question nominators answer", field="question")
    word_limit, weight = values.get("word_limit"), values.get("weight")
    if word_limit is None or not 1 <= word_limit <= LONGEST_WORD_LIMIT:
        raise AwardsError(f"Enter a word limit from 1 to {LONGEST_WORD_LIMIT:,}", field="word_limit")
    if weight is None or not 1 <= weight <= HEAVIEST_WEIGHT:
        raise AwardsError(f"Enter a weight from 1 to {HEAVIEST_WEIGHT}", field="weight")


def add_criterion(actor, category, *, now=None, **values) -> AwardCriterion:
    """A criterion (question, word limit, weight) of a category whose cycle's nominations have not opened."""
    _refuse_if_frozen(category.cycle, now)
    _check_criterion(values)
    position = max((criterion.position for criterion in category.criteria), default=0) + 1
    criterion = AwardCriterion(category=category, position=position, **values)
    return _add(actor, criterion, CRITERION_FIELDS, "awards.criterion_added")


def edit_criterion(actor, criterion, **values) -> AwardCriterion:
    _refuse_if_frozen(criterion.category.cycle)
    _check_criterion(values)
    return _change(actor, criterion, CRITERION_FIELDS, "awards.criterion_edited", values)


def remove_criterion(actor, criterion):
    _refuse_if_frozen(criterion.category.cycle)
    _remove(actor, criterion, CRITERION_FIELDS, "awards.criterion_removed", criterion.category.criteria)
