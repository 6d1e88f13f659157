"""Finding the record a request names: someone else's, or one a lookup did not find, is Not Found."""

import pytest
from werkzeug.exceptions import NotFound

from nalw.core.records import found_or_404


def test_a_lookup_that_found_nothing_is_not_found():
    with pytest.raises(NotFound):
        found_or_404(None)


def test_what_a_lookup_found_is_given_back_even_when_empty():
    events = []  # a calendar link whose person has no events yet is still their calendar

    assert found_or_404(events) is events
    assert found_or_404(0) == 0
