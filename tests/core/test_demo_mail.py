"""In `make run` only, the emails the local mail catcher received can be read with their links usable.

Staff pages show one-time links masked, so whoever tries the flows on a demo machine follows them here.
"""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from nalw import create_app
from nalw.extensions import db
from tests.conftest import TEST_SECRET_KEY, test_settings
from tests.core.one_time_emails import password_reset
from tests.helpers import page_text


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def settings(request, tmp_path, smtp_port):
    demo = getattr(request, "param", True)
    return {
        "DEMO_MODE": demo,
        "DEMO_MAILDIR": str(tmp_path / "maildir"),
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
    }


@pytest.fixture
def mail_catcher(settings, smtp_port):
    """The catcher `make run` starts: aiosmtpd keeping every message in a maildir."""
    controller = Controller(Mailbox(settings["DEMO_MAILDIR"]), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield
    controller.stop()


def test_demo_mail_page_shows_delivered_emails_with_their_links_usable(client, runner, mail_catcher):
    message, token = password_reset()
    db.session.commit()
    result = runner.invoke(args=["outbox", "deliver"])
    assert "1 sent" in result.output

    inbox = client.get("/demo/mail/")
    assert inbox.status_code == 200
    assert "robin@example.org Reset your NALW password" in page_text(inbox)

    key = inbox.get_data(as_text=True).split('href="/demo/mail/', 1)[1].split('"', 1)[0]
    shown = client.get(f"/demo/mail/{key}")
    link = f"http://nalw.test/account/reset-password/{token}"
    assert f'<a href="{link}" rel="noopener">{link}</a>' in shown.get_data(as_text=True)
    assert client.get(f"/account/reset-password/{token}").status_code == 200


def test_demo_mail_page_says_so_when_nothing_has_arrived(client):
    assert "No emails yet." in page_text(client.get("/demo/mail/"))
    assert client.get("/demo/mail/1700000000.M1P2Q3.nowhere").status_code == 404


@pytest.mark.parametrize("settings", [False], indirect=True)
def test_demo_mail_page_does_not_exist_outside_the_demo(client):
    assert client.get("/demo/mail/").status_code == 404


def test_demo_mail_page_never_exists_in_production():
    app = create_app(
        test_settings(
            PRODUCTION=True,
            DEMO_MODE=True,
            SECRET_KEY=TEST_SECRET_KEY,
            SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:9/none",
        )
    )

    assert not any(rule.rule.startswith("/demo/") for rule in app.url_map.iter_rules())


def test_staff_emails_page_points_the_demonstrator_at_demo_mail(signed_in_client):
    client, _ = signed_in_client("staff")

    page = client.get("/admin/emails").get_data(as_text=True)

    assert 'read delivered emails with their links at <a href="/demo/mail/">Demo mail</a>' in page
