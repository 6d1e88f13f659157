"""No number in a request can raise a 500: an id or page beyond the database's integer range is a 404
(or the first page), on every route, for every visitor."""

import pytest
from werkzeug.routing import IntegerConverter

from nalw.core.paging import page_number
from tests.helpers import sign_in

TOO_BIG = (2**31, 2**63, 10**30)
# Every number a page reads from its query string. A new one belongs here, read through nalw.core.paging.
NUMBER_QUERY_ARGUMENTS = ("page", "tier", "year")


def rules_with_numbers(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())
    ]


def path_with(rule, number):
    """The rule's path with `number` in every number part (built by hand: the app refuses to build it)."""
    parts = []
    for is_argument, text in rule._trace:
        if not is_argument:
            parts.append(text)
        elif isinstance(rule._converters[text], IntegerConverter):
            parts.append(str(number))
        else:
            parts.append(sorted(getattr(rule._converters[text], "items", ["x"]))[0])
    return "".join(parts).split("|", 1)[1]


def method_of(rule):
    return "GET" if "GET" in rule.methods else "POST"


def test_the_walk_finds_the_routes_with_numbers(app):
    paths = {path_with(rule, 7) for rule in rules_with_numbers(app)}

    assert "/account/payments/7" in paths
    assert "/admin/people/7" in paths
    assert len(paths) > 10


@pytest.mark.parametrize("role_name", ["visitor", "admin"])
def test_numbers_beyond_the_database_range_are_not_found_on_every_route(app, client, person_as, role_name):
    admin = person_as(role_name)  # an admin has two-factor on, so every staff page opens
    problems = []
    for rule in rules_with_numbers(app):
        for number in TOO_BIG:
            if admin is not None:
                sign_in(client, admin)
            path = path_with(rule, number)
            response = client.open(path, method=method_of(rule))
            if response.status_code != 404:
                problems.append(f"{method_of(rule)} {path}: {response.status_code}")
    assert problems == [], "\n".join(problems)


def test_every_page_answers_huge_or_odd_numbers_in_its_query_without_error(app, client, person_as):
    admin = person_as("admin")
    sign_in(client, admin)
    assert client.get("/admin/people").status_code == 200  # the staff pages below are read, not redirected
    pages = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in {"accounts.sign_out"}
    ]
    problems = []
    for path in pages:
        for name in NUMBER_QUERY_ARGUMENTS:
            for value in (*TOO_BIG, -(2**63), -1, 0, "x"):
                response = client.get(path, query_string={name: value, "q": "a"})
                if response.status_code >= 500:
                    problems.append(f"GET {path}?{name}={value}: {response.status_code}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("3", 3),
        ("1", 1),
        ("0", 1),
        ("-4", 1),
        ("x", 1),
        ("", 1),
        (str(10**30), 1),
        (str(2**31 - 1), 2**31 - 1),
        (str(2**31), 1),
        (None, 1),
    ],
)
def test_page_number_falls_back_to_the_first_page(app, given, read):
    query = {} if given is None else {"page": given}
    with app.test_request_context(query_string=query):
        assert page_number() == read
