"""Accounts fixtures: a clock the tests move."""

import pytest
import time_machine

from nalw.core.time import utcnow


@pytest.fixture
def clock():
    """Time stands still at the real now until the test moves it: `clock.shift(seconds)`."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller
