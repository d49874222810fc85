"""What authentication costs: DynamoDB calls to resolve a JWT and a personal API token, and argon2 per hash.

Calls are counted in-process against moto (the count is the same against DynamoDB). The argon2 hasher is built
from `Settings()` defaults, i.e. the production cost, not whatever a test environment lowers it to.
"""

import os
import statistics
import time

from bench.harness import in_process_api
from chalicelib.core.metrics import DynamoCalls, count_dynamodb_calls

HASH_RUNS = 7
PROFILE = "/api/v1/users/me"
# Authentication reads the membership, session and user (JWT) or token and membership (PAT) in one BatchGetItem.
AUTH_BUDGET = "1 BatchGetItem"


def _by_operation(calls: DynamoCalls) -> str:
    return f"{calls.total} ({', '.join(f'{name}={count}' for name, count in sorted(calls.items())) or 'none'})"


def _authenticate_calls(token: str) -> DynamoCalls:
    from chalicelib.audit.service import Actor
    from chalicelib.auth.service import authenticate

    with count_dynamodb_calls() as calls:
        authenticate(authorization=f"Bearer {token}", actor=Actor(None, "127.0.0.1"))
    return calls


def _request_calls(api, token: str) -> DynamoCalls:
    with count_dynamodb_calls() as calls:
        response = api.as_token(token).get(PROFILE)
    assert response.status_code == 200, response.json_body
    return calls


def dynamodb_rows() -> list[tuple[str, str, str]]:
    with in_process_api() as api:
        signed_in = api.post(
            "/api/v1/auth/register",
            json={"email": "bench@example.com", "password": "correct horse battery staple", "name": "Bench"},
        )
        assert signed_in.status_code == 201, signed_in.json_body
        jwt = signed_in.json_body["access_token"]
        created = api.as_token(jwt).post("/api/v1/api-tokens", json={"name": "bench"})
        assert created.status_code == 201, created.json_body
        pat = created.json_body["token"]

        first_use = _request_calls(api, pat)  # records last_used_at
        rows = [
            ("DynamoDB calls authenticate (JWT)", _by_operation(_authenticate_calls(jwt)), f"budget {AUTH_BUDGET}"),
            (f"DynamoDB calls GET {PROFILE} (JWT)", _by_operation(_request_calls(api, jwt)), "auth + profile read"),
            ("DynamoDB calls authenticate (API token, fresh)", _by_operation(_authenticate_calls(pat)), AUTH_BUDGET),
            (
                f"DynamoDB calls GET {PROFILE} (API token, 2nd use)",
                _by_operation(_request_calls(api, pat)),
                "auth + profile read",
            ),
            (
                f"DynamoDB calls GET {PROFILE} (API token, 1st use)",
                _by_operation(first_use),
                "+1 UpdateItem (last_used_at)",
            ),
        ]
    return rows


def argon2_rows() -> list[tuple[str, str, str]]:
    from argon2 import PasswordHasher, extract_parameters

    from chalicelib.core.config import Settings

    defaults = Settings()
    hasher = PasswordHasher(time_cost=defaults.argon2_time_cost, memory_cost=defaults.argon2_memory_kib, parallelism=1)
    samples = []
    for _ in range(HASH_RUNS):
        started = time.perf_counter()
        encoded = hasher.hash("correct horse battery staple")
        samples.append(time.perf_counter() - started)
    params = extract_parameters(encoded)
    described = (
        f"argon2{params.type.name.lower()} m={params.memory_cost} KiB t={params.time_cost} p={params.parallelism} "
        f"hash={params.hash_len} B salt={params.salt_len} B"
    )
    return [
        ("argon2 parameters (Settings defaults)", described, "argon2id, 64 MiB, 2 passes"),
        (f"argon2 median time per hash ({HASH_RUNS} runs)", f"{statistics.median(samples) * 1000:.0f} ms", ""),
    ]


def run() -> list[tuple[str, str, str]]:
    return dynamodb_rows() + argon2_rows()


if __name__ == "__main__":
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for row in run():
        print(" | ".join(row))
