"""Set-up helpers that go through the public API, so tests start from states a real user could reach."""

import email
import email.policy
import itertools
import re
from dataclasses import dataclass
from email.message import Message

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.core import jobs
from chalicelib.core.config import get_settings
from tests.support.client import ApiClient

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


@dataclass
class Account:
    """A signed-in user, as the API answered their sign-in."""

    api: ApiClient
    user_id: str
    org_id: str
    email: str
    access_token: str
    refresh_token: str
    role: str = "owner"
    member_id: str | None = None


def unique_email(stem: str = "user") -> str:
    return f"{stem}{next(_counter)}@example.com"


def _account(api: ApiClient, body: dict, email_address: str) -> Account:
    return Account(
        api=api.as_token(body["access_token"]),
        user_id=body["user"]["id"],
        org_id=body["organization"]["id"],
        email=email_address,
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        role=body["organization"]["role"],
    )


def register(
    api: ApiClient, *, email_address: str | None = None, name: str = "Jane Doe", password: str = PASSWORD
) -> Account:
    """A new account with its own organization (owner)."""
    email_address = email_address or unique_email()
    response = api.post("/api/v1/auth/register", json={"email": email_address, "password": password, "name": name})
    assert response.status_code == 201, response.json_body
    return _account(api, response.json_body, email_address)


def login(api: ApiClient, email_address: str, password: str = PASSWORD, ip_headers: dict | None = None) -> Account:
    response = api.post("/api/v1/auth/login", json={"email": email_address, "password": password}, headers=ip_headers)
    assert response.status_code == 200, response.json_body
    return _account(api, response.json_body, email_address)


def invite_token(to: str) -> str:
    """The invitation token from the last invitation email sent to `to`."""
    return emailed_token(to)


def join(api: ApiClient, admin: Account, *, role: str = "member", name: str = "Sam Member") -> Account:
    """A new user invited by `admin` into admin's org, who accepted and is signed in there."""
    address = unique_email("member")
    invited = admin.api.post("/api/v1/members/invite", json={"email": address, "role": role, "name": name})
    assert invited.status_code == 201, invited.json_body
    drain_jobs()
    accepted = api.post("/api/v1/invitations/accept", json={"token": invite_token(address), "password": PASSWORD})
    assert accepted.status_code == 200, accepted.json_body
    account = _account(api, accepted.json_body, address)
    account.member_id = invited.json_body["id"]
    return account


def drain_jobs() -> int:
    """Run every queued background job, as the jobs consumer would; returns how many messages ran."""
    sqs = boto3.client("sqs")
    url = jobs.queue_url(get_settings().jobs_queue)
    handled = 0
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return handled
        result = jobs.run_batch([(m["MessageId"], m["Body"]) for m in messages])
        failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        assert not failed, "a background job failed"
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        handled += len(messages)


def sent_emails() -> list[Message]:
    """Every email sent through SES in this test, parsed."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [
        email.message_from_string(m.raw_data, policy=email.policy.default)
        for m in backend.sent_messages
        if hasattr(m, "raw_data")
    ]


def last_email_to(address: str) -> Message:
    matching = [m for m in sent_emails() if address in m["To"]]
    assert matching, f"no email was sent to {address}"
    return matching[-1]


def emailed_token(address: str) -> str:
    """The token in the link of the last email sent to `address` (invitation, verification or reset)."""
    text = last_email_to(address).get_body(("plain",)).get_content()
    match = re.search(r"token=([\w\-]+)", text)
    assert match, "no token in the email"
    return match.group(1)


@dataclass
class IssuedApiToken:
    """A personal API token as its creator received it (the secret is only shown this once)."""

    id: str
    secret: str
    api: ApiClient
    body: dict


def api_token(account: Account, *, name: str = "CI script", expires_at: str | None = None) -> IssuedApiToken:
    """A personal API token created by `account` in its current organization."""
    payload = {"name": name} if expires_at is None else {"name": name, "expires_at": expires_at}
    response = account.api.post("/api/v1/api-tokens", json=payload)
    assert response.status_code == 201, response.json_body
    body = response.json_body
    return IssuedApiToken(id=body["id"], secret=body["token"], api=account.api.as_token(body["token"]), body=body)


def remove_member(owner: Account, member: Account) -> None:
    """`owner` removes `member` from the owner's organization."""
    response = owner.api.delete(f"/api/v1/members/{member.member_id}")
    assert response.status_code == 204, response.json_body


@dataclass
class Invitation:
    """A pending invitation whose email has been sent: the member's id, the address and the emailed token."""

    member_id: str
    email: str
    token: str


def invite(admin: Account, *, email_address: str | None = None, role: str = "member") -> Invitation:
    """`admin` invites someone into admin's org and the invitation email goes out; nobody accepts yet."""
    address = email_address or unique_email("invitee")
    invited = admin.api.post("/api/v1/members/invite", json={"email": address, "role": role})
    assert invited.status_code == 201, invited.json_body
    drain_jobs()
    return Invitation(member_id=invited.json_body["id"], email=address, token=invite_token(address.lower()))


def create_organization(account: Account, *, name: str = "Side Project", slug: str | None = None) -> dict:
    """A further organization owned by `account` (the account stays signed in to its current one)."""
    body = {"name": name} if slug is None else {"name": name, "slug": slug}
    response = account.api.post("/api/v1/organizations", json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def switch(account: Account, org_id: str) -> Account:
    """The same user, signed in to another of their organizations."""
    response = account.api.post("/api/v1/organizations/switch", json={"organization_id": org_id})
    assert response.status_code == 200, response.json_body
    return _account(account.api, response.json_body, account.email)


def in_new_org(account: Account, *, name: str = "Side Project Ltd") -> Account:
    """`account` after creating another organization and switching into it (owner there)."""
    return switch(account, create_organization(account, name=name)["id"])


def verify_email(api: ApiClient, account: Account) -> None:
    """Verify `account`'s email with the token from its verification email."""
    drain_jobs()
    response = api.post("/api/v1/auth/verify-email", json={"token": emailed_token(account.email)})
    assert response.status_code == 200, response.json_body
