from chalice import Blueprint

from chalicelib.audit import service
from chalicelib.audit.schemas import AuditEntryOut, AuditFilters
from chalicelib.auth.current import current_principal
from chalicelib.core.http import parse_query

bp = Blueprint(__name__)


@bp.route("/audit-logs", methods=["GET"])
def list_audit_logs():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, AuditFilters)
    page, names = service.list_entries(principal=principal, filters=filters)
    return filters.response([AuditEntryOut.of(entry, names).dump() for entry in page.items], page.next_cursor)
