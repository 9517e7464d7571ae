"""Where a fact came from: a file, a line, and the resource's logical name.

Every Value in the model carries a Location, so a rule never computes a
line: a finding simply takes the location of the value it is built on.
Paths are relative POSIX paths (what SARIF and GitHub want); the address is
the resource's logical location (Terraform address, CloudFormation logical
id, ARN, or ``family:<family>`` for a task definition file without an ARN).
``related`` lists where the value is used when that is not where it is
written (SARIF relatedLocations).

The line may be found lazily (``find_line``): an adapter creates a location
for every value it reads, but only the few that end up in a report need
their line, and finding a line in JSON text costs a walk of the text.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import PurePath


class Location:
    __slots__ = ("_find_line", "_line", "address", "end_line", "path", "related")

    def __init__(
        self,
        path: str,
        line: int = 1,
        end_line: int | None = None,
        address: str = "",
        find_line: Callable[[], int] | None = None,
        related: tuple[Location, ...] = (),
    ):
        self.path = path
        self._line = line
        self.end_line = end_line
        self.address = address
        self._find_line = find_line
        # Where the value is used, when it is located where it was written
        # (RULES.md "Where a finding points"): the attribute that uses a
        # literal passed through a variable, a local or a module argument.
        self.related = related

    @property
    def line(self) -> int:
        if self._find_line is not None:
            self._line = self._find_line() or self._line
            self._find_line = None
        return self._line

    def at(self, line: int | None) -> Location:
        """The same file and resource at another line (unknown lines keep this one)."""
        if line is None or line == self.line:
            return self
        return Location(self.path, line, None, self.address)

    def _key(self) -> tuple:
        return (self.path, self.line, self.end_line, self.address)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Location) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Location({self.path!r}, line={self.line}, address={self.address!r})"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def display_path(path: str | os.PathLike, root: str | os.PathLike | None = None) -> str:
    """A path as reports show it: relative to `root` (default: the working
    directory) when it lies below it, else absolute; always with '/'."""
    absolute = os.path.abspath(path)
    base = os.path.abspath(root if root is not None else os.getcwd())
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return PurePath(absolute).as_posix()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return PurePath(absolute).as_posix()
    return PurePath(relative).as_posix()
