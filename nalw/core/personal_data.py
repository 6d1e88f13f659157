"""Each domain says what personal data it holds about a person, and how to erase it.

`accounts` asks every registered exporter for the download and every eraser on
erasure, so a new domain joins both by registering here; core knows no domain. A domain
that cannot let a person go yet (they run something others depend on) registers an
erasure refusal, which stops erasure before anything is erased.
"""

# What erased text becomes where a record keeps that there was some.
ERASED = "(erased)"
# The name an erased person's account is given, and what their name becomes where it is kept in words.
ERASED_NAME = "Erased person"


def erased_email(person_id) -> str:
    """The address an erased person's account is given, and what their addresses become where they are kept."""
    return f"erased-{person_id}@invalid"


_exporters = {}
_erasers = []
_refusals = []


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


def erasure_refusal(fn):
    """Register `fn(person) -> str | None`: why the person's data cannot be erased yet, and what to do first
    (None: nothing in the domain stops it)."""
    _refusals.append(fn)
    return fn


def as_iso(moment):
    """A date or time as the download writes it (ISO 8601), or None."""
    return moment.isoformat() if moment is not None else None


def collect_personal_data(person):
    return {section: exporter(person) for section, exporter in sorted(_exporters.items())}


def erasure_refusals(person) -> list[str]:
    """Every registered domain's reason the person cannot be erased yet; empty when erasure may go ahead."""
    return [refusal for refusal in (fn(person) for fn in _refusals) if refusal]


def erase_personal_data(person):
    for eraser in _erasers:
        eraser(person)
