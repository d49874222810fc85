"""Starts and stops the real local stack (`python -m devstack.supervisor`) on free ports for integration tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalStack:
    def __init__(self, local_dir: Path, *, dynamodb_in_memory: bool = False, env: dict[str, str] | None = None) -> None:
        self.local_dir = local_dir
        self.dynamodb_in_memory = dynamodb_in_memory
        self.env = env or {}  # extra settings for the stack (e.g. STINT_API_RATE_LIMIT_PER_MINUTE)
        self.ports = {"api": free_port(), "dynamodb": free_port(), "moto": free_port()}
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api']}"

    @property
    def aws_env(self) -> dict[str, str]:
        """What a boto3 client needs to talk to this stack's emulators."""
        return {
            "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{self.ports['dynamodb']}",
            "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{self.ports['moto']}",
            "AWS_ENDPOINT_URL_SQS": f"http://127.0.0.1:{self.ports['moto']}",
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def start(self, timeout: float = 120) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "STINT_"))}
        env.update(self.env)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "devstack.supervisor",
                "--api-port",
                str(self.ports["api"]),
                "--dynamodb-port",
                str(self.ports["dynamodb"]),
                "--moto-port",
                str(self.ports["moto"]),
                "--local-dir",
                str(self.local_dir),
                *(["--dynamodb-in-memory"] if self.dynamodb_in_memory else []),
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the stack exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("the stack did not become healthy in time")

    def stop(self) -> int:
        if self.process is None:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process = None
