"""Undo checkov's rewriting of "=" as ":" in strings inside maps.

checkov evaluates an HCL object (``jsonencode([{ value = "user=app" }])``,
a map passed through a variable or a local) by turning it into Python
text, and on the way replaces every single "=" inside the braces with ":"
(evaluate_terraform.evaluate_map, checkov 3.x), string contents included:
``"jdbc:postgresql://db/app?user=app&password=hunter2"`` reaches a check as
``...?user:app&password:hunter2``, which no longer looks like a credential.

The strings written in the configuration's files tell what the text was:
a string inside a map that contains ":" is looked up among the literals
written (and the templates, ``"${local.registry}/api:latest"``) whose
rewritten form it is. One original found: that is the value. None or
several: the value is not known (``Unknown``), never guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ecs_guard.inputs.unknown import Unknown

_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_INTERPOLATION = re.compile(r"(?<!\$)\$\{[^}]*\}")  # not an escaped $${
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json")
MAX_FILE = 5 * 1024 * 1024  # a bigger file is not read for literals: its strings stay not known
REWRITTEN = "checkov rewrote '=' as ':' in this value and the text written could not be found"


def rewritten(text: str) -> str:
    """What checkov makes of `text` inside a map: "=" becomes ":" unless part of "==" or "!="."""
    if "=" not in text:
        return text
    padded = f" {text} "
    chars = list(padded)
    for i in range(1, len(chars) - 1):
        if chars[i] == "=" and chars[i - 1] not in ("=", "!") and chars[i + 1] != "=":
            chars[i] = ":"
    return "".join(chars)[1:-1]


def _unescaped(text: str) -> str:
    """A literal's value: ``$${`` and ``%%{`` are Terraform's escapes of ``${`` and ``%{``."""
    return text.replace("$${", "${").replace("%%{", "%{")


class Literals:
    """The string literals written in the files of a Terraform configuration."""

    def __init__(self, folders: set[str]):
        self._exact: dict[str, set[str]] = {}  # rewritten form -> the literals written
        self._escaped: dict[str, set[str]] = {}  # the same, for literals written with $${ (a literal "${")
        self._templates: list[tuple[re.Pattern[str], list[str]]] = []
        for folder in sorted(folders):
            for path in sorted(Path(folder).iterdir()) if Path(folder).is_dir() else ():
                if path.name.endswith(_SUFFIXES) and path.is_file() and path.stat().st_size <= MAX_FILE:
                    self._read(path.read_text(encoding="utf-8", errors="replace"))
        self.restore = lru_cache(maxsize=4096)(self._restore)

    def _read(self, text: str) -> None:
        for match in _STRING.finditer(text):
            literal = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), match.group(1))
            if _INTERPOLATION.search(literal):
                pieces = [_unescaped(p) for p in _INTERPOLATION.split(literal)]
                if any(":" in rewritten(p) for p in pieces):
                    pattern = "(.*?)".join(re.escape(rewritten(p)) for p in pieces)
                    self._templates.append((re.compile(pattern, re.DOTALL), pieces))
            else:
                value = _unescaped(literal)
                self._exact.setdefault(rewritten(value), set()).add(value)
                if value != literal:
                    self._escaped.setdefault(rewritten(value), set()).add(value)

    def escaped(self, text: str) -> str | None:
        """The literal checkov rendered as `text` when it was written with
        ``$${`` (a "${" that is no template: ``"$${DB_PASSWORD}"``), else None."""
        found = self._escaped.get(text) or self._escaped.get(rewritten(text)) or ()
        if len(found) == 1 and not (self._exact.get(rewritten(text), set()) - set(found)):
            return next(iter(found))
        return None

    def _restore(self, text: str) -> str | Unknown:
        """The value checkov rendered as `text` inside a map."""
        if ":" not in text:
            return text
        found = set(self._exact.get(text, ()))
        for pattern, pieces in self._templates:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            parts = [pieces[0]]
            for group, piece in zip(match.groups(), pieces[1:], strict=True):
                value = self._restore(group) if ":" in group else group
                if isinstance(value, Unknown):
                    return Unknown(REWRITTEN)
                parts += [value, piece]
            found.add("".join(parts))
        if len(found) == 1:
            return found.pop()
        return Unknown(REWRITTEN)
