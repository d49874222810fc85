"""Invoice arithmetic, in Decimal, rounded half-up to the cent at each documented step (docs/decisions.md).

line amount     = quantity × unit_price                     → cents
                  (a line generated from time: Σ its entries' amounts, each half-up, as reports price them;
                  its quantity is the hours to four decimals — until someone edits quantity or price)
subtotal        = Σ line amounts
discount_amount = subtotal × discount % / 100               → cents
tax_amount      = (subtotal − discount_amount) × tax % / 100 → cents
total           = subtotal − discount_amount + tax_amount
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal(1)
QUANTITY_PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)
SECONDS_PER_HOUR = Decimal(3600)


def cents(value: Decimal) -> int:
    """A Decimal amount of cents rounded half-up to a whole cent."""
    return int(value.quantize(CENT, ROUND_HALF_UP))


def line_amount(quantity: Decimal, unit_price: int) -> int:
    """What a line charges: quantity × unit price, rounded half-up to the cent."""
    return cents(quantity * Decimal(unit_price))


def hours(seconds: int) -> Decimal:
    """Tracked seconds as hours with four decimals (half-up): the quantity of a line made from time."""
    return (Decimal(seconds) / SECONDS_PER_HOUR).quantize(QUANTITY_PLACES, ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """Decimal text without exponent or trailing zeros (`10.50` → `10.5`, `21.000` → `21`)."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount_amount: int
    tax_amount: int
    total: int


def compute(subtotal: int, *, discount: Decimal, tax_rate: Decimal) -> Totals:
    """The invoice's totals from its subtotal and percentages; the tax applies after the discount."""
    discount_amount = cents(Decimal(subtotal) * discount / HUNDRED)
    taxable = subtotal - discount_amount
    tax_amount = cents(Decimal(taxable) * tax_rate / HUNDRED)
    return Totals(subtotal, discount_amount, tax_amount, taxable + tax_amount)


def subtotal(amounts: Iterable[int]) -> int:
    """Σ line amounts."""
    return sum(int(amount) for amount in amounts)
