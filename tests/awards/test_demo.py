"""`flask demo seed` gives awards to try: past winners, a blind cycle the demo judge is judging, and a cycle
taking nominations with the demo member's own and some waiting to be screened."""

import sqlalchemy as sa

from nalw import demo
from nalw.awards import conflicts
from nalw.awards.models import AwardCycle, CyclePhase, JudgeAssignment, Nomination, NominationStatus
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.helpers import page_text, sign_in


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


def test_the_demo_judge_is_told_of_one_possible_conflict_only(client):
    seed()
    judge = demo._person("judge@demo.nalw.org.uk")
    categories = db.session.scalars(sa.select(JudgeAssignment.category_id).where(JudgeAssignment.judge_id == judge.id))
    judged = db.session.scalars(sa.select(Nomination).where(Nomination.category_id.in_(categories.all()))).all()

    employers = conflicts.employers_of([judge.id, *(nomination.nominator_id for nomination in judged)])
    suggested = conflicts.suggested_conflicts(judge, conflicts.contacts_of(judged), employers)

    assert len(judged) == 8
    ((nomination_id, reasons),) = suggested.items()
    assert db.session.get(Nomination, nomination_id).category.name == "Rising Star"
    assert reasons == ["The nominator's email address is at demo.nalw.org.uk, as yours is."]
    sign_in(client, judge)
    pages = [
        page_text(client.get(f"/judging?category={category_id}")) for category_id in {n.category_id for n in judged}
    ]
    assert sum(page.count("Possible conflict of interest") for page in pages) == 1


def test_demo_nominees_and_nominators_are_at_varied_example_organisation_domains(app):
    seed()
    member = demo._person("member@demo.nalw.org.uk")
    colleague = demo._person("orgadmin@demo.nalw.org.uk")
    nominations = db.session.scalars(sa.select(Nomination)).all()

    addresses = [
        email
        for nomination in nominations
        for email in (nomination.nominee_email, nomination.nominator.email)
        if email and email not in (member.email, colleague.email)
    ]
    domains = {email.rsplit("@", 1)[1] for email in addresses}

    assert all(domain.endswith((".example.org", ".example.net")) for domain in domains), domains
    assert len(domains) >= 10
    from_colleague = [
        n for n in nominations if n.nominator_id == colleague.id and n.category.cycle.judging_open(utcnow())
    ]
    assert len(from_colleague) == 1
