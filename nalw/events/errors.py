"""What an events rule says when it refuses: one class per refusal a caller may want to tell apart."""

from nalw.core.errors import DomainError


class EventError(DomainError):
    """An events rule refused the change."""


class EventFull(EventError):
    def __init__(self, message="This event is full. Join the waiting list and we will email you if a place frees."):
        super().__init__(message)


class BookingClosed(EventError):
    pass


class AlreadyBooked(EventError):
    def __init__(self, message="You already have a place at this event. See it under My bookings."):
        super().__init__(message)


class HoldExpired(EventError):
    pass
