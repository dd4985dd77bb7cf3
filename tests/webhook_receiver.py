"""A local receiver of outbound webhooks (no network).

``Receiver`` listens on 127.0.0.1 on a free port in a thread, records every request (path,
headers by lower-case name, raw body) and answers 200 with a short text, or the statuses queued with
``answer_next``. ``dead_url()`` is an address where nothing listens.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with server.lock:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    server.received.append(Received(self.path, headers, body))
                    status = server.answers.pop(0) if server.answers else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"thanks" if status < 300 else b"receiver is down for upkeep")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "/hooks/lineofsight") -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def answer_next(self, *statuses: int) -> None:
        with self.lock:
            self.answers.extend(statuses)

    def bodies(self) -> list[str]:
        with self.lock:
            return [r.body.decode("utf-8") for r in self.received]


def dead_url() -> str:
    """An address on this machine where nothing listens (a port just freed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"
