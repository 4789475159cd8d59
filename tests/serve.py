"""Serve a built site over HTTP for browser tests, at the root or under a sub-path (/jytabl)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = ""

    def translate_path(self, path):
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return str(Path(self.directory) / "__outside_the_prefix__")
            path = path[len(self.prefix):]
        return super().translate_path(path)

    def log_message(self, *args):  # keep test output quiet
        pass


@contextlib.contextmanager
def serve(directory: Path, prefix: str = ""):
    """Yield the base URL (http://127.0.0.1:PORT[/prefix]) of `directory`, served in a thread."""
    handler = type("Handler", (_Handler,), {"prefix": prefix.rstrip("/")})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}"
    finally:
        server.shutdown()
        server.server_close()
