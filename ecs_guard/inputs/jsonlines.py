"""Lines of values inside a JSON text, found by their path, on demand.

Python's json module gives no positions. Rather than a slow position-
tracking parser over every file, a JsonText hands out lazy Locations: the
line of ``("services", 3, "serviceArn")`` is found only if a report needs
it, by walking the text along that path and skipping siblings with the C
scanner. A path that does not exist in the text (an absent attribute)
resolves to its nearest existing ancestor, which is exactly the owner the
conventions ask for.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Iterable

from ..location import Location

_SCAN = json.JSONDecoder().scan_once
_WHITESPACE = re.compile(r"[ \t\n\r]*")

JsonPath = tuple  # of str (object keys) and int (array indexes)


class JsonText:
    """One JSON file's text and its display path."""

    __slots__ = ("path", "text")

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text

    def location(self, json_path: Iterable, address: str = "") -> Location:
        path = tuple(json_path)
        return Location(self.path, 1, None, address, find_line=lambda: self.line_of(path))

    def line_of(self, json_path: JsonPath) -> int:
        return self.text.count("\n", 0, self.offset_of(json_path)) + 1

    def offset_of(self, json_path: JsonPath) -> int:
        """Offset of the key (for object members) or of the element (for array
        items) at `json_path`; of the deepest existing ancestor if it is absent."""
        text = self.text
        best = _skip(text, 0)
        value = best
        for step in json_path:
            try:
                found = _child(text, value, step)
            except (StopIteration, ValueError, IndexError):
                return best
            if found is None:
                return best
            best, value = found
        return best


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()


def _child(text: str, pos: int, step) -> tuple[int, int] | None:
    """(offset to report, offset of the value) of `step` in the container at pos."""
    opener = text[pos]
    if opener == "{" and isinstance(step, str):
        i = pos + 1
        while True:
            i = _skip(text, i)
            if text[i] == "}":
                return None
            key_at = i
            key, i = scanstring(text, i + 1)
            i = _skip(text, _skip(text, i) + 1)  # past ':'
            if key == step:
                return key_at, i
            i = _skip(text, _SCAN(text, i)[1])
            if text[i] == ",":
                i += 1
    elif opener == "[" and isinstance(step, int):
        i, index = pos + 1, 0
        while True:
            i = _skip(text, i)
            if text[i] == "]":
                return None
            if index == step:
                return i, i
            i = _skip(text, _SCAN(text, i)[1])
            if text[i] == ",":
                i += 1
            index += 1
    return None
