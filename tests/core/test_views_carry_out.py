"""Views hand a service's refusal to `carry_out`, which rolls back and shows it at its field; only a view that
must do something else with a refusal catches it itself, and says why."""

import ast
import importlib
import inspect

import pytest

VIEW_MODULES = (
    "nalw.accounts.views",
    "nalw.members.views",
    "nalw.members.staff_views",
    "nalw.admin.views",
    "nalw.code_of_practice.views",
    "nalw.events.views",
    "nalw.events.staff_views",
)
# Sign-in keeps a refused attempt (it is committed, so repeated failures lock the account): carry_out rolls back.
CATCH_THEIR_OWN = {("nalw.accounts.views", "sign_in"), ("nalw.accounts.views", "sign_in_two_factor")}
# Booking notes a full event (to offer the waiting list on the page) and lets carry_out show the refusal.
CATCH_THEIR_OWN |= {("nalw.events.views", "book")}


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


@pytest.mark.parametrize("module_name", VIEW_MODULES)
def test_views_leave_refusals_to_carry_out(module_name):
    catching = {view for view, _ in caught_refusals(module_name)}

    assert {(module_name, view) for view in catching} <= CATCH_THEIR_OWN
