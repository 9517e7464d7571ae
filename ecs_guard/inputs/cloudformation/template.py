"""A loaded template: its data, and the line of every key and item in it.

The data is plain dicts, lists, str, int, bool and None, shared with no
one, with every short-form tag in its long form (``!Ref X`` is
``{"Ref": "X"}``), so the same template in YAML and in JSON gives the same
data. Treat it as read-only: the lines are kept beside it, not in it.

Lines are asked for by path (``("Resources", "Web", "Properties", "Cpu")``,
ints for list items): a key's line for a mapping member, an item's line for
a list item, the nearest ancestor that exists for a path that does not (a
finding about an absent property points at its owner).

YAML templates keep a table built while loading, shaped like the data (a
dict per mapping, a list per sequence, each entry a line or a
``(line, table of the child)`` pair); JSON templates find lines on demand
in the text (inputs/jsondocs/lines.py), which costs nothing until a report needs one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecs_guard.inputs.jsondocs.lines import JsonText

# A YAML line table: the line of each key (item), or (line, the child's table)
# when the value is itself a mapping or a list.
Lines = dict[str, Any] | list[Any]
Path = tuple[str | int, ...]  # mapping keys and list indexes

MAX_DEPTH = 50
"""Collections nested deeper than this are refused (a clear problem, not a
RecursionError in whatever walks the data later). Real templates nest a
dozen levels at most: Resources > X > Properties > ContainerDefinitions >
item > LogConfiguration > Options > key > !Sub > [..] > {..}."""


class TemplateError(Exception):
    """A template that cannot be read: one line of message, and the 1-based
    line it is about when known. The message never quotes a value from
    the file (a value may be a secret); names of keys and tags only."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


class Template:
    """One template file's data and the lines of its keys and items."""

    __slots__ = ("_json", "_lines", "_root_line", "data", "display", "format")

    def __init__(
        self,
        display: str,
        data: Any,
        format: str,
        root_line: int = 1,
        lines: Lines | None = None,
        json_text: JsonText | None = None,
    ):
        self.display = display
        self.data = data
        self.format = format  # "yaml" or "json"
        self._root_line = root_line
        self._lines = lines
        self._json = json_text

    def line_of(self, path: Path) -> int:
        """1-based line of the key (or item) at `path`; for a path that does
        not exist, the line of its nearest existing ancestor; for ``()``,
        the line where the document's data starts."""
        if self._json is not None:
            return self._json.line_of(tuple(path))
        line, table = self._root_line, self._lines
        for step in path:
            if type(table) is dict:
                entry = table.get(step) if type(step) is str else None
            elif type(table) is list and type(step) is int and 0 <= step < len(table):
                entry = table[step]
            else:
                break
            if entry is None:
                break
            if type(entry) is int:
                line, table = entry, None
            else:
                line, table = entry
        return line

    def __repr__(self) -> str:
        return f"Template({self.display!r}, {self.format})"
