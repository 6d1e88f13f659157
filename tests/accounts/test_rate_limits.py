"""Sign-in attempts are limited per address tried from each client address, and per client address (Flask-Limiter)."""

import os

import pytest
import redis

from tests.accounts.steps import is_signed_in, sign_in_pause, sign_out, submit_sign_in
from tests.helpers import page_text

LIMITS = {"SIGN_IN_LIMIT_PER_ADDRESS": "3 per minute", "SIGN_IN_LIMIT_PER_IP": "5 per minute"}
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def settings():
    return LIMITS


def assert_too_many_attempts(response):
    """The 429 page, in the site's own layout."""
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    page = page_text(response)
    assert "Too many attempts" in page
    assert "Wait a few minutes, then try again." in page
    assert "Skip to main content" in page
    assert "the professional body for social prescribing link workers in the UK" in page


def test_sign_in_attempts_per_address_are_limited(client, make_person):
    person = make_person(email="robin@example.org")
    for _ in range(3):
        assert submit_sign_in(client, "robin@example.org", "a wrong password").status_code == 200

    response = submit_sign_in(client, "robin@example.org")

    assert_too_many_attempts(response)
    assert not is_signed_in(client)
    assert sign_in_pause(person).failed_count == 3


def test_address_limit_counts_the_address_whatever_its_case(client, make_person):
    make_person(email="robin@example.org")
    for address in ("robin@example.org", "Robin@Example.org", " ROBIN@EXAMPLE.ORG"):
        submit_sign_in(client, address, "a wrong password")

    assert_too_many_attempts(submit_sign_in(client, "robin@example.org"))


def test_full_width_letters_count_against_the_same_address(client, make_person):
    make_person(email="robin@example.org")
    for _ in range(3):
        submit_sign_in(client, "robin@example.org", "a wrong password")

    response = submit_sign_in(client, "\uff32\uff4f\uff42\uff49\uff4e@example.org")

    assert_too_many_attempts(response)


def test_address_limit_reached_from_one_place_leaves_the_owner_elsewhere_alone(app, make_person):
    make_person(email="robin@example.org")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(3):
        submit_sign_in(attacker, "robin@example.org", "a wrong password", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert_too_many_attempts(submit_sign_in(attacker, "robin@example.org", environ_base={"REMOTE_ADDR": "203.0.113.5"}))

    response = submit_sign_in(owner, "robin@example.org", environ_base={"REMOTE_ADDR": "198.51.100.7"})

    assert response.status_code == 302
    assert is_signed_in(owner)


def test_limit_on_one_address_leaves_other_addresses_alone(client, make_person):
    make_person(email="robin@example.org")
    make_person(email="sasha@example.org")
    for _ in range(3):
        submit_sign_in(client, "robin@example.org", "a wrong password")

    response = submit_sign_in(client, "sasha@example.org")

    assert response.status_code == 302
    assert is_signed_in(client)


def test_sign_in_attempts_per_ip_address_are_limited(app, make_person):
    make_person(email="robin@example.org")
    attacker = app.test_client()
    for number in range(5):
        assert submit_sign_in(attacker, f"guess{number}@example.org", "a wrong password").status_code == 200

    response = submit_sign_in(attacker, "robin@example.org")

    assert_too_many_attempts(response)
    someone_elsewhere = app.test_client()
    elsewhere = submit_sign_in(someone_elsewhere, "robin@example.org", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 302


def test_sign_ins_that_work_do_not_count_against_either_limit(app, make_person):
    """Many colleagues behind one network address (an NHS trust's) sign in at the start of the day."""
    people = [make_person(email=f"colleague{number}@example.org") for number in range(6)]
    office = app.test_client()
    for person in people:
        assert submit_sign_in(office, person.email).status_code == 302
        sign_out(office)
    for _ in range(3):
        assert submit_sign_in(office, "colleague0@example.org").status_code == 302
        sign_out(office)

    refused = [submit_sign_in(office, "colleague1@example.org", "a wrong password") for _ in range(3)]

    assert [response.status_code for response in refused] == [200, 200, 200]
    assert_too_many_attempts(submit_sign_in(office, "colleague1@example.org"))


def test_opening_the_sign_in_page_is_not_limited(client):
    for _ in range(10):
        assert client.get("/account/sign-in").status_code == 200


def test_limit_ends_when_its_window_has_passed(client, make_person, clock):
    make_person(email="robin@example.org")
    for _ in range(3):
        submit_sign_in(client, "robin@example.org", "a wrong password")
    assert submit_sign_in(client, "robin@example.org").status_code == 429

    clock.shift(61)
    response = submit_sign_in(client, "robin@example.org")

    assert response.status_code == 302
    assert is_signed_in(client)


# --- Redis, the production storage ---------------------------------------------------------


@pytest.fixture
def redis_database():
    """Redis database 15, empty before and after the test."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        connection.close()
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Redis does not answer at 127.0.0.1:6379: the rate-limit storage must be tested.")
        pytest.skip("Redis does not answer at 127.0.0.1:6379; start it to test the production rate-limit storage.")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.mark.parametrize("settings", [{**LIMITS, "RATELIMIT_STORAGE_URI": REDIS_URL}])
def test_limits_are_counted_in_redis(redis_database, client, make_person):
    make_person(email="robin@example.org")
    for _ in range(3):
        submit_sign_in(client, "robin@example.org", "a wrong password")

    limited = submit_sign_in(client, "robin@example.org")
    counted_keys = redis_database.keys("LIMITS*")
    redis_database.flushdb()
    after_flush = submit_sign_in(client, "robin@example.org")

    assert_too_many_attempts(limited)
    assert any(b"sign-in:robin@example.org" in key for key in counted_keys), counted_keys
    # Emptying Redis forgets the attempts: the count lived there, not in the app's memory.
    assert after_flush.status_code == 302
