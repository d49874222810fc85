"""Who is calling: used by every route that needs a principal."""

from chalice.app import Request

from chalicelib.audit.service import Actor
from chalicelib.auth import service
from chalicelib.core import idempotency
from chalicelib.core.auth import Principal
from chalicelib.core.http import client_ip
from chalicelib.core.logs import logger


def request_actor(request: Request) -> Actor:
    """The caller's network identity, before (or without) authentication."""
    return Actor(None, client_ip(request), (request.headers or {}).get("user-agent"))


def current_principal(
    request: Request, *, idempotency_key: bool = True, prefetch: service.Prefetch | None = None
) -> Principal:
    """The authenticated principal of the request, or 401.

    A POST with an `Idempotency-Key` is claimed for the caller here, or answered from the first response
    (core.idempotency); `idempotency_key=False` for routes that honour the key inside their own transaction.
    `prefetch(org_id, user_id)`: keys of items the route will read, fetched with the credential in one BatchGetItem.
    """
    principal = service.authenticate(
        authorization=(request.headers or {}).get("authorization"), actor=request_actor(request), prefetch=prefetch
    )
    logger.append_keys(org_id=principal.org_id)
    principal.require_route(method=request.method, path=request.path)  # a token's access and scopes (decision 94)
    if idempotency_key:
        idempotency.begin(request, org_id=principal.org_id, user_id=principal.user_id)
    return principal
