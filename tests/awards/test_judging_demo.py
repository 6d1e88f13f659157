"""`flask demo seed` leaves the demo judge something to declare and score, and staff results to read."""

import sqlalchemy as sa

from nalw import demo
from nalw.awards import judging
from nalw.awards.models import AwardCategory, AwardCycle, Score
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.helpers import page_text, sign_in


def seed():
    demo.seed_demo_memberships(demo.seed_demo_people())
    demo._seed_demo_awards()
    db.session.flush()


def judged_category(name):
    cycle = next(c for c in db.session.scalars(sa.select(AwardCycle)) if c.judging_open(utcnow()))
    return db.session.scalar(
        sa.select(AwardCategory).where(AwardCategory.cycle_id == cycle.id, AwardCategory.name == name)
    )


def test_the_demo_judge_declares_and_scores_and_staff_read_the_results(client):
    seed()
    scores_seeded = db.session.scalar(sa.select(sa.func.count(Score.id)))
    seed()
    assert db.session.scalar(sa.select(sa.func.count(Score.id))) == scores_seeded > 0
    judge = demo._person("judge@demo.nalw.org.uk")
    category = judged_category("Rising Star")
    sign_in(client, judge)

    listing = page_text(client.get("/judging"))
    assert "Rising Star" in listing and "0 of 4" in listing
    nomination = judging.eligible_in_category(category)[0]
    client.post(f"/judging/nominations/{nomination.id}/declare", data={"declaration": "none"})
    form = {f"score_{c.id}": "8" for c in category.criteria} | {f"comment_{c.id}": "Fine." for c in category.criteria}
    assert client.post(f"/judging/nominations/{nomination.id}", data=form).status_code == 302
    assert len(judging.scores_of(judge, nomination.id)) == len(category.criteria)

    sign_in(client, demo._person("staff@demo.nalw.org.uk"))
    results = page_text(client.get(f"/admin/awards/cycles/{category.cycle_id}/results/{category.id}"))
    assert "Kai Okoro" in results and "Lena Marsh" in results and "Jamie Judge" in results
    assert "Raw scores used for" in results
    export = client.get(f"/admin/awards/cycles/{category.cycle_id}/results.csv").get_data(as_text=True)
    assert "Yes: I supervised the nominee." in export
