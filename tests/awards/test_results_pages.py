"""Results as staff read them, their choice of winners, publishing once, the public page and the export."""

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from nalw.awards import judging, publishing
from nalw.awards.judging import JudgingError
from nalw.awards.models import AwardOutcome, Score
from nalw.core.audit import AuditEntry
from nalw.core.outbox import OutboxMessage
from nalw.core.time import utcnow
from nalw.extensions import db
from tests.factories import (
    AwardCategoryFactory,
    NominationFactory,
    PersonFactory,
    cycle_in_phase,
    declared,
    judge,
    judge_of,
    scored,
    staff_member,
)
from tests.factories.awards import close_judging
from tests.helpers import emails_to, page_text, sign_in


@pytest.fixture
def category(app):
    return AwardCategoryFactory(phase="judging", weights=(2, 1, 1), name="Rising Star")


@pytest.fixture
def staff_client(client):
    sign_in(client, staff_member())
    return client


def results_url(category):
    return f"/admin/awards/cycles/{category.cycle_id}/results/{category.id}"


def test_the_results_page_shows_each_figure_by_hand_with_the_raw_score_note(staff_client, category):
    nomination = NominationFactory(category=category, status="eligible", nominee_name="Amara Okafor")
    ana, ben, cal = judge(name="Ana Judge"), judge(name="Ben Judge"), judge(name="Cal Judge")
    for person in (ana, ben, cal):
        judge_of(category, person)
    scored(ana, nomination, 8, 6, 4)  # (16 + 6 + 4) / 4 = 6.50
    scored(ben, nomination, 10, 5, 7)  # (20 + 5 + 7) / 4 = 8.00
    scored(cal, nomination, 3, 9, 9)  # (6 + 9 + 9) / 4 = 6.00

    page = page_text(staff_client.get(results_url(category)))

    assert f"1 {nomination.id}: Amara Okafor" in page
    assert "Ana Judge 6.50 (raw); Ben Judge 8.00 (raw); Cal Judge 6.00 (raw) 3 6.83 2.00 6.83" in page
    assert (
        "Raw scores used for Ana Judge because they scored 1 nomination in this category; "
        "standardising needs at least 5." in page
    )
    assert "Ranked by standardised mean, highest first" in page


def test_a_remaining_tie_is_shown_as_a_tie(staff_client, category):
    first, second = (NominationFactory(category=category, status="eligible") for _ in range(2))
    person = judge_of(category)
    scored(person, first, 7)
    scored(person, second, 7)

    page = page_text(staff_client.get(results_url(category)))

    assert f"1 (tied) {first.id}:" in page and f"1 (tied) {second.id}:" in page


def test_a_constant_judge_is_used_raw_and_the_page_says_why(staff_client, category):
    nominations = [NominationFactory(category=category, status="eligible") for _ in range(5)]
    person = judge_of(category, judge(name="Flat Judge"))
    for nomination in nominations:
        scored(person, nomination, 6)

    page = page_text(staff_client.get(results_url(category)))

    assert "Raw scores used for Flat Judge because they gave every nomination the same score (6.00)" in page
    assert "nan" not in page.lower()


def test_a_recused_judges_scores_leave_the_results_and_export_but_stay_on_record(staff_client, category):
    nomination = NominationFactory(category=category, status="eligible")
    kept, recused = judge_of(category, judge(name="Kept Judge")), judge_of(category, judge(name="Gone Judge"))
    scored(kept, nomination, 5)
    scored(recused, nomination, 10, comment="Recused judge's comment.")
    judging.recuse(staff_member(), nomination, recused, "Works with the nominee.")

    page = page_text(staff_client.get(results_url(category)))
    export = staff_client.get(f"/admin/awards/cycles/{category.cycle_id}/results.csv").get_data(as_text=True)
    record = page_text(staff_client.get(f"/admin/awards/nominations/{nomination.id}/judging"))

    assert "Kept Judge 5.00 (raw) 1 5.00" in page and "Gone Judge" not in page
    assert "Gone Judge" not in export and "Recused judge's comment." not in export
    assert "Recused" in record and "Works with the nominee." in record and "Recused judge's comment." in record
    assert db.session.scalar(sa.select(sa.func.count()).where(Score.judge_id == recused.id)) == 3


def test_staff_recuse_from_the_nomination_page(staff_client, category):
    nomination = NominationFactory(category=category, status="eligible", nominee_email="amy@riverside.org.uk")
    person = judge_of(category, judge(name="Jo Judge", email="jo@riverside.org.uk"))

    page = page_text(staff_client.get(f"/admin/awards/nominations/{nomination.id}/judging"))
    assert "Possible conflict suggested: The nominee's email address is at riverside.org.uk" in page
    refused = staff_client.post(
        f"/admin/awards/nominations/{nomination.id}/judging", data={"judge": person.id, "reason": ""}
    )
    assert "Give the reason for recusing the judge, for the record" in page_text(refused)
    staff_client.post(
        f"/admin/awards/nominations/{nomination.id}/judging", data={"judge": person.id, "reason": "Same employer."}
    )

    assert judging.is_recused(person, nomination.id)


def test_the_export_has_a_row_per_judge_nomination_and_criterion_with_flags_and_conflicts(staff_client, category):
    winner = NominationFactory(category=category, status="eligible", nominee_name="Winning Person")
    other = NominationFactory(category=category, status="eligible", nominee_name="Other Person")
    scorer, conflicted = judge_of(category, judge(name="Sam Scorer")), judge_of(category, judge(name="Cora Conflict"))
    scored(scorer, winner, 9)
    scored(scorer, other, 4)
    declared(conflicted, winner, conflicted=True, note="My colleague.")
    close_judging(category)
    publishing.choose_outcome(staff_member(), winner, AwardOutcome.WINNER, utcnow())

    response = staff_client.get(f"/admin/awards/cycles/{category.cycle_id}/results.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))

    assert len(rows) == 3 + 3 + 1
    first = rows[0]
    assert (first["Nominee"], first["Judge"], first["Criterion"], first["Weight"], first["Score"]) == (
        "Winning Person",
        "Sam Scorer",
        "1",
        "2",
        "9",
    )
    assert (first["Rank"], first["Winner"], first["Highly Commended"], first["Mean"]) == ("1", "Yes", "No", "9.00")
    assert rows[3]["Rank"] == "2" and rows[3]["Winner"] == "No"
    assert rows[-1]["Judge"] == "Cora Conflict" and rows[-1]["Conflict of interest declared"] == "Yes: My colleague."


# --- Outcomes and publishing ----------------------------------------------------------------------------


def test_outcomes_wait_for_judging_to_close_and_a_category_has_one_winner_audited(staff_client, category):
    first, second = (NominationFactory(category=category, status="eligible") for _ in range(2))
    with pytest.raises(JudgingError, match="once judging has closed"):
        publishing.choose_outcome(staff_member(), first, AwardOutcome.WINNER, utcnow())
    close_judging(category)

    staff_client.post(f"/admin/awards/nominations/{first.id}/outcome", data={"outcome": "winner"})
    refused = staff_client.post(
        f"/admin/awards/nominations/{second.id}/outcome", data={"outcome": "winner"}, follow_redirects=True
    )
    staff_client.post(f"/admin/awards/nominations/{second.id}/outcome", data={"outcome": "highly_commended"})

    assert f"Nomination {first.id}" in page_text(refused) and "is already the winner" in page_text(refused)
    assert (first.outcome, second.outcome) == (AwardOutcome.WINNER, AwardOutcome.HIGHLY_COMMENDED)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "awards.outcome_chosen"))
    assert len(actions.all()) == 2


def test_the_choice_of_outcome_is_not_offered_while_judging_is_reopened(staff_client, category):
    nomination = NominationFactory(category=category, status="eligible")
    close_judging(category)
    offered = staff_client.get(results_url(category)).get_data(as_text=True)
    category.cycle.judging_reopened_until = utcnow() + dt.timedelta(days=2)
    db.session.flush()

    reopened = staff_client.get(results_url(category))

    assert f'id="outcome-{nomination.id}"' in offered
    assert f'id="outcome-{nomination.id}"' not in reopened.get_data(as_text=True)
    assert "chosen here once judging has closed" in page_text(reopened)
    with pytest.raises(JudgingError, match="once judging has closed"):
        publishing.choose_outcome(staff_member(), nomination, AwardOutcome.WINNER, utcnow())


def test_results_are_hidden_until_published_and_publishing_twice_emails_each_person_once(client, category):
    nominator = PersonFactory(email="nominator@example.org")
    winner = NominationFactory(
        category=category,
        status="eligible",
        nominator=nominator,
        nominee_name="Winning Person",
        nominee_email="winner@example.org",
    )
    NominationFactory(category=category, status="eligible", nominee_name="No Email Person", nominee_email="")
    year = category.cycle.year
    close_judging(category)
    staff = staff_member()
    publishing.choose_outcome(staff, winner, AwardOutcome.WINNER, utcnow())

    assert client.get(f"/awards/{year}/results").status_code == 404
    sign_in(client, staff)
    client.post(f"/admin/awards/cycles/{category.cycle_id}/results/publish")
    again = client.post(f"/admin/awards/cycles/{category.cycle_id}/results/publish", follow_redirects=True)

    assert "Nobody was emailed again" in page_text(again)
    (to_nominator,) = result_emails("nominator@example.org")
    (to_nominee,) = result_emails("winner@example.org")
    assert "Winning Person is the winner of Rising Star" in to_nominator.body_text
    assert "You are the winner of Rising Star" in to_nominee.body_text
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.template.like("awards/result%"))
        )
        == 3
    )  # 2 nominators and 1 nominee with an email
    public = page_text(client.get(f"/awards/{year}/results"))
    assert "Rising Star Winner: Winning Person, Northgate Primary Care Network (North West)" in public
    assert "No Email Person" not in public


def result_emails(address):
    return [message for message in emails_to(address) if message.template.startswith("awards/result")]


def test_publishing_is_refused_while_judging_is_open(category):
    with pytest.raises(JudgingError, match="Judging is still open"):
        publishing.publish_results(staff_member(), category.cycle, utcnow())
    assert category.cycle.published_at is None


def test_publishing_is_refused_while_a_category_with_eligible_nominations_has_no_winner(category):
    other = AwardCategoryFactory(cycle=category.cycle, name="Team of the Year")
    chosen = NominationFactory(category=category, status="eligible")
    NominationFactory(category=other, status="eligible")
    AwardCategoryFactory(cycle=category.cycle, name="Community Group")  # no eligible nominations: no winner needed
    close_judging(category)
    staff = staff_member()
    publishing.choose_outcome(staff, chosen, AwardOutcome.WINNER, utcnow())

    with pytest.raises(JudgingError, match="Choose a winner in Team of the Year before publishing"):
        publishing.publish_results(staff, category.cycle, utcnow())

    assert category.cycle.published_at is None
    assert not [message for message in db.session.scalars(sa.select(OutboxMessage)) if "result" in message.template]


def test_the_results_page_takes_the_same_queries_for_few_or_many_nominations(staff_client, category, count_queries):
    judges = [judge_of(category) for _ in range(2)]
    made = []

    def queries_with(total):
        while len(made) < total:
            made.append(NominationFactory(category=category, status="eligible"))
            for person in judges:
                scored(person, made[-1], len(made) % 11)
        staff_client.get(results_url(category))
        with count_queries() as queries:
            assert staff_client.get(results_url(category)).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(8)


def test_reopening_judging_is_offered_after_it_closes(staff_client, category):
    with cycle_in_phase(category.cycle, "judging_closed"):
        db.session.flush()
        response = staff_client.post(f"/admin/awards/cycles/{category.cycle_id}/judges/reopen", data={"days": "3"})
        assert response.status_code == 302
        assert category.cycle.judging_reopened_until is not None


def test_staff_assign_judges_and_see_every_judges_progress(staff_client, category):
    nominations = [NominationFactory(category=category, status="eligible") for _ in range(3)]
    busy = judge_of(category, judge(name="Busy Judge"))
    scored(busy, nominations[0], 5)
    newcomer = judge(name="New Judge")
    PersonFactory(name="Not A Judge")

    page = staff_client.get(f"/admin/awards/cycles/{category.cycle_id}/judges")
    assert "Not A Judge" not in page_text(page)
    refused = staff_client.post(
        f"/admin/awards/cycles/{category.cycle_id}/judges", data={"judge": busy.id, "category": category.id}
    )
    assert "Busy Judge already judges Rising Star" in page_text(refused)
    staff_client.post(
        f"/admin/awards/cycles/{category.cycle_id}/judges", data={"judge": newcomer.id, "category": category.id}
    )
    page = page_text(staff_client.get(f"/admin/awards/cycles/{category.cycle_id}/judges"))

    assert "Busy Judge 1 of 3 2 1 0 0" in page
    assert "New Judge 0 of 3 3 0 0 0 Take off category" in page
    assert judging.is_assigned(newcomer, category.id)


# --- Closing judging now, withdrawing a conflict -----------------------------------------------------------


def test_staff_close_judging_now_from_the_judging_page_after_confirming(staff_client, category):
    judging_page = f"/admin/awards/cycles/{category.cycle_id}/judges"
    close = f"/admin/awards/cycles/{category.cycle_id}/judges/close"
    assert "Close judging now" in page_text(staff_client.get(judging_page))
    assert "Reopen judging" not in page_text(staff_client.get(judging_page))

    asked = page_text(staff_client.get(close))
    assert "Close judging of" in asked and "judges can no longer declare conflicts or change their scores" in asked
    assert category.cycle.judging_open(utcnow())  # asking changes nothing
    done = page_text(staff_client.post(close, follow_redirects=True))

    assert "Judging is closed: judges can no longer change their scores" in done
    assert not category.cycle.judging_open(utcnow())
    assert "Reopen judging" in done and "Close judging now" not in done
    again = page_text(staff_client.post(close, follow_redirects=True))
    assert "Judging has already closed: there is nothing to close." in again
    assert "there is nothing to close" in page_text(staff_client.get(close))
    assert staff_client.post(f"/admin/awards/cycles/{category.cycle_id}/judges/reopen", data={"days": "2"})
    assert category.cycle.judging_open(utcnow())


def test_closing_judging_before_it_opens_is_refused_with_the_date(staff_client, category):
    with cycle_in_phase(category.cycle, "nominating"):
        db.session.flush()
        page = page_text(
            staff_client.post(f"/admin/awards/cycles/{category.cycle_id}/judges/close", follow_redirects=True)
        )
        assert "Judging has not opened yet: it opens on" in page
        assert not db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "awards.judging_closed"))


def test_a_judge_cannot_score_after_staff_close_judging(client, category):
    nomination = NominationFactory(category=category, status="eligible")
    person = judge_of(category)
    declared(person, nomination)
    sign_in(client, staff_member())
    client.post(f"/admin/awards/cycles/{category.cycle_id}/judges/close")
    sign_in(client, person)

    form = {f"score_{c.id}": "8" for c in category.criteria} | {f"comment_{c.id}": "Fine." for c in category.criteria}
    refused = page_text(client.post(f"/judging/nominations/{nomination.id}", data=form))

    assert "Judging has closed, so nothing can be changed" in refused
    assert judging.scores_of(person, nomination.id) == {}


def test_staff_withdraw_a_conflict_from_the_nomination_page_and_the_judge_declares_again(client, category):
    nomination = NominationFactory(category=category, status="eligible", nominee_name="Returning Person")
    mistaken = judge_of(category, judge(name="Mistaken Judge"))
    other = judge_of(category, judge(name="Other Judge"))
    scored(other, nomination, 9, comment="The other judge's private comment.")
    declared(mistaken, nomination, conflicted=True, note="Meant the nomination before.")
    page_url = f"/admin/awards/nominations/{nomination.id}/judging"
    withdraw = f"{page_url}/withdraw-conflict"
    sign_in(client, staff_member())

    offered = page_text(client.get(page_url))
    assert "Withdraw a conflict declared in error" in offered and "Judge whose conflict to withdraw" in offered
    refused = client.post(withdraw, data={"withdraw-judge": mistaken.id, "withdraw-reason": ""})
    assert refused.status_code == 200
    assert "Give the reason for withdrawing the conflict, for the record" in page_text(refused)
    assert judging.declaration_of(mistaken, nomination.id).conflicted
    done = client.post(
        withdraw, data={"withdraw-judge": mistaken.id, "withdraw-reason": "Wrong nomination."}, follow_redirects=True
    )
    assert "Mistaken Judge's conflict of interest is withdrawn" in page_text(done)
    assert "Mistaken Judge Has not declared yet." in page_text(done)

    sign_in(client, mistaken)
    assert "Returning Person" in page_text(client.get(f"/judging?category={category.id}"))
    assert (
        client.get(f"/judging/nominations/{nomination.id}")
        .headers["Location"]
        .endswith(f"/judging/nominations/{nomination.id}/declare")
    )
    client.post(f"/judging/nominations/{nomination.id}/declare", data={"declaration": "none"})
    opened = client.get(f"/judging/nominations/{nomination.id}")
    assert opened.status_code == 200
    assert "The other judge's private comment." not in opened.get_data(as_text=True)
    assert 'value="9"' not in opened.get_data(as_text=True)


def test_only_judges_who_declared_a_conflict_are_offered_for_withdrawal(staff_client, category):
    nomination = NominationFactory(category=category, status="eligible")
    judge_of(category, judge(name="Undeclared Judge"))
    clear = judge_of(category, judge(name="Clear Judge"))
    declared(clear, nomination)

    page = page_text(staff_client.get(f"/admin/awards/nominations/{nomination.id}/judging"))
    assert "Withdraw a conflict declared in error" not in page
    refused = staff_client.post(
        f"/admin/awards/nominations/{nomination.id}/judging/withdraw-conflict",
        data={"withdraw-judge": clear.id, "withdraw-reason": "Asked to."},
        follow_redirects=True,
    )
    assert "No judge has a conflict of interest declared on this nomination" in page_text(refused)
    assert judging.declaration_of(clear, nomination.id) is not None


# --- The results of every category, and one category's pages ---------------------------------------------


def cycle_results_url(category):
    return f"/admin/awards/cycles/{category.cycle_id}/results"


def outcome_controls(response):
    """The nomination ids that have an outcome control on the page."""
    return [int(number) for number in re.findall(r'<select[^>]* id="outcome-(\d+)"', response.get_data(as_text=True))]


def test_every_categorys_first_20_by_rank_with_a_link_to_all_of_them(staff_client, category):
    made = [NominationFactory(category=category, status="eligible") for _ in range(23)]
    first, second = judge_of(category), judge_of(category)
    # The three scored rank first, highest score first; the rest are unscored, last, by number.
    for nomination, score in zip(made[-3:], (9, 7, 5), strict=True):
        scored(first, nomination, score)
        scored(second, nomination, score)
    other = AwardCategoryFactory(cycle=category.cycle, name="Team of the Year")
    team = NominationFactory(category=other, status="eligible")
    close_judging(category)

    response = staff_client.get(cycle_results_url(category))
    page = page_text(response)

    shown = outcome_controls(response)
    assert shown[:3] == [made[-3].id, made[-2].id, made[-1].id]
    assert shown[3:20] == [nomination.id for nomination in made[:17]]
    assert shown[20:] == [team.id]
    assert "Show all 23 nominations in Rising Star" in page
    assert "The first 20 of 23 nominations in Rising Star, in ranking order" in page
    assert "Show all 1 nominations in Team of the Year" not in page
    assert f"/admin/awards/cycles/{category.cycle_id}/results/{category.id}" in response.get_data(as_text=True)


def test_a_nomination_ranked_below_20_can_be_chosen_from_its_categorys_page(staff_client, category):
    made = [NominationFactory(category=category, status="eligible") for _ in range(21)]
    close_judging(category)
    last = made[-1]
    assert last.id not in outcome_controls(staff_client.get(cycle_results_url(category)))

    category_page = staff_client.get(results_url(category))
    assert last.id in outcome_controls(category_page)
    done = staff_client.post(
        f"/admin/awards/nominations/{last.id}/outcome", data={"outcome": "highly_commended"}, follow_redirects=True
    )

    assert last.outcome is AwardOutcome.HIGHLY_COMMENDED
    assert f"Nomination {last.id}: Highly Commended." in page_text(done)


def test_an_outcome_chosen_on_the_results_of_every_category_returns_there(staff_client, category):
    nomination = NominationFactory(category=category, status="eligible")
    close_judging(category)
    response = staff_client.post(
        f"/admin/awards/nominations/{nomination.id}/outcome?back=cycle", data={"outcome": "winner"}
    )

    assert response.headers["Location"].endswith(f"{cycle_results_url(category)}#category-{category.id}")
    assert nomination.outcome is AwardOutcome.WINNER


def test_a_categorys_results_are_paged_50_a_page_in_ranking_order(staff_client, category):
    made = [NominationFactory(category=category, status="eligible") for _ in range(51)]
    close_judging(category)

    first_page = staff_client.get(results_url(category))
    second_page = staff_client.get(f"{results_url(category)}?page=2")
    past_the_end = staff_client.get(f"{results_url(category)}?page=9")

    assert outcome_controls(first_page) == [nomination.id for nomination in made[:50]]
    assert outcome_controls(second_page) == [made[50].id] == outcome_controls(past_the_end)
    assert "51 eligible nominations, in ranking order, 50 a page" in page_text(first_page)
    assert "Page 1 of 2" in page_text(first_page) and "Page 2 of 2" in page_text(second_page)
    chosen = staff_client.post(f"/admin/awards/nominations/{made[50].id}/outcome?page=2", data={"outcome": "winner"})
    assert chosen.headers["Location"].endswith(f"{results_url(category)}?page=2")
    assert f'action="/admin/awards/nominations/{made[50].id}/outcome?page=2"' in second_page.get_data(as_text=True)


def test_the_results_of_every_category_take_the_same_queries_for_more_nominations_or_categories(
    staff_client, category, count_queries
):
    judges = [judge_of(category) for _ in range(2)]
    made = []

    def queries_with(total, categories=1):
        while len(category.cycle.categories) < categories:
            NominationFactory(
                category=AwardCategoryFactory(cycle=category.cycle, name=f"Extra {len(category.cycle.categories)}"),
                status="eligible",
            )
        while len(made) < total:
            made.append(NominationFactory(category=category, status="eligible"))
            for person in judges:
                scored(person, made[-1], len(made) % 11)
        staff_client.get(cycle_results_url(category))
        with count_queries() as queries:
            assert staff_client.get(cycle_results_url(category)).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(25) == queries_with(25, categories=3)


def test_a_later_page_of_a_categorys_results_takes_the_same_queries_as_the_first(staff_client, category, count_queries):
    for _ in range(52):
        NominationFactory(category=category, status="eligible")

    def queries_on(number):
        with count_queries() as queries:
            assert staff_client.get(f"{results_url(category)}?page={number}").status_code == 200
        return len(queries)

    staff_client.get(results_url(category))
    assert queries_on(1) == queries_on(2)
