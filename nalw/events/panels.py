"""Panels other domains add to an event's page, so events imports none of them.

A domain registers a panel when the app starts, e.g. insight with `panels.register(leading_themes_panel)`.
A panel takes the event and returns an `EventPanel` to show, or None to show nothing; the event page
renders each in turn, in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EventPanel:
    heading: str
    template: str  # rendered with `panel` (this) in its context
    context: dict


_panels: list[Callable] = []


def register(panel):
    if panel not in _panels:
        _panels.append(panel)


def panels_for(event) -> list[EventPanel]:
    return [shown for panel in _panels if (shown := panel(event)) is not None]
