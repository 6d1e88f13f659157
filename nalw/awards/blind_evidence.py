"""Evidence as a judge of a blind cycle downloads it: a neutral file name and the document's metadata removed.

What is removed, by the type checked from the file's content:
- PDF: the Info dictionary (author, title, creator, producer) and the XMP metadata, document and page level,
  by copying the pages into a new document with pypdf.
- JPEG, PNG, GIF, WebP: re-encoded with Pillow from the pixels alone, so EXIF (camera, owner, GPS), XMP and
  text chunks are left behind.
- Word, Excel and PowerPoint (2007 and later) and OpenDocument files: the document properties parts
  (creator, last modified by, company, manager) replaced with empty ones.
Older Office files and HEIC photos keep metadata we cannot remove safely, so a blind cycle does not serve
them to judges: `MetadataNotRemovable` says so, and staff can ask for a PDF instead.
"""

import io
import zipfile

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from nalw.core.errors import DomainError
from nalw.core.evidence_files import ALLOWED_EVIDENCE


class MetadataNotRemovable(DomainError):
    """The file may name its author and we cannot clean it, so a blind cycle does not serve it to judges."""


IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
OFFICE_OPEN_XML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OPEN_DOCUMENT = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
# Property parts written in place of the originals: valid, and naming no one.
EMPTY_PARTS = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
    ),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    ),
    "meta.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
        "<office:meta/></office:document-meta>"
    ),
}


def neutral_name(nomination_id: int, position: int, content_type: str) -> str:
    """`nomination-12-evidence-1.pdf`: says which nomination and which file, and nothing about anyone."""
    return f"nomination-{nomination_id}-evidence-{position}.{ALLOWED_EVIDENCE.get(content_type, 'bin')}"


def without_metadata(content: bytes, content_type: str) -> bytes:
    """The file's content with its document metadata removed, or `MetadataNotRemovable`."""
    try:
        if content_type == "application/pdf":
            return _pdf_without_metadata(content)
        if content_type in IMAGE_FORMATS:
            return _image_without_metadata(content, IMAGE_FORMATS[content_type])
        if content_type in OFFICE_OPEN_XML or content_type in OPEN_DOCUMENT:
            return _package_without_properties(content)
    except (PyPdfError, OSError, ValueError, zipfile.BadZipFile) as error:
        raise MetadataNotRemovable(
            "This evidence file could not be read to remove its author's details, so it is not shown in a "
            "blind cycle. Ask the awards team for a copy as a PDF."
        ) from error
    raise MetadataNotRemovable(
        "This type of file can carry its author's name, which cannot be removed, so it is not shown in a "
        "blind cycle. Ask the awards team for a copy as a PDF."
    )


def _pdf_without_metadata(content):
    reader = PdfReader(io.BytesIO(content))
    writer = PdfWriter()
    for page in reader.pages:
        # Removed before copying: a copied page brings every object it refers to into the new file.
        page.pop("/Metadata", None)
        writer.add_page(page)
    writer.metadata = None  # no Info dictionary at all, not even pypdf's own Producer
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_without_metadata(content, image_format):
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        # A fresh image from the pixels alone: no EXIF, XMP, ICC text or PNG text chunks come across.
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
        if image.mode == "P":
            clean.putpalette(image.getpalette())
        out = io.BytesIO()
        options = {"quality": 95} if image_format in {"JPEG", "WEBP"} else {}
        clean.save(out, format=image_format, **options)
    return out.getvalue()


def _package_without_properties(content):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = EMPTY_PARTS[item.filename].encode() if item.filename in EMPTY_PARTS else source.read(item)
            # OpenDocument needs its mimetype entry first and stored uncompressed; keep each entry's method.
            target.writestr(item.filename, data, compress_type=item.compress_type)
    return out.getvalue()
