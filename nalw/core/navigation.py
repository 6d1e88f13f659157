"""The main navigation, showing what the signed-in person's roles allow."""

from nalw.core.permissions import Role

# (label, endpoint, who sees it): None is everyone, "signed_in" any account, else a role.
MAIN_NAVIGATION = [
    ("Home", "core.home", None),
    ("My account", "accounts.account", "signed_in"),
    ("Staff dashboard", "admin.dashboard", Role.STAFF),
    ("People", "admin.people", Role.STAFF),
    ("Emails", "admin.outbox", Role.STAFF),
    ("Audit log", "admin.audit_log", Role.ADMIN),
]


def navigation_for(person):
    items = []
    for label, endpoint, audience in MAIN_NAVIGATION:
        if audience is None:
            items.append((label, endpoint))
        elif not person.is_authenticated:
            continue
        elif audience == "signed_in" or person.has_role(audience):
            items.append((label, endpoint))
    return items
