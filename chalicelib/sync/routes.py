from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import parse_query
from chalicelib.sync import service
from chalicelib.sync.schemas import DeletionFilters, DeletionPage

bp = Blueprint(__name__)


@bp.route("/sync/deletions", methods=["GET"])
def list_deletions():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, DeletionFilters)
    page = service.deletions(principal=principal, query=query)
    return DeletionPage.of(page, per_page=query.per_page).dump()
