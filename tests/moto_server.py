"""A real moto server on 127.0.0.1 for the live-audit tests.

The audit talks HTTP to it exactly as it would to AWS (boto3 pointed at it
with AWS_ENDPOINT_URL), so nothing in the audit is mocked. moto's IAM
enforcement is switched on and off through its own API (/moto-api/reset-auth),
which is how the tests get real AccessDenied answers; its request recorder
(/moto-api/recorder/*) lists every request that reached the server, which is
how the least-privilege test sees the audit's calls without trusting the
audit's own bookkeeping.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT_SECONDS = 60


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MotoServer:
    """One moto server process; `url` is what AWS_ENDPOINT_URL gets."""

    process: subprocess.Popen
    url: str
    recording: Path

    @classmethod
    def start(cls, workdir: Path) -> MotoServer:
        port = _free_port()
        recording = workdir / "moto-recording.jsonl"
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_RECORDER_FILEPATH=str(recording))
        env.pop("MOTO_ACCOUNT_ID", None)
        log = open(workdir / "moto-server.log", "wb")  # noqa: SIM115 (the server process writes to it until stop())
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        server = cls(process, f"http://127.0.0.1:{port}", recording)
        server._wait_until_ready()
        return server

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("moto server did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _post(self, path: str, data: bytes = b"") -> bytes:
        with urllib.request.urlopen(
            urllib.request.Request(
                f"{self.url}{path}", data=data, method="POST", headers={"Content-Type": "application/octet-stream"}
            ),
            timeout=10,
        ) as response:
            return response.read()

    # ------------------------------------------------------------- IAM enforcement

    def enforce_iam(self, on: bool) -> None:
        """From the next request on, every call is checked against the caller's IAM policies (or not)."""
        self._post("/moto-api/reset-auth", b"0" if on else b"inf")

    @contextlib.contextmanager
    def iam_enforced(self):
        self.enforce_iam(True)
        try:
            yield
        finally:
            self.enforce_iam(False)

    # ------------------------------------------------------------- request recording

    @contextlib.contextmanager
    def recording_actions(self):
        """Yields a list that, after the block, holds the IAM action of every
        request the server received during it ("ecs:DescribeServices")."""
        actions: list[str] = []
        self._post("/moto-api/recorder/reset-recording")
        self._post("/moto-api/recorder/start-recording")
        try:
            yield actions
        finally:
            self._post("/moto-api/recorder/stop-recording")
            with urllib.request.urlopen(f"{self.url}/moto-api/recorder/download-recording", timeout=10) as r:
                text = r.read().decode()
            entries = [json.loads(line) for line in text.splitlines() if line.strip()]
            actions.extend(_action_of(e) for e in entries if "/moto-api/" not in e["url"])


def _action_of(entry: dict) -> str:
    """The IAM action of one recorded request: the signing service of its
    SigV4 credential scope, and the operation from X-Amz-Target (JSON
    protocols) or the Action form field (query protocols)."""
    headers = {k.lower(): v for k, v in entry["headers"].items()}
    scope = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/([^/]+)/", headers.get("authorization", ""))
    if not scope:
        raise AssertionError(f"unsigned request to the moto server: {entry['method']} {entry['url']}")
    service = scope.group(2)
    if "x-amz-target" in headers:
        return f"{service}:{headers['x-amz-target'].rsplit('.', 1)[-1]}"
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode()
    form = urllib.parse.parse_qs(body) or urllib.parse.parse_qs(urllib.parse.urlsplit(entry["url"]).query)
    if "Action" not in form:
        raise AssertionError(f"cannot tell the operation of {entry['method']} {entry['url']}")
    return f"{service}:{form['Action'][0]}"
