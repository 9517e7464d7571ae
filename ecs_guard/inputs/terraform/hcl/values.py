"""Evaluated values: what an HCL expression is, as far as the configuration says.

A Val is a primitive (str, int, float, bool, None = null), a list of Vals
(tuple, list, or set when ``is_set``) or a dict of Vals (object or map), plus:

- ``known``: False when the value is decided only at plan or apply time
  (a computed attribute, a data source, a missing variable); ``reason``
  then says why, starting with the expression ("aws_iam_role.x.arn: known
  after apply"). A collection may be known with unknown elements.
- ``literal``: True when the value was written in the code; False when it
  came from a variable, a resource, a data source or a module output
  (EG501 exempts those). Locals, ``each`` and function calls are
  transparent: a function of literals is literal.
- ``file``/``line``: where the value was written. A reference to a scalar is
  located at the reference; a collection's elements keep their own lines,
  so a container object defined in a local points at the local.
- ``sources``: the resource attributes the value derives from, with full
  module addresses ("module.api.aws_iam_role.this.arn"), through any number
  of variables, locals and module outputs: the links a plan would only show
  as ``local.x`` or ``var.y``.
- ``document``: for a string made by jsonencode() (or parsed as JSON by the
  provider), the Val tree it encodes, so elements keep lines and flags.
- ``pieces``: for a string made by a template, its segments
  (text, literal, known, reason, line); lets a JSON document inside the
  string find which leaves are references and on which template line each
  part was written.
- ``error``: not known because Terraform would reject the expression.
- ``written``: (file, line) where a literal that reached its use through
  ``var.``, ``local.`` or a module argument was written (the .tfvars line,
  the variable's default, the module call's argument); ``file``/``line``
  are then where it is used. RULES.md "Where a finding points".
- ``origin``: (file, line) where the string's text starts (file(), a
  heredoc, a template), so a JSON document in it gets exact lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecs_guard.inputs.unknown import Unknown


class Val:
    __slots__ = (
        "document",
        "error",
        "file",
        "is_set",
        "known",
        "line",
        "literal",
        "origin",
        "pieces",
        "reason",
        "sources",
        "value",
        "written",
    )

    def __init__(
        self,
        value: Any,
        file: str = "",
        line: int = 0,
        *,
        known: bool = True,
        reason: str = "",
        literal: bool = True,
        sources: tuple = (),
        is_set: bool = False,
        document: Val | None = None,
        pieces: tuple | None = None,
        origin: tuple | None = None,
        error: bool = False,
        written: tuple | None = None,
    ):
        self.value = value
        self.known = known
        self.reason = reason
        self.literal = literal
        self.file = file
        self.line = line
        self.sources = sources
        self.is_set = is_set
        self.document = document
        self.pieces = pieces
        self.origin = origin
        self.error = error
        self.written = written

    # ------------------------------------------------------------- constructors

    @classmethod
    def unknown(cls, reason: str, file: str = "", line: int = 0, sources: tuple = (), literal: bool = False) -> Val:
        return cls(None, file, line, known=False, reason=reason, literal=literal, sources=sources)

    @classmethod
    def failure(cls, reason: str, file: str = "", line: int = 0) -> Val:
        """An expression Terraform would reject (wrong type, missing attribute):
        not known, and ``error`` so try()/can() can tell it from "not known yet"."""
        value = cls(None, file, line, known=False, reason=reason, literal=False)
        value.error = True
        return value

    def copy(self, **changes) -> Val:
        clone = Val.__new__(Val)
        for name in Val.__slots__:
            setattr(clone, name, changes[name] if name in changes else getattr(self, name))
        return clone

    def at(self, file: str, line: int) -> Val:
        """The same value, located where it is used."""
        return self.copy(file=file, line=line)

    # ------------------------------------------------------------- kinds

    @property
    def is_null(self) -> bool:
        return self.known and self.value is None

    @property
    def is_list(self) -> bool:
        return self.known and isinstance(self.value, list)

    @property
    def is_object(self) -> bool:
        return self.known and isinstance(self.value, dict)

    @property
    def is_string(self) -> bool:
        return self.known and isinstance(self.value, str)

    @property
    def is_number(self) -> bool:
        return self.known and type(self.value) in (int, float)

    @property
    def is_bool(self) -> bool:
        return self.known and isinstance(self.value, bool)

    # ------------------------------------------------------------- whole-tree questions

    def walk(self) -> Iterator[Val]:
        yield self
        if self.known:
            if isinstance(self.value, list):
                for item in self.value:
                    yield from item.walk()
            elif isinstance(self.value, dict):
                for item in self.value.values():
                    yield from item.walk()

    def first_unknown(self) -> Val | None:
        for node in self.walk():
            if not node.known:
                return node
        return None

    @property
    def wholly_known(self) -> bool:
        return self.first_unknown() is None

    @property
    def wholly_literal(self) -> bool:
        return all(node.literal for node in self.walk())

    def all_sources(self) -> tuple:
        seen: dict[str, None] = {}
        for node in self.walk():
            for source in node.sources:
                seen.setdefault(source, None)
        return tuple(seen)

    def to_python(self) -> Any:
        """Plain data; unknown parts become Unknown markers."""
        if not self.known:
            return Unknown(self.reason, self.known_tail())
        if isinstance(self.value, list):
            return [item.to_python() for item in self.value]
        if isinstance(self.value, dict):
            return {key: item.to_python() for key, item in self.value.items()}
        return self.value

    def known_tail(self) -> str | None:
        """The known end of a template string that is not known as a whole:
        the text of its pieces after the last one not known (":latest" of
        "${aws_ecr_repository.app.repository_url}:latest"); None when the
        string ends with a part that is not known, or is not a template."""
        if self.known or not self.pieces:
            return None
        tail: list[str] = []
        for text, _literal, known, _reason, _line in reversed(self.pieces):
            if not known:
                break
            tail.append(text)
        return "".join(reversed(tail)) or None

    def __repr__(self) -> str:
        if not self.known:
            return f"Val(unknown {self.reason!r})"
        return f"Val({self.to_python()!r}{'' if self.literal else ', ref'})"


def deep_mark(value: Val, **changes) -> Val:
    """A copy of the tree with `changes` applied to every node (e.g. literal=False)."""
    if not value.known:
        return value.copy(**changes)
    inner = value.value
    if isinstance(inner, list):
        inner = [deep_mark(item, **changes) for item in inner]
    elif isinstance(inner, dict):
        inner = {key: deep_mark(item, **changes) for key, item in inner.items()}
    document = deep_mark(value.document, **changes) if value.document is not None else None
    return value.copy(value=inner, document=document, **changes)


def make_set(items: list[Val], file: str, line: int, literal: bool = True) -> Val:
    """A set: duplicates removed; strings and numbers ordered as Terraform
    orders set elements (lexically, numerically). Any unknown element makes
    the whole set unknown, as in a plan (its size is not known)."""
    for item in items:
        missing = item.first_unknown()
        if missing is not None:
            return Val.unknown(missing.reason, file, line, sources=_sources(items), literal=literal)
    unique: dict[str, Val] = {}
    for item in items:
        unique.setdefault(repr(item.to_python()), item)
    values = list(unique.values())
    if (values and all(v.is_string for v in values)) or (values and all(v.is_number and not v.is_bool for v in values)):
        values.sort(key=lambda v: v.value)
    return Val(values, file, line, literal=literal, is_set=True)


def _sources(items: list[Val]) -> tuple:
    seen: dict[str, None] = {}
    for item in items:
        for source in item.all_sources():
            seen.setdefault(source, None)
    return tuple(seen)


def number(value: float | int):
    """Integral numbers as int, the way Terraform prints them."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value
