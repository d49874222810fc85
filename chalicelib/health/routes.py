from chalice import Blueprint

from chalicelib.health import service

bp = Blueprint(__name__)


@bp.route("/health", methods=["GET"])
def health():
    return service.check()
