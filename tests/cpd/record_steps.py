"""What members do with their CPD record, and what the tests look at afterwards."""

import datetime as dt
import io
import re
import zipfile
import zlib

import sqlalchemy as sa

from nalw.code_of_practice.services import current_version
from nalw.cpd import services
from nalw.cpd.models import ActivityType, CpdEntry, Evidence
from nalw.extensions import db
from tests.members.steps import active_membership

REFLECTION = {
    "what_i_did": "A day course with case studies.",
    "what_i_learned": "How to spot financial abuse.",
    "practice_change": "I now ask about money worries at the first meeting.",
    "impact": "People get help with debt sooner.",
}


def member(person=None, **overrides):
    """A person with an active Link Worker membership (20 hours a year), joined the way the app joins people."""
    return active_membership(person, **overrides).person


def standard(code, version=None):
    version = version or current_version()
    return next(each for each in version.standards if each.code == code)


def entry_answers(**overrides):
    """The entry form as a member fills it in; a value of None leaves the field out."""
    answers = {
        "done_on": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
        "title": "Safeguarding adults level 2",
        "activity_type": "course",
        "hours": "2.5",
        "provider": "Local authority",
        "standards": [str(standard("S5").id), str(standard("S6").id)],
        **REFLECTION,
    }
    answers.update(overrides)
    return {name: value for name, value in answers.items() if value is not None}


def log_entry(
    person,
    done_on,
    hours=1,
    codes=("S1",),
    activity=ActivityType.COURSE,
    title="Learning",
    complete=True,
    reflection=None,
    provider="",
):
    """An entry saved through the service, as the entry form saves it."""
    return services.save_entry(
        person,
        None,
        done_on=done_on,
        title=title,
        activity_type=activity,
        quarter_hours=round(hours * 4),
        provider=provider,
        standard_ids=[standard(code).id for code in codes],
        reflection=REFLECTION if reflection is None and complete else (reflection or {}),
        complete=complete,
    )


def entries_of(person):
    db.session.expire_all()
    return db.session.scalars(
        sa.select(CpdEntry).where(CpdEntry.person_id == person.id).order_by(CpdEntry.done_on, CpdEntry.id)
    ).all()


def evidence_rows():
    db.session.expire_all()
    return db.session.scalars(sa.select(Evidence).order_by(Evidence.id)).all()


def files_in(folder):
    """Every file in the evidence folder (none if the folder was never made)."""
    return sorted(path.name for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def field_is_invalid(response, field_id):
    """The control is marked invalid and points at its error message, for assistive technology."""
    html = response.get_data(as_text=True)
    match = re.search(rf'<(input|select|textarea)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no control with id={field_id!r} on the page"
    tag = match.group(0)
    return 'aria-invalid="true"' in tag and f"{field_id}-error" in tag


def group_is_invalid(response, field_id):
    """A group of checkboxes or radios: its fieldset is described by the error message."""
    html = response.get_data(as_text=True)
    return bool(re.search(rf'<fieldset\b[^>]*aria-describedby="[^"]*\b{re.escape(field_id)}-error\b', html))


# --- Files as members upload them ---------------------------------------------------------------


def pdf_file():
    return (
        b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    )


def png_file():
    def chunk(kind, body):
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg_file():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"


def docx_file():
    """The smallest Word document: the content types and the document part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        docx.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Certificate of attendance</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def elf_file():
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def windows_exe_file():
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def saved_answers(entry):
    """The entry form as the entry page shows it for `entry`, unchanged."""
    return {
        "done_on": entry.done_on.isoformat(),
        "title": entry.title,
        "activity_type": entry.activity_type.value,
        "hours": f"{entry.hours:g}",
        "provider": entry.provider,
        "standards": [str(each.id) for each in entry.standards],
        **{name: getattr(entry, name) for name in REFLECTION},
    }


def upload(client, entry, filename, content, **changes):
    """Choose a file on the entry's page and press Upload file, having typed `changes` into the form."""
    return client.post(
        f"/cpd/entries/{entry.id}",
        data={**saved_answers(entry), **changes, "evidence": (io.BytesIO(content), filename), "upload": "Upload file"},
        content_type="multipart/form-data",
    )


# --- Reading a PDF -------------------------------------------------------------------------------


def pdf_streams(pdf):
    """WeasyPrint compresses its objects: inflate every stream, so the text it keeps as strings
    (document title, bookmarks of the headings) can be read."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def pdf_page_count(pdf):
    return int(re.search(rb"/Type /Pages/Kids \[[^\]]*\]/Count (\d+)", pdf_streams(pdf)).group(1))
