"""Who may open which page, declared once per view.

Every view carries exactly one of `@public`, `@signed_in` or `@requires(Role...)`.
The decorator records the rule on the view (`view.access_rule`) so a test can walk
the URL map and prove each endpoint has one, and applies it on every request:
a visitor is sent to sign in, a signed-in person without the role gets 403.
Judges, staff and admins hold none of their powers until two-factor sign-in is
on (`Person.has_role` answers for the roles in force), so every check, here or
object-level, treats them as an account holder; the pages of their role send
them to set two-factor up.
"""

import functools

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from nalw.core.labels import LabelledEnum


class Role(LabelledEnum):
    MEMBER = "member", "Member"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    JUDGE = "judge", "Judge"
    STAFF = "staff", "Staff"
    ADMIN = "admin", "Admin"


# Roles that count only once two-factor sign-in is switched on: until then the person
# holds none of their powers anywhere, and the pages of these roles send them to set it up.
TWO_FACTOR_ROLES = frozenset({Role.JUDGE, Role.STAFF, Role.ADMIN})


def role_is_held(role: Role, held) -> bool:
    """Whether `role` is among `held`; an admin holds staff too."""
    return role in held or (role is Role.STAFF and Role.ADMIN in held)


class AccessRule:
    """One declared rule: who may open a view."""

    def __init__(self, name, roles=frozenset(), sign_in=True):
        self.name = name
        self.roles = frozenset(roles)
        self.sign_in = sign_in

    def allows(self, person) -> bool:
        if not self.sign_in:
            return True
        if not person.is_authenticated:
            return False
        return not self.roles or any(person.has_role(role) for role in self.roles)

    def __repr__(self):
        return f"<AccessRule {self.name}>"


PUBLIC = AccessRule("public", sign_in=False)
SIGNED_IN = AccessRule("signed in")


def needs_two_factor_setup(person) -> bool:
    """A judge, staff member or admin opens no role page until two-factor sign-in is on."""
    return person.two_factor_required and not person.two_factor_enabled


def _granted_any(person, roles) -> bool:
    return any(person.was_granted(role) for role in roles)


def _guard(rule):
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if rule.sign_in and not current_user.is_authenticated:
                return redirect(url_for("accounts.sign_in", next=_current_path()))
            if rule.roles and needs_two_factor_setup(current_user) and _granted_any(current_user, rule.roles):
                flash("Your role needs two-factor sign-in. Set it up to continue.", "warning")
                return redirect(url_for("accounts.two_factor_setup"))
            if not rule.allows(current_user):
                abort(403)
            return view(*args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate


def public(view):
    """Anyone, signed in or not."""
    return _guard(PUBLIC)(view)


def signed_in(view):
    """Any signed-in account holder."""
    return _guard(SIGNED_IN)(view)


def requires(*roles: Role):
    """A signed-in person holding any of `roles` (an admin holds staff too)."""
    if not roles:
        raise ValueError("requires() needs at least one role")
    rule = AccessRule(" or ".join(role.value for role in roles), roles=roles)
    return _guard(rule)


def declare_public(app, *endpoints):
    """Declare views we did not write (static files) public, so the route walk finds a rule."""
    declared = app.extensions.setdefault("nalw_declared_access", {})
    for endpoint in endpoints:
        declared[endpoint] = PUBLIC


def access_rule_for(app, endpoint):
    """The rule declared for `endpoint`, or None if it has none (a bug the tests catch)."""
    declared = app.extensions.get("nalw_declared_access", {})
    if endpoint in declared:
        return declared[endpoint]
    return getattr(app.view_functions.get(endpoint), "access_rule", None)


def _current_path():
    """The path to come back to after sign-in: only a path on this site."""
    path = request.full_path if request.query_string else request.path
    return path if path.startswith("/") and not path.startswith("//") else None


def safe_next(target):
    """`target` if it is a path on this site, else None: never an open redirect."""
    # Browsers drop tabs and newlines from a URL, so `/\t/evil.example` would leave the site too.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return None
