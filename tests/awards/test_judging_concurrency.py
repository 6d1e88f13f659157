"""Publishing pressed twice at once, and a judge's score sheet sent twice at once, with real transactions in
threads on PostgreSQL: each email goes once, each score is one row."""

import pytest
import sqlalchemy as sa

from nalw.accounts.models import Person
from nalw.awards import judging, publishing
from nalw.awards.models import AwardCycle, AwardOutcome, Nomination, Score
from nalw.core.outbox import OutboxMessage
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.factories import AwardCategoryFactory, NominationFactory, declared, judge_of, staff_member
from tests.factories.awards import dates_of_phase
from tests.helpers import all_threads_meet_at, in_threads

pytestmark = pytest.mark.postgres_only

PRESSES = 4


def test_publishing_pressed_at_once_sends_each_email_once(committing_app):
    category = AwardCategoryFactory(phase="judging")
    made = [
        NominationFactory(category=category, status="eligible", nominee_email=f"nominee{number}@example.org")
        for number in range(3)
    ]
    for name, value in dates_of_phase("judging_closed").items():
        setattr(category.cycle, name, value)
    staff_ids = [staff_member().id for _ in range(PRESSES)]
    publishing.choose_outcome(db.session.get(Person, staff_ids[0]), made[0], AwardOutcome.WINNER, utcnow())
    cycle_id = category.cycle_id
    db.session.commit()

    def publish(staff_id):
        try:
            queued = publishing.publish_results(
                db.session.get(Person, staff_id), db.session.get(AwardCycle, cycle_id), utcnow()
            )
        except judging.JudgingError:
            db.session.rollback()
            return 0
        db.session.commit()
        return queued

    with all_threads_meet_at("result_emailed_at IS NULL", PRESSES):
        queued = in_threads(committing_app, publish, staff_ids)

    assert sorted(queued) == [0] * (PRESSES - 1) + [6]
    result_emails = sa.select(sa.func.count()).where(OutboxMessage.template.like("awards/result%"))
    assert db.session.scalar(result_emails) == 6


def test_a_score_sheet_sent_twice_at_once_keeps_one_score_per_criterion(committing_app):
    category = AwardCategoryFactory(phase="judging", weights=(2, 1, 1))
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    declared(person, nomination)
    entries = {criterion.id: (7, "Clear.") for criterion in category.criteria}
    ids = (person.id, nomination.id)
    db.session.commit()

    def save(_press):
        judge, sent = db.session.get(Person, ids[0]), db.session.get(Nomination, ids[1])
        judging.save_scores(judge, sent, entries, utcnow())
        db.session.commit()
        return "saved"

    with all_threads_meet_at("FOR UPDATE", 2):
        outcomes = in_threads(committing_app, save, [1, 2])

    assert outcomes == ["saved", "saved"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) == 3
