"""Identity invariants under real parallel requests against DynamoDB Local (DESIGN.md §3, §9)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import boto3
import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

PARALLEL = 10
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("identity") / "local")
    stack.start()
    yield stack
    stack.stop()


def _case_variants(address: str, count: int) -> list[str]:
    """`count` spellings of the same address that differ only in letter case."""
    local, domain = address.split("@")
    variants = []
    for index in range(count):
        mask = f"{index:0{len(local)}b}"[-len(local) :]
        cased = "".join(ch.upper() if bit == "1" else ch for ch, bit in zip(local, mask, strict=True))
        variants.append(f"{cased}@{domain.upper() if index % 2 else domain}")
    assert len(set(variants)) == count
    return variants


def _all_at_once(stack: LocalStack, bodies: list[dict]) -> list[httpx.Response]:
    """POST every body to /auth/register from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(bodies))

    def register(body: dict) -> httpx.Response:
        with httpx.Client(base_url=stack.base_url, timeout=60) as client:
            barrier.wait()
            return client.post("/api/v1/auth/register", json=body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(register, bodies))


def _email_claim(stack: LocalStack, monkeypatch, address: str) -> dict | None:
    for key, value in stack.aws_env.items():
        monkeypatch.setenv(key, value)
    item = boto3.client("dynamodb").get_item(
        TableName="stint", Key={"PK": {"S": f"EMAIL#{address.lower()}"}, "SK": {"S": "EMAIL"}}, ConsistentRead=True
    )
    return item.get("Item")


def test_parallel_registrations_of_one_email_in_any_case_create_one_account(stack, monkeypatch):
    # GIVEN ten spellings of one new email address, differing only in case
    variants = _case_variants("race.winner@example.com", PARALLEL)
    bodies = [{"email": email, "password": PASSWORD, "name": f"Racer {n}"} for n, email in enumerate(variants)]
    # WHEN all ten register at the same moment
    responses = _all_at_once(stack, bodies)
    # THEN exactly one account is created and every other attempt is a 409 conflict
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * (PARALLEL - 1), [r.text for r in responses if r.status_code not in (201, 409)]
    assert all(r.json()["error"]["code"] == "conflict" for r in responses if r.status_code == 409)
    [winner] = [response.json() for response in responses if response.status_code == 201]
    # AND the email is held by the winner, who can sign in with any case of it
    claim = _email_claim(stack, monkeypatch, "race.winner@example.com")
    assert claim is not None and claim["user_id"]["S"] == winner["user"]["id"]
    login = httpx.post(
        f"{stack.base_url}/api/v1/auth/login", json={"email": "RACE.WINNER@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200
    assert login.json()["user"]["id"] == winner["user"]["id"]
    assert login.json()["organization"]["id"] == winner["organization"]["id"]
