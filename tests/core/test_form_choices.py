"""A form's choices are passed when the form is built, as SelectChoice: never set on a built form's field, where
WTForms checks nothing (tuples set that way pass silently today and are refused by WTForms 3.4)."""

import ast
from pathlib import Path

import nalw

NALW = Path(nalw.__path__[0])


def test_no_code_sets_choices_on_a_built_forms_field():
    places = [
        f"{path.relative_to(NALW.parent)}:{node.lineno}"
        for path in sorted(NALW.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and target.attr == "choices"
    ]
    assert places == [], "pass the choices to the form when it is built"
