"""Judging: judges assigned, declarations made and scores given through the judging services, as staff and
judges do. Scoring needs judging open: a cycle in another phase has the judging dates for the moment it takes."""

import io

from werkzeug.datastructures import FileStorage

from nalw.awards import judging, nominations, screening
from nalw.core.time import utcnow
from tests.factories.accounts import PersonFactory, staff_member
from tests.factories.awards import NominationFactory, cycle_in_phase, judge

COMMENT = "Clear evidence of the difference made."


def judge_of(category, person=None, staff=None):
    """A judge (a new one unless given) assigned to `category` by staff, through the service."""
    person = person or judge()
    judging.assign_judge(staff or staff_member(), category, person)
    return person


def _while_judging(cycle, act):
    if cycle.judging_open(utcnow()):
        return act()
    with cycle_in_phase(cycle, "judging"):
        return act()


def declared(person, nomination, conflicted=False, note=""):
    """The judge's declaration on the nomination: none by default, or a conflict with its note."""
    note = note or ("I manage the nominee." if conflicted else "")
    return _while_judging(
        nomination.category.cycle,
        lambda: judging.declare(person, nomination, conflicted=conflicted, note=note, now=utcnow()),
    )


def scored(person, nomination, *scores, comment=COMMENT):
    """The judge declares no conflict (if they have not declared) and scores each criterion: one score for all
    criteria, or one per criterion in order."""
    criteria = nomination.category.criteria
    values = scores * len(criteria) if len(scores) == 1 else scores
    assert len(values) == len(criteria), "give one score, or one per criterion"

    def act():
        if judging.declaration_of(person, nomination.id) is None:
            judging.declare(person, nomination, conflicted=False, note="", now=utcnow())
        entries = {criterion.id: (value, comment) for criterion, value in zip(criteria, values, strict=True)}
        judging.save_scores(person, nomination, entries, utcnow())

    _while_judging(nomination.category.cycle, act)


def eligible_with_evidence(category, files, nominator=None, **nominee):
    """An eligible nomination with evidence files, each `(file name, bytes)`, uploaded by its nominator while a
    draft, then submitted and screened as eligible."""
    nomination = NominationFactory(category=category, status="draft", nominator=nominator or PersonFactory(), **nominee)
    with cycle_in_phase(category.cycle, "nominating"):
        for name, content in files:
            nominations.add_evidence(nomination.nominator, nomination, FileStorage(io.BytesIO(content), filename=name))
        nominations.submit(nomination.nominator, nomination)
        screening.mark_eligible(staff_member(), nomination)
    return nomination
