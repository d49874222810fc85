"""Invoice arithmetic: Decimal throughout, half-up to the cent at each step, tax after discount."""

from decimal import Decimal

import pytest

from chalicelib.invoices import totals
from chalicelib.invoices.pdf import money


@pytest.mark.parametrize(
    ("quantity", "unit_price", "cents"),
    [("10.5", 15000, 157500), ("0.3333", 9999, 3333), ("2.5", 1, 3), ("1.5", 1, 2), ("0.0001", 4999, 0), ("3", 0, 0)],
)
def test_a_line_is_quantity_times_price_rounded_half_up(quantity, unit_price, cents):
    assert totals.line_amount(Decimal(quantity), unit_price) == cents


def test_binary_floats_never_leak_into_amounts():
    # 0.1 × 3 in floats is 0.30000000000000004; in Decimal from the JSON text it is exact
    assert totals.line_amount(Decimal("0.1") * 3, 100) == 30


@pytest.mark.parametrize(
    ("seconds", "hours"),
    [(3600, "1.0000"), (4800, "1.3333"), (1200, "0.3333"), (2, "0.0006"), (1, "0.0003"), (0, "0.0000")],
)
def test_tracked_seconds_become_hours_with_four_decimals(seconds, hours):
    assert totals.hours(seconds) == Decimal(hours)


def test_discount_comes_off_before_tax_and_each_step_rounds_half_up():
    # 33334 − 12.5% (4166.75 → 4167) = 29167; + 8.875% (2588.57… → 2589) = 31756
    assert totals.compute(33334, discount=Decimal("12.5"), tax_rate=Decimal("8.875")) == totals.Totals(
        33334, 4167, 2589, 31756
    )
    assert totals.compute(0, discount=Decimal(50), tax_rate=Decimal(21)) == totals.Totals(0, 0, 0, 0)
    assert totals.compute(1, discount=Decimal(50), tax_rate=Decimal(0)) == totals.Totals(1, 1, 0, 0)


@pytest.mark.parametrize(("value", "text"), [("10.50", "10.5"), ("21.000", "21"), ("100", "100"), ("0.00", "0")])
def test_decimal_text_is_plain(value, text):
    assert totals.plain(Decimal(value)) == text


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [(123456, "USD", "1,234.56 USD"), (500, "JPY", "500 JPY"), (12345, "KWD", "12.345 KWD"), (5, "EUR", "0.05 EUR")],
)
def test_money_uses_the_currencys_minor_unit(cents, currency, text):
    assert money(cents, currency) == text
