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
# a separator, a key without escapes and its colon: how almost every member starts
_PLAIN_MEMBER = re.compile(r'[ \t\n\r]*,?[ \t\n\r]*"([^"\\]*)"[ \t\n\r]*:[ \t\n\r]*')

_new = object.__new__
JsonPath = tuple  # of str (object keys) and int (array indexes)
_COUNTED = 32_768  # up to this many characters, a line is found by counting the newlines before it


class JsonText:
    """One JSON file's text and its display path."""

    __slots__ = ("_containers", "_counted", "_counted_lines", "_newlines", "_root", "path", "text")

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        # offset of an object or array -> what is known of its members. A
        # report asks for many lines in the same objects (every finding of a
        # container, every statement of a policy): each sibling is skipped
        # once, not once per line.
        self._containers: dict[int, _Members] = {}
        self._root: int | None = None  # offset of the top-level value, found on the first line asked for
        self._newlines: array | None = None  # offsets of every "\n", made on the first line asked for
        # A small text's offsets whose lines are known, in order, and those
        # lines: a line is counted from the nearest one before it.
        self._counted = [0]
        self._counted_lines = [1]

    def location(self, json_path: Iterable, address: str = "") -> Location:
        path = json_path if type(json_path) is tuple else tuple(json_path)
        return JsonLocation(Locator(self, (), address), path)

    def locator(self, base: JsonPath, address: str = "") -> Locator:
        """Locations of paths relative to the value at `base`."""
        return Locator(self, base, address)

    def line_of(self, json_path: JsonPath) -> int:
        return self.line_at(self.offset_of(json_path))

    def line_at(self, offset: int) -> int:
        """The line of an offset. A small text counts the newlines from the
        nearest offset whose line is already known, so each stretch of it is
        counted about once; a large one searches the offsets of its newlines.
        Counting from the start for each offset costs the whole text per line
        asked for: a report of 10,000 findings in a 1 MB file took seconds,
        growing with the square of the size."""
        if len(self.text) <= _COUNTED:  # a small file: counting (in C) costs less than the offsets
            counted = self._counted
            nearest = bisect_right(counted, offset) - 1
            if counted[nearest] == offset:
                return self._counted_lines[nearest]
            line = self._counted_lines[nearest] + self.text.count("\n", counted[nearest], offset)
            counted.insert(nearest + 1, offset)
            self._counted_lines.insert(nearest + 1, line)
            return line
        if self._newlines is None:
            self._newlines = newline_offsets(self.text)
        return bisect_right(self._newlines, offset - 1) + 1

    def offset_of(self, json_path: JsonPath) -> int:
        """Offset of the key (for object members) or of the element (for array
        items) at `json_path`; of the deepest existing ancestor if it is absent."""
        text, containers = self.text, self._containers
        if self._root is None:
            self._root = _skip(text, 0)
        best = value = self._root
        try:
            for step in json_path:
                members = containers.get(value)
                if members is None:
                    members = containers[value] = _members(text, value)
                found = members.find(text, step)
                if found is None:
                    return best
                best, value = found
        except (StopIteration, ValueError, IndexError):  # text that is not JSON past this point
            pass
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
        # JsonLocation(self, relative), made without its __init__: a Python
        # __init__ called through the class costs more than the rest, and a
        # large snapshot's readers make 60,000 locations
        location = _new(JsonLocation)
        location._locator = self
        location._relative = relative
        location._line = 0  # 0: not found yet
        return location

    def under(self, prefix: JsonPath) -> Locator:
        return Locator(self.text, self.base + prefix, self.address)

    def value(self, value, relative: JsonPath) -> JsonValue:
        """``Value(value, self(relative))``, its Location made only if asked
        for; `relative` names a member or an item (it is not empty)."""
        return JsonValue(value, self, relative[:-1], relative[-1])


class JsonValue(Value):
    """A known, literal value read from a JSON text, whose Location is made
    only when asked for: adapters read some 100,000 values from a large
    snapshot and a report needs the locations of a few thousand. Equal to
    the plain Value with the same location."""

    __slots__ = ("_locator", "_member", "_parent")

    def __init__(self, value, locator: Locator, parent: JsonPath, key: str | int):
        self.value = value
        self._locator = locator
        # the path below the locator's, in two parts: joined only if a
        # location is asked for (a tuple per value read was 6 MB of a snapshot)
        self._parent = parent
        self._member = key

    @property
    def location(self) -> JsonLocation:  # type: ignore[override]  # read-only, made when asked for
        return JsonLocation(self._locator, (*self._parent, self._member))


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
    """What is known of the members of one value: none (a scalar)."""

    __slots__ = ()

    def find(self, text: str, step) -> tuple[int, int] | None:
        """(offset to report, offset of the value) of `step`, or None."""
        return None


class _ObjectMembers(_Members):
    """The members of one object found so far, and where to go on. A
    member's value is skipped (by the C scanner) only when a member after
    it is asked for, so walking into the last key of a file never parses
    the value it walks into. One loop per call, not a call per member: a
    report of 10,000 findings walks some 50,000 members."""

    __slots__ = ("at", "found", "skip")

    def __init__(self, opener_at: int):
        self.found: dict[str, tuple[int, int]] = {}
        self.at: int | None = opener_at + 1  # where to go on; None: every member is found
        self.skip = False  # whether `at` is a value to skip first

    def find(self, text: str, step) -> tuple[int, int] | None:
        found = self.found
        hit = found.get(step)
        if hit is not None or self.at is None or step.__class__ is not str:
            return hit
        at, skip, scan, plain_member = self.at, self.skip, _SCAN, _PLAIN_MEMBER.match
        while True:
            if skip:
                at = scan(text, at)[1]
            member = plain_member(text, at)
            if member is not None:  # a key without escapes: one match
                key, key_at, at = member.group(1), member.start(1) - 1, member.end()
            else:
                at = _SEPARATOR.match(text, at).end()  # type: ignore[union-attr]  # matches empty text too
                if text[at] != '"':  # "}": the end of the object
                    self.at = None
                    return None
                key_at = at
                key, at = scanstring(text, at + 1)
                at = _COLON.match(text, at).end()  # type: ignore[union-attr]  # a key is followed by a colon
            skip = True
            if key not in found:  # a repeated key is reported where it is first written
                found[key] = (key_at, at)
            if key == step:
                self.at, self.skip = at, True
                return found[key]


class _ArrayItems(_Members):
    """The items of one array found so far, and where to go on (as _ObjectMembers)."""

    __slots__ = ("at", "found", "skip")

    def __init__(self, opener_at: int):
        self.found: list[int] = []
        self.at: int | None = opener_at + 1
        self.skip = False

    def find(self, text: str, step) -> tuple[int, int] | None:
        found = self.found
        if step.__class__ is not int or step < 0:
            return None
        if step >= len(found) and self.at is not None:
            at, skip, scan, separator = self.at, self.skip, _SCAN, _SEPARATOR.match
            while step >= len(found):
                if skip:
                    at = scan(text, at)[1]
                at = separator(text, at).end()  # type: ignore[union-attr]  # matches empty text too
                if text[at] == "]":
                    self.at = None
                    return None
                found.append(at)
                skip = True
            self.at, self.skip = at, True
        if step < len(found):
            return found[step], found[step]
        return None


_SCALAR = _Members()


def _members(text: str, at: int) -> _Members:
    opener = text[at]
    if opener == "{":
        return _ObjectMembers(at)
    if opener == "[":
        return _ArrayItems(at)
    return _SCALAR
