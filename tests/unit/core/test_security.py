"""Access JWTs (pinned algorithm, required claims, short life), password hashing and the new-password rules."""

from datetime import timedelta

import jwt
import pytest

from chalicelib.core import security
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Unauthorized
from chalicelib.core.timeutil import epoch_seconds, utcnow


def _claims(**overrides) -> dict:
    """Claims exactly like the ones Stint issues, with `overrides` applied (None removes a claim)."""
    settings, now = get_settings(), utcnow()
    claims = {
        "sub": "usr_01JD0000000000000000000000",
        "org": "org_01JD0000000000000000000000",
        "sid": "ses_01JD0000000000000000000000",
        "typ": "access",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": epoch_seconds(now),
        "exp": epoch_seconds(now + timedelta(minutes=5)),
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _sign(claims: dict, *, secret: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret or get_settings().jwt_secret, algorithm=algorithm)


def _issue() -> str:
    token, _ = security.issue_access_token(
        user_id="usr_01JD0000000000000000000000", org_id="org_01JD0000000000000000000000", session_id="ses_x"
    )
    return token


# --- access tokens -------------------------------------------------------------------------------------------


def test_issued_access_token_reads_back_with_its_user_org_and_session():
    # GIVEN an access token issued for a user, org and session
    token, _ = security.issue_access_token(user_id="usr_a", org_id="org_b", session_id="ses_c")
    # WHEN it is read
    claims = security.read_access_token(token)
    # THEN it names the same user, org and session
    assert (claims["sub"], claims["org"], claims["sid"]) == ("usr_a", "org_b", "ses_c")


def test_access_token_lives_at_most_fifteen_minutes():
    # GIVEN a freshly issued access token and its announced lifetime
    token, expires_in = security.issue_access_token(user_id="usr_a", org_id="org_b", session_id="ses_c")
    # WHEN its claims are decoded without verification
    claims = jwt.decode(token, options={"verify_signature": False})
    # THEN it expires no more than 900 s after it was issued, as announced
    assert 0 < claims["exp"] - claims["iat"] <= 900
    assert claims["exp"] - claims["iat"] == expires_in


def test_access_token_is_signed_with_hs256():
    # GIVEN a freshly issued access token
    token = _issue()
    # WHEN its header is read
    header = jwt.get_unverified_header(token)
    # THEN the algorithm is the pinned one
    assert header["alg"] == "HS256"


def test_token_with_alg_none_is_refused():
    # GIVEN a token with valid claims but no signature (alg "none")
    token = jwt.encode(_claims(), None, algorithm="none")
    # WHEN it is read THEN it is refused
    with pytest.raises(Unauthorized):
        security.read_access_token(token)


def test_token_signed_with_another_secret_is_refused():
    # GIVEN a token with valid claims signed with a secret that is not Stint's
    token = _sign(_claims(), secret="another-secret-that-is-long-enough-0123456789")
    # WHEN it is read THEN it is refused
    with pytest.raises(Unauthorized):
        security.read_access_token(token)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_token_signed_with_hs512_is_refused_even_with_the_right_secret():
    # GIVEN a token with valid claims signed with Stint's secret but a different algorithm
    token = _sign(_claims(), algorithm="HS512")
    # WHEN it is read THEN it is refused: the algorithm is pinned
    with pytest.raises(Unauthorized):
        security.read_access_token(token)


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "aud", "typ", "org", "sid"])
def test_token_missing_a_required_claim_is_refused(claim):
    # GIVEN a correctly signed token lacking one required claim
    token = _sign(_claims(**{claim: None}))
    # WHEN it is read THEN it is refused
    with pytest.raises(Unauthorized):
        security.read_access_token(token)


def test_correctly_forged_claims_are_accepted():
    # GIVEN a token built by the helpers the refusal tests use, with nothing wrong in it
    token = _sign(_claims())
    # WHEN it is read THEN it is accepted (so the refusals above are caused by what each one changes)
    assert security.read_access_token(token)["typ"] == "access"


def test_expired_token_is_refused():
    # GIVEN a correctly signed token that expired a minute ago
    now = utcnow()
    token = _sign(
        _claims(iat=epoch_seconds(now - timedelta(minutes=16)), exp=epoch_seconds(now - timedelta(minutes=1)))
    )
    # WHEN it is read THEN it is refused
    with pytest.raises(Unauthorized):
        security.read_access_token(token)


@pytest.mark.parametrize(
    "overrides", [{"aud": "someone-else"}, {"iss": "someone-else"}, {"typ": "refresh"}], ids=["aud", "iss", "typ"]
)
def test_token_for_another_audience_issuer_or_type_is_refused(overrides):
    # GIVEN a correctly signed token whose audience, issuer or type is not Stint's access token
    token = _sign(_claims(**overrides))
    # WHEN it is read THEN it is refused
    with pytest.raises(Unauthorized):
        security.read_access_token(token)


@pytest.mark.parametrize("credential", ["stint_rt_abcdefghijklmnopqrstuvwxyz", "not-a-jwt", "a.b.c", ""])
def test_something_that_is_not_a_jwt_is_refused(credential):
    # GIVEN a credential that is not a JWT at all (a refresh token, garbage)
    # WHEN it is read as an access token THEN it is refused
    with pytest.raises(Unauthorized):
        security.read_access_token(credential)


# --- passwords -----------------------------------------------------------------------------------------------


def test_password_hash_is_argon2id_and_not_the_password():
    # GIVEN a password WHEN it is hashed
    hashed = security.hash_password("a long enough password")
    # THEN the hash is argon2id and does not contain the password
    assert hashed.startswith("$argon2id$")
    assert "a long enough password" not in hashed


def test_right_password_verifies():
    hashed = security.hash_password("a long enough password")
    assert security.verify_password(hashed, "a long enough password")


def test_wrong_password_does_not_verify():
    hashed = security.hash_password("a long enough password")
    assert not security.verify_password(hashed, "a long enough passwore")


@pytest.mark.parametrize("stored", [None, "", "not-an-argon2-hash"])
def test_missing_or_corrupt_hash_never_verifies(stored):
    assert not security.verify_password(stored, "a long enough password")


def test_short_password_is_a_problem():
    assert security.password_problem("seven77") == "must be at least 8 characters"


@pytest.mark.parametrize("password", ["password123", "PASSWORD123", "12345678", "qwerty123"])
def test_common_password_is_a_problem_in_any_case(password):
    assert "too common" in security.password_problem(password)


def test_long_uncommon_password_is_fine():
    assert security.password_problem("correct horse battery staple") is None


# --- opaque tokens -------------------------------------------------------------------------------------------


def test_opaque_tokens_are_unique_and_carry_their_prefix():
    first, second = security.new_secret("stint_rt_"), security.new_secret("stint_rt_")
    assert first.startswith("stint_rt_")
    assert first != second


def test_opaque_tokens_are_stored_as_a_digest_not_as_themselves():
    token = security.new_secret("stint_rt_")
    assert security.digest(token) == security.digest(token)
    assert token not in security.digest(token)
