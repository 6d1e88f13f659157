"""Behind a reverse proxy, rate limits and the audit log use the client's address, taken from
X-Forwarded-For only as far as NALW_TRUSTED_PROXIES says proxies are in front of the app.

With none trusted (the default), a forged header changes nothing, so a direct deployment cannot be fooled.
"""

import pytest
import sqlalchemy as sa

from nalw.core.audit import AuditEntry
from nalw.core.outbox import OutboxStatus, queue_email
from nalw.extensions import db
from tests.accounts.steps import submit_sign_in

PROXY = "10.0.0.2"
CLIENT = "203.0.113.7"


@pytest.fixture
def trusted_proxies():
    return 0


@pytest.fixture
def settings(trusted_proxies):
    return {"TRUSTED_PROXIES": trusted_proxies, "SIGN_IN_LIMIT_PER_IP": "2 per minute"}


def through_proxy(forwarded_for):
    """The request as the app receives it from a proxy at PROXY, with the header it passes on."""
    return {"environ_base": {"REMOTE_ADDR": PROXY}, "headers": {"X-Forwarded-For": forwarded_for}}


def audited_address(signed_in_client, forwarded_for):
    """Staff send a failed email again (an audited action); the address the audit entry records."""
    client, _ = signed_in_client("staff")
    message = queue_email("robin@example.org", "accounts/password_changed", "Your NALW password was changed")
    message.status = OutboxStatus.FAILED
    db.session.commit()
    client.post(f"/admin/emails/{message.id}/retry", **through_proxy(forwarded_for))
    return db.session.scalar(sa.select(AuditEntry.ip_address).where(AuditEntry.action == "email.retried"))


def test_with_no_trusted_proxy_a_forged_forwarded_for_does_not_change_the_audit_address(signed_in_client):
    assert audited_address(signed_in_client, "198.51.100.1") == PROXY


def test_with_no_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_rate_limit(client):
    statuses = [
        submit_sign_in(
            client, "robin@example.org", "a wrong password", **through_proxy(f"198.51.100.{number}")
        ).status_code
        for number in range(3)
    ]

    assert statuses == [200, 200, 429]


@pytest.mark.parametrize("trusted_proxies", [1])
def test_behind_one_trusted_proxy_the_audit_records_the_client_address(signed_in_client):
    assert audited_address(signed_in_client, f"198.51.100.1, {CLIENT}") == CLIENT


@pytest.mark.parametrize("trusted_proxies", [1])
def test_behind_one_trusted_proxy_each_client_has_its_own_rate_limit(client):
    others = [
        submit_sign_in(
            client, "robin@example.org", "a wrong password", **through_proxy(f"198.51.100.{number}")
        ).status_code
        for number in range(3)
    ]
    same_client = [
        submit_sign_in(client, "robin@example.org", "a wrong password", **through_proxy(CLIENT)).status_code
        for _ in range(3)
    ]

    assert others == [200, 200, 200]
    assert same_client == [200, 200, 429]
