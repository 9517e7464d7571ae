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
from bisect import bisect_left, bisect_right
from json.decoder import scanstring  # type: ignore[attr-defined]  # in CPython, not in typeshed

from ecs_guard.inputs.jsondocs.lines import newline_offsets
from ecs_guard.inputs.terraform.hcl.values import Val, number

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")


class JsonDocumentError(ValueError):
    """The text is not JSON; `file` and `line` say where the problem is
    (inside a heredoc or a file() the JSON came from, not the attribute)."""

    def __init__(self, message: str, file: str = "", line: int = 0):
        super().__init__(message)
        self.file = file
        self.line = line


def parse_document(source: Val) -> Val:
    """The JSON in string Val `source` (known, or unknown with pieces).
    Raises ValueError when the text is not JSON (JsonDocumentError, with
    the line of the problem, when it is a string)."""
    pieces = source.pieces
    text = source.value if source.known else "".join(piece[0] for piece in pieces or ())
    if not isinstance(text, str):
        raise ValueError("not a string")
    parser = _Parser(text, source)
    value, end = parser.value(_skip(text, 0))
    if _skip(text, end) != len(text):
        raise parser.error("extra data after the JSON value", _skip(text, end))
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
        # Spans follow one another, so their starts and ends are both sorted: a
        # leaf looks only at the spans around it (all of them per leaf was
        # quadratic in a template with many interpolations).
        self.span_starts = [span[0] for span in self.spans]
        self.span_ends = [span[1] for span in self.spans]
        self.newlines = newline_offsets(text) if self.track_lines else None

    def line(self, offset: int) -> int:
        """The line of `offset`: newlines are found by binary search, since
        counting them from the start for every value was quadratic."""
        if self.newlines is None:
            return self.first_line
        before = bisect_left(self.newlines, offset)  # newlines before `offset`
        if self.piece_starts:
            index = bisect_right(self.piece_starts, (offset, float("inf"))) - 1
            start, line = self.piece_starts[max(index, 0)]
            return line + before - bisect_left(self.newlines, start)
        return self.first_line + before

    def error(self, message: str, offset: int) -> JsonDocumentError:
        """The error for a problem at `offset`, with its line when lines are tracked."""
        return JsonDocumentError(message, self.file if self.track_lines else "", self.line(offset))

    def leaf(self, value, start: int, end: int) -> Val:
        literal = self.source.literal if self.source.pieces is None else True
        nearby = self.spans[bisect_left(self.span_ends, start) : bisect_right(self.span_starts, end)]
        for span_start, span_end, span_literal, known, reason in nearby:
            if not known and span_start >= start and span_start <= end:
                unknown = Val.unknown(reason, self.file, self.line(start), self.source.sources)
                tail = self.known_tail(start, end) if isinstance(value, str) else None
                if tail:  # "${repo}:latest" in a heredoc: keep the known end of the string
                    unknown.pieces = (("", False, False, reason, unknown.line), (tail, True, True, "", unknown.line))
                return unknown
            if span_start < end and span_end > start and not span_literal:
                literal = False
        sources = () if literal else self.source.sources
        return Val(value, self.file, self.line(start), literal=literal, sources=sources)

    def known_tail(self, start: int, end: int) -> str | None:
        """The text of the JSON string token text[start:end] after its last
        part that is not known; None when it has escapes (it would need
        decoding) or ends with an unknown part."""
        last = max(
            (s_end for s_start, s_end, _lit, known, _r in self.spans if not known and start <= s_start <= end),
            default=None,
        )
        if last is None or end - 1 <= last:
            return None
        raw = self.text[last : end - 1]  # up to the closing quote
        return None if "\\" in raw else raw

    def value(self, i: int) -> tuple[Val, int]:
        text = self.text
        if i >= len(text):
            raise self.error("unexpected end of JSON", len(text))
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
        raise self.error(f"unexpected {char!r} in JSON", i)

    def object(self, start: int) -> tuple[Val, int]:
        text = self.text
        members: dict[str, Val] = {}
        i = _skip(text, start + 1)
        if text.startswith("}", i):
            return Val(members, self.file, self.line(start)), i + 1
        while True:
            if not text.startswith('"', i):
                raise self.error("expected a key in JSON object", i)
            key, after_key = scanstring(text, i + 1)
            colon = _skip(text, after_key)
            if not text.startswith(":", colon):
                raise self.error("expected ':' in JSON object", colon)
            value, end = self.value(_skip(text, colon + 1))
            members[key] = value.at(value.file, self.line(i))
            i = _skip(text, end)
            if text.startswith(",", i):
                i = _skip(text, i + 1)
                continue
            if text.startswith("}", i):
                return Val(members, self.file, self.line(start)), i + 1
            raise self.error("expected ',' or '}' in JSON object", i)

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
            raise self.error("expected ',' or ']' in JSON array", i)
