"""A one-time link that was tampered with, has expired or was used shows the link problem page, whichever
page it leads to: the views let the service's InvalidLink pass to one handler."""

from tests.factories import PersonFactory
from tests.helpers import page_text, sign_in


def token_routes(app):
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "token" in rule.arguments)


def test_every_one_time_link_page_answers_a_bad_link_with_the_link_problem_page(app, client):
    sign_in(client, PersonFactory())  # some of these pages are for signed-in people
    routes = token_routes(app)
    assert len(routes) >= 4

    for route in routes:
        response = client.get(route.replace("<token>", "not-a-real-token"))

        assert response.status_code == 400, route
        assert "This link does not work" in page_text(response), route
        assert "Ask for a new" in page_text(response) or "Ask your organisation" in page_text(response), route
