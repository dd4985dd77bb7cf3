"""Local stand-ins for Slack's Web API and the Bot Framework (Microsoft Teams), speaking
their documented shapes (no network).

``SlackApi`` answers ``POST /api/{method}``: ``users.lookupByEmail`` (form body) from its
``users`` by email, ``chat.postMessage`` and ``views.open`` (JSON bodies), each only with
``Authorization: Bearer {token}``, as ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}``.

``BotFramework`` is the token endpoint (``POST /token``, client credentials), the connector
(``POST /v3/conversations``, ``POST /v3/conversations/{id}/activities[/{reply}]``,
``GET /v3/conversations/{id}/members/{member}``) and the OpenID metadata with its JWKS
(``GET /openid``, ``GET /keys``); ``token_for`` signs a Bot Framework JWT with its key.

Both record every request (path, headers, decoded body) in ``received`` and answer the
statuses or errors queued with ``fail_next`` first.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class _Server:
    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict[str, str], Any]] = []
        self.failures: list[Any] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("application/json"):
                    body: Any = json.loads(raw or b"null")
                elif raw:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = None
                with server.lock:
                    server.received.append((method, self.path, dict(self.headers), body))
                    failure = server.failures.pop(0) if server.failures else None
                status, answer = server.route(method, self.path, dict(self.headers), body, failure)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                self._answer("POST")

            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                self._answer("GET")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(
        self, method: str, path: str, headers: dict[str, str], body: Any, failure: Any
    ) -> tuple[int, Any]:
        raise NotImplementedError

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "/") -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def fail_next(self, *failures: Any) -> None:
        with self.lock:
            self.failures.extend(failures)

    def calls(self, path_part: str) -> list[tuple[str, str, dict[str, str], Any]]:
        return [r for r in self.received if path_part in r[1]]


class SlackApi(_Server):
    def __init__(self, token: str, users: dict[str, str] | None = None) -> None:
        super().__init__()
        self.token = token
        self.users = dict(users or {})  # email -> Slack user id

    def route(
        self, method: str, path: str, headers: dict[str, str], body: Any, failure: Any
    ) -> tuple[int, Any]:
        if isinstance(failure, int):
            return failure, {"ok": False, "error": "internal_error"}
        if isinstance(failure, str):
            return 200, {"ok": False, "error": failure}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth"}
        api_method = path.rsplit("/", 1)[-1]
        if api_method == "users.lookupByEmail":
            user = self.users.get((body or {}).get("email", ""))
            if user is None:
                return 200, {"ok": False, "error": "users_not_found"}
            return 200, {"ok": True, "user": {"id": user}}
        if api_method == "chat.postMessage":
            return 200, {"ok": True, "channel": "D" + body["channel"], "ts": str(time.time())}
        if api_method == "views.open":
            return 200, {"ok": True, "view": {"id": "V1"}}
        return 200, {"ok": False, "error": "unknown_method"}


class BotFramework(_Server):
    def __init__(self, app_id: str, password: str, members: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.app_id = app_id
        self.password = password
        self.members = members  # Teams user id -> {"email": ...}
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key"
        self.conversations = 0

    def token_for(
        self,
        *,
        audience: str | None = None,
        issuer: str = "https://api.botframework.com",
        key: Any = None,
        expires_in: int = 600,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience or self.app_id,
            "iat": now,
            "nbf": now,
            "exp": now + expires_in,
            "serviceurl": self.url("/"),
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def route(
        self, method: str, path: str, headers: dict[str, str], body: Any, failure: Any
    ) -> tuple[int, Any]:
        if isinstance(failure, int):
            return failure, {"error": {"code": "ServiceError", "message": "Try again."}}
        if path == "/openid":
            return 200, {"issuer": "https://api.botframework.com", "jwks_uri": self.url("/keys")}
        if path == "/keys":
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return 200, {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}
        if path == "/token":
            ok = (
                body
                and body.get("grant_type") == "client_credentials"
                and body.get("client_id") == self.app_id
                and body.get("client_secret") == self.password
                and body.get("scope") == "https://api.botframework.com/.default"
            )
            if not ok:
                return 401, {"error": "invalid_client"}
            return 200, {"token_type": "Bearer", "expires_in": 3600, "access_token": "bot-token"}
        if headers.get("Authorization") != "Bearer bot-token":
            return 401, {"message": "Authorization has been denied for this request."}
        parts = [unquote(p) for p in path.split("/") if p]
        if parts[:2] == ["v3", "conversations"]:
            if len(parts) == 2 and method == "POST":
                self.conversations += 1
                return 200, {"id": f"a:conversation-{self.conversations}"}
            if len(parts) >= 4 and parts[3] == "activities" and method == "POST":
                return 200, {"id": "activity-1"}
            if len(parts) == 5 and parts[3] == "members" and method == "GET":
                member = self.members.get(parts[4])
                if member is None:
                    return 404, {"error": {"code": "MemberNotFoundInConversation"}}
                return 200, {"id": parts[4], **member}
        return 404, {"error": {"code": "NotFound"}}
