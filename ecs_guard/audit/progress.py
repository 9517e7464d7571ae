"""What the audit shows while it reads: one line per region on stderr.

Only on a terminal: in CI logs or when stderr is redirected, a live display
is noise, so the reader gets the silent Progress and the summary printed
after reading is all there is.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import TaskID


class Progress:
    """The silent display; also the interface the reader calls."""

    def update(self, key: str, text: str) -> None:
        """`key` (a region, or "iam") is now doing `text`."""

    def done(self, key: str, text: str) -> None:
        """`key` has finished; `text` says what it read."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        return None


class RichProgress(Progress):
    """A spinner per region with what it is reading, removed when reading ends."""

    def __init__(self, stream) -> None:
        from rich.console import Console
        from rich.progress import Progress as Bars
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self._bars = Bars(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[key]:<16}"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def _task(self, key: str) -> TaskID:
        with self._lock:
            if key not in self._tasks:
                self._tasks[key] = self._bars.add_task("", key=key, total=1)
            return self._tasks[key]

    def update(self, key: str, text: str) -> None:
        self._bars.update(self._task(key), description=text)

    def done(self, key: str, text: str) -> None:
        self._bars.update(self._task(key), description=text, completed=1)

    def __enter__(self) -> RichProgress:
        self._bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self._bars.stop()


def progress_for(stream) -> Progress:
    """The live display when `stream` is a terminal, else the silent one."""
    isatty = getattr(stream, "isatty", None)
    return RichProgress(stream) if isatty and isatty() else Progress()
