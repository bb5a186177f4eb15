"""Checking an uploaded file is what its name says (a material's Markdown text is shown through the one safe
renderer, `pilotbook.web.markdown`).

A file's type is decided by its first bytes (its magic number, and for DOCX and ODT the parts inside the ZIP),
never by its name alone, and the name's extension must agree.
"""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import FileType

EXTENSIONS = {
    "pdf": FileType.PDF, "docx": FileType.DOCX, "odt": FileType.ODT, "png": FileType.PNG,
    "jpg": FileType.JPEG, "jpeg": FileType.JPEG, "txt": FileType.TXT, "csv": FileType.CSV,
}
ACCEPT = ",".join(f".{ext}" for ext in EXTENSIONS)


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except zipfile.BadZipFile:
        return []


def sniff(data: bytes) -> str | None:
    """The file type its content shows, or None for anything not on the list."""
    if data.startswith(b"%PDF-"):
        return FileType.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
            return FileType.DOCX
        # An ODF package stores its type, uncompressed, as the first entry called "mimetype".
        if names[:1] == ["mimetype"] and data[30:38] == b"mimetype" and \
                b"application/vnd.oasis.opendocument.text" in data[38:120]:
            return FileType.ODT
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text[:4096]):
        return None
    return FileType.TXT  # or CSV: plain text either way; the extension decides which


def check_file(name: str, data: bytes, max_bytes: int) -> str:
    """The file's type if it is allowed, else a ValidationError with a message for the person."""
    if len(data) > max_bytes:
        raise ValidationError(_("The file must be smaller than %(mb)s MB") % {"mb": f"{max_bytes / 1_048_576:g}"})
    if not data:
        raise ValidationError(_("The selected file is empty"))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise ValidationError(_("The selected file must be a PDF, DOCX, ODT, PNG, JPEG, TXT or CSV"))
    actual = sniff(data)
    if actual == FileType.TXT and claimed in (FileType.TXT, FileType.CSV):
        return claimed
    if actual != claimed:
        raise ValidationError(
            _("The selected file is not really a %(type)s file. Upload the file itself, not a renamed one")
            % {"type": extension.upper()})
    return actual
