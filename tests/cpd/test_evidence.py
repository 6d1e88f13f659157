"""Evidence files: type judged from content, size-limited, kept outside the web root under a random name,
served only to the owner and staff, and removed with their records."""

import datetime as dt
import io
from pathlib import Path

import pytest
import time_machine

from nalw.cpd import services
from tests.cpd.record_steps import (
    entries_of,
    entry_answers,
    evidence_rows,
    field_is_invalid,
    files_in,
    saved_answers,
    upload,
)
from tests.factories import (
    CpdEntryFactory,
    MembershipFactory,
    docx_file,
    elf_file,
    jpeg_file,
    pdf_file,
    png_file,
    windows_exe_file,
)
from tests.helpers import page_text, sign_in
from tests.members.steps import errors_on_field

LIMIT = 2048
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NOT_ALLOWED = "That file is not a PDF, an image or an office document. Upload one of those."


@pytest.fixture
def settings(evidence_storage):
    # The whole request may be a little larger than a file may be, as in production (12 MB against 10 MB).
    return {"EVIDENCE_STORAGE_DIR": str(evidence_storage), "EVIDENCE_MAX_BYTES": LIMIT, "MAX_CONTENT_LENGTH": 4 * LIMIT}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def owner(client):
    person = MembershipFactory().person
    sign_in(client, person)
    return person


@pytest.fixture
def entry(owner):
    return CpdEntryFactory(person=owner, done_on=dt.date(2026, 2, 1), hours=3, title="Safeguarding adults level 2")


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("Certificate.pdf", pdf_file(), "application/pdf"),
        ("photo of flipchart.png", png_file(), "image/png"),
        ("scan.jpeg", jpeg_file(), "image/jpeg"),
        ("reflective account.docx", docx_file(), DOCX),
        # The name says nothing: the content decides.
        ("certificate", pdf_file(), "application/pdf"),
    ],
)
def test_pdfs_images_and_office_documents_are_kept_as_evidence(
    client, entry, evidence_storage, filename, content, content_type
):
    response = upload(client, entry, filename, content)

    assert response.status_code == 302
    page = page_text(client.get(response.location))
    assert f"{filename} added." in page
    [evidence] = evidence_rows()
    assert evidence.entry_id == entry.id
    assert (evidence.original_name, evidence.content_type, evidence.size_bytes) == (
        filename,
        content_type,
        len(content),
    )
    assert files_in(evidence_storage) == [evidence.stored_name]
    assert (evidence_storage / evidence.stored_name).read_bytes() == content


def test_a_file_exactly_at_the_size_limit_is_accepted(client, entry, evidence_storage):
    content = pdf_file().ljust(LIMIT, b" ")

    upload(client, entry, "certificate.pdf", content)

    [evidence] = evidence_rows()
    assert evidence.size_bytes == LIMIT
    assert files_in(evidence_storage) == [evidence.stored_name]


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("report.pdf", elf_file(), NOT_ALLOWED),
        ("report.pdf", windows_exe_file(), NOT_ALLOWED),
        ("notes.txt", b"Notes from the safeguarding course.\n", NOT_ALLOWED),
        ("notes.pdf", b"Notes from the safeguarding course.\n", NOT_ALLOWED),
        ("page.html", b"<!doctype html><html><script>alert(1)</script></html>", NOT_ALLOWED),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 60, NOT_ALLOWED),
        ("empty.pdf", b"", "The file is empty. Choose another file."),
        (
            "big.pdf",
            pdf_file().ljust(LIMIT + 1, b" "),
            "The file is too large. Files can be up to 2 KB: choose a smaller file.",
        ),
    ],
)
def test_a_file_that_is_not_allowed_is_refused_and_nothing_is_stored(
    client, entry, evidence_storage, filename, content, message
):
    response = upload(client, entry, filename, content)

    assert response.status_code == 200
    assert errors_on_field(response, "evidence") == [message]
    assert field_is_invalid(response, "evidence")
    assert evidence_rows() == []
    assert files_in(evidence_storage) == []
    # The entry's own form, on the same page, still shows the entry as saved.
    assert 'value="Safeguarding adults level 2"' in response.get_data(as_text=True)
    assert errors_on_field(response, "title") == []


def test_uploading_without_choosing_a_file_asks_for_one(client, entry, evidence_storage):
    response = client.post(
        f"/cpd/entries/{entry.id}",
        data={**saved_answers(entry), "upload": "Upload file"},
        content_type="multipart/form-data",
    )

    assert errors_on_field(response, "evidence") == ["Choose a file to upload."]
    assert evidence_rows() == []
    assert files_in(evidence_storage) == []


def test_the_hint_states_the_size_limit_in_force(client, entry):
    page = page_text(client.get(f"/cpd/entries/{entry.id}"))

    assert "A PDF, an image or an office document, up to 2 KB. Only you and NALW staff can see it." in page


def test_evidence_is_stored_under_a_random_name_outside_the_web_root(app, client, entry, evidence_storage):
    upload(client, entry, "Safeguarding certificate.pdf", pdf_file())
    upload(client, entry, "Safeguarding certificate.pdf", pdf_file())

    first, second = evidence_rows()
    assert first.stored_name != second.stored_name
    for evidence in (first, second):
        assert "safeguarding" not in evidence.stored_name.lower()
        assert "certificate" not in evidence.stored_name.lower()
        assert len(Path(evidence.stored_name).stem) >= 32  # 128 random bits, in hex
        assert evidence.stored_name.endswith(".pdf")  # from the content, not the name
        path = services.evidence_path(evidence)
        assert path.parent == evidence_storage
        assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())
        assert client.get(f"/static/{evidence.stored_name}").status_code == 404
    assert sorted(files_in(evidence_storage)) == sorted([first.stored_name, second.stored_name])


def test_a_path_in_the_upload_name_is_not_kept(client, entry, evidence_storage):
    upload(client, entry, "..\\..\\etc/passwd.pdf", pdf_file())

    [evidence] = evidence_rows()
    assert evidence.original_name == "passwd.pdf"
    assert files_in(evidence_storage) == [evidence.stored_name]


def test_the_owner_downloads_evidence_as_an_attachment_with_its_own_type(client, entry):
    content = png_file()
    upload(client, entry, "flipchart.png", content)
    [evidence] = evidence_rows()

    response = client.get(f"/cpd/evidence/{evidence.id}")

    assert response.status_code == 200
    assert response.get_data() == content
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=flipchart.png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "public" not in response.headers.get("Cache-Control", "")  # never kept by a shared cache


def test_staff_download_a_members_evidence(app, client, entry, person_as):
    upload(client, entry, "reflective account.docx", docx_file())
    [evidence] = evidence_rows()
    staff = app.test_client()
    sign_in(staff, person_as("staff"))

    response = staff.get(f"/cpd/evidence/{evidence.id}")

    assert response.status_code == 200
    assert response.get_data() == docx_file()
    assert response.mimetype == DOCX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_another_member_cannot_see_or_remove_evidence(app, client, entry, evidence_storage):
    upload(client, entry, "certificate.pdf", pdf_file())
    [evidence] = evidence_rows()
    other = app.test_client()
    sign_in(other, MembershipFactory().person)

    assert other.get(f"/cpd/evidence/{evidence.id}").status_code == 404
    assert other.post(f"/cpd/evidence/{evidence.id}/delete").status_code == 404
    assert evidence_rows() == [evidence]
    assert files_in(evidence_storage) == [evidence.stored_name]


def test_a_visitor_is_sent_to_sign_in_for_evidence(app, client, entry):
    upload(client, entry, "certificate.pdf", pdf_file())
    [evidence] = evidence_rows()

    response = app.test_client().get(f"/cpd/evidence/{evidence.id}")

    assert response.status_code == 302
    assert response.location.startswith("/account/sign-in")


def test_evidence_shows_on_the_entry_and_the_cpd_page_only_for_its_owner(client, entry):
    upload(client, entry, "certificate.pdf", pdf_file())

    assert "certificate.pdf" in page_text(client.get(f"/cpd/entries/{entry.id}"))
    assert "certificate.pdf" in page_text(client.get("/cpd"))


def test_removing_evidence_deletes_the_record_and_the_file(client, entry, evidence_storage):
    upload(client, entry, "certificate.pdf", pdf_file())
    upload(client, entry, "photo.png", png_file())
    removed, kept = evidence_rows()
    removed_id = removed.id

    response = client.post(f"/cpd/evidence/{removed_id}/delete", follow_redirects=True)

    assert "File removed." in page_text(response)
    listed = page_text(client.get(f"/cpd/entries/{entry.id}"))
    assert "certificate.pdf" not in listed
    assert "photo.png" in listed
    assert evidence_rows() == [kept]
    assert files_in(evidence_storage) == [kept.stored_name]
    assert client.get(f"/cpd/evidence/{removed_id}").status_code == 404


def test_the_file_stays_until_the_removal_has_committed(client, owner, entry, evidence_storage):
    """The service only says which file to delete: the view deletes it once the row is gone for good,
    so a failed commit never leaves a record pointing at a missing file."""
    upload(client, entry, "certificate.pdf", pdf_file())
    [evidence] = evidence_rows()

    path = services.remove_evidence(owner, evidence)

    assert path == evidence_storage / evidence.stored_name
    assert path.exists()
    services.delete_files([path])
    assert not path.exists()


def test_deleting_an_entry_deletes_its_evidence_files(client, owner, entry, evidence_storage):
    other_entry = CpdEntryFactory(person=owner, done_on=dt.date(2026, 2, 2), title="Kept")
    upload(client, entry, "certificate.pdf", pdf_file())
    upload(client, entry, "photo.png", png_file())
    upload(client, other_entry, "kept.pdf", pdf_file())
    [kept] = [evidence for evidence in evidence_rows() if evidence.entry_id == other_entry.id]

    paths = services.delete_entry(owner, entry)
    assert len(paths) == 2 and all(path.exists() for path in paths)  # until the deletion commits
    services.delete_files(paths)

    assert files_in(evidence_storage) == [kept.stored_name]


def test_deleting_an_entry_through_the_page_deletes_its_evidence_files(client, owner, entry, evidence_storage):
    upload(client, entry, "certificate.pdf", pdf_file())
    upload(client, entry, "photo.png", png_file())

    client.post(f"/cpd/entries/{entry.id}/delete")

    assert entries_of(owner) == []
    assert evidence_rows() == []
    assert files_in(evidence_storage) == []


@pytest.mark.parametrize(
    ("filename", "content", "content_type", "saved_as"),
    [
        ("evil.html", pdf_file(), "application/pdf", "evil.pdf"),
        ("photo.pdf", png_file(), "image/png", "photo.png"),
        ("certificate", pdf_file(), "application/pdf", "certificate.pdf"),
        (".html", pdf_file(), "application/pdf", "evidence.pdf"),
    ],
)
def test_a_download_takes_its_type_and_extension_from_the_content_not_the_name(
    client, entry, filename, content, content_type, saved_as
):
    upload(client, entry, filename, content)
    [evidence] = evidence_rows()

    response = client.get(f"/cpd/evidence/{evidence.id}")

    assert response.mimetype == content_type
    assert response.headers["Content-Disposition"] == f"attachment; filename={saved_as}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == content


def test_a_file_over_the_request_limit_gives_the_entry_form_back_with_the_limit_at_the_file_field(
    client, entry, evidence_storage
):
    response = upload(client, entry, "scan of everything.pdf", pdf_file().ljust(8 * LIMIT, b" "))

    assert response.status_code == 413
    assert errors_on_field(response, "evidence") == [
        "The file is too large. Files can be up to 2 KB: choose a smaller file."
    ]
    assert field_is_invalid(response, "evidence")
    assert 'value="Safeguarding adults level 2"' in response.get_data(as_text=True)  # the entry's form, as saved
    assert "That file is too large" not in page_text(response)  # not the bare error page
    assert evidence_rows() == []
    assert files_in(evidence_storage) == []


def test_a_file_over_the_request_limit_on_a_new_entry_gives_the_empty_form_back(client, owner, evidence_storage):
    response = client.post(
        "/cpd/entries/new",
        data={"title": "Course", "evidence": (io.BytesIO(pdf_file().ljust(8 * LIMIT, b" ")), "big.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 413
    assert errors_on_field(response, "evidence") == [
        "The file is too large. Files can be up to 2 KB: choose a smaller file."
    ]
    assert entries_of(owner) == []


def test_adding_evidence_keeps_the_edits_typed_into_the_entry(client, owner, entry, evidence_storage):
    response = upload(client, entry, "certificate.pdf", pdf_file(), title="Safeguarding adults level 3", hours="3.5")

    assert response.status_code == 302
    assert response.location.endswith("#evidence-heading")
    assert "certificate.pdf added." in page_text(client.get(response.location))
    [saved] = entries_of(owner)
    assert (saved.title, saved.quarter_hours, saved.is_complete) == ("Safeguarding adults level 3", 14, True)
    [evidence] = evidence_rows()
    assert evidence.entry_id == saved.id


def test_a_refused_file_keeps_what_was_typed_on_the_form_and_saves_nothing(client, owner, entry, evidence_storage):
    response = upload(client, entry, "report.pdf", elf_file(), title="Safeguarding adults level 3")

    assert response.status_code == 200
    assert errors_on_field(response, "evidence") == [NOT_ALLOWED]
    assert 'value="Safeguarding adults level 3"' in response.get_data(as_text=True)
    [saved] = entries_of(owner)
    assert saved.title == "Safeguarding adults level 2"
    assert evidence_rows() == []
    assert files_in(evidence_storage) == []


def test_a_new_entry_can_carry_its_evidence_and_is_kept_as_a_draft(client, owner, evidence_storage):
    response = client.post(
        "/cpd/entries/new",
        data={**entry_answers(), "evidence": (io.BytesIO(pdf_file()), "certificate.pdf"), "upload": "Upload file"},
        content_type="multipart/form-data",
    )

    [saved] = entries_of(owner)
    assert response.location == f"/cpd/entries/{saved.id}#evidence-heading"
    assert not saved.is_complete
    [evidence] = evidence_rows()
    assert (evidence.entry_id, evidence.original_name) == (saved.id, "certificate.pdf")


def test_removing_evidence_asks_first_on_a_page_and_removes_nothing_until_confirmed(client, entry, evidence_storage):
    upload(client, entry, "certificate.pdf", pdf_file())
    [evidence] = evidence_rows()
    entry_page = client.get(f"/cpd/entries/{entry.id}").get_data(as_text=True)

    asked = client.get(f"/cpd/evidence/{evidence.id}/delete")

    assert f'href="/cpd/evidence/{evidence.id}/delete"' in entry_page  # a link: no script needed
    assert asked.status_code == 200
    text = page_text(asked)
    assert "Remove certificate.pdf?" in text
    assert "This removes the evidence file certificate.pdf" in text and "The entry itself stays." in text
    assert evidence_rows() == [evidence]
    assert files_in(evidence_storage) == [evidence.stored_name]

    client.post(f"/cpd/evidence/{evidence.id}/delete")

    assert evidence_rows() == []
    assert files_in(evidence_storage) == []
