"""Cold import of the app vs importing only chalice + boto3 (budget: ratio ≤ 1.5). Median of fresh interpreters."""

import statistics
import subprocess
import sys

RUNS = 7
_PROBE = "import time; started = time.perf_counter(); {imports}; print(time.perf_counter() - started)"


def cold_import_seconds(imports: str) -> float:
    """Median wall time of `imports` in a fresh interpreter."""
    samples = []
    for _ in range(RUNS):
        output = subprocess.run(
            [sys.executable, "-c", _PROBE.format(imports=imports)],
            capture_output=True,
            text=True,
            check=True,
            env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": ""},
        )
        samples.append(float(output.stdout))
    return statistics.median(samples)


def run() -> list[tuple[str, str, str]]:
    baseline = cold_import_seconds("import chalice, boto3")
    app = cold_import_seconds("import app")
    return [
        ("cold import chalice+boto3", f"{baseline * 1000:.0f} ms", ""),
        ("cold import app", f"{app * 1000:.0f} ms", ""),
        ("ratio app / baseline", f"{app / baseline:.2f}", "budget ≤ 1.5"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
