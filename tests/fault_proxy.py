"""A small HTTP proxy on 127.0.0.1 in front of the moto server that fails chosen AWS operations.

The audit is pointed at the proxy (AWS_ENDPOINT_URL) instead of moto. Every
request is passed to moto unchanged, except those whose IAM action
("ecs:DescribeClusters") has a fault set:

- "deny": 400 with the protocol's AccessDenied error (not retried by botocore);
- "html": 502 with an HTML page, as a load balancer in the way answers (retried);
- "hang": the connection is held open without an answer until the proxy stops
  (at most HANG_SECONDS), as a stalled endpoint does.

The proxy counts the requests it saw per action, so tests can check what
the audit sent (and how often it retried) without trusting the audit's own
bookkeeping. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import base64
import http.client
import re
import threading
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HANG_SECONDS = 30
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n"
    b"<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
)
_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.faults: dict[str, str] = {}
        self.seen: Counter[str] = Counter()
        self.arrived: dict[str, threading.Event] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, action: str, timeout: float = 60) -> bool:
        """True once a request for `action` has arrived (within `timeout` seconds)."""
        with self._lock:
            event = self.arrived.setdefault(action, threading.Event())
        return event.wait(timeout)

    def _saw(self, action: str) -> None:
        with self._lock:
            self.seen[action] += 1
            self.arrived.setdefault(action, threading.Event()).set()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                action = action_of(self.headers, body, self.path)
                proxy._saw(action)
                fault = proxy.faults.get(action)
                if fault == "hang":
                    proxy.stopping.wait(HANG_SECONDS)
                    self.close_connection = True
                    return
                if fault == "deny":
                    self._deny()
                elif fault == "html":
                    self._answer(502, "text/html", HTML_PAGE)
                else:
                    self._forward(body)

            def _deny(self) -> None:
                if "X-Amz-Target" in self.headers:
                    payload = b'{"__type": "AccessDeniedException", "message": "injected fault"}'
                    self._answer(400, "application/x-amz-json-1.1", payload)
                else:
                    payload = (
                        b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                        b"<Message>injected fault</Message></Error><RequestId>1</RequestId></ErrorResponse>"
                    )
                    self._answer(403, "text/xml", payload)

            def _answer(self, status: int, content_type: str, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _forward(self, body: bytes) -> None:
                connection = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
                    connection.request(self.command, self.path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    self.send_response(response.status)
                    for key, value in response.getheaders():
                        if key.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                finally:
                    connection.close()

        return Handler


def action_of(headers, body: bytes, path: str) -> str:
    """The IAM action of a request: the signing service of its SigV4 scope,
    and the operation from X-Amz-Target (JSON protocols) or the Action form field."""
    scope = _SCOPE.search(headers.get("Authorization") or "")
    service = scope.group(1) if scope else "?"
    target = headers.get("X-Amz-Target")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}"
    try:
        text = body.decode()
    except UnicodeDecodeError:
        text = base64.b64encode(body).decode()
    form = urllib.parse.parse_qs(text) or urllib.parse.parse_qs(urlsplit(path).query)
    return f"{service}:{form['Action'][0]}" if "Action" in form else f"{service}:?"
