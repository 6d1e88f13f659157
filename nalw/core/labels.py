"""The one way an enum says what each of its members is called on a page."""

from types import MappingProxyType


def labels(**by_name):
    """Give an enum its `label`, one for each member, named by the member's name; `Enum.labels` holds them all.

        @labels(ACTIVE="Active", GRACE="In grace period")
        class MembershipStatus(enum.Enum):
            ACTIVE = "active"
            GRACE = "grace"

    A member without a label, or a label for no member, fails at import, so no page shows a missing label.
    """

    def give_labels(enum_class):
        names, named = set(enum_class.__members__), set(by_name)
        if names != named:
            raise TypeError(
                f"{enum_class.__name__} needs one label for each member: "
                f"missing {sorted(names - named)}, unknown {sorted(named - names)}"
            )
        enum_class.labels = MappingProxyType({enum_class[name]: label for name, label in by_name.items()})
        enum_class.label = property(lambda member: member.labels[member])
        return enum_class

    return give_labels
