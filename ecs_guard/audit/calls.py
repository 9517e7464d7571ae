"""The audit's ledger of AWS calls: how many of each were made, and which failed.

Counting happens in a botocore 'before-call' hook, so every page of every
paginator is counted once (retries are not separate calls). A failed call is
kept with the IAM action that failed and the region, because the snapshot
input turns each failure into "not evaluated" for the resources that needed
its data, and a person has to know which permission to grant.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass

GLOBAL = "global"  # the region label of IAM calls: IAM has no regions


@dataclass(frozen=True)
class Failure:
    """One API call that was denied or failed. ``service`` is the IAM action
    prefix (``elasticloadbalancing``, not boto3's ``elbv2``)."""

    service: str
    operation: str
    region: str
    error: str
    message: str
    # The resources (ARNs) whose data the call would have brought: the snapshot
    # input reports each of them "not evaluated" instead of leaving it out.
    resources: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.service}:{self.operation} failed in {self.region}: {self.error}"


class CallLog:
    """Thread-safe: regions are read concurrently and all write here."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._failures: list[Failure] = []

    def attach(self, client, region: str) -> None:
        """Count every request `client` sends, under `region`."""

        def count(model, **_):
            with self._lock:
                self._counts[(model.service_model.signing_name, model.name, region)] += 1

        client.meta.events.register("before-call", count)

    def failed(self, client, region: str, operation: str, error: Exception, resources: tuple[str, ...] = ()) -> Failure:
        code, message = describe_error(error)
        failure = Failure(client.meta.service_model.signing_name, operation, region, code, message, resources)
        with self._lock:
            self._failures.append(failure)
        return failure

    @property
    def failures(self) -> list[Failure]:
        with self._lock:
            return sorted(self._failures, key=lambda f: (f.region, f.service, f.operation, f.message))

    def calls(self) -> list[dict]:
        """The manifest's "calls": one entry per service, operation and region."""
        with self._lock:
            items = sorted(self._counts.items())
        return [{"service": s, "operation": o, "region": r, "count": n} for (s, o, r), n in items]

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())

    def per_service(self) -> dict[str, int]:
        with self._lock:
            totals: Counter[str] = Counter()
            for (service, _, _), n in self._counts.items():
                totals[service] += n
        return dict(sorted(totals.items()))


_XML_ERROR = re.compile(r"<Code>(.*?)</Code>.*?<Message>(.*?)</Message>", re.S)
_MARKUP = re.compile(r"^\s*<|<(?:html|body|head|title|h1|!doctype)\b", re.I)
MESSAGE_LIMIT = 200  # characters of a server's message kept for one line on stderr


def describe_error(error: Exception) -> tuple[str, str]:
    """The error code and message of a failed call, for people and the manifest.

    Some endpoints answer a JSON-protocol client with an XML error document
    and no code (botocore then reports the HTTP status as the code and the
    whole XML as the message): the code and message are taken from the XML.
    A proxy or load balancer in the way may answer with an HTML page: that
    is reported as its HTTP status, never as the page. Either way the
    message is one line, so the summary stays one line per failed call.
    """
    from botocore.exceptions import ClientError, ReadTimeoutError

    if isinstance(error, ReadTimeoutError):
        return "ReadTimeout", one_line(str(error))
    if is_connection_error(error):  # refused, timed out, closed, TLS
        return "ConnectionError", one_line(str(error))
    if not isinstance(error, ClientError):
        return type(error).__name__, one_line(str(error))
    details = error.response.get("Error") or {}
    code, message = str(details.get("Code") or ""), str(details.get("Message") or "")
    embedded = _XML_ERROR.search(message)
    if embedded:
        code, message = embedded.group(1), embedded.group(2)
    if not code or code.isdigit() or _MARKUP.search(code):
        status = (error.response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        code = http_status(status) if status else f"HTTP {code or 'error'}"
    if _MARKUP.search(message):
        message = ""  # an HTML error page: its status says all a person can act on
    return code, one_line(message)


def http_status(status: object) -> str:
    """ "HTTP 502 (Bad Gateway)": the status and its standard phrase."""
    from http import HTTPStatus

    try:
        return f"HTTP {status} ({HTTPStatus(int(str(status))).phrase})"
    except ValueError:
        return f"HTTP {status}"


def is_connection_error(error: Exception) -> bool:
    """The endpoint could not be reached or did not answer (not a refusal by AWS)."""
    from botocore.exceptions import ConnectionError, HTTPClientError

    return isinstance(error, (ConnectionError, HTTPClientError))


def one_line(text: str) -> str:
    """`text` on one line (whitespace runs collapsed), at most MESSAGE_LIMIT characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[: MESSAGE_LIMIT - 3] + "..."
