import pytest


@pytest.fixture
def settings(stripe_settings):
    """Events tests that move money do it on localstripe."""
    return stripe_settings
