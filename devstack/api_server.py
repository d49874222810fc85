"""Serves the Chalice app over HTTP locally: `chalice local --no-autoreload` plus infra/'s gateway responses."""

import argparse
import importlib
import os
import sys

from chalice.cli.factory import CLIFactory
from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer, ThreadedHTTPServer

from devstack.gateway import EnvelopeRequestHandler


class _Server(ThreadedHTTPServer):
    # The default listen backlog of 5 resets connections when many clients connect at once.
    request_queue_size = 128


def serve(host: str, port: int, stage: str = "local") -> None:
    """Block serving the app on host:port."""
    project_dir = os.getcwd()
    sys.path.insert(0, project_dir)
    app = importlib.import_module("app").app
    config = CLIFactory(project_dir).create_config_obj(chalice_stage_name=stage)
    # What `chalice local` does so that `app.current_request` is per thread.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    LocalDevServer(app, config, host, port, handler_cls=EnvelopeRequestHandler, server_cls=_Server).serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    serve(args.host, args.port)
