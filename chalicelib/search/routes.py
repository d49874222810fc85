from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import parse_query
from chalicelib.search import service
from chalicelib.search.schemas import SearchQuery

bp = Blueprint(__name__)


@bp.route("/search", methods=["GET"])
def search():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, SearchQuery)
    results = service.search(principal=principal, query=query)
    return {"data": results, "has_more": False, "next_cursor": None, "query": query.q, "limit": query.limit}
