"""Settings come from the environment; production refuses to start without safe ones."""

import pytest

from nalw import create_app
from nalw.config import DEVELOPMENT_WEBHOOK_SECRET, ConfigurationError, load_config

GOOD_KEY = "k" * 40
GOOD_DATABASE = "postgresql://nalw:secret@db.internal:5432/nalw"
GOOD_SERVICES = {
    "NALW_SITE_URL": "https://members.nalw.example",
    "NALW_CONTACT_EMAIL": "membership@nalw.example",
    "NALW_CONTACT_PHONE": "0113 496 0999",
    "STRIPE_SECRET_KEY": "sk_live_nalw_example",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_nalw_example",
    "STRIPE_WEBHOOK_SECRET": "whsec_nalw_production_example",
}
SETTINGS_FROM_ENVIRONMENT = (
    "NALW_ENV",
    "SECRET_KEY",
    "NALW_SECRET_KEY",
    "DATABASE_URL",
    "NALW_DEMO_MODE",
    "NALW_SITE_URL",
    "NALW_PORT",
    *GOOD_SERVICES,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Start each test from an environment that sets none of the settings checked here."""
    for name in SETTINGS_FROM_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def production(clean_environment):
    """`production(SECRET_KEY=..., DATABASE_URL=...)` sets NALW_ENV=production and these variables."""

    def set_environment(**variables):
        clean_environment.setenv("NALW_ENV", "production")
        for name, value in variables.items():
            clean_environment.setenv(name, value)

    return set_environment


def test_production_refuses_to_start_without_secret_key_and_database_url(production):
    production()

    with pytest.raises(ConfigurationError) as refused:
        create_app()

    assert str(refused.value) == (
        "Production needs these environment variables set: SECRET_KEY, DATABASE_URL, NALW_SITE_URL,"
        " NALW_CONTACT_EMAIL, NALW_CONTACT_PHONE, STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET."
        " See README.md, 'Deploying'."
    )


def test_production_names_the_one_setting_that_is_missing(production):
    production(DATABASE_URL=GOOD_DATABASE, **GOOD_SERVICES)

    with pytest.raises(ConfigurationError, match=r"needs these environment variables set: SECRET_KEY\. "):
        load_config()


def test_production_refuses_a_missing_database_url(production):
    production(SECRET_KEY=GOOD_KEY, **GOOD_SERVICES)

    with pytest.raises(ConfigurationError, match=r"needs these environment variables set: DATABASE_URL\. "):
        load_config()


def test_production_refuses_a_short_secret_key(production):
    production(SECRET_KEY="k" * 31, DATABASE_URL=GOOD_DATABASE, **GOOD_SERVICES)

    with pytest.raises(ConfigurationError, match="SECRET_KEY must be at least 32 characters in production"):
        load_config()


def test_production_refuses_sqlite(production):
    production(SECRET_KEY=GOOD_KEY, DATABASE_URL="sqlite:////srv/nalw/nalw.sqlite3", **GOOD_SERVICES)

    with pytest.raises(ConfigurationError, match="Production must use PostgreSQL"):
        load_config()


def test_production_flag_given_directly_is_checked_too():
    with pytest.raises(ConfigurationError, match="Production must use PostgreSQL"):
        load_config(
            {
                "PRODUCTION": True,
                "SECRET_KEY": GOOD_KEY,
                "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite3",
                **GOOD_SERVICES,
            }
        )
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        load_config(
            {"PRODUCTION": True, "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": GOOD_DATABASE, **GOOD_SERVICES}
        )


@pytest.mark.parametrize("missing", list(GOOD_SERVICES))
def test_production_refuses_to_start_without_each_site_and_stripe_setting(production, missing):
    production(SECRET_KEY=GOOD_KEY, DATABASE_URL=GOOD_DATABASE, **{**GOOD_SERVICES, missing: ""})

    with pytest.raises(ConfigurationError) as refused:
        create_app()

    assert str(refused.value) == (
        f"Production needs these environment variables set: {missing}. See README.md, 'Deploying'."
    )


def test_production_refuses_the_development_webhook_secret(production):
    production(
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL=GOOD_DATABASE,
        **{**GOOD_SERVICES, "STRIPE_WEBHOOK_SECRET": DEVELOPMENT_WEBHOOK_SECRET},
    )

    with pytest.raises(ConfigurationError) as refused:
        create_app()

    assert str(refused.value) == (
        "STRIPE_WEBHOOK_SECRET is the development secret, which anyone can read in the source:"
        " set the signing secret of the site's Stripe webhook endpoint."
    )


def test_development_and_tests_accept_the_development_webhook_secret(clean_environment):
    clean_environment.setenv("SECRET_KEY", "a-development-key")

    assert load_config()["STRIPE_WEBHOOK_SECRET"] == DEVELOPMENT_WEBHOOK_SECRET
    assert load_config({"TESTING": True, "STRIPE_WEBHOOK_SECRET": DEVELOPMENT_WEBHOOK_SECRET})["PRODUCTION"] is False


def test_production_with_safe_settings_starts_locked_down(production):
    production(SECRET_KEY=GOOD_KEY, DATABASE_URL=GOOD_DATABASE, NALW_DEMO_MODE="1", **GOOD_SERVICES)

    config = load_config()

    assert config["PRODUCTION"] is True
    assert config["SECRET_KEY"] == GOOD_KEY
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert config["DEMO_MODE"] is False
    assert config["RATELIMIT_STORAGE_URI"].startswith("redis://")


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://nalw:secret@db:5432/nalw", "postgresql+psycopg://nalw:secret@db:5432/nalw"),
        ("postgresql://nalw:secret@db:5432/nalw", "postgresql+psycopg://nalw:secret@db:5432/nalw"),
        ("postgresql+psycopg://nalw@db/nalw", "postgresql+psycopg://nalw@db/nalw"),
    ],
)
def test_database_urls_are_used_through_psycopg_3(production, given, used):
    production(SECRET_KEY=GOOD_KEY, DATABASE_URL=given, **GOOD_SERVICES)

    assert load_config()["SQLALCHEMY_DATABASE_URI"] == used


def test_development_needs_no_settings_at_all(clean_environment):
    clean_environment.setenv("SECRET_KEY", "a-development-key")

    config = load_config()

    assert config["PRODUCTION"] is False
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["HSTS_SECONDS"] == 0
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
