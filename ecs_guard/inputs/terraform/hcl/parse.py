"""HCL text -> our syntax tree (syntax.py): the fast path, the reference, the parse cache.

Two ways to the same nodes, both driving python-hcl2's grammar and tables:

- the fast path (syntax_builder.py) builds our nodes while lark parses,
  nothing else: about four times cheaper, and what every clean file gets;
- the reference (rule_tree.py) is python-hcl2's own pipeline read into our
  nodes. Any text the fast path does not build cleanly (an error of any
  kind) is parsed again through it, so every problem is reported exactly
  as it always was; tests hold the two equal on every fixture.

``hcl2.loads(..., with_meta=...)`` does nothing in 8.1.4: lines come from
lark's tokens. Parsed files are cached by content (cache.py), so a warm run
imports no hcl2 at all; parse_file reports how long each file took.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ecs_guard.inputs.terraform.hcl.cache import ContentCache, EntryKey
from ecs_guard.inputs.terraform.hcl.library import hcl2_module, hcl2_version, lark_parser
from ecs_guard.inputs.terraform.hcl.nesting import MAX_NESTING, too_deep_line
from ecs_guard.inputs.terraform.hcl.rule_tree import Converter
from ecs_guard.inputs.terraform.hcl.syntax import Body, Literal, Template, from_json, to_json
from ecs_guard.inputs.terraform.hcl.syntax_builder import RULES_DIGEST, SyntaxBuilder, rules_digest
from ecs_guard.inputs.terraform.hcl.syntax_error import HclSyntaxError
from ecs_guard.inputs.terraform.hcl.templates import TemplateError, parse_template

CACHE_FORMAT = "ecs-guard-hcl-syntax-1"
_WRAPPER = "__ecs_guard_expression__ = ("
# Tokens made of the user's text (strings, heredocs), never quoted in messages.
_TEXT_TOKENS = frozenset(
    {
        "STRING_CHARS",
        "HEREDOC_TEMPLATE",
        "HEREDOC_TEMPLATE_TRIM",
        "TEMPLATE_STRING",
        "ESCAPED_INTERPOLATION",
        "ESCAPED_DIRECTIVE",
    }
)
_PUNCTUATION = re.compile(r"[{}\[\](),=:]+\Z")


@dataclass
class ParsedFile:
    path: str  # as given (display path)
    body: Body
    seconds: float  # time to parse, or to load from the cache
    cached: bool


def parse_cache() -> ContentCache:
    """The cache of parsed files (its directory read from the environment each time)."""
    return ContentCache("parsed")


def parse_cache_key(kind: str, text: str) -> EntryKey:
    """The parse cache's key for `text` ("hcl": a file, "template": a templatefile() template)."""
    return parse_cache().key(CACHE_FORMAT, hcl2_version(), kind, text)


def parse_file(path: Path, text: str, use_cache: bool = True) -> ParsedFile:
    """Parse one .tf/.tfvars file's text. Raises HclSyntaxError."""
    started = time.perf_counter()
    try:
        body, cached = cached_syntax("hcl", text, lambda: parse_hcl(text), Body, use_cache)
    except RecursionError:
        raise HclSyntaxError("too deeply nested to parse", None) from None
    return ParsedFile(str(path), body, time.perf_counter() - started, cached)


def parse_template_text(text: str, use_cache: bool = True):
    """A templatefile() template: Literal or Template (cached like files).
    Raises HclSyntaxError."""

    def build():
        try:
            return parse_template(text, 1, False, parse_expression)
        except TemplateError as error:
            raise HclSyntaxError(error.message, error.line) from None

    node, _ = cached_syntax("template", text, build, (Literal, Template), use_cache)
    return node


def cached_syntax(kind: str, text: str, build, expected, use_cache: bool):
    """(syntax tree, whether it came from the cache): the parse cache for any
    syntax `build` makes (HCL here, Terraform's JSON syntax in
    source/json_syntax.py), keyed by `kind` and the text. A cache entry that
    does not decode to the expected node is damaged: built again and overwritten."""
    if not use_cache:
        return build(), False
    cache = parse_cache()
    key = parse_cache_key(kind, text)
    entry = cache.get(key)
    if entry is not None:
        try:
            node = from_json(entry)
            if isinstance(node, expected):
                return node, True
        except (ValueError, TypeError):
            pass
    node = build()
    cache.put(key, to_json(node))
    return node, False


_HEREDOC_OPENER = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\r?\n")


def trim_heredoc_markers(text: str) -> str:
    """The text with spaces after each heredoc's closing marker removed.

    Terraform ends a heredoc at the first line that is its marker once
    trimmed of spaces on both sides (``  EOF  ``); python-hcl2's grammar
    allows them only before the marker, and would reject the whole file.
    Only trailing blanks on closing lines change, so every line and column
    stays where it was.
    """
    if "<<" not in text:
        return text
    out: list[str] = []
    position = 0
    for opener in _HEREDOC_OPENER.finditer(text):
        if opener.start() < position:
            continue  # inside a heredoc already closed below
        marker = re.escape(opener.group(1))
        closing = re.compile(r"^[ \t]*" + marker + r"([ \t]+)(?=\r?$)|^[ \t]*" + marker + r"(?=\r?$)", re.M)
        found = closing.search(text, opener.end())
        if found is None:
            continue
        if found.group(1):
            out.append(text[position : found.start(1)])
            position = found.end(1)
        else:
            out.append(text[position : found.end()])
            position = found.end()
    out.append(text[position:])
    return "".join(out)


def parse_hcl(text: str) -> Body:
    """The syntax of one file's text. Raises HclSyntaxError."""
    text = _prepared(text)
    builder = _fast_builder()
    if builder is not None:
        try:
            return builder.parse_file(text)
        except Exception:  # not built cleanly: the reference parses it again, and says what is wrong
            pass
    return _reference_body(text)


def parse_hcl_reference(text: str) -> Body:
    """parse_hcl through python-hcl2's rule tree only (tests compare the two paths)."""
    return _reference_body(_prepared(text))


def parse_expression(text: str, line: int):
    """One expression (from inside "${...}"), its first line being `line`.
    Raises TemplateError."""
    source = f"{_WRAPPER}{text}\n)\n"
    builder = _fast_builder()
    if builder is not None:
        try:
            return builder.parse_wrapped(source, line - 1)
        except Exception:  # as in parse_hcl
            pass
    return _reference_expression(source, line)


def load_parser() -> None:
    """Load now what parse_hcl needs (python-hcl2, lark, the parser tables):
    before worker processes are forked (parallel_parse.py), so that they
    share it rather than each loading it again."""
    if _fast_builder() is None:
        hcl2_module().api._get_parser()


def _prepared(text: str) -> str:
    too_deep = too_deep_line(text)  # refused before the parser spends seconds on it
    if too_deep is not None:
        raise HclSyntaxError(f"nested more than {MAX_NESTING} levels deep: not parsed", too_deep)
    return trim_heredoc_markers(text)


@lru_cache(maxsize=1)
def _fast_builder() -> SyntaxBuilder | None:
    """The fast path's builder, its parser loaded from the same tables as
    python-hcl2's (parser_tables.py); None when that parser cannot be made
    or its grammar is not the one the builder was checked against."""
    hcl2_module()  # an unusable hcl2 (bc-python-hcl2) is reported as before
    builder = SyntaxBuilder(parse_expression)
    try:
        parser = lark_parser(transformer=builder.transformer(), propagate_positions=False)
    except Exception:  # an unforeseen lark: the reference serves every parse
        return None
    if rules_digest(parser.rules) != RULES_DIGEST:
        return None
    builder.lark = parser
    return builder


def _reference_body(text: str) -> Body:
    hcl2 = hcl2_module()
    try:
        tree = hcl2.parses(text, discard_comments=True)
    except RecursionError:
        raise HclSyntaxError("too deeply nested to parse", None) from None
    except Exception as error:  # lark raises many kinds; all mean "not HCL"
        raise _syntax_error(error) from None
    try:
        return Converter(text, 0, _reference_expression_of).body(tree.body)
    except TemplateError as error:
        raise HclSyntaxError(error.message, error.line) from None


def _reference_expression_of(text: str, line: int):
    return _reference_expression(f"{_WRAPPER}{text}\n)\n", line)


def _reference_expression(source: str, line: int):
    hcl2 = hcl2_module()
    try:
        tree = hcl2.parses(source, discard_comments=True)
    except Exception as error:
        problem = _syntax_error(error)
        raise TemplateError(f"in template expression: {problem.message}", line + (problem.line or 1) - 1) from None
    attribute = next(child for child in tree.body.children if type(child).__name__ == "AttributeRule")
    return Converter(source, line - 1, _reference_expression_of).expression(attribute.expression)


def _syntax_error(error: Exception) -> HclSyntaxError:
    line = getattr(error, "line", None)
    line = line if isinstance(line, int) and line > 0 else None
    kind = type(error).__name__
    if kind == "UnexpectedToken":
        token = error.token  # type: ignore[attr-defined]  # lark's UnexpectedToken, matched by name
        raw = str(token.value)
        if line is not None:  # the token may start with the newlines before it: the line of what is unexpected
            line += raw[: len(raw) - len(raw.lstrip())].count("\n")
        lines = raw.strip().splitlines()
        value = lines[0].strip() if lines else token.type
        if token.type == "$END":
            what = "end of file"
        elif token.type in _TEXT_TOKENS and not _PUNCTUATION.match(value):
            what = "text"  # not repeated: it could be part of a secret
        else:
            what = repr(value if len(value) <= 30 else value[:27] + "...")
        return HclSyntaxError(f"syntax error: unexpected {what}", line)
    if kind == "UnexpectedCharacters":
        char = error.char if error.char in "{}[]()=,:?!.<>*/+-%&|#'\\" else "character"  # type: ignore[attr-defined]  # lark's UnexpectedCharacters, matched by name
        return HclSyntaxError(
            f"syntax error: unexpected {char!r}" if char != "character" else "syntax error: unexpected character", line
        )
    if kind == "UnexpectedEOF":
        return HclSyntaxError("syntax error: unexpected end of file", line)
    return HclSyntaxError(f"syntax error ({kind})", line)
