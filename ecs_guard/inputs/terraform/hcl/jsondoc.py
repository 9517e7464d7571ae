"""A JSON document inside a string, as a Val tree with lines and flags.

Container definitions and IAM policies are often JSON strings (a heredoc,
file(), templatefile()). To point a finding at the key inside that JSON,
each value gets the line it is written on: in the file the text came
from (Val.origin), found through the template pieces' lines when the
string was rendered from a template, else the line of the string itself. A leaf that overlaps an interpolated reference
(Val.pieces) is not literal; one that overlaps an unknown interpolation is
unknown, so the rest of a half-known document can still be checked.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from json.decoder import scanstring  # type: ignore[attr-defined]  # in CPython, not in typeshed

from ecs_guard.inputs.terraform.hcl.values import Val, number

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")


def parse_document(source: Val) -> Val:
    """The JSON in string Val `source` (known, or unknown with pieces).
    Raises ValueError when the text is not JSON."""
    pieces = source.pieces
    text = source.value if source.known else "".join(piece[0] for piece in pieces or ())
    if not isinstance(text, str):
        raise ValueError("not a string")
    parser = _Parser(text, source)
    value, end = parser.value(_skip(text, 0))
    if _skip(text, end) != len(text):
        raise ValueError("extra data after the JSON value")
    return value


def _skip(text: str, i: int) -> int:
    return _WHITESPACE.match(text, i).end()  # type: ignore[union-attr]  # matches empty text too


class _Parser:
    def __init__(self, text: str, source: Val):
        self.text = text
        self.source = source
        origin = source.origin
        self.file, self.first_line = origin if origin else (source.file, source.line)
        self.track_lines = origin is not None
        self.spans = []  # (start, end, literal, known, reason) of pieces that are not plain text
        self.piece_starts = []  # (offset, line) where each template piece starts
        offset = 0
        for piece_text, literal, known, reason, line in source.pieces or ():
            if not (literal and known):
                self.spans.append((offset, offset + len(piece_text), literal, known, reason))
            self.piece_starts.append((offset, line))
            offset += len(piece_text)

    def line(self, offset: int) -> int:
        if not self.track_lines:
            return self.first_line
        if self.piece_starts:
            index = bisect_right(self.piece_starts, (offset, float("inf"))) - 1
            start, line = self.piece_starts[max(index, 0)]
            return line + self.text.count("\n", start, offset)
        return self.first_line + self.text.count("\n", 0, offset)

    def leaf(self, value, start: int, end: int) -> Val:
        literal = self.source.literal if self.source.pieces is None else True
        for span_start, span_end, span_literal, known, reason in self.spans:
            if not known and span_start >= start and span_start <= end:
                return Val.unknown(reason, self.file, self.line(start), self.source.sources)
            if span_start < end and span_end > start and not span_literal:
                literal = False
        sources = () if literal else self.source.sources
        return Val(value, self.file, self.line(start), literal=literal, sources=sources)

    def value(self, i: int) -> tuple[Val, int]:
        text = self.text
        if i >= len(text):
            raise ValueError("unexpected end of JSON")
        char = text[i]
        if char == "{":
            return self.object(i)
        if char == "[":
            return self.array(i)
        if char == '"':
            string, end = scanstring(text, i + 1)
            return self.leaf(string, i, end), end
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                return self.leaf(value, i, i + len(word)), i + len(word)
        match = _NUMBER.match(text, i)
        if match and match.end() > i:
            literal = match.group(0)
            parsed = int(literal) if match.group(2) is None and match.group(3) is None else float(literal)
            return self.leaf(number(parsed), i, match.end()), match.end()
        raise ValueError(f"unexpected {char!r} in JSON")

    def object(self, start: int) -> tuple[Val, int]:
        text = self.text
        members: dict[str, Val] = {}
        i = _skip(text, start + 1)
        if text.startswith("}", i):
            return Val(members, self.file, self.line(start)), i + 1
        while True:
            if not text.startswith('"', i):
                raise ValueError("expected a key in JSON object")
            key, after_key = scanstring(text, i + 1)
            colon = _skip(text, after_key)
            if not text.startswith(":", colon):
                raise ValueError("expected ':' in JSON object")
            value, end = self.value(_skip(text, colon + 1))
            members[key] = value.at(value.file, self.line(i))
            i = _skip(text, end)
            if text.startswith(",", i):
                i = _skip(text, i + 1)
                continue
            if text.startswith("}", i):
                return Val(members, self.file, self.line(start)), i + 1
            raise ValueError("expected ',' or '}' in JSON object")

    def array(self, start: int) -> tuple[Val, int]:
        text = self.text
        items: list[Val] = []
        i = _skip(text, start + 1)
        if text.startswith("]", i):
            return Val(items, self.file, self.line(start)), i + 1
        while True:
            value, end = self.value(i)
            items.append(value)
            i = _skip(text, end)
            if text.startswith(",", i):
                i = _skip(text, i + 1)
                continue
            if text.startswith("]", i):
                return Val(items, self.file, self.line(start)), i + 1
            raise ValueError("expected ',' or ']' in JSON array")
