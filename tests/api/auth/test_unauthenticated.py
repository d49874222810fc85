"""Every protected identity route refuses a caller without credentials, in the error envelope."""

import pytest

from tests.api.auth.helpers import assert_error

PROTECTED = [
    ("GET", "/api/v1/users/me", None),
    ("PUT", "/api/v1/users/me", {"name": "Someone"}),
    ("PUT", "/api/v1/users/me/password", {"current_password": "whatever1", "new_password": "whatever22"}),
    ("GET", "/api/v1/me", None),
    ("POST", "/api/v1/auth/logout", {"refresh_token": "stint_rt_x"}),
    ("GET", "/api/v1/auth/sessions", None),
    ("DELETE", "/api/v1/auth/sessions/ses_01HV0000000000000000000000", None),
    ("POST", "/api/v1/auth/sessions/revoke-others", None),
    ("GET", "/api/v1/api-tokens", None),
    ("POST", "/api/v1/api-tokens", {"name": "ci"}),
    ("DELETE", "/api/v1/api-tokens/pat_01HV0000000000000000000000", None),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED])
def test_protected_route_without_credentials_is_401_in_envelope(api, method, path, body):
    # WHEN a protected route is called with no Authorization header
    response = api.request(method, path, json=body)
    # THEN it is refused in the error envelope, with the request id echoed in the header
    error = assert_error(response, 401, "unauthorized")
    assert response.headers["X-Request-Id"] == error["request_id"]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED])
def test_protected_route_with_a_garbage_token_is_401_in_envelope(api, method, path, body):
    # WHEN a protected route is called with a bearer token that is not a credential
    response = api.as_token("garbage").request(method, path, json=body)
    # THEN it is refused in the error envelope
    assert_error(response, 401, "unauthorized")
