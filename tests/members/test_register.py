"""The public register: members who consented, found by name or number, showing only what the public may see."""

import pytest

from nalw.core.regions import Region
from nalw.extensions import db
from nalw.members.models import MembershipNumberCounter, MembershipStatus
from nalw.members.register import PER_PAGE
from tests.factories import MembershipFactory, PersonFactory, organisation_tier, staff_member
from tests.helpers import page_text

S = MembershipStatus


def member(name, status=S.ACTIVE, consent=True, region=Region.LONDON, staff=None):
    person = PersonFactory(name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
    return MembershipFactory(
        person=person,
        status=status,
        staff=staff,
        register_consent=consent,
        region=region,
        employer_name=f"{name} Employer Ltd",
    )


def search(client, query, **params):
    return client.get("/register", query_string={"q": query, **params})


def rows(response):
    """The register's table, row by row, as the visitor reads it."""
    text = page_text(response)
    return text.split("Region ", 1)[1].split(" National Association of Link Workers")[0] if "Region " in text else ""


@pytest.fixture
def smiths(app):
    db.session.get(MembershipNumberCounter, 1).last_number = 122
    staff = staff_member()
    listed = {
        "active": member("Jane Smith", staff=staff),
        "grace": member("Gus Smith", S.GRACE, region=Region.WALES, staff=staff),
        "suspended": member("Sam Smith", S.SUSPENDED, region=Region.SCOTLAND, staff=staff),
        "lapsed": member("Lee Smith", S.LAPSED, region=Region.NORTH_EAST, staff=staff),
    }
    unlisted = {
        "no consent": member("Nora Smith", consent=False, staff=staff),
        "resigned": member("Rae Smith", S.RESIGNED, staff=staff),
        "organisation": MembershipFactory(
            person=PersonFactory(name="Olu Smith"), tier=organisation_tier(), staff=staff, register_consent=True
        ),
        "applied": MembershipFactory(applied=True, person=PersonFactory(name="Abe Smith"), register_consent=True),
    }
    return listed, unlisted


def test_a_name_search_lists_consenting_members_in_good_standing_suspended_or_lapsed(client, smiths):
    listed, _ = smiths

    response = search(client, "smith")

    assert response.status_code == 200
    assert "4 members found" in page_text(response)
    assert rows(response) == (
        f"Gus Smith {listed['grace'].number} In grace period Wales "
        f"Jane Smith {listed['active'].number} Active London "
        f"Lee Smith {listed['lapsed'].number} Lapsed North East "
        f"Sam Smith {listed['suspended'].number} Suspended Scotland"
    )


def test_the_register_never_shows_email_employer_or_members_who_are_not_listed(client, smiths):
    listed, unlisted = smiths

    html = search(client, "smith").get_data(as_text=True)

    for membership in listed.values():
        assert membership.person.email not in html
        assert membership.employer_name not in html
    for name in ("Nora Smith", "Rae Smith", "Olu Smith", "Abe Smith"):
        assert name not in html
    for membership in unlisted.values():
        if membership.number:
            assert "0 members found" in page_text(search(client, membership.number))


@pytest.mark.parametrize("words", ["jane smith", "SMITH Jane", "  jan  smi ", "Jane"])
def test_every_word_of_a_name_must_match(client, smiths, words):
    listed, _ = smiths

    response = search(client, words)

    assert "1 member found" in page_text(response)
    assert rows(response) == f"Jane Smith {listed['active'].number} Active London"


def test_a_number_finds_the_member_with_or_without_the_prefix(client, smiths):
    jane = smiths[0]["active"]
    assert jane.number == "NALW-000123"
    digits = jane.number.removeprefix("NALW-")

    for query in (jane.number, jane.number.lower(), f"NALW{digits}", digits, str(int(digits)), f" {jane.number} "):
        response = search(client, query)
        assert rows(response) == f"Jane Smith {jane.number} Active London", query


def test_no_match_says_so_and_wildcards_match_nothing(client, smiths):
    for query in ("Nobody Here", "%%", "__", "NALW-999999"):
        response = search(client, query)
        assert "0 members found" in page_text(response)
        assert "No member on the register matches. Check the spelling or the number." in page_text(response)


def test_results_are_paged(client):
    staff = staff_member()
    for number in range(PER_PAGE + 5):
        member(f"Pager Person {number:02d}", staff=staff)

    first = search(client, "pager")
    second = search(client, "pager", page=2)

    assert "25 members found" in page_text(first)
    assert "Page 1 of 2" in page_text(first)
    assert rows(first).count("Pager Person") == PER_PAGE
    assert "Pager Person 00" in rows(first) and "Pager Person 20" not in rows(first)
    assert 'href="/register?q=pager&amp;page=2"' in first.get_data(as_text=True)
    assert rows(second).count("Pager Person") == 5
    assert "Pager Person 24" in rows(second)


def test_a_page_of_results_costs_the_same_queries_however_many_rows(client, count_queries):
    staff = staff_member()
    for number in range(3):
        member(f"Few Person {number}", staff=staff)
    for number in range(PER_PAGE):
        member(f"Many Person {number}", staff=staff)

    with count_queries() as few:
        search(client, "few")
    with count_queries() as many:
        search(client, "many")

    assert len(many) == len(few)


@pytest.mark.parametrize("query", ["j", "x" * 101])
def test_a_query_too_short_or_long_gets_a_message(client, query):
    response = search(client, query)

    assert "Enter between 2 and 100 characters" in page_text(response)
    assert "found" not in page_text(response)


def test_searching_is_rate_limited(client, smiths):
    for _ in range(60):
        assert search(client, "smith").status_code == 200

    response = search(client, "smith")

    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    assert "Jane Smith" not in page_text(response)
