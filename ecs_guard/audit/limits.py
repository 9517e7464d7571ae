"""How long the audit may go on retrying, and how it stops when told to.

botocore retries each call on its own (up to ten attempts, with exponential
backoff of up to 20 s between them): right for a throttled burst, wrong
for an endpoint that fails most calls, where an audit of six services took
five minutes. The RetryBudget is one pool of seconds shared by every client
of the audit: each retry is charged the time it took (the backoff and the
retried attempt), and once the pool is empty no call is retried any more:
each fails at its first error and is listed like any other failed call.

Cancellation (Ctrl-C) sets one event: no retry is granted after it, and
the next call any thread makes raises AuditInterrupted, so the threads that
read regions stop at once instead of finishing the account.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

DEFAULT_RETRY_BUDGET = 60.0  # seconds of retrying for a whole audit
_MARK = "ecs_guard_attempt_started"  # in botocore's per-call request context, kept across attempts


class AuditInterrupted(Exception):
    """The audit was cancelled (Ctrl-C): raised by the next call any thread makes."""


class Limits:
    """The retry budget and the cancel switch, shared by every client of one audit."""

    def __init__(self, retry_seconds: float = DEFAULT_RETRY_BUDGET) -> None:
        self.retry_seconds = max(0.0, retry_seconds)
        self._left = self.retry_seconds
        self._lock = threading.Lock()
        self.refused = 0  # retries not made because the budget was spent
        self.cancelled = threading.Event()

    # ------------------------------------------------------------- retries

    def limit(self, needs_retry: Callable[..., Any]) -> Callable[..., Any]:
        """Wraps botocore's retry handler (a `needs-retry` event handler that
        answers the seconds to wait before retrying, or None not to retry)."""

        def limited(**kwargs: Any) -> Any:
            context = (kwargs.get("request_dict") or {}).get("context")
            now = time.monotonic()
            started = context.get(_MARK) if isinstance(context, dict) else None
            delay = needs_retry(**kwargs)
            with self._lock:
                if started is not None:  # this attempt was a retry: charge what it took, backoff included
                    self._left -= now - started
                if delay is None or delay is False:
                    return None
                if self.cancelled.is_set() or self._left <= 0:
                    self.refused += 1
                    return None
                delay = min(float(delay), self._left)
            if isinstance(context, dict):
                context[_MARK] = now
            return delay

        return limited

    @property
    def spent(self) -> bool:
        with self._lock:
            return self._left <= 0

    # ------------------------------------------------------------- cancellation

    def cancel(self) -> None:
        self.cancelled.set()

    def check(self, **_: Any) -> None:
        """A `before-call` handler: no call starts once the audit is cancelled."""
        if self.cancelled.is_set():
            raise AuditInterrupted()


def limit_retries(client: Any, limits: Limits, max_attempts: int) -> None:
    """Put `client`'s retry handler under the budget: botocore's own
    standard handler (the one the client's retry mode made), wrapped."""
    from botocore.retries import standard

    name = client.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{name}", f"retry-config-{name}"
    client.meta.events.unregister(event, unique_id=unique_id)
    handler = standard.register_retry_handler(client, max_attempts)
    client.meta.events.unregister(event, unique_id=unique_id)
    client.meta.events.register(event, limits.limit(handler.needs_retry), unique_id=unique_id)
    client.meta.events.register("before-call", limits.check)


def run_parallel(fn: Callable[[Any], Any], items: list, workers: int, limits: Limits) -> list:
    """fn over items, a few at a time, results in the items' order.

    Daemon threads rather than a ThreadPoolExecutor: an executor's threads
    are joined when the interpreter exits, so after Ctrl-C the process
    would wait for every call in flight (a read can take a minute) before
    it could end. Here the caller's wait is interruptible, and on any
    exception (KeyboardInterrupt included) the audit is cancelled and the
    exception goes on up at once."""
    if len(items) <= 1:
        return [fn(i) for i in items]
    results: list = [None] * len(items)
    errors: list[BaseException] = []
    pending = iter(enumerate(items))
    lock = threading.Lock()

    def work() -> None:
        while not limits.cancelled.is_set():
            with lock:
                index, item = next(pending, (None, None))
            if index is None:
                return
            try:
                results[index] = fn(item)
            except BaseException as error:
                errors.append(error)
                limits.cancel()
                return

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(workers, len(items)))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:
        limits.cancel()
        raise
    if errors:
        raise errors[0]
    return results
