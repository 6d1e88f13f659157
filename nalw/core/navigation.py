"""The main navigation, showing what the signed-in person's roles allow."""

from nalw.core.permissions import Role, role_is_held

# (label, endpoint, who sees it): None is everyone, "signed_in" any account, else a role.
MAIN_NAVIGATION = [
    ("Home", "core.home", None),
    ("Code of practice", "code_of_practice.current", None),
    ("Register", "members.register", None),
    ("Events", "events.event_list", None),
    ("Awards", "awards.awards_page", None),
    ("Gaps and barriers", "insight.public_figures", None),
    ("Membership", "members.my_membership", "signed_in"),
    ("My bookings", "events.my_bookings", "signed_in"),
    ("Report a barrier", "insight.new_report", Role.MEMBER),
    ("My nominations", "awards.my_nominations", "signed_in"),
    ("Judging", "awards.judging_home", Role.JUDGE),
    ("My CPD", "cpd.my_cpd", Role.MEMBER),
    ("My organisation", "members.organisation", Role.ORGANISATION_ADMIN),
    ("My account", "accounts.account", "signed_in"),
]

# The staff area's own menu, on every staff page.
STAFF_NAVIGATION = [
    ("Dashboard", "admin.dashboard", Role.STAFF),
    ("Members", "admin.members", Role.STAFF),
    ("Applications", "members.applications", Role.STAFF),
    ("People", "admin.people", Role.STAFF),
    ("Payments", "payments.staff_payments", Role.STAFF),
    ("CPD compliance", "cpd.compliance_list", Role.STAFF),
    ("CPD audits", "cpd.audits_list", Role.STAFF),
    ("Events", "events.staff_events", Role.STAFF),
    ("Gaps and barriers", "insight.staff_figures", Role.STAFF),
    ("Awards", "awards.staff_cycles", Role.STAFF),
    ("Emails", "admin.outbox", Role.STAFF),
    ("Tiers", "members.tiers", Role.ADMIN),
    ("Code of practice", "code_of_practice.manage", Role.ADMIN),
    ("Audit log", "admin.audit_log", Role.STAFF),
]


def navigation_for(person):
    """The main navigation and the staff menu `person` sees, as (label, endpoint) pairs: whether they are signed in
    and the roles they hold are read once for both (every page shows them)."""
    roles = person.effective_roles if person.is_authenticated else None
    return _shown(MAIN_NAVIGATION, roles), _shown(STAFF_NAVIGATION, roles)


def _shown(menu, roles):
    """The items of `menu` for someone holding `roles` (None: nobody is signed in)."""
    return [
        (label, endpoint)
        for label, endpoint, audience in menu
        if audience is None or (roles is not None and (audience == "signed_in" or role_is_held(audience, roles)))
    ]
