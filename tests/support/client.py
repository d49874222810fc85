"""An in-process HTTP client for the app: chalice's test client behind the same gateway responses as AWS."""

import json
from typing import Any

from chalice import Chalice
from chalice.config import Config
from chalice.test import HTTPResponse, TestHTTPClient

from devstack.gateway import EnvelopeGateway


class _GatewayHTTPClient(TestHTTPClient):
    def __init__(self, app: Chalice, config: Config) -> None:
        super().__init__(app, config)
        self._local_gateway = EnvelopeGateway(app, config)


class ApiClient:
    """`api.get("/api/v1/health")`, `api.post(path, json={...}, token=...)`."""

    def __init__(self, app: Chalice, token: str | None = None) -> None:
        self._app = app
        # No project config: a stage's environment_variables would override the tests' settings per request.
        self._http = _GatewayHTTPClient(app, Config.create())
        self.token = token

    def as_token(self, token: str | None) -> "ApiClient":
        """The same client, authenticated with `token`."""
        other = ApiClient.__new__(ApiClient)
        other._app, other._http, other.token = self._app, self._http, token
        return other

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> HTTPResponse:
        all_headers = {"content-type": "application/json"}
        if self.token:
            all_headers["authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        if json is not None:
            body = _dumps(json)
        return self._http.request(method, path, headers=all_headers, body=body or b"")

    def get(self, path: str, **kwargs: Any) -> HTTPResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> HTTPResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> HTTPResponse:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> HTTPResponse:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HTTPResponse:
        return self.request("DELETE", path, **kwargs)


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode()
