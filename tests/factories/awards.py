"""Awards: cycles in each phase, categories with weighted criteria, nominations and judges, made through the
awards services as staff and nominators make them.

Staff set categories up before nominations open, and people nominate while they are open. So that a test
can have, say, eligible nominations in a cycle that is judging now, the factories briefly give the cycle the
dates of the phase the service needs (`dates_of_phase`), act, and put its dates back.
"""

import contextlib
import datetime as dt

import factory

from nalw.awards import cycles, nominations, screening
from nalw.awards.models import AwardCategory, AwardCycle, JudgeAssignment, Nomination, NomineeKind
from nalw.core.permissions import Role
from nalw.core.regions import Region
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.factories.accounts import PersonFactory, staff_member

DAY = dt.timedelta(days=1)
PHASES = ("not_open", "nominating", "judging", "judging_closed", "published")
CYCLE_DATES = ("nominations_open_at", "nominations_close_at", "judging_opens_at", "judging_closes_at")


def dates_of_phase(phase, now=None) -> dict:
    """A cycle's dates such that, at `now`, it is in `phase` (one of PHASES)."""
    now = (now or utcnow()).replace(microsecond=0)
    # How many days before now nominations opened, for each phase.
    opened_days_ago = {"not_open": -7, "nominating": 7, "judging": 40, "judging_closed": 70, "published": 70}[phase]
    opens = now - opened_days_ago * DAY
    dates = {
        "nominations_open_at": opens,
        "nominations_close_at": opens + 28 * DAY,
        "judging_opens_at": opens + 30 * DAY,
        "judging_closes_at": opens + 60 * DAY,
    }
    dates["results_due_on"] = (dates["judging_closes_at"] + 7 * DAY).date()
    return dates


def close_judging(category):
    """The category's cycle with its judging closed now (its dates moved for good, as time passing would)."""
    for name, value in dates_of_phase("judging_closed").items():
        setattr(category.cycle, name, value)
    db.session.flush()


def cycle_values(phase="nominating", **overrides) -> dict:
    """What the staff cycle form sends for a cycle that is in `phase` now."""
    values = {"year": 2026, "title": "Link Worker Day Awards 2026", "blind": False, **dates_of_phase(phase)}
    values.update(overrides)
    return values


@contextlib.contextmanager
def cycle_in_phase(cycle, phase):
    """For the length of the block, the cycle has the dates of `phase`; then its own again."""
    kept = {name: getattr(cycle, name) for name in (*CYCLE_DATES, "published_at")}
    for name, value in dates_of_phase(phase).items():
        if name in CYCLE_DATES:
            setattr(cycle, name, value)
    cycle.published_at = None
    try:
        yield cycle
    finally:
        for name, value in kept.items():
            setattr(cycle, name, value)
        db.session.flush()


class AwardCycleFactory(factory.Factory):
    """A cycle made through the cycle service, in a phase: `AwardCycleFactory(phase="judging", blind=True)`.
    The phases are PHASES; "published" sets `published_at` as publishing the results does."""

    class Meta:
        model = AwardCycle

    year = factory.Sequence(lambda n: 2030 + n % 70)
    title = factory.LazyAttribute(lambda cycle: f"Link Worker Day Awards {cycle.year}")
    phase = "nominating"
    staff = None

    @classmethod
    def _create(cls, model_class, *, phase, staff, **overrides):
        staff = staff or staff_member()
        cycle = cycles.create_cycle(staff, **cycle_values("not_open", **overrides))
        for name, value in dates_of_phase(phase).items():
            setattr(cycle, name, value)
        if phase == "published":
            cycle.published_at = utcnow()
        db.session.flush()
        return cycle

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("A cycle is made through the services: use AwardCycleFactory(), not .build().")


class AwardCategoryFactory(factory.Factory):
    """A category with one criterion per weight, added by staff before nominations opened:
    `AwardCategoryFactory(weights=(2, 1, 1))`, `AwardCategoryFactory(cycle=cycle, self_nomination_allowed=True)`.
    Without a cycle, a new one in `phase` (nominations open by default)."""

    class Meta:
        model = AwardCategory

    cycle = None
    phase = "nominating"
    name = factory.Sequence(lambda n: f"Link Worker of the Year {n}")
    description = "A link worker whose practice stands out."
    nominee_kind = NomineeKind.MEMBER
    self_nomination_allowed = False
    weights = (2, 1, 1)
    word_limit = 200
    staff = None

    @classmethod
    def _create(cls, model_class, *, cycle, phase, weights, word_limit, staff, **values):
        staff = staff or staff_member()
        cycle = cycle or AwardCycleFactory(phase=phase, staff=staff)
        with cycle_in_phase(cycle, "not_open"):
            category = cycles.add_category(staff, cycle, **values)
            for number, weight in enumerate(weights, start=1):
                cycles.add_criterion(
                    staff,
                    category,
                    question=f"Question {number}: what difference?",
                    word_limit=word_limit,
                    weight=weight,
                )
        return category

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("A category is made through the services: use AwardCategoryFactory().")


def answers_for(category, text="They changed how our practice listens to people.") -> dict:
    return {criterion.id: text for criterion in category.criteria}


def nominee_values(**overrides) -> dict:
    """What the nomination form sends about the nominee."""
    values = {
        "nominee_name": "Priya Raman",
        "nominee_organisation": "Northgate Primary Care Network",
        "nominee_region": Region.NORTH_WEST,
        "nominee_email": "",
        "relationship_to_nominee": "Their manager",
    }
    values.update(overrides)
    return values


class NominationFactory(factory.Factory):
    """A nomination made by its nominator through the nominating services, then screened by staff:
    `NominationFactory(status="eligible", category=category)`. Status is one of "draft", "submitted",
    "eligible", "ineligible". Without a category, a new one in a cycle in `phase`."""

    class Meta:
        model = Nomination

    category = None
    phase = "nominating"
    nominator = factory.SubFactory(PersonFactory)
    status = "submitted"
    answers = None
    staff = None

    @classmethod
    def _create(cls, model_class, *, category, phase, nominator, status, answers, staff, **overrides):
        category = category or AwardCategoryFactory(phase=phase)
        cycle = category.cycle
        with cycle_in_phase(cycle, "nominating"):
            nomination = nominations.save_draft(
                nominator,
                category,
                answers=answers if answers is not None else answers_for(category),
                **nominee_values(**overrides),
            )
            if status != "draft":
                nominations.submit(nominator, nomination)
            if status in ("eligible", "ineligible"):
                staff = staff or staff_member()
                if status == "eligible":
                    screening.mark_eligible(staff, nomination)
                else:
                    screening.mark_ineligible(staff, nomination, "The nominee is not a link worker.")
        return nomination

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("A nomination is made through the services: use NominationFactory().")


def judge(**fields):
    """A person with the judge role and two-factor sign-in on, as judges must have to act."""
    return PersonFactory(roles=[Role.JUDGE], two_factor=True, **fields)


def assign_judge(category, person=None) -> JudgeAssignment:
    """A judge assigned to `category` (a new judge unless given)."""
    assignment = JudgeAssignment(category=category, judge=person or judge())
    db.session.add(assignment)
    db.session.flush()
    return assignment


# Text whose words are easy to miscount, with the count both the server and the browser must give.
TRICKY_WORD_COUNTS = (
    ("", 0),
    ("   \n\t  ", 0),
    ("one", 1),
    ("well-being don't 5,000 people", 4),
    ("line one\nline two\r\nline three", 6),
    ("a\u00a0no-break\u2003em space\u3000ideographic", 5),
    ("dash — alone • bullet - and / slash", 5),
    ("this—that and/or", 2),
    ("café naïve Zoë", 3),
    ("e\u0301cole", 1),
    ("👍 🎉 great 👍", 1),
    ("Résumé 2026 №5 ½", 4),
    ("tab\tseparated\u2028line\u2029para", 4),
    ("zero\u200bwidth joiner", 2),
    ("...!!! ??? (hello)", 1),
)
