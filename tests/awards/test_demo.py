"""`flask demo seed` gives awards to try: past winners, a blind cycle the demo judge is judging, and a cycle
taking nominations with the demo member's own and some waiting to be screened."""

import sqlalchemy as sa

from nalw import demo
from nalw.awards.models import AwardCycle, CyclePhase, JudgeAssignment, Nomination, NominationStatus
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.helpers import page_text


def seed():
    demo.seed_demo_memberships(demo.seed_demo_people())
    demo._seed_demo_awards()
    db.session.flush()


def test_demo_awards_have_a_cycle_in_each_phase_a_visitor_needs_once(client):
    seed()
    seed()

    cycles = db.session.scalars(sa.select(AwardCycle).order_by(AwardCycle.year)).all()
    now = utcnow()
    assert [cycle.phase(now) for cycle in cycles] == [CyclePhase.PUBLISHED, CyclePhase.JUDGING, CyclePhase.NOMINATING]
    assert cycles[1].blind
    assert all(len(cycle.categories) == 6 for cycle in cycles)
    page = page_text(client.get("/awards"))
    assert "Nominate for Link Worker of the Year" in page and "Winner" in page and "Highly Commended" in page


def test_the_demo_judge_has_eligible_nominations_to_judge(app):
    seed()
    judge = demo._person("judge@demo.nalw.org.uk")

    assignments = db.session.scalars(sa.select(JudgeAssignment).where(JudgeAssignment.judge_id == judge.id)).all()

    assert sorted(assignment.category.name for assignment in assignments) == ["Link Worker of the Year", "Rising Star"]
    for assignment in assignments:
        statuses = db.session.scalars(
            sa.select(Nomination.status).where(Nomination.category_id == assignment.category_id)
        ).all()
        assert statuses == [NominationStatus.ELIGIBLE] * 4


def test_the_demo_member_has_a_draft_and_a_submitted_nomination_and_staff_have_some_to_screen(app):
    seed()
    member = demo._person("member@demo.nalw.org.uk")
    taking = db.session.scalar(sa.select(AwardCycle).order_by(AwardCycle.year.desc()))

    own = db.session.scalars(sa.select(Nomination.status).where(Nomination.nominator_id == member.id)).all()
    waiting = db.session.scalars(
        sa.select(Nomination).where(
            Nomination.status == NominationStatus.SUBMITTED, Nomination.category.has(cycle_id=taking.id)
        )
    ).all()

    assert sorted(status.value for status in own) == ["draft", "submitted"]
    assert len(waiting) >= 4
    assert any(nomination.nominee_email == member.email for nomination in waiting)
