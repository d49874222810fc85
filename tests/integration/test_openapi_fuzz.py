"""Schemathesis against the real local stack, with the document the stack serves: no 5xx, answers on schema.

Every operation gets a few valid (positive) and a few invalid (negative) generated requests, authenticated
with a registered user's personal API token, and a stateful run follows the document's links (create →
read/update/delete) for a bounded number of steps. Derandomized, so a run is reproducible; no shrinking, so
a failure is reported as generated. The examples per operation are bounded to keep `make test` in budget.
"""

from collections import Counter

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from tests.support.factories import unique_email
from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2}
STATEFUL_RUNS, STATEFUL_STEPS = 15, 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "phases": [Phase.explicit, Phase.generate],
    "suppress_health_check": list(HealthCheck),
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(
        tmp_path_factory.mktemp("fuzz"),
        dynamodb_in_memory=True,
        env={
            "STINT_API_RATE_LIMIT_PER_MINUTE": "1000000",
            "STINT_ARGON2_MEMORY_KIB": "1024",
            "STINT_ARGON2_TIME_COST": "1",
        },
    )
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def headers(stack):
    """A registered owner's personal API token: fuzzed logouts and session revocations cannot end it."""
    signed_in = httpx.post(
        f"{stack.base_url}/api/v1/auth/register",
        json={"email": unique_email("fuzz"), "password": "correct horse battery", "name": "Fuzz Owner"},
    )
    assert signed_in.status_code == 201, signed_in.text
    issued = httpx.post(
        f"{stack.base_url}/api/v1/api-tokens",
        json={"name": "fuzz"},
        headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"},
    )
    assert issued.status_code == 201, issued.text
    return {"Authorization": f"Bearer {issued.json()['token']}"}


@pytest.fixture(scope="module")
def schema(stack):
    return schemathesis.openapi.from_url(f"{stack.base_url}/api/v1/openapi.json")


def _fuzz(operation, mode: GenerationMode, base_url: str, headers: dict, statuses: Counter) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode], **_SETTINGS)
    def run(case):
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)
        statuses[operation.label, response.status_code // 100] += 1

    run()


def _stateful(schema, base_url: str, headers: dict) -> None:
    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"base_url": base_url, "headers": headers, "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Machine.run(settings=settings(max_examples=STATEFUL_RUNS, stateful_step_count=STATEFUL_STEPS, **_SETTINGS))


def test_generated_and_linked_requests_never_fail_on_the_server_and_match_the_document(stack, headers, schema):
    # GIVEN the document the running stack serves
    failures, statuses = [], Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in EXAMPLES:
            # WHEN generated valid and invalid requests are sent to each operation
            try:
                _fuzz(operation, mode, stack.base_url, headers, statuses)
            except Unsatisfiable:
                continue  # e.g. no invalid request exists for an operation without parameters
            except (Exception, FailureGroup) as failure:  # noqa: BLE001 — collected: one run reports them all
                failures.append(f"{operation.label} [{mode.value}]: {failure}")
    # AND bounded sequences follow the links from created resources to the operations that use them
    try:
        _stateful(schema, stack.base_url, headers)
    except (Exception, FailureGroup) as failure:  # noqa: BLE001
        failures.append(f"stateful: {failure}")
    # THEN no answer was a server error or off the documented status, media type or schema
    assert not failures, "\n\n".join(failures)
    # AND the token worked: many operations answered 2xx, so the run reached past authentication
    succeeded = {label for label, family in statuses if family == 2}
    assert len(succeeded) >= len(operations) // 4, sorted(succeeded)
