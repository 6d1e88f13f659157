"""CPD: entries, evidence, audits, the files members upload, and new versions of the code of practice."""

import datetime as dt
import io
import zipfile
import zlib

import factory
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from nalw.accounts.models import Person
from nalw.code_of_practice import services as code_services
from nalw.core.cpd_years import current_year
from nalw.core.time import london_today
from nalw.cpd import audits, services
from nalw.cpd.models import ActivityType, AuditSelection, CpdAudit, CpdEntry, Evidence
from nalw.extensions import db

QUARTER_HOURS_PER_HOUR = 4

REFLECTION = {
    "what_i_did": "A day course with case studies.",
    "what_i_learned": "How to spot financial abuse.",
    "practice_change": "I now ask about money worries at the first meeting.",
    "impact": "People get help with debt sooner.",
}


def standard(code, version=None):
    """The standard `code` ("S1") of `version` of the code of practice (the current one unless given)."""
    version = version or code_services.current_version()
    return next(each for each in version.standards if each.code == code)


class CpdEntryFactory(factory.Factory):
    """An entry saved through the service the entry form uses: `CpdEntryFactory(person=member, hours=2.5)`.

    The person needs a membership. `standards` are codes of the version of the code they accepted;
    a complete entry carries REFLECTION unless given another; a draft (`complete=False`) has none.
    """

    class Meta:
        model = CpdEntry

    person = None
    done_on = factory.LazyFunction(london_today)
    hours = 1
    standards = ("S1",)
    activity_type = ActivityType.COURSE
    title = "Learning"
    provider = ""
    complete = True
    reflection = None

    @classmethod
    def _create(cls, model_class, *, person, hours, standards, complete, reflection, **fields):
        by_code = {each.code: each.id for each in services.accepted_version(person).standards}
        return services.save_entry(
            person,
            None,
            quarter_hours=round(hours * QUARTER_HOURS_PER_HOUR),
            standard_ids=[by_code[code] for code in standards],
            reflection=REFLECTION if reflection is None and complete else (reflection or {}),
            complete=complete,
            **fields,
        )

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("An entry is saved through the service: use CpdEntryFactory(), not .build().")


class EvidenceFactory(factory.Factory):
    """A file kept as evidence for an entry, through the upload service: `EvidenceFactory(entry=entry)`.

    Needs EVIDENCE_STORAGE_DIR set (the module's `settings` fixture) to a folder of the test's own.
    """

    class Meta:
        model = Evidence

    entry = None
    filename = "certificate.pdf"
    content = factory.LazyFunction(lambda: pdf_file())

    @classmethod
    def _create(cls, model_class, *, entry, filename, content):
        owner = db.session.get(Person, entry.person_id)
        return services.add_evidence(owner, entry, FileStorage(io.BytesIO(content), filename=filename))


def audited_year():
    """The CPD year audits sample by default: the last one that has ended."""
    return current_year().previous()


class CpdAuditFactory(factory.Factory):
    """An audit of the last ended CPD year started through the service the staff form calls:
    `CpdAuditFactory(staff=staff)`, or `year=` another ended year.

    By default every active member is drawn (`share_per_thousand=1000`) and the deadline is 30 days away.
    """

    class Meta:
        model = CpdAudit

    staff = None
    share_per_thousand = 1000
    exclude_joined_within_days = 0
    deadline_on = factory.LazyFunction(lambda: london_today() + dt.timedelta(days=30))
    seed = None
    year = factory.LazyFunction(audited_year)

    @classmethod
    def _create(cls, model_class, *, staff, year, **fields):
        audit = audits.start_audit(staff, year, **fields)
        db.session.flush()
        return audit


def drawn_for_an_audit(person, staff):
    """`person` (a member since before the last CPD year began) drawn for its audit, with a complete entry of that
    year to put in their profile: (selection, entry). The audit draws every active member."""
    entry = CpdEntryFactory(person=person, done_on=audited_year().starts_on, hours=3)
    CpdAuditFactory(staff=staff)
    selection = db.session.scalar(sa.select(AuditSelection).where(AuditSelection.person_id == person.id))
    return selection, entry


def review_profile(reviewer, selection, outcome, comment="", standard_comment=""):
    """A submitted profile reviewed, with `outcome` for the first standard of its code and overall."""
    first = services.accepted_version(selection.person).standards[0]
    audits.review(reviewer, selection, {first.id: (outcome, standard_comment)}, outcome, comment)
    db.session.flush()


def publish_new_code_version(admin, code="S10", title="Working with digital tools"):
    """A new version of the code of practice, the current one plus standard `code`, published by `admin`."""
    draft = code_services.start_draft(admin)
    code_services.save_standard(admin, draft, code, title, "I help people use digital services safely.")
    code_services.publish(admin, draft)
    db.session.flush()
    return draft


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
