"""Money as integer grosze, and parsing what people type: "1 280 000", "12 500,50 zł", "1.280.000"."""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

MAX_AMOUNT = 10_000_000_000_00  # 10 billion zł: anything above is a typing mistake
_THOUSANDS_WITH_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class MoneyError(ValueError):
    pass


def parse_pln(text):
    """Grosze from a Polish- or English-style amount; MoneyError with a translated reason."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "").lower()
    cleaned = cleaned.removesuffix("zł").removesuffix("pln").removeprefix("pln")
    if not cleaned:
        raise MoneyError(_l("Enter an amount."))
    if cleaned.startswith("-"):
        raise MoneyError(_l("The amount cannot be negative."))
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    elif _THOUSANDS_WITH_DOTS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        raise MoneyError(_l("Enter an amount in złoty, for example 250 000 or 1 250,50."))
    try:
        grosze = int(Decimal(cleaned) * 100)
    except InvalidOperation as error:
        raise MoneyError(_l("Enter an amount in złoty, for example 250 000 or 1 250,50.")) from error
    if grosze > MAX_AMOUNT:
        raise MoneyError(_l("This amount is too large. Check the number of zeros."))
    return grosze


def plain_pln(grosze):
    """Grosze as people type them back: "1 280 000" or "1 250,50"."""
    if grosze is None:
        return ""
    whole, cents = divmod(int(grosze), 100)
    text = f"{whole:,}".replace(",", " ")
    return f"{text},{cents:02d}" if cents else text


class MoneyField(StringField):
    """A text field holding an amount in PLN; .data is integer grosze (or None when empty)."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return plain_pln(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_pln(valuelist[0])
            except MoneyError as error:
                self.data = None
                raise ValueError(str(error)) from error


def money_required(message=None):
    def check(_form, field):
        if field.data is None and not field.errors:
            raise ValidationError(message or _l("Enter an amount."))
    return check
