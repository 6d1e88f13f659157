"""Learning that other domains offer for the standards a member has logged nothing against this year.

CPD imports no other domain: a domain registers a source here when it is imported, e.g. events with
`suggestions.register(upcoming_events_for_standards)`. A source takes the standards (of the member's code
version) and a limit, and returns `Suggestion`s in one query; the member's CPD page lists the earliest.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

SUGGESTIONS_SHOWN = 5


@dataclass(frozen=True)
class Suggestion:
    title: str
    starts_at: dt.datetime
    url: str
    standard_codes: tuple[str, ...]  # which of the uncovered standards it covers


_sources: list[Callable] = []


def register(source):
    if source not in _sources:
        _sources.append(source)


def for_standards(standards, limit=SUGGESTIONS_SHOWN) -> list[Suggestion]:
    """The earliest suggestions covering any of `standards`; no query at all when there are none."""
    if not standards:
        return []
    found = [suggestion for source in _sources for suggestion in source(standards, limit)]
    return sorted(found, key=lambda suggestion: suggestion.starts_at)[:limit]
