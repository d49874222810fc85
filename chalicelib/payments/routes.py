from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, no_content, parse_body, parse_query
from chalicelib.payments import service
from chalicelib.payments.schemas import PaymentCreate, PaymentFilters, PaymentOut, PaymentUpdate

bp = Blueprint(__name__)


@bp.route("/payments", methods=["GET"])
def list_payments():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, PaymentFilters)
    page = service.list_payments(principal=principal, filters=filters)
    return filters.response([PaymentOut.of(payment).dump() for payment in page.items], page.next_cursor)


@bp.route("/payments", methods=["POST"])
def record_payment():
    principal = current_principal(bp.current_request)
    payment = service.create(principal=principal, body=parse_body(bp.current_request, PaymentCreate))
    return created(PaymentOut.of(payment).dump())


@bp.route("/payments/{payment_id}", methods=["GET"])
def get_payment(payment_id):
    principal = current_principal(bp.current_request)
    return PaymentOut.of(service.get(principal=principal, payment_id=payment_id)).dump()


@bp.route("/payments/{payment_id}", methods=["PUT"])
def update_payment(payment_id):
    principal = current_principal(bp.current_request)
    changes = parse_body(bp.current_request, PaymentUpdate)
    return PaymentOut.of(service.update(principal=principal, payment_id=payment_id, changes=changes)).dump()


@bp.route("/payments/{payment_id}", methods=["DELETE"])
def delete_payment(payment_id):
    service.delete(principal=current_principal(bp.current_request), payment_id=payment_id)
    return no_content()
