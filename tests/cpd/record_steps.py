"""What members do with their CPD record, and what the tests look at afterwards."""

import datetime as dt
import io
import re
import zlib

import sqlalchemy as sa

from nalw.cpd.models import AuditSelection, CpdEntry, Evidence
from nalw.extensions import db
from tests.factories import REFLECTION, standard


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


def selections_of(audit):
    """The members an audit drew, in the order it drew them."""
    return db.session.scalars(
        sa.select(AuditSelection).where(AuditSelection.audit_id == audit.id).order_by(AuditSelection.id)
    ).all()
