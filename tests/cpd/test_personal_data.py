"""CPD in a person's data download, and erasure: entries and evidence files go."""

import datetime as dt

import pytest
import time_machine

from nalw.cpd.models import ActivityType
from tests.cpd.record_steps import entries_of, evidence_rows, files_in, upload
from tests.factories import DEFAULT_PASSWORD, REFLECTION, CpdEntryFactory, MembershipFactory, pdf_file, png_file
from tests.helpers import page_text, sign_in


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def test_the_data_download_includes_every_cpd_entry_with_its_reflection(client, person):
    entry = CpdEntryFactory(
        person=person,
        done_on=dt.date(2025, 6, 2),
        hours=2.5,
        standards=("S1", "S2"),
        activity_type=ActivityType.PEER_SUPPORT,
        title="Group supervision",
        provider="Riverside PCN",
    )
    CpdEntryFactory(
        person=person,
        done_on=dt.date(2024, 5, 1),
        hours=1,
        standards=("S3",),
        title="Draft from last year",
        complete=False,
    )
    CpdEntryFactory(person=MembershipFactory().person, done_on=dt.date(2025, 7, 1), title="Someone else's learning")
    upload(client, entry, "notes.pdf", pdf_file())

    export = client.get("/account/data").json

    assert export["cpd_entries"] == [
        {
            "date": "2024-05-01",
            "title": "Draft from last year",
            "activity_type": "course",
            "hours": 1,
            "provider": "",
            "standards": ["S3"],
            "status": "draft",
            "what_i_did": "",
            "what_i_learned": "",
            "practice_change": "",
            "impact": "",
            "evidence_files": [],
        },
        {
            "date": "2025-06-02",
            "title": "Group supervision",
            "activity_type": "peer_support",
            "hours": 2.5,
            "provider": "Riverside PCN",
            "standards": ["S1", "S2"],
            "status": "complete",
            **REFLECTION,
            "evidence_files": ["notes.pdf"],
        },
    ]


def test_erasure_removes_the_persons_entries_and_evidence_files_and_no_one_elses(app, client, person, evidence_storage):
    entry = CpdEntryFactory(person=person, done_on=dt.date(2025, 6, 2), title="Group supervision")
    upload(client, entry, "notes.pdf", pdf_file())
    upload(client, entry, "photo.png", png_file())
    other = MembershipFactory().person
    other_entry = CpdEntryFactory(person=other, done_on=dt.date(2025, 7, 1), title="Someone else's learning")
    other_client = app.test_client()
    sign_in(other_client, other)
    upload(other_client, other_entry, "kept.pdf", pdf_file())
    [kept_evidence] = [evidence for evidence in evidence_rows() if evidence.entry_id == other_entry.id]

    response = client.post(
        "/account/erase", data={"confirm": "ERASE", "password": DEFAULT_PASSWORD}, follow_redirects=True
    )

    assert "Your personal data has been erased and you have been signed out." in page_text(response)
    assert entries_of(person) == []
    assert evidence_rows() == [kept_evidence]
    assert files_in(evidence_storage) == [kept_evidence.stored_name]
    assert [each.title for each in entries_of(other)] == ["Someone else's learning"]
