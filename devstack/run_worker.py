"""Entry point of the local worker process."""

import signal
import threading

from app import app
from devstack.worker import run_forever

if __name__ == "__main__":
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    run_forever(app, stop)
