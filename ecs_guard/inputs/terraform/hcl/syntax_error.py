"""The one error a parse of HCL text raises (its own module: both parse paths raise it)."""

from __future__ import annotations


class HclSyntaxError(Exception):
    """Text that is not valid HCL: a one-line message and the line."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line
