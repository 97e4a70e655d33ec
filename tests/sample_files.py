"""Small real files built in memory for upload tests, and a few that only pretend."""

import io
import struct
import zipfile
import zlib

from werkzeug.datastructures import FileStorage

PDF = (b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
       b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
       b"trailer <</Root 1 0 R>>\n%%EOF\n")


def png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"


def _zip(entries, first=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def ooxml(folder="word", main="document.xml", extra=None):
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<Relationships/>",
                 f"{folder}/{main}": "<document/>", **(extra or {})})


def docx():
    return ooxml()


def xlsx():
    return ooxml("xl", "workbook.xml")


def pptx():
    return ooxml("ppt", "presentation.xml")


def damaged_odf():
    """An ODF whose compressed "mimetype" entry is garbled: reading it fails inside zlib."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", "<office:document-content/>")
    data = bytearray(buffer.getvalue())
    start = data.find(b"mimetype") + len("mimetype")
    data[start:start + 10] = bytes(byte ^ 0xFF for byte in data[start:start + 10])
    return bytes(data)


def odf(kind="text"):
    return _zip({"content.xml": "<office:document-content/>", "META-INF/manifest.xml": "<manifest/>"},
                first=("mimetype", f"application/vnd.oasis.opendocument.{kind}"))


def ole2(stream="WordDocument"):
    """The compound-file header and a directory naming the main stream, as Word 97–2003 writes."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00") + stream.encode("utf-16-le").ljust(128, b"\x00")
    return header + directory + b"\x00" * 256


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(data, name):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def form_file(data, name):
    """A (stream, name) pair as the test client sends it in a multipart form."""
    return (io.BytesIO(data), name)


def multipart(client, fields):
    """Keyword arguments for client.post with a body encoded in memory: the test client would
    spool a body over 500 kB to a temporary file it never closes (a ResourceWarning)."""
    from werkzeug.test import stream_encode_multipart

    stream, length, boundary = stream_encode_multipart(
        {"csrf_token": client.csrf_token(), **fields}, use_tempfile=False)
    return {"data": stream.getvalue(), "csrf": False, "content_type": f"multipart/form-data; boundary={boundary}"}
