"""Staff notes, written through the service the member page uses."""

from nalw.admin import notes
from tests.factories.accounts import staff_member


def staff_note(person, body="Called about an invoice; will pay by transfer.", author=None):
    return notes.add_note(author or staff_member(), person, body)
