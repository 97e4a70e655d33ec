"""Cost estimates: lines of item × quantity × unit price, in exact integer grosze."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from pbflow.core.money import MAX_AMOUNT, MoneyError, parse_pln

MAX_LINES = 60
ITEM_MAX = 200
MAX_QUANTITY = Decimal("1000000")
# Above this a total is a typing mistake, whatever the pool (the cap check comes separately).
MAX_TOTAL = MAX_AMOUNT


class CostError(ValueError):
    """A cost line or total that cannot be right; the message is shown next to the field."""


@dataclass(frozen=True)
class CostLine:
    item: str
    quantity: Decimal
    unit_price: int  # grosze

    @property
    def amount(self):
        return int((self.quantity * self.unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def as_json(self):
        return {"item": self.item, "quantity": format_quantity(self.quantity),
                "unit_price": self.unit_price, "amount": self.amount}

    @classmethod
    def from_json(cls, data):
        return cls(data["item"], Decimal(data["quantity"]), int(data["unit_price"]))


def parse_quantity(value):
    """A positive quantity with up to 3 decimals; a comma works as the decimal separator."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", value or "").replace(",", ".")
    if not cleaned:
        raise CostError(_l("Enter a quantity."))
    if cleaned.startswith("-"):
        raise CostError(_l("The quantity cannot be negative."))
    if not re.fullmatch(r"\d+(\.\d{1,3})?", cleaned):
        raise CostError(_l("Enter a quantity as a number, for example 3 or 2,5."))
    quantity = Decimal(cleaned)  # the pattern above admits only plain decimals
    if quantity == 0:
        raise CostError(_l("The quantity must be more than zero."))
    if quantity > MAX_QUANTITY:
        raise CostError(_l("This quantity is too large. Check the number of zeros."))
    return quantity


def parse_unit_price(value):
    try:
        return parse_pln(value)
    except MoneyError as error:
        raise CostError(str(error)) from error


def format_quantity(quantity):
    """2.500 → "2.5", 3 → "3": stored without trailing zeros."""
    text = format(Decimal(quantity).normalize(), "f")
    return text


def total(lines):
    return sum(line.amount for line in lines)


def check_total(amount):
    if amount > MAX_TOTAL:
        raise CostError(_l("The total is far above any participatory budget. Check the quantities and prices."))
    return amount


@dataclass(frozen=True)
class CapCheck:
    """The total against the cap for the chosen scope and district."""

    total: int
    cap: int | None

    @property
    def over(self):
        return self.cap is not None and self.total > self.cap

    @property
    def excess(self):
        return max(0, self.total - self.cap) if self.cap is not None else 0

    @property
    def share(self):
        """Percent of the cap used, for the meter (0–100+)."""
        if not self.cap:
            return None
        return round(self.total * 100 / self.cap)
