"""The NALW platform: `create_app` builds a configured application."""

import logging

from flask import Flask

from nalw.config import PROJECT_ROOT, load_config


def create_app(config=None):
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"), static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(load_config(config))
    configure_logging(app)
    trust_proxies(app)
    register_request_hooks(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure_logging(app):
    level = getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("nalw").setLevel(level)
    app.logger.setLevel(level)


def trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from their
    X-Forwarded-For and -Proto headers. With none (the default) the headers are ignored: anyone
    can send them, and rate limits and the audit log would believe a forged address."""
    trusted = app.config["TRUSTED_PROXIES"]
    if trusted:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=0, x_port=0, x_prefix=0)


def register_request_hooks(app):
    """Before the extensions' own hooks, so a request they refuse (CSRF) still gets an id and a log line."""
    from nalw.core import web

    web.register_request_hooks(app)


def register_extensions(app):
    from nalw.accounts import init_login
    from nalw.core.db import render_migration_item
    from nalw.extensions import bootstrap, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    login_manager.init_app(app)
    init_login(login_manager)
    csrf.init_app(app)
    mail.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)


def register_blueprints(app):
    from nalw import accounts, admin, awards, code_of_practice, cpd, events, insight, members, payments
    from nalw.core import views as core_views
    from nalw.core.permissions import declare_public
    from nalw.core.web import register_url_converters

    register_url_converters(app)
    app.register_blueprint(core_views.blueprint)
    app.register_blueprint(accounts.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(code_of_practice.blueprint)
    app.register_blueprint(members.blueprint)
    app.register_blueprint(payments.blueprint)
    app.register_blueprint(cpd.blueprint)
    app.register_blueprint(events.blueprint)
    app.register_blueprint(insight.blueprint)
    app.register_blueprint(awards.blueprint)
    members.register_payment_handlers()
    events.register_payment_handlers()
    register_event_panels()
    declare_public(app, "static", "bootstrap.static")
    if app.config["BENCH_MODE"]:
        from nalw.core.benchmarking import register_bench_mode

        register_bench_mode(app)
    if app.config["DEMO_MODE"] and not app.config["PRODUCTION"]:
        from nalw.core.demo_mail import register_demo_mail

        register_demo_mail(app)


def register_event_panels():
    """Domains that may not import each other meet here: a roadshow's page shows what members reported in its
    region (events does not import insight, and insight reads only members)."""
    from nalw.events import panels

    panels.register(_leading_themes_panel)


def _leading_themes_panel(event):
    from nalw.events.panels import EventPanel
    from nalw.insight.panels import leading_themes_panel

    parts = leading_themes_panel(event)
    return EventPanel(**parts) if parts else None


def register_template_helpers(app):
    from nalw.core.contact import contact_details
    from nalw.core.hours import format_hours
    from nalw.core.money import format_pence
    from nalw.core.navigation import navigation_for
    from nalw.core.time import format_date, format_datetime, format_time_span

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time_span"] = format_time_span
    app.jinja_env.filters["pence"] = format_pence
    app.jinja_env.filters["hours"] = format_hours

    @app.context_processor
    def site_context():
        from flask import has_request_context
        from flask_login import current_user

        context = {"site_name": app.config["SITE_NAME"], **contact_details()}
        if has_request_context():  # emails are also rendered by cron commands, with nobody signed in
            context["navigation"], context["staff_navigation"] = navigation_for(current_user)
        return context


def register_errorhandlers(app):
    from nalw.core.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app):
    from nalw.accounts.commands import accounts_cli
    from nalw.core.commands import outbox_cli
    from nalw.cpd.commands import cpd_cli
    from nalw.demo import demo_cli
    from nalw.events.commands import events_cli
    from nalw.members.commands import members_cli
    from nalw.payments.commands import payments_cli
    from nalw.setup import setup_cli

    app.cli.add_command(outbox_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(members_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(setup_cli)
    app.cli.add_command(cpd_cli)
    app.cli.add_command(events_cli)
