"""Views hand a service's refusal to `carry_out`, which rolls back and shows it at its field; only a view that
must do something else with a refusal catches it itself, and says why."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import nalw


def view_modules():
    """Every domain's `views.py` and `staff_views.py`, found on disk, so a new domain is checked when it lands."""
    package = Path(nalw.__path__[0])
    return sorted(
        f"nalw.{path.parent.name}.{path.stem}"
        for pattern in ("*/views.py", "*/staff_views.py")
        for path in package.glob(pattern)
    )


VIEW_MODULES = view_modules()
# The views that must do something else with a refusal than roll back and show it, each with why.
CATCH_THEIR_OWN = {
    # Sign-in keeps a refused attempt (it is committed, so repeated failures lock the account): carry_out rolls back.
    ("nalw.accounts.views", "sign_in"),
    ("nalw.accounts.views", "sign_in_two_factor"),
    # Stripe's webhook answers a malformed event with a 400 for Stripe, not a form or a banner for a person.
    ("nalw.payments.views", "stripe_webhook"),
    # Stripe not answering is no refusal: the bank's check is sent back to the payments page to finish later, and
    # the payment as read so far is still committed.
    ("nalw.payments.views", "authenticate"),
    ("nalw.payments.views", "authenticated"),
    # Booking notes a full event (to offer the waiting list on the page) and lets carry_out show the refusal.
    ("nalw.events.views", "book"),
}


def caught_refusals(module_name):
    """(view, exception class) for every `except` in the module that catches one of our own exceptions: a
    refusal (a DomainError) or a bad link (InvalidLink, which the link problem page answers wherever it is raised)."""
    module = importlib.import_module(module_name)
    tree = ast.parse(inspect.getsource(module))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                for name in names:
                    caught = eval(compile(ast.Expression(name), module_name, "eval"), vars(module))
                    if caught.__module__.startswith("nalw."):
                        yield function.name, caught


def test_every_domains_view_modules_are_checked():
    assert {
        "nalw.accounts.views",
        "nalw.admin.views",
        "nalw.code_of_practice.views",
        "nalw.cpd.staff_views",
        "nalw.cpd.views",
        "nalw.members.staff_views",
        "nalw.members.views",
        "nalw.payments.views",
    } <= set(VIEW_MODULES)


@pytest.mark.parametrize("module_name", VIEW_MODULES)
def test_views_leave_refusals_to_carry_out(module_name):
    catching = {view for view, _ in caught_refusals(module_name)}

    assert {(module_name, view) for view in catching} <= CATCH_THEIR_OWN
