"""The awards' default categories and criteria, which staff may change before nominations open.

The categories are content, kept in `default_categories.toml` beside this module: each with its name,
description, who may be nominated, whether self-nomination is allowed, and its criteria (question, word limit,
weight).
"""

import tomllib
from pathlib import Path

from nalw.awards import cycles
from nalw.awards.models import NomineeKind

DEFAULT_CATEGORIES_FILE = Path(__file__).with_name("default_categories.toml")


def _read_default_categories(path):
    """Each default category, in order, as (its values for `cycles.add_category`, its criteria's values for
    `cycles.add_criterion`)."""
    with path.open("rb") as file:
        categories = tomllib.load(file)["category"]
    defaults = []
    for values in categories:
        criteria = values.pop("criteria")
        values["nominee_kind"] = NomineeKind(values["nominee_kind"])
        defaults.append((values, criteria))
    return tuple(defaults)


DEFAULT_CATEGORIES = _read_default_categories(DEFAULT_CATEGORIES_FILE)


def seed_default_categories(actor, cycle, now=None) -> int:
    """Add each default category the cycle lacks, with its criteria; returns how many were added.
    Safe to repeat, and refused (as any change is) once nominations have opened."""
    existing = {category.name for category in cycle.categories}
    added = 0
    for values, criteria in DEFAULT_CATEGORIES:
        if values["name"] in existing:
            continue
        category = cycles.add_category(actor, cycle, now=now, **values)
        for criterion in criteria:
            cycles.add_criterion(actor, category, now=now, **criterion)
        added += 1
    return added
