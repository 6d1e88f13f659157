"""Access is declared on every view, and every role meets exactly the door it should.

The table below is the spec: who may open each endpoint. A new view fails here
until it declares a rule and the table says who it is for.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

from nalw.core.permissions import Role, access_rule_for
from tests.helpers import ROLE_TRAITS, page_text, sign_in
from tests.routes import dummy_request, endpoints

PUBLIC = "public"
SIGNED_IN = "signed in"
STAFF = frozenset({Role.STAFF})
ADMIN = frozenset({Role.ADMIN})
MEMBER = frozenset({Role.MEMBER})
ORGANISATION_ADMIN = frozenset({Role.ORGANISATION_ADMIN})
JUDGE = frozenset({Role.JUDGE})

EXPECTED_AUDIENCE = {
    "static": PUBLIC,
    "bootstrap.static": PUBLIC,
    "core.home": PUBLIC,
    "core.healthz": PUBLIC,
    "core.favicon": PUBLIC,
    "accounts.sign_up": PUBLIC,
    "accounts.check_email": PUBLIC,
    "accounts.verify_email": PUBLIC,
    "accounts.resend_verification": SIGNED_IN,
    "accounts.sign_in": PUBLIC,
    "accounts.sign_in_two_factor": PUBLIC,
    "accounts.sign_out": PUBLIC,
    "accounts.sign_out_everywhere": SIGNED_IN,
    "accounts.forgot_password": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.change_password": SIGNED_IN,
    "accounts.account": SIGNED_IN,
    "accounts.change_email": SIGNED_IN,
    "accounts.confirm_email_change": PUBLIC,
    "accounts.two_factor_setup": SIGNED_IN,
    "accounts.recovery_codes": SIGNED_IN,
    "accounts.disable_two_factor": SIGNED_IN,
    "accounts.download_data": SIGNED_IN,
    "accounts.erase": SIGNED_IN,
    "admin.dashboard": STAFF,
    "admin.people": STAFF,
    "admin.people_csv": STAFF,
    "admin.person": STAFF,
    "admin.add_note": STAFF,
    "admin.members": STAFF,
    "admin.members_csv": STAFF,
    "admin.membership_changes": STAFF,
    "admin.membership_changes_csv": STAFF,
    "admin.renewals_due": STAFF,
    "admin.renewals_due_csv": STAFF,
    "admin.grant_role": ADMIN,
    "admin.revoke_role": ADMIN,
    "admin.audit_log": STAFF,
    "admin.audit_log_csv": STAFF,
    "admin.outbox": STAFF,
    "admin.outbox_csv": STAFF,
    "admin.outbox_message": STAFF,
    "admin.retry_message": STAFF,
    "code_of_practice.current": PUBLIC,
    "code_of_practice.version": PUBLIC,
    "code_of_practice.manage": ADMIN,
    "code_of_practice.start_draft": ADMIN,
    "code_of_practice.edit_draft": ADMIN,
    "code_of_practice.save_standard": ADMIN,
    "code_of_practice.remove_standard": ADMIN,
    "code_of_practice.publish": ADMIN,
    "members.my_membership": SIGNED_IN,
    "members.choose_tier": SIGNED_IN,
    "members.apply": SIGNED_IN,
    "members.pay": SIGNED_IN,
    "members.renew": SIGNED_IN,
    "members.automatic_renewal": SIGNED_IN,
    "members.resign": SIGNED_IN,
    "members.certificate": MEMBER,
    "members.register": PUBLIC,
    "members.organisation": ORGANISATION_ADMIN,
    "members.remove_seat": ORGANISATION_ADMIN,
    "members.accept_invitation": SIGNED_IN,
    "members.applications": STAFF,
    "members.applications_csv": STAFF,
    "members.staff_membership": STAFF,
    "members.approve": STAFF,
    "members.reject": STAFF,
    "members.suspend": STAFF,
    "members.reinstate": STAFF,
    "members.record_offline_payment": STAFF,
    "members.hand_over": STAFF,
    "members.tiers": ADMIN,
    "members.edit_tier": ADMIN,
    "payments.stripe_webhook": PUBLIC,
    "payments.my_payments": SIGNED_IN,
    "payments.receipt": SIGNED_IN,
    "payments.staff_payments": STAFF,
    "payments.staff_payments_csv": STAFF,
    "payments.staff_payment": STAFF,
    "payments.refund": STAFF,
    "payments.authenticate": SIGNED_IN,
    "payments.authenticated": SIGNED_IN,
    "members.cpd_declaration": SIGNED_IN,
    "cpd.my_cpd": SIGNED_IN,
    "cpd.new_entry": SIGNED_IN,
    "cpd.edit_entry": SIGNED_IN,
    "cpd.delete_entry": SIGNED_IN,
    "cpd.accept_code": SIGNED_IN,
    "cpd.evidence_file": SIGNED_IN,
    "cpd.delete_evidence": SIGNED_IN,
    "cpd.export": SIGNED_IN,
    "cpd.my_audits": SIGNED_IN,
    "cpd.audit_profile": SIGNED_IN,
    "cpd.staff_person_cpd": STAFF,
    "cpd.compliance_list": STAFF,
    "cpd.compliance_csv": STAFF,
    "cpd.audits_list": STAFF,
    "cpd.new_audit": STAFF,
    "cpd.audit_detail": STAFF,
    "cpd.review_selection": STAFF,
    "events.event_list": PUBLIC,
    "events.event_page": PUBLIC,
    "events.calendar_feed": PUBLIC,
    "events.book": SIGNED_IN,
    "events.pay": SIGNED_IN,
    "events.my_bookings": SIGNED_IN,
    "events.cancel_booking": SIGNED_IN,
    "events.join_waiting_list": SIGNED_IN,
    "events.leave_waiting_list": SIGNED_IN,
    "events.certificate": SIGNED_IN,
    "events.reset_calendar_address": SIGNED_IN,
    "events.my_calendar": PUBLIC,  # the secret in its address is the access: see tests/events/test_feeds.py
    "events.staff_events": STAFF,
    "events.new_event": STAFF,
    "events.edit_event": STAFF,
    "events.staff_event": STAFF,
    "events.publish_event": STAFF,
    "events.cancel_event": STAFF,
    "events.settle_event_cancellation": STAFF,
    "events.attendees": STAFF,
    "events.attendees_csv": STAFF,
    "events.check_in_page": STAFF,
    "events.check_in": STAFF,
    "events.undo_check_in": STAFF,
    "events.mark_attendance": STAFF,
    "insight.new_report": SIGNED_IN,  # a member in good standing: others are told why (tests/insight)
    "insight.my_reports": SIGNED_IN,
    "insight.edit_report": SIGNED_IN,
    "insight.withdraw_report": SIGNED_IN,
    "insight.public_figures": PUBLIC,
    "insight.open_data": PUBLIC,
    "insight.staff_figures": STAFF,
    "insight.staff_reports": STAFF,
    "insight.staff_reports_csv": STAFF,
    "insight.hide_report": STAFF,
    # awards: the public page, nominating, screening
    "awards.awards_page": PUBLIC,
    "awards.nominate": SIGNED_IN,
    "awards.edit_nomination": SIGNED_IN,
    "awards.delete_nomination": SIGNED_IN,
    "awards.my_nominations": SIGNED_IN,
    "awards.evidence_file": SIGNED_IN,
    "awards.delete_evidence": SIGNED_IN,
    "awards.staff_cycles": STAFF,
    "awards.new_cycle": STAFF,
    "awards.edit_cycle": STAFF,
    "awards.staff_cycle": STAFF,
    "awards.add_default_categories": STAFF,
    "awards.new_category": STAFF,
    "awards.edit_category": STAFF,
    "awards.delete_category": STAFF,
    "awards.new_criterion": STAFF,
    "awards.edit_criterion": STAFF,
    "awards.delete_criterion": STAFF,
    "awards.screening_list": STAFF,
    "awards.screening_list_csv": STAFF,
    "awards.staff_nomination": STAFF,
    "awards.mark_eligible": STAFF,
    "awards.mark_ineligible": STAFF,
    "awards.staff_evidence_file": STAFF,
    # The judging and results pages of the awards.
    "awards.judging_home": JUDGE,
    "awards.declare_conflict": JUDGE,
    "awards.judge_nomination": JUDGE,
    "awards.judge_evidence": JUDGE,
    "awards.judge_scores_csv": JUDGE,
    "awards.staff_judging": STAFF,
    "awards.unassign_judge": STAFF,
    "awards.reopen_judging": STAFF,
    "awards.close_judging": STAFF,
    "awards.staff_nomination_judging": STAFF,
    "awards.withdraw_conflict": STAFF,
    "awards.staff_cycle_results": STAFF,
    "awards.staff_results": STAFF,
    "awards.choose_outcome": STAFF,
    "awards.publish_results": STAFF,
    "awards.results_csv": STAFF,
    "awards.public_results": PUBLIC,
}


def roles_held(role_name):
    """The roles a person of `role_name` counts as holding: an admin counts as staff too."""
    traits = ROLE_TRAITS[role_name] or {}
    held = set(traits.get("roles", ()))
    if Role.ADMIN in held:
        held.add(Role.STAFF)
    return held


def may_open(role_name, audience):
    if audience == PUBLIC:
        return True
    if ROLE_TRAITS[role_name] is None:
        return False
    return audience == SIGNED_IN or bool(roles_held(role_name) & audience)


def declared_audience(rule):
    if not rule.sign_in:
        return PUBLIC
    if not rule.roles:
        return SIGNED_IN
    return rule.roles


def test_every_endpoint_declares_who_may_open_it(app):
    undeclared = [endpoint for endpoint in endpoints(app) if access_rule_for(app, endpoint) is None]
    assert undeclared == [], f"these views have no @public, @signed_in or @requires: {undeclared}"


def test_every_endpoint_is_in_the_audience_table(app):
    missing = [endpoint for endpoint in endpoints(app) if endpoint not in EXPECTED_AUDIENCE]
    stale = [endpoint for endpoint in EXPECTED_AUDIENCE if endpoint not in app.view_functions]
    assert missing == [], f"add these endpoints to EXPECTED_AUDIENCE: {missing}"
    assert stale == [], f"these endpoints no longer exist: {stale}"


def test_every_declared_rule_matches_the_audience_table(app):
    different = {
        endpoint: declared_audience(access_rule_for(app, endpoint))
        for endpoint in endpoints(app)
        if access_rule_for(app, endpoint) is not None
        and declared_audience(access_rule_for(app, endpoint)) != EXPECTED_AUDIENCE.get(endpoint)
    }
    assert different == {}, f"declared rule differs from the table: {different}"


@pytest.mark.parametrize("role_name", list(ROLE_TRAITS))
def test_each_role_meets_the_right_door_on_every_endpoint(app, client, person_as, role_name):
    person = person_as(role_name)
    problems = []
    for endpoint in endpoints(app):
        method, path = dummy_request(app, endpoint)
        if person is not None:
            # Some pages (sign out) end the session; each request starts signed in again.
            sign_in(client, person)
        # A fresh app context per request, as in production: nothing (like the signed-in
        # person Flask-Login keeps on `g`) carries over from the previous endpoint.
        with app.app_context():
            response = client.open(path, method=method)
        location = urlsplit(response.headers.get("Location", ""))
        # The access guard sends a visitor to sign in with the page to come back to.
        sent_to_sign_in = (
            response.status_code == 302
            and location.path == "/account/sign-in"
            and parse_qs(location.query).get("next") == [path]
        )
        allowed = may_open(role_name, EXPECTED_AUDIENCE[endpoint])

        if allowed:
            if response.status_code == 403 or sent_to_sign_in or response.status_code >= 500:
                problems.append(f"{method} {path}: should open, got {response.status_code} {location.geturl()}")
        elif person is None:
            if not sent_to_sign_in:
                problems.append(f"{method} {path}: visitor should be sent to sign in, got {response.status_code}")
        elif response.status_code != 403 or "You cannot open this page" not in page_text(response):
            problems.append(f"{method} {path}: should be refused with the 403 page, got {response.status_code}")
    assert problems == [], "\n".join(problems)


def test_staff_without_two_factor_is_sent_to_set_it_up(client, person_as):
    staff = person_as("staff", two_factor=False)
    sign_in(client, staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/two-factor"
    followed = client.get(response.headers["Location"])
    assert "Your role needs two-factor sign-in. Set it up to continue." in page_text(followed)


def test_admin_without_two_factor_cannot_open_the_audit_log(client, person_as):
    admin = person_as("admin", two_factor=False)
    sign_in(client, admin)

    response = client.get("/admin/audit")

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/two-factor"
