"""Every enum says what its members are called one way: a `LabelledEnum`, each member with its value and label."""

import enum
import importlib
import pkgutil

import pytest

import nalw
from nalw.core.labels import LabelledEnum


def every_enum():
    """Every enum defined anywhere under nalw/, so a new domain's enums are checked when they land."""
    found = set()
    for module_info in pkgutil.walk_packages(nalw.__path__, "nalw."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, enum.EnumMeta) and value.__module__ == module.__name__:
                found.add(value)
    return sorted(found, key=lambda enum_class: enum_class.__qualname__)


def test_every_enum_labels_each_member_with_the_one_helper():
    enum_classes = every_enum()
    assert {enum_class.__name__ for enum_class in enum_classes} >= {
        "Role",
        "Region",
        "Eligibility",
        "EmployerType",
        "MembershipStatus",
        "SeatStatus",
        "VersionStatus",
        "OutboxStatus",
        "ActivityType",
        "EntryStatus",
        "Outcome",
        "SelectionStatus",
        "AuditStatus",
        "PaymentPurpose",
        "PaymentStatus",
        "PaymentMethod",
        "RefundStatus",
    }
    for enum_class in enum_classes:
        assert issubclass(enum_class, LabelledEnum), f"{enum_class.__name__} is not a LabelledEnum"
        for member in enum_class:
            assert isinstance(member.label, str) and member.label.strip(), f"{member} has no label"


def test_a_member_without_a_label_is_refused_at_import():
    with pytest.raises(TypeError):

        class Timing(LabelledEnum):
            EARLY = "early", "Early"
            LATE = "late"


def test_labels_leave_the_values_stored_in_the_database_alone():
    class Timing(LabelledEnum):
        EARLY = "early", "Early"
        LATE = "late", "Late"

    assert Timing("late") is Timing.LATE
    assert [member.value for member in Timing] == ["early", "late"]
    assert Timing.LATE.label == "Late"
