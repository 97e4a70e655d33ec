"""Uploaded files: kept under instance/uploads with generated names, described in the database."""

from datetime import datetime

from flask_babel import format_decimal
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin
from pbflow.extensions import db


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
        from pbflow.core.uploads import BY_CONTENT_TYPE

        file_type = BY_CONTENT_TYPE.get(self.content_type)
        return file_type.label if file_type else self.content_type

    @property
    def size_label(self):
        """1,2 MB or 340 kB, in the user's locale."""
        if self.size >= 1024 * 1024:
            return f"{format_decimal(round(self.size / (1024 * 1024), 1), format='#,##0.#')} MB"
        return f"{format_decimal(max(1, round(self.size / 1024)), format='#,##0')} kB"
