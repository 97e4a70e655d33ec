"""Uploaded files: kept under instance/uploads with generated names, described in the database."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_decimal
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin
from pbflow.extensions import db


# The kinds of file pbflow accepts (core/uploads checks a file's content against them).
@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple
    label: str
    inline: bool = False


TYPES = {t.key: t for t in [
    FileType("pdf", "application/pdf", ("pdf",), "PDF"),
    FileType("png", "image/png", ("png",), "PNG", inline=True),
    FileType("jpeg", "image/jpeg", ("jpg", "jpeg"), "JPEG", inline=True),
    FileType("gif", "image/gif", ("gif",), "GIF", inline=True),
    FileType("webp", "image/webp", ("webp",), "WebP", inline=True),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "Word"),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "Excel"),
    FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",), "PowerPoint"),
    FileType("odt", "application/vnd.oasis.opendocument.text", ("odt",), "OpenDocument"),
    FileType("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",), "OpenDocument"),
    FileType("odp", "application/vnd.oasis.opendocument.presentation", ("odp",), "OpenDocument"),
    FileType("doc", "application/msword", ("doc",), "Word"),
    FileType("xls", "application/vnd.ms-excel", ("xls",), "Excel"),
    FileType("ppt", "application/vnd.ms-powerpoint", ("ppt",), "PowerPoint"),
]}
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES.values()}


class StoredFile(IdMixin, db.Model):
    __tablename__ = "stored_files"

    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def type_label(self):
        """A short name people know: PDF, Word, Excel, PNG…"""
        file_type = BY_CONTENT_TYPE.get(self.content_type)
        return file_type.label if file_type else self.content_type

    @property
    def size_label(self):
        """1,2 MB or 340 kB, in the user's locale."""
        if self.size >= 1024 * 1024:
            return f"{format_decimal(round(self.size / (1024 * 1024), 1), format='#,##0.#')} MB"
        return f"{format_decimal(max(1, round(self.size / 1024)), format='#,##0')} kB"
