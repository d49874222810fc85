"""Cold import of the app vs importing only chalice + boto3 (budget: ratio ≤ 1.5). Medians of fresh interpreters.

The pieces are sampled alternately, and each sample is the CPU time of the import in its interpreter (what
the import costs; wall time on a shared machine adds waiting for a core), so the ratio holds on a busy
machine. Route
modules are imported on their first request (decision 66), so the bench also shows what a cold start costs
up to the first answer of a typical route (`GET /api/v1/tasks`, refused without credentials: the whole
tasks domain is imported, nothing is read from DynamoDB).
"""

import statistics
import subprocess
import sys

RUNS = 9
_PROBE = "import time; started = time.process_time(); {code}; print(time.process_time() - started)"
_FIRST_REQUEST = (
    "import app; app.app({'httpMethod': 'GET', 'path': '/api/v1/tasks', 'resource': '/api/v1/tasks', "
    "'headers': {}, 'multiValueHeaders': {}, 'queryStringParameters': None, "
    "'multiValueQueryStringParameters': None, 'pathParameters': None, 'stageVariables': None, "
    "'requestContext': {'requestId': 'bench', 'resourcePath': '/api/v1/tasks', 'httpMethod': 'GET', "
    "'identity': {'sourceIp': '127.0.0.1'}}, 'body': None, 'isBase64Encoded': False}, None)"
)
_ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "PATH": "",
}


def _sample(code: str) -> float:
    output = subprocess.run(
        [sys.executable, "-c", _PROBE.format(code=code)], capture_output=True, text=True, check=True, env=_ENV
    )
    return float(output.stdout.strip().splitlines()[-1])


def cold_seconds(*codes: str) -> list[float]:
    """Median CPU time of each piece of code in fresh interpreters, sampled round-robin."""
    samples: list[list[float]] = [[] for _ in codes]
    for _ in range(RUNS):
        for index, code in enumerate(codes):
            samples[index].append(_sample(code))
    return [statistics.median(values) for values in samples]


def run() -> list[tuple[str, str, str]]:
    baseline, app, first = cold_seconds("import chalice, boto3", "import app", _FIRST_REQUEST)
    return [
        ("cold import chalice+boto3", f"{baseline * 1000:.0f} ms", ""),
        ("cold import app", f"{app * 1000:.0f} ms", ""),
        ("ratio app / baseline", f"{app / baseline:.2f}", "budget ≤ 1.5"),
        ("cold import app + first GET /api/v1/tasks", f"{first * 1000:.0f} ms", f"{first / baseline:.2f}× baseline"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
