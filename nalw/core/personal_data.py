"""Each domain says what personal data it holds about a person, and how to erase it.

`accounts` asks every registered exporter for the download and every eraser on
erasure, so a new domain joins both by registering here; core knows no domain.
"""

# What erased text becomes where a record keeps that there was some.
ERASED = "(erased)"


def erased_email(person_id) -> str:
    """The address an erased person's account is given, and what their addresses become where they are kept."""
    return f"erased-{person_id}@invalid"


_exporters = {}
_erasers = []


def personal_data_exporter(section):
    """Register `fn(person) -> JSON-ready value` as one section of the download."""

    def register(fn):
        _exporters[section] = fn
        return fn

    return register


def personal_data_eraser(fn):
    """Register `fn(person)`: anonymise what the domain holds; keep what must be kept."""
    _erasers.append(fn)
    return fn


def as_iso(moment):
    """A date or time as the download writes it (ISO 8601), or None."""
    return moment.isoformat() if moment is not None else None


def collect_personal_data(person):
    return {section: exporter(person) for section, exporter in sorted(_exporters.items())}


def erase_personal_data(person):
    for eraser in _erasers:
        eraser(person)
