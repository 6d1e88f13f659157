"""The refusals of the awards rules."""

from nalw.core.errors import DomainError


class AwardsError(DomainError):
    """An awards rule refused the change."""


class CriteriaFrozen(AwardsError):
    """Categories and criteria are fixed once nominations open: a weight changed mid-cycle would change
    scores already given."""

    def __init__(self, cycle, message=None):
        super().__init__(
            message
            or f"Nominations for {cycle.title} have opened, so its categories and criteria can no longer change.",
        )


class NominationsClosed(AwardsError):
    pass
