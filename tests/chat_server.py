"""A local stand-in for Slack's and Microsoft Teams' incoming webhooks (no network).

``ChatServer`` listens on 127.0.0.1 on a free port in a thread, records every JSON body
posted to it and answers 200, or the statuses queued with ``fail_next``.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ChatServer:
    def __init__(self) -> None:
        self.received: list[tuple[str, Any]] = []
        self.failures: list[int] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                with server.lock:
                    status = server.failures.pop(0) if server.failures else 200
                    if status == 200:
                        server.received.append((self.path, body))
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"channel_is_archived")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "/services/T0/B0/secret") -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.failures.extend(statuses)
