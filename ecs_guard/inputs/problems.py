"""The error an adapter raises for input it cannot make sense of.

Adapters catch it per resource or per file and turn it into an
InputProblem (file, line, one-line message), so the rest is still scanned.
"""


class InputError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
