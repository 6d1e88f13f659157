"""The one way an enum says what each of its members is called on a page."""

import enum


class LabelledEnum(enum.Enum):
    """An enum whose every member is written with the value stored in the database and its label, together:

        class MembershipStatus(LabelledEnum):
            ACTIVE = "active", "Active"
            GRACE = "grace", "In grace period"

    `MembershipStatus("grace")` is `MembershipStatus.GRACE`, its `value` is "grace" and its `label` "In grace
    period". A member written without a label fails at import, so no page shows a missing label.
    """

    def __new__(cls, value, label):
        if not isinstance(label, str) or not label.strip():
            raise TypeError(f"{cls.__name__}: give {value!r} a label to show on pages")
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def parse(cls, value):
        """The member whose value is `value`, or None for anything else (a form's empty or tampered choice)."""
        return cls._value2member_map_.get(value) if isinstance(value, str) else None
