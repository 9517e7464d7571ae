"""Where a fact came from: a file, a line, and the resource's logical name.

Every Value in the model carries a Location, so a rule never computes a
line: a finding simply takes the location of the value it is built on.
Paths are relative POSIX paths (what SARIF and GitHub want); the address is
the resource's logical location (Terraform address, CloudFormation logical
id, ARN, or ``family:<family>`` for a task definition file without an ARN).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int = 1
    end_line: int | None = None
    address: str = ""

    def at(self, line: int | None) -> "Location":
        """The same file and resource at another line (unknown lines keep this one)."""
        if line is None or line == self.line:
            return self
        return Location(self.path, line, None, self.address)

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
