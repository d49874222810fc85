"""Who is calling: used by every route that needs a principal."""

from chalice.app import Request

from chalicelib.audit.service import Actor
from chalicelib.auth import service
from chalicelib.core.auth import Principal
from chalicelib.core.http import client_ip
from chalicelib.core.logs import logger


def request_actor(request: Request) -> Actor:
    """The caller's network identity, before (or without) authentication."""
    return Actor(None, client_ip(request), (request.headers or {}).get("user-agent"))


def current_principal(request: Request) -> Principal:
    """The authenticated principal of the request, or 401."""
    principal = service.authenticate(
        authorization=(request.headers or {}).get("authorization"), actor=request_actor(request)
    )
    logger.append_keys(org_id=principal.org_id)
    return principal
