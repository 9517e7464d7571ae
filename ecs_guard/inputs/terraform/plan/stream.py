"""The sections of a Terraform plan's text, one resource entry at a time.

A 2,000-service plan is 25 MB of JSON; ``json.load`` turns it into about
90 MB of dicts, most of which the scanner never looks at (every attribute
of every resource, three times over: planned values, `before`/`after`, and
the configuration). This walker moves through the text with the json
module's C scanner, decodes one resource entry at a time and hands it over,
so the caller keeps only what it needs and the raw dicts die young.

It knows the layout of `terraform show -json` and nothing about resources:

- ``planned``: ``planned_values.root_module`` resources, child modules recursively;
- ``change``: ``resource_changes[]`` entries;
- ``prior``: ``prior_state.values.root_module`` resources (data sources read at plan time);
- ``config``: ``configuration`` module resources, ``call``: module calls
  (without their ``module``, which is walked as a child), ``outputs``,
  ``declared``: the module's variable declarations;
- ``variables``: the root module's variable values, ``output_changes``: the
  root outputs' changes (both read for what they mark sensitive);
- ``header``: the top-level scalars (format_version, terraform_version);
- ``section``: the name of each top-level member, as it is reached.

Every section is optional and may come in any order. Invalid JSON raises
InputError with the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]  # in CPython, not in typeshed
from typing import Any, NamedTuple

from ecs_guard.inputs.problems import InputError

_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # in CPython, not in typeshed
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class PlanEntry(NamedTuple):
    kind: str  # planned | change | prior | config | call | outputs | declared | variables | output_changes | header | section
    module: str  # configuration sections: the module's path without instance keys ("module.api")
    data: Any  # the decoded entry
    offset: int  # where the entry's first key starts in the text (for its line)


def iter_plan(text: str) -> Iterator[PlanEntry]:
    """Every entry the adapter may need, in the order of the text."""
    yield from _top(_Cursor(text))


def _top(cursor: _Cursor) -> Iterator[PlanEntry]:
    if cursor.peek() != "{":
        cursor.fail("a Terraform plan is a JSON object")
    for key in cursor.members():
        yield PlanEntry("section", "", key, cursor.pos)
        if key == "planned_values":
            yield from _within(cursor, "root_module", lambda: _state_module(cursor, "planned"))
        elif key == "resource_changes":
            yield from cursor.entries("change")
        elif key == "prior_state":
            yield from _within(
                cursor, "values", lambda: _within(cursor, "root_module", lambda: _state_module(cursor, "prior"))
            )
        elif key == "configuration":
            yield from _within(cursor, "root_module", lambda: _config_module(cursor, ""))
        elif key in ("variables", "output_changes"):
            offset = cursor.pos
            yield PlanEntry(key, "", cursor.value(), offset)
        elif key in ("format_version", "terraform_version"):
            offset = cursor.pos
            yield PlanEntry("header", "", (key, cursor.value()), offset)
        else:
            cursor.skip()
    cursor.end()


def _within(cursor: _Cursor, wanted: str, walk) -> Iterator[PlanEntry]:
    """Walk member `wanted` of the object at the cursor with `walk`, skipping the others."""
    for key in cursor.object_members():
        if key == wanted:
            yield from walk()
        else:
            cursor.skip()


def _state_module(cursor: _Cursor, kind: str) -> Iterator[PlanEntry]:
    """A module of planned values or prior state: {resources, child_modules, address}."""
    for key in cursor.object_members():
        if key == "resources":
            yield from cursor.entries(kind)
        elif key == "child_modules" and cursor.peek() == "[":
            for _ in cursor.items():
                yield from _state_module(cursor, kind)
        else:
            cursor.skip()


def _config_module(cursor: _Cursor, path: str) -> Iterator[PlanEntry]:
    """A configuration module: {resources, module_calls: {name: {..., module}}, outputs}."""
    for key in cursor.object_members():
        if key == "resources":
            yield from cursor.entries("config", path)
        elif key == "module_calls":
            for name in cursor.object_members():
                yield from _module_call(cursor, path, name)
        elif key in ("outputs", "variables"):
            offset = cursor.pos
            yield PlanEntry("outputs" if key == "outputs" else "declared", path, cursor.value(), offset)
        else:
            cursor.skip()


def _module_call(cursor: _Cursor, path: str, name: str) -> Iterator[PlanEntry]:
    offset = cursor.pos
    call = {}
    child = f"{path}.module.{name}" if path else f"module.{name}"
    for key in cursor.object_members():
        if key == "module":
            yield from _config_module(cursor, child)
        else:
            call[key] = cursor.value()
    yield PlanEntry("call", path, (name, call), offset)


class _Cursor:
    """A position in the text and the few moves the walk needs."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str):
        self.text = text
        self.pos = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]  # matches empty text too

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self) -> Any:
        """Decode the value at the cursor and move past it."""
        try:
            value, end = _SCAN(self.text, self.pos)
        except StopIteration as stop:  # the C scanner's "no value here"
            raise InputError("invalid JSON: expected a value", self.line_at(stop.value)) from None
        except json.JSONDecodeError as error:
            raise InputError(f"invalid JSON: {error.msg}", self.line_at(error.pos)) from None
        except RecursionError:
            raise InputError("invalid JSON: nested too deeply", self.line_at(self.pos)) from None
        self.pos = _WHITESPACE.match(self.text, end).end()  # type: ignore[union-attr]  # matches empty text too
        return value

    def entries(self, kind: str, module: str = "") -> Iterator[PlanEntry]:
        """Decode the resource entries of the array at the cursor, one at a
        time. Each entry's offset is its first key's (the line a reader looks
        for). This is the loop that runs for every resource: it is kept tight."""
        if self.peek() != "[":
            self.skip()
            return
        for _ in self.items():
            first_key = _WHITESPACE.match(self.text, self.pos + 1).end()  # type: ignore[union-attr]  # matches empty text too
            yield PlanEntry(kind, module, self.value(), first_key)

    def skip(self) -> None:
        """Move past the value at the cursor, holding at most one of its
        elements in memory (a skipped section may be as big as the plan)."""
        opener = self.peek()
        if opener == "[":
            for _ in self.items():
                self.value()
        elif opener == "{":
            for _ in self.members():
                self.value()
        else:
            self.value()

    def object_members(self) -> Iterator[str]:
        """members() of an object; nothing (the value skipped) for anything else."""
        if self.peek() == "{":
            yield from self.members()
        else:
            self.skip()

    def members(self) -> Iterator[str]:
        """The keys of the object at the cursor. After each key the cursor is
        at its value, and the caller must move past it before the next one."""
        text = self.text
        self.expect("{")
        if self.peek() == "}":
            self._advance(1)
            return
        while True:
            if self.peek() != '"':
                self.fail("expected a property name in double quotes")
            try:
                key, end = scanstring(text, self.pos + 1)
            except json.JSONDecodeError as error:
                raise InputError(f"invalid JSON: {error.msg}", self.line_at(error.pos)) from None
            self.pos = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]  # matches empty text too
            self.expect(":")
            yield key
            if self.peek() == ",":
                self._advance(1)
            elif self.peek() == "}":
                self._advance(1)
                return
            else:
                self.fail("expected ',' or '}'")

    def items(self) -> Iterator[int]:
        """The indexes of the array at the cursor, with the same contract as members()."""
        self.expect("[")
        if self.peek() == "]":
            self._advance(1)
            return
        index = 0
        while True:
            yield index
            index += 1
            if self.peek() == ",":
                self._advance(1)
            elif self.peek() == "]":
                self._advance(1)
                return
            else:
                self.fail("expected ',' or ']'")

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected '{char}'")
        self._advance(1)

    def end(self) -> None:
        if self.pos != len(self.text):
            self.fail("extra data after the plan object")

    def fail(self, message: str) -> None:
        raise InputError(f"invalid JSON: {message}", self.line_at(self.pos))

    def line_at(self, pos: int) -> int:
        return self.text.count("\n", 0, max(0, min(pos, len(self.text)))) + 1

    def _advance(self, count: int) -> None:
        self.pos = _WHITESPACE.match(self.text, self.pos + count).end()  # type: ignore[union-attr]  # matches empty text too
