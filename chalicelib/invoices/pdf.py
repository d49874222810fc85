"""The invoice as a PDF document (fpdf2, built-in Helvetica): org, client, number, dates, lines, totals, notes.

Built-in PDF fonts cover Windows-1252 only, so other characters are reduced to their closest Latin form
(`Łódź` → `Lodz`) or `?` — no font file has to ship with the function.
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from chalicelib.invoices.totals import plain

ENCODING = "windows-1252"
# Currencies whose minor unit is not a hundredth (ISO 4217 exponent).
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND"), 0),
    **dict.fromkeys(("VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


@dataclass(frozen=True)
class Party:
    name: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: int
    amount: int


@dataclass(frozen=True)
class Document:
    number: str
    status: str
    issue_date: str
    due_date: str
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    subtotal: int
    discount: Decimal
    discount_amount: int
    tax_rate: Decimal
    tax_amount: int
    total: int
    amount_paid: int
    notes: str | None


def money(cents: int, currency: str) -> str:
    """`123456` USD → `1,234.56 USD`; the currency's own number of decimals."""
    exponent = _EXPONENTS.get(currency, 2)
    value = Decimal(int(cents)).scaleb(-exponent)
    return f"{value:,.{exponent}f} {currency}"


# Letters that have no decomposition to a Latin base letter.
_LATIN = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "ĸ": "k"})


def _text(value: str | None) -> str:
    """Text the built-in fonts can draw."""
    out = []
    for char in unicodedata.normalize("NFC", value or "").translate(_LATIN):
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                base.encode(ENCODING)
                out.append(base or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


def render(document: Document) -> bytes:
    """The PDF bytes of an invoice."""
    from fpdf import FPDF  # imported on first use: keeps the API's cold start lean

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_text(f"Invoice {document.number}"))
    pdf.set_author(_text(document.seller.name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(width / 2, 10, _text(document.seller.name))
    pdf.cell(width / 2, 10, "INVOICE", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in document.seller.lines:
        pdf.cell(width, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    facts = [("Invoice number", document.number), ("Issue date", document.issue_date)]
    facts += [("Due date", document.due_date), ("Status", document.status.upper())]
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(35, 6, label)
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(width - 35, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(width, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in (document.buyer.name, *document.buyer.lines):
        pdf.cell(width, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    currency = document.currency
    with pdf.table(
        col_widths=(95, 25, 35, 35),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=6,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        header = table.row()
        for title in ("Description", "Quantity", "Unit price", "Amount"):
            header.cell(title)
        for line in document.lines:
            row = table.row()
            row.cell(_text(line.description))
            row.cell(plain(line.quantity))
            row.cell(money(line.unit_price, currency))
            row.cell(money(line.amount, currency))
    pdf.ln(4)

    rows = [("Subtotal", money(document.subtotal, currency))]
    if document.discount_amount:
        rows.append((f"Discount ({plain(document.discount)}%)", "-" + money(document.discount_amount, currency)))
    if document.tax_rate:
        rows.append((f"Tax ({plain(document.tax_rate)}%)", money(document.tax_amount, currency)))
    rows.append(("Total", money(document.total, currency)))
    if document.amount_paid:
        rows.append(("Amount paid", money(document.amount_paid, currency)))
        rows.append(("Balance due", money(document.total - document.amount_paid, currency)))
    for label, value in rows:
        bold = label in ("Total", "Balance due")
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(width - 45, 6, label, align="R")
        pdf.cell(45, 6, value, align="R", new_x="LMARGIN", new_y="NEXT")

    if document.notes:
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(width, 6, "Notes", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(width, 5, _text(document.notes))
    return bytes(pdf.output())
