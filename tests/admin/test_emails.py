"""Staff read every email the platform writes, but never a one-time link that only its recipient may use.

A password reset, email confirmation or seat invitation link lets whoever holds it take over or join
an account, so every staff page shows such a link masked.
"""

import pytest
from werkzeug.routing import IntegerConverter

from nalw.accounts.models import Person
from nalw.core.outbox import SECRET_MASK
from nalw.core.permissions import Role, access_rule_for
from nalw.extensions import db
from tests.core.one_time_emails import ONE_TIME_EMAILS, password_reset, queue_every_one_time_email
from tests.helpers import page_text, sign_in

STAFF_ROLES = {Role.STAFF, Role.ADMIN}


@pytest.mark.parametrize("build", ONE_TIME_EMAILS, ids=lambda build: build.__name__)
def test_staff_emails_page_shows_no_usable_one_time_link(signed_in_client, build):
    client, _ = signed_in_client("staff")
    message, token = build()
    usable_path = message.text_to_send.split("http://nalw.test", 1)[1].split()[0]

    listing = client.get("/admin/emails")
    shown = client.get(f"/admin/emails/{message.id}")

    assert listing.status_code == shown.status_code == 200
    assert token not in listing.get_data(as_text=True)
    assert token not in shown.get_data(as_text=True)
    assert message.subject in page_text(listing)
    masked_link = "http://nalw.test" + usable_path.replace(token, SECRET_MASK)
    assert masked_link in page_text(shown)
    assert "The one-time link in this email is hidden: only its recipient can use it." in page_text(shown)


def staff_page_paths(app, messages):
    """A GET path for every staff page, once for each email and each recipient where the page shows one."""
    message_ids = [message.id for message in messages]
    person_ids = sorted({message.person_id for message in messages if message.person_id})
    paths = []
    for rule in app.url_map.iter_rules():
        access = access_rule_for(app, rule.endpoint)
        if "GET" not in rule.methods or access is None or not set(access.roles or ()) & STAFF_ROLES:
            continue
        choices = [{}]
        for name, converter in rule._converters.items():
            if name == "message_id":
                options = message_ids
            elif name == "person_id":
                options = person_ids
            else:
                options = [999999 if isinstance(converter, IntegerConverter) else "x"]
            choices = [{**values, name: option} for values in choices for option in options]
        with app.test_request_context():
            paths.extend(app.url_for(rule.endpoint, **values) for values in choices)
    return paths


def test_no_staff_page_shows_a_usable_one_time_link(app, signed_in_client):
    client, _ = signed_in_client("admin")  # an admin opens every staff page
    queued = queue_every_one_time_email()
    paths = staff_page_paths(app, [message for message, _ in queued])
    assert {"/admin/emails", "/admin/"} <= set(paths)
    assert sum(path.startswith("/admin/emails/") for path in paths) >= len(queued)
    assert sum(path.startswith("/admin/people/") for path in paths) >= 3

    leaks = []
    for path in paths:
        response = client.get(path)
        if path.startswith("/admin/emails/"):
            assert response.status_code == 200, path  # the message pages themselves were read, not a redirect
        body = response.get_data(as_text=True)
        leaks.extend(f"{path} shows the {message.template} token" for message, token in queued if token in body)

    assert leaks == []


def test_a_data_download_shows_one_time_links_masked(client):
    message, token = password_reset()
    sign_in(client, db.session.get(Person, message.person_id))

    download = client.get("/account/data")

    assert download.status_code == 200
    assert token not in download.get_data(as_text=True)
    [email] = download.json["emails_sent_to_you"]
    assert "/account/reset-password/" + SECRET_MASK in email["body"]
