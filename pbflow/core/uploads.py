"""Uploaded files: the type is read from the content, never from the name or the browser.

Accepted: PDF, PNG, JPEG, GIF, WebP, Word/Excel/PowerPoint (OOXML and the older OLE2
formats) and OpenDocument. The file name's extension must agree with what the content is.
Files are kept under <instance>/uploads with a random name; the original name lives only in
the database and in the download header.
"""

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

from flask import current_app, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from pbflow.core import audit
from pbflow.core.files import BY_CONTENT_TYPE, TYPES, StoredFile
from pbflow.extensions import db

MEGABYTE = 1024 * 1024
ZIP_MAX_ENTRIES = 5000
STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
ASCII_LETTERS = str.maketrans("łŁ", "lL")  # the one Polish letter Unicode does not decompose
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Downloads render nothing active: no scripts, no plugins, no same-origin rights.
DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


ACCEPT = ",".join("." + ext for t in TYPES.values() for ext in t.extensions)
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_MIMETYPES = {TYPES[k].content_type: k for k in ("odt", "ods", "odp")}
# A legacy Office file names its main stream in the compound file's directory (UTF-16LE).
OLE2_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book"), "ppt": ("PowerPoint Document",)}


class UploadRefused(ValueError):
    """The file cannot be accepted; the message says why, in the user's language."""


def max_bytes():
    return current_app.config["UPLOAD_MAX_BYTES"]


def megabytes(size):
    return format_decimal(round(size / MEGABYTE, 1), format="#,##0.#")


def _zip_type(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            return None
        names = [entry.filename for entry in entries]
        if entries and entries[0].filename == "mimetype" and entries[0].file_size < 100:
            with archive.open(entries[0]) as entry:
                return ODF_MIMETYPES.get(entry.read(100).decode("ascii", "replace").strip())
    # What zipfile raises for a damaged or hostile archive (an unknown compression, encrypted entries, garbled
    # compressed data): each means "not a document we accept", refused with the usual message, never a 500.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, EOFError, OSError,
            zlib.error):
        return None
    if "[Content_Types].xml" not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None  # not Office Open XML, or one carrying macros
    found = {key for folder, key in OOXML_FOLDERS.items() if any(n.startswith(folder) for n in names)}
    return found.pop() if len(found) == 1 else None


def _ole2_type(data, extension):
    """The old Office formats share one header; the stream names tell Word from Excel from an installer."""
    for key, streams in OLE2_STREAMS.items():
        if extension in TYPES[key].extensions and any(s.encode("utf-16-le") in data for s in streams):
            return key
    return "ole2"


def detect_type(data, extension=""):
    """The key of TYPES the content is, "ole2" for an unrecognised compound file, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(OLE2_MAGIC):
        return _ole2_type(data, extension)
    return None


def clean_name(filename):
    """The last part of the name the browser sent, without control or direction characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    return name.strip().strip(".")[-200:] or "plik"


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def inspect_upload(file_storage):
    """Read the upload and decide what it is: (bytes, FileType), or UploadRefused with the reason."""
    limit = max_bytes()
    file_storage.stream.seek(0)
    data = file_storage.stream.read(limit + 1)
    file_storage.stream.seek(0)
    if len(data) > limit:
        raise UploadRefused(_("The file is larger than %(limit)s MB. Send a smaller file.", limit=megabytes(limit)))
    if not data:
        raise UploadRefused(_("The file is empty. Choose the file again."))
    extension = extension_of(clean_name(file_storage.filename))
    key = detect_type(data, extension)
    if key is None or key not in TYPES:
        raise UploadRefused(_("This kind of file cannot be uploaded. Send a PDF, an image (PNG, JPEG, GIF, WebP) "
                              "or an office document (Word, Excel, PowerPoint, OpenDocument)."))
    file_type = TYPES[key]
    if extension not in file_type.extensions:
        raise UploadRefused(_("The file's name ends in “.%(extension)s” but the file is a %(kind)s file (.%(right)s). "
                              "Check that you chose the right file.",
                              extension=extension or "?", kind=file_type.label, right=file_type.extensions[0]))
    return data, file_type


def upload_folder():
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def path_of(stored_file):
    if not STORED_NAME.match(stored_file.stored_name or ""):
        raise FileNotFoundError(stored_file.stored_name)
    return upload_folder() / stored_file.stored_name


def save_upload(file_storage, actor):
    """Check the upload, keep its bytes under a random name and describe it in the database."""
    data, file_type = inspect_upload(file_storage)
    stored_name = secrets.token_hex(16)
    path = upload_folder() / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    stored = StoredFile(original_name=clean_name(file_storage.filename), stored_name=stored_name,
                        content_type=file_type.content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=getattr(actor, "id", None))
    db.session.add(stored)
    db.session.flush()
    audit.record(actor, "file.uploaded", stored, name=stored.original_name, size=stored.size,
                 content_type=stored.content_type, sha256=stored.sha256)
    return stored


def content_disposition(stored_file, disposition):
    """An ASCII fallback name for old browsers and the real one (Polish letters too) per RFC 5987."""
    name = clean_name(stored_file.original_name)
    file_type = BY_CONTENT_TYPE.get(stored_file.content_type)
    fallback = secure_filename(name.translate(ASCII_LETTERS)) or (f"plik.{file_type.extensions[0]}" if file_type else "plik")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_stored(stored_file):
    """The file as a download: its checked type, no sniffing, nothing active."""
    file_type = BY_CONTENT_TYPE.get(stored_file.content_type)
    inline = bool(file_type and file_type.inline)
    response = send_file(path_of(stored_file), mimetype=stored_file.content_type, conditional=True,
                         etag=stored_file.sha256, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(stored_file, "inline" if inline else "attachment")
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
