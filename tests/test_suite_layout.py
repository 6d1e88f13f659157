"""The suite stays easy to extend: shared helpers live in factories, fixtures and steps modules, never in a test module."""

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TEST_MODULE = re.compile(r"^tests(\.\w+)*\.test_\w+$")


def modules_imported_by(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_test_module_imports_from_another_test_module():
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module in modules_imported_by(path)
        if TEST_MODULE.match(module)
    ]
    assert offenders == [], "move what is shared into tests/factories, a conftest.py or a steps module:\n" + "\n".join(
        offenders
    )


def test_no_test_module_builds_its_own_copy_of_a_factory():
    """Builders named like the factories' work (`make_*`, `build_*`, `create_*`, `active_member*`) belong in
    tests/factories, so there is one to change when the app changes how such a thing is made."""
    builder = re.compile(r"^(_?make|_?build|_?create|active_member)\w*$")
    offenders = [
        f"{path.relative_to(TESTS.parent)}: {node.name}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and builder.match(node.name) and not node.decorator_list
    ]
    assert offenders == []
