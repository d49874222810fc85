from chalice import Blueprint, Response

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.invoices import service
from chalicelib.invoices.schemas import (
    GenerateRequest,
    InvoiceCreate,
    InvoiceDetailOut,
    InvoiceFilters,
    InvoiceOut,
    InvoiceUpdate,
    LineItemCreate,
    LineItemOut,
    LineItemUpdate,
    SendRequest,
)
from chalicelib.payments import service as payments
from chalicelib.payments.schemas import MarkPaid

bp = Blueprint(__name__)


@bp.route("/invoices", methods=["GET"])
def list_invoices():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, InvoiceFilters)
    page = service.list_invoices(principal=principal, filters=filters)
    return filters.response([InvoiceOut.of(invoice).dump() for invoice in page.items], page.next_cursor)


@bp.route("/invoices", methods=["POST"])
def create_invoice():
    principal = current_principal(bp.current_request)
    invoice = service.create(principal=principal, body=parse_body(bp.current_request, InvoiceCreate))
    return created(InvoiceDetailOut.of(invoice, []).dump())


@bp.route("/invoices/{invoice_id}", methods=["GET"])
def get_invoice(invoice_id):
    principal = current_principal(bp.current_request)
    return InvoiceDetailOut.of(*service.get(principal=principal, invoice_id=invoice_id)).dump()


@bp.route("/invoices/{invoice_id}", methods=["PUT"])
def update_invoice(invoice_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, InvoiceUpdate)
    return InvoiceDetailOut.of(*service.update(principal=principal, invoice_id=invoice_id, changes=changes)).dump()


@bp.route("/invoices/{invoice_id}", methods=["DELETE"])
def delete_invoice(invoice_id):
    service.delete(principal=current_principal(bp.current_request), invoice_id=invoice_id)
    return no_content()


@bp.route("/invoices/{invoice_id}/line-items", methods=["POST"])
def add_line_item(invoice_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, LineItemCreate)
    return created(LineItemOut.of(service.add_line(principal=principal, invoice_id=invoice_id, body=body)).dump())


@bp.route("/invoices/{invoice_id}/line-items/{line_item_id}", methods=["PUT"])
def update_line_item(invoice_id, line_item_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, LineItemUpdate)
    line = service.update_line(principal=principal, invoice_id=invoice_id, line_id=line_item_id, changes=changes)
    return LineItemOut.of(line).dump()


@bp.route("/invoices/{invoice_id}/line-items/{line_item_id}", methods=["DELETE"])
def remove_line_item(invoice_id, line_item_id):
    principal = current_principal(bp.current_request)
    service.remove_line(principal=principal, invoice_id=invoice_id, line_id=line_item_id)
    return no_content()


@bp.route("/invoices/{invoice_id}/generate", methods=["POST"])
def generate_line_items(invoice_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, GenerateRequest)
    return InvoiceDetailOut.of(*service.generate(principal=principal, invoice_id=invoice_id, body=body)).dump()


@bp.route("/invoices/{invoice_id}/send", methods=["POST"])
def send_invoice(invoice_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, SendRequest)
    return InvoiceDetailOut.of(*service.send(principal=principal, invoice_id=invoice_id, body=body)).dump()


@bp.route("/invoices/{invoice_id}/mark-paid", methods=["POST"])
def mark_invoice_paid(invoice_id):
    # Marking paid records a payment of the balance, so the rule lives with payments (docs/decisions.md).
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, MarkPaid)
    return InvoiceDetailOut.of(*payments.mark_paid(principal=principal, invoice_id=invoice_id, body=body)).dump()


@bp.route("/invoices/{invoice_id}/void", methods=["POST"])
def void_invoice(invoice_id):
    principal = current_principal(bp.current_request)
    return InvoiceDetailOut.of(*service.void(principal=principal, invoice_id=invoice_id)).dump()


@bp.route("/invoices/{invoice_id}/pdf", methods=["GET"])
def invoice_pdf(invoice_id):
    principal = current_principal(bp.current_request)
    filename, document = service.render_pdf(principal=principal, invoice_id=invoice_id)
    return Response(
        body=document,
        status_code=200,
        headers={"Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="{filename}"'},
    )
