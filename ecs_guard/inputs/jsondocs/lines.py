"""Lines of values inside a JSON text, found by their path, on demand.

Python's json module gives no positions. Rather than a slow position-
tracking parser over every file, a JsonText hands out lazy Locations: the
line of ``("services", 3, "serviceArn")`` is found only if a report needs
it, by walking the text along that path and skipping siblings with the C
scanner; what a walk learns of each object and array is kept, so a
sibling is skipped once however many lines a report asks for. A path that
does not exist in the text (an absent attribute) resolves to its nearest
existing ancestor, which is exactly the owner the conventions ask for.
"""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable
from json.decoder import scanstring  # type: ignore[attr-defined]  # in CPython, not in typeshed

from ecs_guard.location import Location
from ecs_guard.model import Value

_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # in CPython, not in typeshed
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*")  # between members (no comma before the first)
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")

JsonPath = tuple  # of str (object keys) and int (array indexes)
_COUNTED = 32_768  # up to this many characters, a line is found by counting the newlines before it


class JsonText:
    """One JSON file's text and its display path."""

    __slots__ = ("_containers", "_newlines", "path", "text")

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        # offset of an object or array -> what is known of its members. A
        # report asks for many lines in the same objects (every finding of a
        # container, every statement of a policy): each sibling is skipped
        # once, not once per line.
        self._containers: dict[int, _Members] = {}
        self._newlines: array | None = None  # offsets of every "\n", made on the first line asked for

    def location(self, json_path: Iterable, address: str = "") -> Location:
        path = json_path if type(json_path) is tuple else tuple(json_path)
        return JsonLocation(Locator(self, (), address), path)

    def locator(self, base: JsonPath, address: str = "") -> Locator:
        """Locations of paths relative to the value at `base`."""
        return Locator(self, base, address)

    def line_of(self, json_path: JsonPath) -> int:
        return self.line_at(self.offset_of(json_path))

    def line_at(self, offset: int) -> int:
        """The line of an offset, by binary search in the offsets of the newlines.
        Counting the newlines before each offset instead costs the whole text
        per line asked for: a report of 10,000 findings in a 1 MB file took
        seconds, growing with the square of the size."""
        if len(self.text) <= _COUNTED:  # a small file: counting (in C) costs less than the offsets
            return self.text.count("\n", 0, offset) + 1
        if self._newlines is None:
            self._newlines = newline_offsets(self.text)
        return bisect_right(self._newlines, offset - 1) + 1

    def offset_of(self, json_path: JsonPath) -> int:
        """Offset of the key (for object members) or of the element (for array
        items) at `json_path`; of the deepest existing ancestor if it is absent."""
        best = _skip(self.text, 0)
        value = best
        for step in json_path:
            members = self._containers.get(value)
            if members is None:
                members = self._containers[value] = _Members(self.text[value], value)
            try:
                found = members.child(self.text, step)
            except (StopIteration, ValueError, IndexError):
                return best
            if found is None:
                return best
            best, value = found
        return best


class JsonLocation(Location):
    """A Location in a JsonText whose line is found when first asked for.

    Adapters make one per value they read (100,000s for a large snapshot)
    and a report asks for the lines of a few, so creating one must cost
    little: it keeps only its Locator (shared by every location of the
    record, which holds the file and the address) and its path below the
    Locator's; the two paths are joined only when the line is needed."""

    __slots__ = ("_locator", "_relative")
    end_line = None  # a JSON value is reported at one line
    related = ()  # a JSON value is used where it is written

    def __init__(self, locator: Locator, relative: JsonPath):
        self._locator = locator
        self._relative = relative
        self._line = 0  # 0: not found yet

    @property
    def path(self) -> str:  # type: ignore[override]  # read-only: found through the Locator
        return self._locator.text.path

    @property
    def address(self) -> str:  # type: ignore[override]  # read-only: found through the Locator
        return self._locator.address

    @property
    def line(self) -> int:
        if not self._line:
            locator = self._locator
            self._line = locator.text.line_of(locator.base + self._relative)
        return self._line


class Locator:
    """Hands out the Locations of paths relative to one object of a JsonText
    (a record, a task definition): ``locate(("image",))``. Callable, so an
    adapter takes it wherever it takes a ``Callable[[tuple], Location]``;
    ``under(prefix)`` narrows it to a nested object without stacking closures
    (every level of lambdas was paid again for every value read)."""

    __slots__ = ("address", "base", "text")

    def __init__(self, text: JsonText, base: JsonPath, address: str = ""):
        self.text = text
        self.base = base
        self.address = address

    def __call__(self, relative: JsonPath) -> JsonLocation:
        return JsonLocation(self, relative)

    def under(self, prefix: JsonPath) -> Locator:
        return Locator(self.text, self.base + prefix, self.address)

    def value(self, value, relative: JsonPath) -> JsonValue:
        """``Value(value, self(relative))``, its Location made only if asked for."""
        return JsonValue(value, self, relative)


class JsonValue(Value):
    """A known, literal value read from a JSON text, whose Location is made
    only when asked for: adapters read some 100,000 values from a large
    snapshot and a report needs the locations of a few thousand. Equal to
    the plain Value with the same location."""

    __slots__ = ("_locator", "_relative")

    def __init__(self, value, locator: Locator, relative: JsonPath):
        self.value = value
        self.known = True
        self.reason = ""
        self.literal = True
        self._locator = locator
        self._relative = relative

    @property
    def location(self) -> JsonLocation:  # type: ignore[override]  # read-only, made when asked for
        return JsonLocation(self._locator, self._relative)


def newline_offsets(text: str) -> array:
    """The offset of every "\\n" in `text`, in order (str.find runs in C: one pass)."""
    offsets = array("q")
    find, append = text.find, offsets.append
    at = find("\n")
    while at != -1:
        append(at)
        at = find("\n", at + 1)
    return offsets


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]  # matches empty text too


class _Members:
    """The members of one object or array found so far, and where to go on.
    A member's value is skipped (by the C scanner) only when a member after
    it is asked for, so walking into the last key of a file never parses
    the value it walks into."""

    __slots__ = ("found", "next_at", "opener", "unskipped")

    def __init__(self, opener: str, pos: int):
        self.opener = opener
        self.found: dict | list = {} if opener == "{" else []
        self.next_at: int | None = pos + 1 if opener in "{[" else None  # None: no more members
        self.unskipped: int | None = None  # offset of the last value found, not skipped yet

    def child(self, text: str, step) -> tuple[int, int] | None:
        """(offset to report, offset of the value) of `step`, or None."""
        if isinstance(self.found, dict) and isinstance(step, str):  # an object ("{")
            while step not in self.found and self._next(text):
                pass
            return self.found.get(step)
        if self.opener == "[" and isinstance(self.found, list) and isinstance(step, int) and step >= 0:
            while len(self.found) <= step and self._next(text):
                pass
            return (self.found[step], self.found[step]) if step < len(self.found) else None
        return None

    def _next(self, text: str) -> bool:
        """Finds the next member; False at the end of the container."""
        if self.next_at is None:
            return False
        i = self.next_at if self.unskipped is None else _SCAN(text, self.unskipped)[1]
        i = _SEPARATOR.match(text, i).end()  # type: ignore[union-attr]  # matches empty text too
        if text[i] in "}]":
            self.next_at = None
            return False
        if isinstance(self.found, dict):  # an object ("{")
            key, after = scanstring(text, i + 1)
            value_at = _COLON.match(text, after).end()  # type: ignore[union-attr]  # a key is followed by a colon
            self.found.setdefault(key, (i, value_at))
        else:
            value_at = i
            self.found.append(i)
        self.unskipped = self.next_at = value_at
        return True
