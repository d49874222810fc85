"""Every route of the app refuses a caller without credentials, unless it is public by design.

The list of routes comes from the app itself, so a route added later is covered without editing this file;
a public route has to be named here, on purpose.
"""

import re

from app import app as chalice_app

# Routes that must answer without a bearer credential: sign-up/sign-in flows, provider webhooks (they verify
# their own signatures), and links that carry their own signed ticket or share token.
PUBLIC = {
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/forgot-password"),
    ("POST", "/api/v1/auth/reset-password"),
    ("POST", "/api/v1/auth/verify-email"),
    ("POST", "/api/v1/invitations/accept"),
    # The generated API description and the page that renders it (decision 65).
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    # Billing: the payer's browser comes back from PayPal (or the local sandbox's signed approval link).
    ("GET", "/api/v1/billing/return"),
    ("GET", "/api/v1/billing/sandbox/approve"),
    # Whiteboard share links (native and TataTrack): the token in the query is the credential.
    ("GET", "/api/v1/whiteboards/share"),
    ("PUT", "/api/v1/whiteboards/share"),
    ("GET", "/api/whiteboards/share"),
    ("PUT", "/api/whiteboards/share"),
    ("PATCH", "/api/whiteboards/share"),
}
# A prefix of public routes whose whole family authenticates by other means (signatures, share tokens).
PUBLIC_PREFIXES = ("/api/v1/git/hooks/", "/api/v1/billing/webhook", "/api/billing/webhook", "/api/auth/login")


def _routes() -> list[tuple[str, str]]:
    routes = []
    for path, methods in chalice_app.routes.items():
        for method in methods:
            if method != "OPTIONS":
                routes.append((method, path))
    return sorted(routes)


def _call(api, method: str, path: str):
    """The route called with an empty body of the first content type it accepts (JSON for most)."""
    content_type = chalice_app.routes[path][method].content_types[0]
    body = b"{}" if content_type == "application/json" else b""
    return api.request(method, _concrete(path), body=body, headers={"content-type": content_type})


def _is_public(method: str, path: str) -> bool:
    return (method, path) in PUBLIC or path.startswith(PUBLIC_PREFIXES)


def _concrete(path: str) -> str:
    """A path with every `{param}` replaced by an id no one owns."""
    return re.sub(r"\{[^}]+\}", "xyz_01HV0000000000000000000000", path)


PROTECTED = [(method, path) for method, path in _routes() if not _is_public(method, path)]


def _not_refused(api) -> list[str]:
    """Every protected route that did not answer 401 `unauthorized` in the envelope, with what it said."""
    wrong = []
    for method, path in PROTECTED:
        response = _call(api, method, path)
        error = (response.json_body or {}).get("error") or {}
        if response.status_code != 401 or error.get("code") != "unauthorized" or not error.get("request_id"):
            wrong.append(f"{method} {path} -> {response.status_code} {error.get('code')}")
    return wrong


def test_every_protected_route_without_credentials_is_401_in_the_envelope(api):
    # WHEN each route is called with no Authorization header and an empty body
    # THEN each is refused before anything else is looked at
    assert _not_refused(api) == []


def test_every_protected_route_with_a_garbage_token_is_401_in_the_envelope(api):
    # WHEN each route is called with a bearer token that is not a credential
    # THEN each is refused in the error envelope
    assert _not_refused(api.as_token("garbage")) == []


def test_the_route_table_is_read_at_all():
    # The checks above pass trivially on an empty list: the app has well over a hundred protected routes
    assert len(PROTECTED) > 100
