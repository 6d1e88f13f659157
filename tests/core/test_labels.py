"""Every enum says what its members are called one way: `nalw.core.labels.labels`, one label per member."""

import enum
import importlib
import pkgutil

import pytest

import nalw
from nalw.core.labels import labels

# The domains whose enums are labelled this way so far; payments and CPD follow.
LABELLED_PACKAGES = ("nalw.core", "nalw.accounts", "nalw.members", "nalw.admin", "nalw.code_of_practice", "nalw.events")


def enums_in(package_names):
    found = set()
    for module_info in pkgutil.walk_packages(nalw.__path__, "nalw."):
        if not module_info.name.startswith(package_names):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, enum.EnumMeta) and value.__module__ == module.__name__:
                found.add(value)
    return sorted(found, key=lambda enum_class: enum_class.__qualname__)


def test_every_enum_labels_each_member_with_the_one_helper():
    enum_classes = enums_in(LABELLED_PACKAGES)
    assert {enum_class.__name__ for enum_class in enum_classes} >= {
        "Role",
        "Region",
        "Eligibility",
        "EmployerType",
        "MembershipStatus",
        "SeatStatus",
        "VersionStatus",
        "OutboxStatus",
    }
    for enum_class in enum_classes:
        assert set(getattr(enum_class, "labels", {})) == set(enum_class), f"{enum_class.__name__} is not labelled"
        for member in enum_class:
            assert member.label == enum_class.labels[member]
            assert member.label.strip(), f"{member} has an empty label"


def test_a_member_without_a_label_or_a_label_without_a_member_is_refused_at_import():
    with pytest.raises(TypeError, match=r"missing \['LATE'\], unknown \['SOON'\]"):

        @labels(EARLY="Early", SOON="Soon")
        class Timing(enum.Enum):
            EARLY = "early"
            LATE = "late"


def test_labels_leave_the_values_stored_in_the_database_alone():
    @labels(EARLY="Early", LATE="Late")
    class Timing(enum.Enum):
        EARLY = "early"
        LATE = "late"

    assert Timing("late") is Timing.LATE
    assert [member.value for member in Timing] == ["early", "late"]
    assert Timing.LATE.label == "Late"
