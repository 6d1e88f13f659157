"""Libraries whose releases change what the code may write are pinned to the range the tests run on."""

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def requirement(name):
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    [found] = [Requirement(line) for line in dependencies if Requirement(line).name.lower() == name.lower()]
    return found


def test_wtforms_is_pinned_below_the_next_minor_release_and_the_tests_run_on_it():
    """WTForms 3.4 refuses tuple choices (3.3 only warns); a new minor release is taken on purpose, not by accident."""
    pinned = requirement("WTForms")

    assert any(spec.operator == "<" for spec in pinned.specifier)
    assert pinned.specifier.contains(version("WTForms"))
