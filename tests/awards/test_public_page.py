"""The public awards page: the categories open for nominations now, and the winners and Highly Commended
of published cycles only."""

from nalw.awards.models import AwardOutcome
from nalw.extensions import db
from tests.factories import AwardCategoryFactory, NominationFactory
from tests.helpers import page_text


def with_outcome(nomination, outcome):
    """The outcome staff choose at results time (set directly: choosing it is the judging domain's)."""
    nomination.outcome = outcome
    db.session.flush()
    return nomination


def test_the_page_lists_the_categories_open_for_nominations_now(client):
    open_now = AwardCategoryFactory(phase="nominating", name="Rising Star", self_nomination_allowed=True)
    AwardCategoryFactory(phase="not_open", name="Not Yet Open Category")
    AwardCategoryFactory(phase="judging", name="Being Judged Category")

    response = client.get("/awards")

    page = page_text(response)
    assert response.status_code == 200
    assert "Rising Star" in page and "You may nominate yourself." in page
    assert f'href="/awards/categories/{open_now.id}/nominate"' in response.get_data(as_text=True)
    assert "Not Yet Open Category" not in page and "Being Judged Category" not in page


def test_nothing_open_says_so(client):
    assert "Nominations are not open at the moment." in page_text(client.get("/awards"))


def test_winners_and_highly_commended_appear_only_once_results_are_published(client):
    published = AwardCategoryFactory(phase="published", name="Team of the Year")
    unpublished = AwardCategoryFactory(phase="judging_closed", name="Manager of the Year")
    with_outcome(
        NominationFactory(category=published, status="eligible", nominee_name="Riverside Team"), AwardOutcome.WINNER
    )
    with_outcome(
        NominationFactory(category=published, status="eligible", nominee_name="Hillside Team"),
        AwardOutcome.HIGHLY_COMMENDED,
    )
    NominationFactory(category=published, status="eligible", nominee_name="Also Ran Team")
    with_outcome(
        NominationFactory(category=unpublished, status="eligible", nominee_name="Secret Winner"), AwardOutcome.WINNER
    )

    page = page_text(client.get("/awards"))

    assert "Riverside Team" in page and "Winner" in page
    assert "Hillside Team" in page and "Highly Commended" in page
    assert published.cycle.title in page
    assert "Also Ran Team" not in page
    assert "Secret Winner" not in page and "Manager of the Year" not in page


def test_the_pages_queries_do_not_grow_with_the_winners_shown(client, count_queries):
    def published_category(number):
        category = AwardCategoryFactory(phase="published", name=f"Published Category {number}")
        with_outcome(NominationFactory(category=category, status="eligible"), AwardOutcome.WINNER)
        AwardCategoryFactory(phase="nominating", name=f"Open Category {number}")

    published_category(0)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/awards")
    for number in range(1, 6):
        published_category(number)
    db.session.expire_all()
    with count_queries() as many:
        page = page_text(client.get("/awards"))

    assert "Published Category 5" in page and "Open Category 5" in page
    assert len(many) == len(few)
