"""What the awards tests share: evidence files kept in the test's own folder."""

import pytest


@pytest.fixture
def settings(evidence_storage):
    return {"EVIDENCE_STORAGE_DIR": str(evidence_storage)}
