"""Email verification: registration emails a single-use token; POST /auth/verify-email spends it."""

from tests.api.auth.helpers import assert_error, error_fields, me
from tests.support import factories

VERIFY = "/api/v1/auth/verify-email"


def _registered_with_verification_token(api) -> tuple[factories.Account, str]:
    account = factories.register(api)
    factories.drain_jobs()
    return account, factories.emailed_token(account.email)


def test_registration_emails_a_verification_link(api):
    # GIVEN a new registration
    account = factories.register(api)
    # WHEN the background jobs run
    factories.drain_jobs()
    # THEN the new address received a verification email carrying a token
    message = factories.last_email_to(account.email)
    assert "Verify your email" in message["Subject"]
    assert factories.emailed_token(account.email)


def test_account_is_unverified_until_the_token_is_used(api):
    # GIVEN an account whose verification email was sent but not used
    account, _ = _registered_with_verification_token(api)
    # WHEN it reads its profile
    response = me(api, account.access_token)
    # THEN its email is not verified
    assert response.json_body["email_verified"] is False


def test_emailed_token_verifies_the_email(api):
    # GIVEN an account and the token from its verification email
    account, token = _registered_with_verification_token(api)
    # WHEN the token is submitted
    response = api.post(VERIFY, json={"token": token})
    # THEN it succeeds and the profile shows the email verified
    assert response.status_code == 200
    assert me(api, account.access_token).json_body["email_verified"] is True


def test_verification_token_works_only_once(api):
    # GIVEN a verification token that has been used
    _, token = _registered_with_verification_token(api)
    assert api.post(VERIFY, json={"token": token}).status_code == 200
    # WHEN it is submitted again
    response = api.post(VERIFY, json={"token": token})
    # THEN it is refused, naming the token
    error = assert_error(response, 400, "validation_error")
    assert "token" in error_fields(error)


def test_unknown_verification_token_is_400(api):
    # WHEN a token that was never issued is submitted
    response = api.post(VERIFY, json={"token": "not-a-real-token"})
    # THEN it is refused, naming the token
    error = assert_error(response, 400, "validation_error")
    assert "token" in error_fields(error)


def test_password_reset_token_cannot_verify_an_email(api):
    # GIVEN an account that asked for a password reset and has its reset token (and no verification yet)
    account = factories.register(api)
    factories.drain_jobs()
    api.post("/api/v1/auth/forgot-password", json={"email": account.email})
    factories.drain_jobs()
    reset_token = factories.emailed_token(account.email)
    # WHEN the reset token is submitted as a verification token
    response = api.post(VERIFY, json={"token": reset_token})
    # THEN it is refused and the email stays unverified
    assert_error(response, 400, "validation_error")
    assert me(api, account.access_token).json_body["email_verified"] is False


def test_missing_verification_token_is_400_naming_it(api):
    error = assert_error(api.post(VERIFY, json={}), 400, "validation_error")
    assert "token" in error_fields(error)
