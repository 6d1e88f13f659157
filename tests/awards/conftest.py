"""What the awards tests share: evidence files kept in the test's own folder."""

import pytest


@pytest.fixture
def settings(tmp_path):
    return {"EVIDENCE_STORAGE_DIR": str(tmp_path / "evidence")}
