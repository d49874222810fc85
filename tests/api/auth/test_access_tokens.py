"""Bearer credentials on a protected route: only Stint's own, unexpired, HS256 access JWTs get in."""

from datetime import timedelta

import jwt
import pytest

from chalicelib.core import security
from chalicelib.core.config import get_settings
from tests.api.auth.helpers import ME, assert_error, claims_of, me
from tests.support import factories

OTHER_SECRET = "a-secret-that-is-not-stints-but-long-enough-0123"


def _resigned(account: factories.Account, *, secret: str | None = None, algorithm: str = "HS256", **changes) -> str:
    """The account's own claims, signed again (with `changes`; None removes a claim)."""
    claims = {**claims_of(account.access_token), **changes}
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, secret or get_settings().jwt_secret, algorithm=algorithm)


def test_own_claims_resigned_correctly_are_accepted(api):
    # GIVEN an account's claims signed again exactly as Stint signs them
    account = factories.register(api)
    token = _resigned(account)
    # WHEN they are used
    response = me(api, token)
    # THEN they work (so each refusal below is caused only by what it changes)
    assert response.status_code == 200


def test_token_with_alg_none_is_401(api):
    # GIVEN a live account's claims in an unsigned token
    account = factories.register(api)
    token = jwt.encode(claims_of(account.access_token), None, algorithm="none")
    # WHEN it is used THEN it is refused
    assert_error(me(api, token), 401, "unauthorized")


def test_token_signed_with_another_secret_is_401(api):
    # GIVEN a live account's claims signed with a secret that is not Stint's
    account = factories.register(api)
    token = _resigned(account, secret=OTHER_SECRET)
    # WHEN it is used THEN it is refused
    assert_error(me(api, token), 401, "unauthorized")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_token_signed_with_hs512_is_401(api):
    # GIVEN a live account's claims signed with Stint's secret but HS512
    account = factories.register(api)
    token = _resigned(account, algorithm="HS512")
    # WHEN it is used THEN it is refused: the algorithm is pinned
    assert_error(me(api, token), 401, "unauthorized")


@pytest.mark.parametrize("claim", ["exp", "sub", "aud", "typ", "sid"])
def test_token_missing_a_required_claim_is_401(api, claim):
    # GIVEN a live account's claims, correctly signed, without one required claim
    account = factories.register(api)
    token = _resigned(account, **{claim: None})
    # WHEN it is used THEN it is refused
    assert_error(me(api, token), 401, "unauthorized")


def test_expired_access_token_is_401(api, monkeypatch):
    # GIVEN an access token Stint issued for a live account sixteen minutes ago
    account = factories.register(api)
    sixteen_minutes_ago = security.utcnow() - timedelta(minutes=16)
    monkeypatch.setattr(security, "utcnow", lambda: sixteen_minutes_ago)
    response = api.post("/api/v1/auth/login", json={"email": account.email, "password": factories.PASSWORD})
    old_token = response.json_body["access_token"]
    monkeypatch.undo()
    # WHEN it is used now
    response = me(api, old_token)
    # THEN it has expired
    assert_error(response, 401, "unauthorized")


def test_refresh_token_used_as_bearer_is_401(api):
    # GIVEN a live account's refresh token
    account = factories.register(api)
    # WHEN it is presented as a bearer token
    response = me(api, account.refresh_token)
    # THEN it is refused: only access tokens authenticate requests
    assert_error(response, 401, "unauthorized")


def test_access_token_lives_at_most_fifteen_minutes(api):
    # GIVEN a new account's access token
    account = factories.register(api)
    # WHEN its claims are read
    claims = claims_of(account.access_token)
    # THEN it expires within 900 s of being issued
    assert 0 < claims["exp"] - claims["iat"] <= 900


def test_sign_in_announces_the_access_token_lifetime(api):
    # GIVEN a sign-in answer
    account = factories.register(api)
    response = api.post("/api/v1/auth/login", json={"email": account.email, "password": factories.PASSWORD})
    # WHEN its announced lifetime is compared with the token
    claims = claims_of(response.json_body["access_token"])
    # THEN they agree, and stay within fifteen minutes
    assert response.json_body["expires_in"] == claims["exp"] - claims["iat"] <= 900


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Token abc", "stint_rt_not_a_bearer"],
    ids=["empty", "no credential", "blank credential", "basic", "other scheme", "no scheme"],
)
def test_malformed_authorization_header_is_401(api, authorization):
    # WHEN a protected route is called with a malformed Authorization header
    response = api.get(ME, headers={"authorization": authorization})
    # THEN it is refused in the envelope
    assert_error(response, 401, "unauthorized")


def test_token_for_a_session_that_does_not_exist_is_401(api):
    # GIVEN a live account's claims, correctly signed, naming a session that was never opened
    account = factories.register(api)
    token = _resigned(account, sid="ses_01JD0000000000000000000000")
    # WHEN it is used THEN it is refused: sessions are checked on every request
    assert_error(me(api, token), 401, "unauthorized")


def test_token_for_an_org_the_user_does_not_belong_to_is_401(api):
    # GIVEN a live account's claims, correctly signed, naming another user's organization
    account, stranger = factories.register(api), factories.register(api)
    token = _resigned(account, org=stranger.org_id)
    # WHEN it is used THEN it is refused: membership is checked on every request
    assert_error(me(api, token), 401, "unauthorized")
