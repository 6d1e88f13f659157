"""The awards factories make what the services make, in every phase a test needs."""

import pytest

from nalw.awards.models import CyclePhase, NominationStatus
from nalw.core.time import utcnow
from tests.factories import AwardCategoryFactory, AwardCycleFactory, NominationFactory, assign_judge

PHASE_NAMES = {
    "not_open": CyclePhase.NOT_OPEN,
    "nominating": CyclePhase.NOMINATING,
    "judging": CyclePhase.JUDGING,
    "judging_closed": CyclePhase.JUDGING_CLOSED,
    "published": CyclePhase.PUBLISHED,
}


@pytest.mark.parametrize("phase", PHASE_NAMES)
def test_a_cycle_is_made_in_each_phase(app, phase):
    cycle = AwardCycleFactory(phase=phase)

    assert cycle.phase(utcnow()) is PHASE_NAMES[phase]


def test_a_category_has_a_criterion_per_weight(app):
    category = AwardCategoryFactory(weights=(2, 1, 1), phase="judging")

    assert [criterion.weight for criterion in category.criteria] == [2, 1, 1]
    assert category.total_weight == 4
    assert category.cycle.phase(utcnow()) is CyclePhase.JUDGING


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", NominationStatus.DRAFT),
        ("submitted", NominationStatus.SUBMITTED),
        ("eligible", NominationStatus.ELIGIBLE),
        ("ineligible", NominationStatus.INELIGIBLE),
    ],
)
def test_nominations_in_a_judging_cycle_keep_the_cycle_judging(app, status, expected):
    category = AwardCategoryFactory(phase="judging")

    nomination = NominationFactory(category=category, status=status)

    assert nomination.status is expected
    assert len(nomination.answers) == 3
    assert category.cycle.phase(utcnow()) is CyclePhase.JUDGING


def test_a_judge_is_assigned_to_a_category(app):
    category = AwardCategoryFactory()

    assignment = assign_judge(category)

    assert assignment.judge.has_role(assignment.judge.role_grants[0].role)
    assert assignment.category_id == category.id
