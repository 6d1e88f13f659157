"""Files people upload as evidence (CPD evidence, award nominations): checked by their content, never their
name, and kept outside the web root under a random name.

A domain keeps its own record of each file; this module checks an upload and writes and removes the bytes.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import abort, current_app, send_file

from nalw.core.errors import DomainError
from nalw.core.forms import carry_out

# What evidence may be, judged from the file's content (never its name).
ALLOWED_EVIDENCE = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


class EvidenceRefused(DomainError):
    """An uploaded file failed a check; nothing was stored."""

    field = "evidence"


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    original_name: str
    stored_name: str

    @property
    def size_bytes(self) -> int:
        return len(self.content)

    def record_values(self) -> dict:
        """The columns a domain's record of the file keeps."""
        return {
            "original_name": self.original_name,
            "stored_name": self.stored_name,
            "content_type": self.content_type,
            "size_bytes": self.size_bytes,
        }


def storage_dir() -> Path:
    folder = Path(current_app.config["EVIDENCE_STORAGE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(stored_name: str) -> Path:
    return storage_dir() / stored_name


def evidence_size_limit() -> str:
    """The largest evidence file allowed, as people read sizes: "10 MB", "1.5 MB", "512 KB"."""
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= scale:
            return f"{round(limit / scale, 1):g} {unit}"
    return f"{limit} bytes"


def too_large_message() -> str:
    return f"The file is too large. Files can be up to {evidence_size_limit()}: choose a smaller file."


def check_upload(upload, field="evidence") -> CheckedFile:
    """Read an upload and check its size and, from its content, its type; refuse it with a message
    at `field` otherwise."""
    if upload is None or not upload.filename:
        raise EvidenceRefused("Choose a file to upload.", field=field)
    limit = current_app.config["EVIDENCE_MAX_BYTES"]
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        raise EvidenceRefused(too_large_message(), field=field)
    if not content:
        raise EvidenceRefused("The file is empty. Choose another file.", field=field)
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED_EVIDENCE:
        raise EvidenceRefused(
            "That file is not a PDF, an image or an office document. Upload one of those.", field=field
        )
    return CheckedFile(
        content=content,
        content_type=kind.mime,
        original_name=_display_name(upload.filename),
        stored_name=f"{secrets.token_hex(16)}.{ALLOWED_EVIDENCE[kind.mime]}",
    )


def write_file(checked: CheckedFile):
    """Write to a temporary name, then rename: a half-written file never has the real name."""
    path = stored_path(checked.stored_name)
    temporary = path.with_suffix(path.suffix + ".part")
    with open(temporary, "xb") as file:
        file.write(checked.content)
    os.replace(temporary, path)


def _display_name(filename):
    name = os.path.basename(filename.replace("\\", "/")).strip() or "evidence"
    return "".join(character for character in name if character.isprintable())[:255]


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is saved under: the uploader's name with the extension of the type checked
    from the content, so a PDF named "evil.html" is saved as "evil.pdf" and opened as a PDF."""
    stem = original_name.rsplit(".", 1)[0].strip(" .") or "evidence"
    return f"{stem}.{ALLOWED_EVIDENCE.get(content_type, 'bin')}"


def delete_files(paths):
    """After the commit: remove files whose records are gone."""
    for path in paths:
        path.unlink(missing_ok=True)


def delete_when_confirmed(form, delete) -> bool:
    """The POST from a page that asks before deleting (its `form` one button): carry out `delete()`, which takes
    records away and returns the paths of their files, and remove the files only once that is committed, so a
    refusal (shown on `form`) leaves every file in place. True when deleted; on a GET, False: the view asks.

        form = EmptyForm()
        if evidence_files.delete_when_confirmed(form, lambda: services.delete_entry(current_user, entry)):
            flash("Entry deleted.", "success")
            return redirect(url_for("cpd.my_cpd"))
        return render_template("cpd/confirm_delete.html", form=form, entry=entry, evidence=None)
    """
    if not form.validate_on_submit():
        return False
    with carry_out(form) as call:
        paths = delete()
    if call.succeeded:
        delete_files(paths)
    return call.succeeded


def download_response(path: Path, content_type: str, download_name: str):
    """A kept file, always as a download and never from the web root; 404 when the file is missing."""
    if not path.exists():
        abort(404)
    # Type and extension come from the checked content, never from the name the uploader gave.
    response = send_file(path, mimetype=content_type, as_attachment=True, download_name=download_name)
    response.headers["Cache-Control"] = "private, no-store"  # personal documents: no copy in any cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
