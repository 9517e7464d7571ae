"""Whether output is styled (colours, rendered Markdown): ``--color`` and the environment.

Precedence, most specific first: ``--color always|never``; then
``FORCE_COLOR`` (set and not ``0``/``false``: style even into a pipe or a
CI log; ``0`` or ``false``: never); then ``NO_COLOR`` (set and not empty:
never, https://no-color.org); else ``auto``: styled only on a terminal.
Unstyled output is the plain text path, which never imports rich.
"""

from __future__ import annotations

import os
from typing import TextIO

CHOICES = ("auto", "always", "never")

_flag: str | None = None  # --color of this run; None: not given


def set_color(flag: str | None) -> None:
    global _flag
    _flag = flag if flag in CHOICES else None


def color_mode() -> str:
    """always, never or auto, from --color and the environment."""
    if _flag in ("always", "never"):
        return _flag
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return "never" if force.strip().lower() in ("0", "false") else "always"
    if os.environ.get("NO_COLOR"):
        return "never"
    return "auto"


def styled(stream: TextIO) -> bool:
    """Whether to write `stream` through rich, with styles."""
    mode = color_mode()
    if mode != "auto":
        return mode == "always"
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def rich_console(stream: TextIO):
    """A rich Console that styles `stream` (only called when ``styled(stream)``)."""
    from rich.console import Console

    return Console(file=stream, force_terminal=True, no_color=False, highlight=False, soft_wrap=True)
