"""HCL string templates: "${...}" interpolations and %{if}/%{for} directives.

python-hcl2 keeps a heredoc as one opaque token and a templatefile() file is
not HCL at all, so templates are scanned here, from the raw text, for all
three places they occur (quoted strings, heredocs, template files): one
scanner, one set of rules. The expression inside "${...}" is handed to
``parse_expr`` (the real HCL parser). Strip markers (``~``) trim the
whitespace next to them, as in Terraform.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ecs_guard.inputs.terraform.hcl.syntax import Literal, Template, TemplateFor, TemplateIf


class TemplateError(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


ParseExpr = Callable[[str, int], object]  # (expression text, line) -> Expr

_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_FOR_HEADER = re.compile(r"\s*for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s+(.*)\Z", re.S)
_IF_HEADER = re.compile(r"\s*if\s+(.*)\Z", re.S)
_SPECIAL = re.compile(r"[$%]")  # what may start a sequence in a heredoc or template file
_SPECIAL_QUOTED = re.compile(r"[$%\\]")  # and an escape in a quoted string


def parse_template(text: str, line: int, quoted: bool, parse_expr: ParseExpr):
    """A Literal (no interpolation) or a Template for `text`, which starts at `line`.
    ``quoted`` resolves backslash escapes (quoted strings); heredocs and
    template files take backslashes literally."""
    tokens = _tokens(text, line, quoted, parse_expr)
    _apply_strip_markers(tokens)
    parts, end, _ = _assemble(tokens, 0, ())
    if end is not None:
        raise TemplateError(f"%{{{end[0]}}} without a matching opening directive", end[1])
    if all(isinstance(part, str) for part in parts):
        return Literal(line, "".join(parts))
    return Template(line, tuple(parts))


def heredoc_body(token: str) -> tuple[str, int]:
    """(template text, number of lines before it) of a heredoc token
    ``<<EOT\\n...\\nEOT\\n``; ``<<-`` removes the common indentation."""
    first_newline = token.index("\n")
    header = token[:first_newline].rstrip("\r")
    marker = header.lstrip("<").lstrip("-")
    body = token[first_newline + 1 :]
    closing = re.search(r"(^|\n)[ \t]*" + re.escape(marker) + r"\r?\n?\Z", body)
    body = body[: closing.start() + len(closing.group(1))] if closing else body
    if header.startswith("<<-"):
        body = _dedent(body)
    return body, 1


def _dedent(body: str) -> str:
    lines = body.split("\n")
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    width = min(indents, default=0)
    return "\n".join(line[width:] if line.strip() else line.lstrip(" \t") for line in lines)


# ----------------------------------------------------------------- scanning


def _tokens(text: str, line: int, quoted: bool, parse_expr: ParseExpr) -> list:
    """Flat tokens: ["lit", str] | ["expr", Expr, strip_l, strip_r] |
    ["if"|"else"|"endif"|"for"|"endfor", payload, strip_l, strip_r, line].

    Linear in the text: plain runs are copied in one slice up to the next
    character that may start something (a backslash, ``$`` or ``%``), and
    lines are counted from the previous sequence, not from the start (per
    character and from the start, a 1 MB heredoc took minutes)."""
    tokens: list = []
    literal: list[str] = []
    i, n = 0, len(text)
    special = _SPECIAL_QUOTED if quoted else _SPECIAL
    counted_to, at_line = 0, line  # newlines before `counted_to` are in `at_line`

    def flush():
        if literal:
            tokens.append(["lit", "".join(literal)])
            literal.clear()

    while i < n:
        plain = special.search(text, i)
        stop = plain.start() if plain else n
        if stop > i:
            literal.append(text[i:stop])
            i = stop
            continue
        char = text[i]
        if quoted and char == "\\" and i + 1 < n:
            escaped, i = _escape(text, i)
            literal.append(escaped)
            continue
        if text.startswith("$${", i) or text.startswith("%%{", i):
            literal.append(text[i + 1 : i + 3])
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            at_line += text.count("\n", counted_to, i)
            counted_to = i
            end = _closing_brace(text, i + 2, at_line)
            inner = text[i + 2 : end]
            strip_left = inner.startswith("~")
            strip_right = inner.endswith("~") and len(inner) > 1
            inner = inner[1 if strip_left else 0 : len(inner) - (1 if strip_right else 0)]
            flush()
            if char == "$":
                tokens.append(["expr", parse_expr(inner, at_line), strip_left, strip_right])
            else:
                tokens.append([*_directive(inner, at_line, parse_expr), strip_left, strip_right, at_line])
            i = end + 1
            continue
        literal.append(char)
        i += 1
    flush()
    return tokens


def _escape(text: str, i: int) -> tuple[str, int]:
    marker = text[i + 1]
    if marker in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[marker], i + 2
    if marker in "uU":
        width = 4 if marker == "u" else 8
        digits = text[i + 2 : i + 2 + width]
        if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
            return chr(int(digits, 16)), i + 2 + width
    return text[i : i + 2], i + 2


def _closing_brace(text: str, i: int, line: int) -> int:
    depth = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == '"':
            i = _skip_string(text, i + 1, line)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise TemplateError("unterminated template sequence (missing '}')", line)


def _skip_string(text: str, i: int, line: int) -> int:
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == '"':
            return i + 1
        if text.startswith("$${", i) or text.startswith("%%{", i):
            i += 3
            continue
        if text.startswith("${", i) or text.startswith("%{", i):
            i = _closing_brace(text, i + 2, line) + 1
            continue
        i += 1
    raise TemplateError("unterminated string inside a template sequence", line)


def _directive(inner: str, line: int, parse_expr: ParseExpr) -> list:
    word = inner.strip()
    if word in ("else", "endif", "endfor"):
        return [word, None]
    header = _FOR_HEADER.match(inner)
    if header:
        first, second, collection = header.groups()
        key_var, value_var = (first, second) if second else (None, first)
        return ["for", (key_var, value_var, parse_expr(collection, line))]
    header = _IF_HEADER.match(inner)
    if header:
        return ["if", parse_expr(header.group(1), line)]
    raise TemplateError(f"unknown template directive %{{{word}}}", line)


def _apply_strip_markers(tokens: list) -> None:
    for index, token in enumerate(tokens):
        if token[0] == "lit":
            continue
        strip_left, strip_right = token[2], token[3]
        if strip_left and index > 0 and tokens[index - 1][0] == "lit":
            tokens[index - 1][1] = tokens[index - 1][1].rstrip()
        if strip_right and index + 1 < len(tokens) and tokens[index + 1][0] == "lit":
            tokens[index + 1][1] = tokens[index + 1][1].lstrip()


def _assemble(tokens: list, start: int, closers: tuple) -> tuple[list, tuple | None, int]:
    """Nest directives: (parts, (closing word, line) or None, next index)."""
    parts: list = []
    i = start
    while i < len(tokens):
        token = tokens[i]
        kind = token[0]
        if kind == "lit" or kind == "expr":
            parts.append(token[1])
        elif kind in closers:
            return parts, (kind, token[-1]), i + 1
        elif kind == "if":
            then, end, i = _assemble(tokens, i + 1, ("else", "endif"))
            otherwise: list = []
            if end is not None and end[0] == "else":
                otherwise, end, i = _assemble(tokens, i, ("endif",))
            if end is None or end[0] != "endif":
                raise TemplateError("%{if} without %{endif}", token[-1])
            parts.append(TemplateIf(token[-1], token[1], tuple(then), tuple(otherwise)))
            continue
        elif kind == "for":
            body, end, i = _assemble(tokens, i + 1, ("endfor",))
            if end is None:
                raise TemplateError("%{for} without %{endfor}", token[-1])
            key_var, value_var, collection = token[1]
            parts.append(TemplateFor(token[-1], key_var, value_var, collection, tuple(body)))
            continue
        else:
            return parts, (kind, token[-1]), i + 1
        i += 1
    return parts, None, i
