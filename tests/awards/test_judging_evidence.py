"""Evidence for a blind cycle's judges: neutral names, and no author, owner or company left in the bytes."""

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from nalw.awards.blind_evidence import MetadataNotRemovable, neutral_name, without_metadata

SECRET = "Jane Nominee of Riverside Trust"
XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{SECRET}</dc:creator></x:xmpmeta>'
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


def pdf_with_author():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": SECRET, "/Title": SECRET})
    xmp = DecodedStreamObject()
    xmp.set_data(XMP.encode())
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    writer.pages[0][NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_with_exif(image_format):
    image = Image.new("RGB", (8, 8), (200, 30, 30))
    out = io.BytesIO()
    if image_format == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Author", SECRET)
        image.save(out, format="PNG", pnginfo=info)
    else:
        exif = Image.Exif()
        exif[0x013B] = SECRET  # Artist
        image.save(out, format=image_format, exif=exif)
    return out.getvalue()


def package_with_properties(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return out.getvalue()


def test_a_pdf_loses_its_info_dictionary_and_xmp_but_keeps_its_pages():
    original = pdf_with_author()
    assert SECRET.encode() in original

    cleaned = without_metadata(original, "application/pdf")

    assert SECRET.encode() not in cleaned
    assert b"/Author" not in cleaned and b"/Metadata" not in cleaned
    assert len(PdfReader(io.BytesIO(cleaned)).pages) == 1


@pytest.mark.parametrize(("image_format", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_an_image_is_re_encoded_without_exif_or_text(image_format, content_type):
    original = image_with_exif(image_format)
    assert SECRET.encode() in original

    cleaned = without_metadata(original, content_type)

    assert SECRET.encode() not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == image_format and image.size == (8, 8)
        assert not image.getexif()


def test_office_and_opendocument_files_lose_their_document_properties():
    docx = package_with_properties(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document>The work itself</w:document>",
            "docProps/core.xml": f"<cp:coreProperties><dc:creator>{SECRET}</dc:creator></cp:coreProperties>",
            "docProps/app.xml": f"<Properties><Company>{SECRET}</Company></Properties>",
        }
    )
    odt = package_with_properties(
        {"mimetype": ODT, "content.xml": "<office:text/>", "meta.xml": f"<meta:initial-creator>{SECRET}"}
    )

    for original, content_type in ((docx, DOCX), (odt, ODT)):
        cleaned = without_metadata(original, content_type)
        with zipfile.ZipFile(io.BytesIO(cleaned)) as package:
            everything = b"".join(package.read(name) for name in package.namelist())
        assert SECRET.encode() not in everything
        assert sorted(package.namelist()) == sorted(zipfile.ZipFile(io.BytesIO(original)).namelist())
    with zipfile.ZipFile(io.BytesIO(without_metadata(docx, DOCX))) as package:
        assert package.read("word/document.xml") == b"<w:document>The work itself</w:document>"


def test_a_file_whose_metadata_cannot_be_removed_is_refused_not_served():
    with pytest.raises(MetadataNotRemovable, match="Ask the awards team for a copy as a PDF"):
        without_metadata(b"\xd0\xcf\x11\xe0 an old Word file", "application/msword")
    with pytest.raises(MetadataNotRemovable, match="could not be read"):
        without_metadata(b"%PDF-1.4 broken", "application/pdf")


def test_the_neutral_name_says_only_which_nomination_and_file():
    assert neutral_name(12, 2, "application/pdf") == "nomination-12-evidence-2.pdf"
    assert neutral_name(7, 1, "image/jpeg") == "nomination-7-evidence-1.jpg"
