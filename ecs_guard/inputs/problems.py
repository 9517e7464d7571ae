"""What goes wrong reading the user's input, and how it is reported.

An adapter raises InputError for input it cannot make sense of; the
adapters catch it per resource or per file and turn it into an
InputProblem (file, line, one-line message), so the rest is still scanned.
These two are the only things every adapter shares besides the model, so
they live here, not in the model: the core names InputProblem only as a
type.
"""

from __future__ import annotations

from dataclasses import dataclass

UNREADABLE = "unreadable"
NOT_UNDERSTOOD = "not-understood"
EVALUATION_NOTE = "evaluation-note"


class InputError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Something the user gave that was not scanned in full.

    kind "unreadable": the file could not be read or parsed (exit code 3);
    kind "not-understood": the file was read but is no input ecs-guard knows,
    or part of it was skipped; always reported, never silently dropped.
    kind "evaluation-note": the input was read and understood, and something
    about how it was evaluated is worth knowing (count not known, so the
    instances were checked as one; an argument the pinned provider version
    has but the carried schema does not). A quieter channel of its own
    (Report.evaluation_notes): listed with --verbose and in JSON, never a
    SARIF warning, never part of the exit code.
    """

    path: str
    message: str
    line: int | None = None
    kind: str = "unreadable"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
