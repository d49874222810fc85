"""Local stand-in for API Gateway's *gateway responses*.

In AWS, infra/ maps API Gateway's own errors (no such route → MISSING_AUTHENTICATION_TOKEN) to Stint's
error envelope. Chalice's local gateway answers those with `403 Missing Authentication Token`; this
subclass applies the same mapping so the local stack and the tests answer exactly as AWS does.
"""

import json
from http.server import BaseHTTPRequestHandler

from chalice.local import ChaliceRequestHandler, LocalGateway, RouteMatcher

from chalicelib.core.http import error_body
from chalicelib.core.ids import new_id


def route_not_found() -> dict:
    """The response API Gateway gives, through infra/'s gateway response, for a path with no route."""
    body = error_body(code="not_found", message="No such route.", request_id=new_id("req"))
    return {
        "statusCode": 404,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "body": json.dumps(body),
    }


class EnvelopeGateway(LocalGateway):
    def __init__(self, app_object, config) -> None:
        super().__init__(app_object, config)
        self._routes = RouteMatcher(list(app_object.routes))

    def handle_request(self, method, path, headers, body):
        try:
            self._routes.match_route(path)
        except ValueError:
            return route_not_found()
        return super().handle_request(method, path, headers, body)


class EnvelopeRequestHandler(ChaliceRequestHandler):
    def __init__(self, request, client_address, server, app_object, config) -> None:
        self.local_gateway = EnvelopeGateway(app_object, config)
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)
