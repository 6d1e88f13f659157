"""What most CPD tests share: evidence kept in the test's own folder, and a member signed in."""

import pytest

from tests.factories import MembershipFactory
from tests.helpers import sign_in


@pytest.fixture
def settings(evidence_storage):
    return {"EVIDENCE_STORAGE_DIR": str(evidence_storage)}


@pytest.fixture
def person(client):
    """A member with an active membership, signed in on `client`."""
    person = MembershipFactory().person
    sign_in(client, person)
    return person
