"""Every setting, read from the environment.

`make run` works with none set: it gets an embedded SQLite database, a
throw-away secret key, memory rate-limit storage and the local mail catcher.
Production (NALW_ENV=production) refuses to start without a secret key, a
database URL and the Stripe keys and webhook secret, because a guessable key, an
accidental SQLite file or a webhook anyone can sign there would be a silent disaster.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
# Signs localstripe's webhooks in `make run` and the tests. It is in the source, so production refuses it.
DEVELOPMENT_WEBHOOK_SECRET = "whsec_localstripe_development"
# Production cannot start without these (the setting, and the environment variable that gives it).
REQUIRED_IN_PRODUCTION = (
    ("SECRET_KEY", "SECRET_KEY"),
    ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
    ("NALW_SITE_URL", "SITE_URL"),
    ("NALW_CONTACT_EMAIL", "CONTACT_EMAIL"),
    ("NALW_CONTACT_PHONE", "CONTACT_PHONE"),
    ("STRIPE_SECRET_KEY", "STRIPE_SECRET_KEY"),
    ("STRIPE_PUBLISHABLE_KEY", "STRIPE_PUBLISHABLE_KEY"),
    ("STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET"),
)


class ConfigurationError(RuntimeError):
    """A setting production cannot run without is missing or unsafe."""


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _env_bool(name, default=False):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = _env(name)
    return default if value is None else int(value)


def _database_url(url):
    """Let a plain postgres:// URL (as hosting platforms give it) use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_config(overrides=None):
    """Build the settings dict from the environment, then apply `overrides` (tests)."""
    environment = _env("NALW_ENV", "development")
    production = environment == "production"
    default_sqlite = f"sqlite:///{INSTANCE_DIR / 'nalw.sqlite3'}"

    config = {
        "ENV_NAME": environment,
        "PRODUCTION": production,
        "SECRET_KEY": _env("SECRET_KEY") or _env("NALW_SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": _database_url(_env("DATABASE_URL", "" if production else default_sqlite)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SITE_NAME": "National Association of Link Workers",
        # How people reach the NALW team, given wherever a page or an email asks them to get in touch.
        "CONTACT_EMAIL": _env("NALW_CONTACT_EMAIL", None if production else "membership@nalw.org.uk"),
        "CONTACT_PHONE": _env("NALW_CONTACT_PHONE", None if production else "0113 496 0000"),
        "SITE_SHORT_NAME": "NALW",
        # Absolute links in emails, certificates and PDFs are built from this, never from the request's
        # Host header. `make run` serves on NALW_PORT (5000 unless set), so the development default follows it.
        "SITE_URL": (
            _env("NALW_SITE_URL") or ("" if production else f"http://127.0.0.1:{_env('NALW_PORT', '5000')}")
        ).rstrip("/"),
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "MAX_CONTENT_LENGTH": _env_int("NALW_MAX_UPLOAD_BYTES", 12 * 1024 * 1024),
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 4,
        "HSTS_SECONDS": 60 * 60 * 24 * 365 if production else 0,
        # Bootstrap from the Bootstrap-Flask package itself, never a CDN.
        "BOOTSTRAP_SERVE_LOCAL": True,
        # Accounts
        "PASSWORD_MIN_LENGTH": 12,
        "ARGON2_TIME_COST": _env_int("NALW_ARGON2_TIME_COST", 3),
        "ARGON2_MEMORY_COST": _env_int("NALW_ARGON2_MEMORY_COST", 65536),
        "EMAIL_TOKEN_MAX_AGE": 60 * 60 * 24 * 3,
        "RESET_TOKEN_MAX_AGE": 60 * 60,
        "LOCKOUT_THRESHOLD": 5,
        "LOCKOUT_MINUTES": 15,
        "TWO_FACTOR_ISSUER": "NALW",
        # Rate limits: memory for `make run`, Redis in production.
        "RATELIMIT_STORAGE_URI": _env(
            "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0" if production else "memory://"
        ),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        "SIGN_IN_LIMIT_PER_ADDRESS": _env("NALW_SIGN_IN_LIMIT_PER_ADDRESS", "10 per 15 minutes"),
        "SIGN_IN_LIMIT_PER_IP": _env("NALW_SIGN_IN_LIMIT_PER_IP", "30 per 15 minutes"),
        # How many reverse proxies stand in front of the app; their X-Forwarded-For gives the client's address.
        "TRUSTED_PROXIES": _env_int("NALW_TRUSTED_PROXIES", 0),
        # Mail: the outbox worker sends through this server.
        "MAIL_SERVER": _env("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": _env_int("MAIL_PORT", 8025),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": _env("MAIL_DEFAULT_SENDER", "NALW <no-reply@nalw.org.uk>"),
        "MAIL_TIMEOUT": _env_int("NALW_MAIL_TIMEOUT", 20),
        "OUTBOX_MAX_ATTEMPTS": _env_int("NALW_OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_BATCH_SIZE": _env_int("NALW_OUTBOX_BATCH_SIZE", 50),
        # Stripe. The API base and Stripe.js URL point at localstripe for `make run` and the tests.
        "STRIPE_SECRET_KEY": _env("STRIPE_SECRET_KEY", None if production else "sk_test_localstripe"),
        "STRIPE_PUBLISHABLE_KEY": _env("STRIPE_PUBLISHABLE_KEY", None if production else "pk_test_localstripe"),
        "STRIPE_WEBHOOK_SECRET": _env("STRIPE_WEBHOOK_SECRET", None if production else DEVELOPMENT_WEBHOOK_SECRET),
        "STRIPE_API_BASE": _env("STRIPE_API_BASE", None if production else "http://127.0.0.1:8420"),
        "STRIPE_JS_URL": _env(
            "STRIPE_JS_URL", "https://js.stripe.com/v3/" if production else "http://127.0.0.1:8420/js.stripe.com/v3/"
        ),
        # CPD: the year starts on this day (MM-DD); evidence files live outside the web root.
        "CPD_YEAR_STARTS": _env("NALW_CPD_YEAR_STARTS", "04-01"),
        "EVIDENCE_MAX_BYTES": _env_int("NALW_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024),
        "EVIDENCE_STORAGE_DIR": _env("NALW_EVIDENCE_DIR", str(INSTANCE_DIR / "evidence")),
        # Benchmarks only: a no-query baseline page and a query count on every response.
        "BENCH_MODE": _env_bool("NALW_BENCH_MODE", False) and not production,
        # Demo conveniences are never on in production.
        "DEMO_MODE": _env_bool("NALW_DEMO_MODE", False) and not production,
        # Where `make run`'s mail catcher keeps what it receives, shown at /demo/mail in demo mode only.
        "DEMO_MAILDIR": str(INSTANCE_DIR / "maildir"),
        "LOG_LEVEL": _env("NALW_LOG_LEVEL", "INFO"),
    }
    config.update(overrides or {})
    config.update(stripe_content_sources(config))
    if config.get("PRODUCTION"):
        check_production(config)
    elif not config.get("SECRET_KEY"):
        # Development only: a fresh key per start keeps nothing guessable in git.
        config["SECRET_KEY"] = _development_secret_key()
    return config


def check_production(config):
    missing = [name for name, key in REQUIRED_IN_PRODUCTION if not config.get(key)]
    if missing:
        raise ConfigurationError(
            "Production needs these environment variables set: " + ", ".join(missing) + ". See README.md, 'Deploying'."
        )
    if len(config["SECRET_KEY"]) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters in production.")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise ConfigurationError("Production must use PostgreSQL: set DATABASE_URL to a postgresql:// URL.")
    if config["STRIPE_WEBHOOK_SECRET"] == DEVELOPMENT_WEBHOOK_SECRET:
        raise ConfigurationError(
            "STRIPE_WEBHOOK_SECRET is the development secret, which anyone can read in the source:"
            " set the signing secret of the site's Stripe webhook endpoint."
        )


def _origin(url):
    if not url:
        return None
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0]}"


def stripe_content_sources(config):
    """What the Content Security Policy must allow for Stripe.js and its card field."""
    js_origin = _origin(config.get("STRIPE_JS_URL"))
    api_origin = _origin(config.get("STRIPE_API_BASE")) or "https://api.stripe.com"
    return {
        "CSP_EXTRA_SCRIPT_SOURCES": [origin for origin in (js_origin,) if origin],
        "CSP_EXTRA_CONNECT_SOURCES": sorted({origin for origin in (api_origin, js_origin) if origin}),
        "CSP_EXTRA_FRAME_SOURCES": ["https://js.stripe.com", "https://hooks.stripe.com"],
    }


def _development_secret_key():
    """A key kept in instance/, so sessions survive a restart of `make run`."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(os.urandom(32).hex())
    return key_file.read_text().strip()
