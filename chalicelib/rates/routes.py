from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, parse_body, parse_query
from chalicelib.rates import service
from chalicelib.rates.schemas import RateChangeCreate, RateChangeOut, RateHistoryOut, RateHistoryQuery

bp = Blueprint(__name__)


def _history(holder_type: str, holder_id: str) -> dict:
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, RateHistoryQuery)
    changes, current = service.history(
        principal=principal, holder_type=holder_type, holder_id=holder_id, field=query.field
    )
    return RateHistoryOut(
        data=[RateChangeOut.of(change) for change in changes], has_more=False, next_cursor=None, current=current
    ).dump()


def _set(holder_type: str, holder_id: str):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, RateChangeCreate)
    change = service.set_rate(principal=principal, holder_type=holder_type, holder_id=holder_id, body=body)
    return created(RateChangeOut.of(change).dump())


@bp.route("/projects/{project_id}/rates", methods=["GET"])
def project_rates(project_id):
    return _history("project", project_id)


@bp.route("/projects/{project_id}/rates", methods=["POST"])
def set_project_rate(project_id):
    return _set("project", project_id)


@bp.route("/clients/{client_id}/rates", methods=["GET"])
def client_rates(client_id):
    return _history("client", client_id)


@bp.route("/clients/{client_id}/rates", methods=["POST"])
def set_client_rate(client_id):
    return _set("client", client_id)


@bp.route("/members/{member_id}/rates", methods=["GET"])
def member_rates(member_id):
    return _history("member", member_id)


@bp.route("/members/{member_id}/rates", methods=["POST"])
def set_member_rate(member_id):
    return _set("member", member_id)
