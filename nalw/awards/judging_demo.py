"""Judging demo data for `make run`: two more judges have declared and scored this year's judged categories,
so staff see results with figures, a raw-score note and a conflict of interest, while the demo judge's own
sheets are left for whoever signs in as them. Made through the judging services; idempotent."""

import sqlalchemy as sa

from nalw.accounts import services as account_services
from nalw.awards import judging
from nalw.awards.demo import demo_person
from nalw.awards.models import AwardCycle, JudgeAssignment, Score
from nalw.core.permissions import Role
from nalw.core.time import utcnow
from nalw.extensions import db

# Judges who only appear in the results: they have no sign-in (a random password nobody knows).
OTHER_JUDGES = [
    ("Kai Okoro", "kai.okoro@judges.demo.nalw.org.uk"),
    ("Lena Marsh", "lena.marsh@judges.demo.nalw.org.uk"),
]
COMMENTS = ["Clear difference to people's lives.", "Good, though the evidence is thin.", "Outstanding and sustained."]


def _other_judge(name, email):
    person = demo_person(name, email)
    if not person.was_granted(Role.JUDGE):
        account_services.grant_role(None, person, Role.JUDGE)
    return person


def seed_demo_judging(staff, judge):
    """In the cycle being judged now, the other judges join the demo judge's categories and score them: Kai
    scores everything, lenient; Lena is harsher and declares a conflict on one nomination."""
    now = utcnow()
    cycle = next(
        (c for c in db.session.scalars(sa.select(AwardCycle).order_by(AwardCycle.year)) if c.judging_open(now)), None
    )
    if cycle is None or db.session.scalar(sa.select(sa.func.count(Score.id))):
        return
    categories = db.session.scalars(
        sa.select(JudgeAssignment.category_id).where(JudgeAssignment.judge_id == judge.id)
    ).all()
    others = [_other_judge(name, email) for name, email in OTHER_JUDGES]
    for category in (c for c in cycle.categories if c.id in categories):
        for leniency, person in zip((2, 0), others, strict=True):
            judging.assign_judge(staff, category, person)
            for number, nomination in enumerate(judging.eligible_in_category(category)):
                if person is others[1] and number == 0:
                    judging.declare(person, nomination, conflicted=True, note="I supervised the nominee.", now=now)
                    continue
                judging.declare(person, nomination, conflicted=False, note="", now=now)
                entries = {
                    criterion.id: (min(10, 3 + leniency + (number * 2 + position) % 6), COMMENTS[number % 3])
                    for position, criterion in enumerate(category.criteria)
                }
                judging.save_scores(person, nomination, entries, now)
