"""Staff set up a cycle with its dates in order, and its categories and weighted criteria, which are fixed
once nominations open; the default categories are seeded with their criteria."""

import datetime as dt

import pytest
import sqlalchemy as sa

from nalw.awards import cycles, defaults
from nalw.awards.errors import AwardsError, CriteriaFrozen
from nalw.awards.models import AwardCategory, AwardCycle, NomineeKind
from nalw.core.audit import AuditEntry
from nalw.extensions import db
from tests.factories import AwardCategoryFactory, AwardCycleFactory, staff_member
from tests.factories.awards import cycle_values
from tests.helpers import page_text, sign_in
from tests.members.steps import errors_on_field


def cycle_form(**overrides):
    data = {
        "year": "2031",
        "title": "Link Worker Day Awards 2031",
        "nominations_open_at": "2031-02-01T09:00",
        "nominations_close_at": "2031-03-31T17:00",
        "judging_opens_at": "2031-04-07T09:00",
        "judging_closes_at": "2031-04-30T17:00",
        "results_due_on": "2031-07-10",
        "blind": "y",
    }
    data.update(overrides)
    return data


def test_staff_add_a_cycle_in_uk_time_and_it_is_audited(client):
    staff = staff_member()
    sign_in(client, staff)

    response = client.post("/admin/awards/cycles/new", data=cycle_form())

    cycle = db.session.scalar(sa.select(AwardCycle))
    assert response.status_code == 302 and response.location.endswith(f"/admin/awards/cycles/{cycle.id}")
    assert cycle.nominations_close_at == dt.datetime(2031, 3, 31, 16, 0, tzinfo=dt.UTC)  # 17:00 BST
    assert cycle.nominations_open_at == dt.datetime(2031, 2, 1, 9, 0, tzinfo=dt.UTC)  # 09:00 GMT
    assert cycle.blind and cycle.min_scores_to_standardise == 5 and cycle.published_at is None
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.actor_id == staff.id)) == (
        "awards.cycle_created"
    )


def test_dates_out_of_order_are_each_refused_at_their_field_and_nothing_is_saved(client):
    sign_in(client, staff_member())

    response = client.post(
        "/admin/awards/cycles/new",
        data=cycle_form(
            nominations_close_at="2031-01-01T09:00",
            judging_closes_at="2031-04-01T09:00",
            results_due_on="2031-03-01",
        ),
    )

    assert errors_on_field(response, "nominations_close_at") == ["Nominations must close after they open"]
    assert errors_on_field(response, "judging_closes_at") == ["Judging must close after it opens"]
    assert errors_on_field(response, "results_due_on") == ["Results are due no earlier than judging closes"]
    assert db.session.scalar(sa.select(sa.func.count(AwardCycle.id))) == 0


def test_judging_cannot_open_before_nominations_close(app):
    with pytest.raises(AwardsError) as refused:
        cycles.create_cycle(
            staff_member(),
            **cycle_values("not_open", judging_opens_at=cycle_values("not_open")["nominations_open_at"]),
        )

    assert refused.value.field == "judging_opens_at"


def test_a_year_has_one_cycle_and_a_year_must_be_sensible(client):
    AwardCycleFactory(year=2031)
    sign_in(client, staff_member())

    taken = client.post("/admin/awards/cycles/new", data=cycle_form(year="2031"))
    silly = client.post("/admin/awards/cycles/new", data=cycle_form(year="31"))
    blank = client.post("/admin/awards/cycles/new", data=cycle_form(year="", nominations_open_at="soon"))

    assert errors_on_field(taken, "year") == ["There is already a 2031 cycle: edit that one, or choose another year"]
    assert errors_on_field(silly, "year") == ["Enter the year of the awards, from 2000 to 2100"]
    assert errors_on_field(blank, "nominations_open_at") == ["Enter when nominations open, like 01/02/2027 09:00"]
    assert db.session.scalar(sa.select(sa.func.count(AwardCycle.id))) == 1


def test_once_nominations_open_their_opening_and_blindness_stay_as_they_were(app):
    cycle = AwardCycleFactory(phase="nominating", blind=False)
    values = {name: getattr(cycle, name) for name in cycles.CYCLE_FIELDS}

    refusals = cycles.cycle_refusals(
        {**values, "blind": True, "nominations_open_at": cycle.nominations_open_at - dt.timedelta(days=1)}, cycle
    )

    assert sorted(refusal.field for refusal in refusals) == ["blind", "nominations_open_at"]
    # The close may still move (a later close gives nominators more time).
    later = cycles.edit_cycle(
        staff_member(), cycle, **{**values, "nominations_close_at": cycle.nominations_close_at + dt.timedelta(days=1)}
    )
    assert later.nominations_close_at == values["nominations_close_at"] + dt.timedelta(days=1)


def test_a_category_gets_criteria_with_word_limits_and_weights_before_nominations_open(app):
    staff = staff_member()
    cycle = AwardCycleFactory(phase="not_open")

    category = cycles.add_category(
        staff, cycle, name="Rising Star", description="", nominee_kind=NomineeKind.MEMBER, self_nomination_allowed=True
    )
    cycles.add_criterion(staff, category, question="What difference?", word_limit=300, weight=2)
    cycles.add_criterion(staff, category, question="How have they grown?", word_limit=200, weight=1)

    assert [(criterion.weight, criterion.position) for criterion in category.criteria] == [(2, 1), (1, 2)]
    assert category.total_weight == 3


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"question": " ", "word_limit": 100, "weight": 1}, "question"),
        ({"question": "Why?", "word_limit": 0, "weight": 1}, "word_limit"),
        ({"question": "Why?", "word_limit": 5000, "weight": 1}, "word_limit"),
        ({"question": "Why?", "word_limit": 100, "weight": 0}, "weight"),
        ({"question": "Why?", "word_limit": 100, "weight": -2}, "weight"),
        ({"question": "Why?", "word_limit": 100, "weight": 11}, "weight"),
    ],
)
def test_a_criterion_needs_a_question_a_word_limit_and_a_positive_weight(app, values, field):
    category = AwardCategoryFactory(phase="not_open", weights=())

    with pytest.raises(AwardsError) as refused:
        cycles.add_criterion(staff_member(), category, **values)

    assert refused.value.field == field


def test_two_categories_of_a_cycle_cannot_share_a_name(app):
    category = AwardCategoryFactory(phase="not_open", name="Rising Star")

    with pytest.raises(AwardsError) as refused:
        cycles.add_category(
            staff_member(), category.cycle, name="Rising Star", description="", nominee_kind=NomineeKind.TEAM
        )

    assert refused.value.field == "name"


@pytest.mark.parametrize("phase", ["nominating", "judging", "published"])
def test_categories_and_criteria_are_fixed_once_nominations_open(app, phase):
    category = AwardCategoryFactory(phase=phase, weights=(2, 1))
    staff = staff_member()
    criterion = category.criteria[0]

    attempts = [
        lambda: cycles.add_category(staff, category.cycle, name="New", nominee_kind=NomineeKind.TEAM),
        lambda: cycles.edit_category(staff, category, name="Renamed", nominee_kind=NomineeKind.TEAM),
        lambda: cycles.remove_category(staff, category),
        lambda: cycles.add_criterion(staff, category, question="More?", word_limit=100, weight=1),
        lambda: cycles.edit_criterion(staff, criterion, question="Changed", word_limit=100, weight=5),
        lambda: cycles.remove_criterion(staff, criterion),
        lambda: defaults.seed_default_categories(staff, category.cycle),
    ]
    for attempt in attempts:
        with pytest.raises(CriteriaFrozen):
            attempt()

    assert criterion.weight == 2 and len(category.criteria) == 2 and category.name != "Renamed"


def test_the_staff_page_says_why_a_weight_can_no_longer_change(client):
    category = AwardCategoryFactory(phase="nominating", weights=(2,))
    criterion = category.criteria[0]
    sign_in(client, staff_member())

    page = page_text(client.get(f"/admin/awards/cycles/{category.cycle_id}"))
    response = client.post(
        f"/admin/awards/criteria/{criterion.id}/edit", data={"question": "Changed", "word_limit": "100", "weight": "5"}
    )

    assert "the categories and criteria are fixed: changing a weight now would change scores already given" in page
    assert "have opened, so its categories and criteria can no longer change" in page_text(response)
    assert criterion.weight == 2


def test_staff_add_and_edit_a_criterion_on_its_form(client):
    category = AwardCategoryFactory(phase="not_open", weights=())
    sign_in(client, staff_member())

    bad = client.post(
        f"/admin/awards/categories/{category.id}/criteria/new", data={"question": "", "word_limit": "x", "weight": "0"}
    )
    good = client.post(
        f"/admin/awards/categories/{category.id}/criteria/new",
        data={"question": "What difference?", "word_limit": "250", "weight": "2"},
    )

    assert errors_on_field(bad, "question") == ["Enter the question nominators answer"]
    assert errors_on_field(bad, "word_limit") == ["Enter a word limit from 1 to 2,000"]
    assert errors_on_field(bad, "weight") == ["Enter a weight from 1 to 10"]
    assert good.status_code == 302
    assert [(criterion.question, criterion.word_limit, criterion.weight) for criterion in category.criteria] == [
        ("What difference?", 250, 2)
    ]


def test_the_default_categories_are_the_specs_with_weighted_criteria_and_seeding_twice_adds_nothing(client):
    cycle = AwardCycleFactory(phase="not_open")
    sign_in(client, staff_member())

    client.post(f"/admin/awards/cycles/{cycle.id}/default-categories")
    client.post(f"/admin/awards/cycles/{cycle.id}/default-categories")

    names = db.session.scalars(
        sa.select(AwardCategory.name).where(AwardCategory.cycle_id == cycle.id).order_by(AwardCategory.position)
    ).all()
    assert names == [
        "Link Worker of the Year",
        "Link Worker Manager of the Year",
        "Community Group of the Year",
        "Social Prescribing Team of the Year",
        "Reducing Health Inequalities Award",
        "Rising Star",
    ]
    for category in cycle.categories:
        assert len(category.criteria) >= 3
        assert all(criterion.weight >= 1 and criterion.word_limit >= 100 for criterion in category.criteria)


def test_the_default_categories_say_who_may_be_nominated_and_weigh_the_difference_made_double(app):
    cycle = AwardCycleFactory(phase="not_open")

    defaults.seed_default_categories(staff_member(), cycle)

    by_name = {category.name: category for category in cycle.categories}
    community_group = by_name["Community Group of the Year"]
    assert (community_group.nominee_kind, community_group.self_nomination_allowed) == (
        NomineeKind.COMMUNITY_GROUP,
        True,
    )
    rising_star = by_name["Rising Star"]
    assert (rising_star.nominee_kind, rising_star.self_nomination_allowed) == (NomineeKind.MEMBER, False)
    assert [(criterion.word_limit, criterion.weight) for criterion in rising_star.criteria] == [
        (300, 2),
        (250, 1),
        (150, 1),
    ]
    assert rising_star.criteria[0].question == (
        "What difference has the nominee made to the people they support? Give examples."
    )


def test_an_opening_stored_with_seconds_is_the_same_opening_as_the_form_gives_to_the_minute(app):
    cycle = AwardCycleFactory(phase="nominating")
    cycle.nominations_open_at = cycle.nominations_open_at.replace(second=35, microsecond=524070)
    values = {name: getattr(cycle, name) for name in cycles.CYCLE_FIELDS}
    as_the_form_sends_it = cycle.nominations_open_at.replace(second=0, microsecond=0)
    later = cycle.judging_closes_at + dt.timedelta(days=2)

    cycles.edit_cycle(
        staff_member(), cycle, **{**values, "nominations_open_at": as_the_form_sends_it, "judging_closes_at": later}
    )

    assert cycle.judging_closes_at == later


def test_staff_edit_a_cycle_on_a_form_showing_its_dates_in_uk_time(client):
    cycle = AwardCycleFactory(phase="not_open", year=2032)
    sign_in(client, staff_member())

    form_page = client.get(f"/admin/awards/cycles/{cycle.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/admin/awards/cycles/{cycle.id}/edit", data=cycle_form(year="2032", title="Renamed Awards")
    )

    assert 'value="2032"' in form_page
    assert response.status_code == 302
    assert cycle.title == "Renamed Awards" and cycle.judging_opens_at == dt.datetime(2031, 4, 7, 8, 0, tzinfo=dt.UTC)


def test_staff_add_a_category_and_a_missing_choice_is_named(client):
    cycle = AwardCycleFactory(phase="not_open")
    sign_in(client, staff_member())

    bad = client.post(f"/admin/awards/cycles/{cycle.id}/categories/new", data={"name": "", "nominee_kind": "robot"})
    good = client.post(
        f"/admin/awards/cycles/{cycle.id}/categories/new",
        data={"name": "Rising Star", "description": "New link workers.", "nominee_kind": "member"},
    )

    assert errors_on_field(bad, "name") == ["Enter the category's name, like Rising Star"]
    assert errors_on_field(bad, "nominee_kind") == [
        "Choose who may be nominated: a member, a team or a community group"
    ]
    assert good.status_code == 302
    [category] = cycle.categories
    assert (category.name, category.nominee_kind, category.self_nomination_allowed) == (
        "Rising Star",
        NomineeKind.MEMBER,
        False,
    )


def test_staff_remove_a_criterion_and_a_category_before_nominations_open_and_it_is_audited(client):
    staff = staff_member()
    category = AwardCategoryFactory(phase="not_open", weights=(2, 1))
    cycle = category.cycle
    sign_in(client, staff)

    client.post(f"/admin/awards/criteria/{category.criteria[0].id}/delete")
    assert [criterion.weight for criterion in category.criteria] == [1]
    client.post(f"/admin/awards/categories/{category.id}/delete")

    assert cycle.categories == []
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.actor_id == staff.id)).all()
    assert sorted(actions) == ["awards.category_removed", "awards.criterion_removed"]
