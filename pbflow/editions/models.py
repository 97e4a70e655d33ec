"""Where proposals belong: the city's districts (editions and areas follow in Stage I)."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from pbflow.core.models import IdMixin
from pbflow.extensions import db

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
         "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")


class District(IdMixin, db.Model):
    """An auxiliary unit of the city (dzielnica), numbered with Roman numerals in Kraków."""

    __tablename__ = "districts"

    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # ASCII name as it appears in Pabulib file names, e.g. "Lagiewniki-Borek_Falecki".
    slug: Mapped[str] = mapped_column(String(120), unique=True)

    @property
    def roman(self):
        return ROMAN[self.number - 1] if 0 < self.number <= len(ROMAN) else str(self.number)

    @property
    def label(self):
        return f"{self.roman} {self.name}"

    def __repr__(self):
        return f"<District {self.roman} {self.name}>"
