"""Assertions and small readers shared by the auth API tests."""

import jwt

from tests.support import factories
from tests.support.client import ApiClient

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
ME = "/api/v1/users/me"


def assert_error(response, status: int, code: str) -> dict:
    """The response is an error of this status and code, in the envelope; returns the error object."""
    assert response.status_code == status, response.json_body
    error = response.json_body["error"]
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"]
    return error


def error_fields(error: dict) -> set[str]:
    """The fields a validation error names."""
    return {detail["field"] for detail in error.get("details", [])}


def claims_of(access_token: str) -> dict:
    """An access token's claims, read without checking it (the server does that)."""
    return jwt.decode(access_token, options={"verify_signature": False})


def session_id_of(account: factories.Account) -> str:
    """The session an account's access token belongs to."""
    return claims_of(account.access_token)["sid"]


def login(api: ApiClient, email_address: str, password: str = factories.PASSWORD):
    """The raw answer to a login attempt."""
    return api.post(LOGIN, json={"email": email_address, "password": password})


def refresh(api: ApiClient, refresh_token: str):
    """The raw answer to a refresh."""
    return api.as_token(None).post(REFRESH, json={"refresh_token": refresh_token})


def me(api: ApiClient, access_token: str | None):
    """GET /users/me with this bearer token."""
    return api.as_token(access_token).get(ME)
