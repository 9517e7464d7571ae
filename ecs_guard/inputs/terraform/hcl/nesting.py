"""How deeply HCL text nests, found in one linear pass before it is parsed.

The parser and the tree converter recurse once per level of brackets, so a
file nested thousands of levels deep (a fuzzer's, or an attacker's) spends
seconds in the parser before Python's recursion limit stops it, and ends
in an unhelpful message. Real Terraform nests a dozen levels; MAX_NESTING
is far above that and far below where parsing gets slow or fails, so such
a file is refused at once, naming the line where the limit is passed.

Brackets inside strings, heredocs and comments are text, not nesting; an
interpolation (``${ ... }``, ``%{ ... }``) inside a quoted string nests
like the code it holds.
"""

from __future__ import annotations

import re

MAX_NESTING = 128

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = frozenset(")]}")
# The next character that matters, so long runs of text are skipped at C speed.
_IN_CODE = re.compile(r'["()\[\]{}#/<]')
_IN_STRING = re.compile(r'["\\$%]')


def too_deep_line(text: str, limit: int = MAX_NESTING) -> int | None:
    """The line on which `text` first nests deeper than `limit` levels, or None."""
    stack: list[str] = []  # what each open level is: a bracket, a quoted string, an interpolation
    index = 0
    size = len(text)
    while index < size:
        in_string = bool(stack) and stack[-1] == '"'
        found = (_IN_STRING if in_string else _IN_CODE).search(text, index)
        if found is None:
            break
        index = found.start()
        char = text[index]
        if in_string:
            if char == "\\":
                index += 2
                continue
            if char == '"':
                stack.pop()
            elif char in "$%" and text.startswith("{", index + 1):
                if text.startswith(char * 2, index - 1) and index > 0:  # $${ and %%{ are escapes
                    index += 2
                    continue
                stack.append("interpolation")
                if len(stack) > limit:
                    return _line(text, index)
                index += 2
                continue
            index += 1
            continue
        if char == '"':
            stack.append('"')
        elif char in _OPEN:
            stack.append(char)
        elif char in _CLOSE:
            if stack:
                stack.pop()
        elif char == "#" or text.startswith("//", index):
            end = text.find("\n", index)
            index = size if end < 0 else end
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = size if end < 0 else end + 2
            continue
        elif text.startswith("<<", index):
            index = _skip_heredoc(text, index)
            continue
        if len(stack) > limit:
            return _line(text, index)
        index += 1
    return None


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip_heredoc(text: str, index: int) -> int:
    """The index after a heredoc starting at `index` (``<<EOT`` or ``<<-EOT``), or
    just past ``<<`` when it is not one."""
    start = index + 2
    if text.startswith("-", start):
        start += 1
    end_of_line = text.find("\n", start)
    marker = text[start : end_of_line if end_of_line >= 0 else len(text)].strip()
    if (
        not marker
        or not (marker[0].isalpha() or marker[0] == "_")
        or not marker.replace("_", "").replace("-", "").isalnum()
    ):
        return index + 2
    position = end_of_line
    while position >= 0:
        next_end = text.find("\n", position + 1)
        current = text[position + 1 : next_end if next_end >= 0 else len(text)]
        if current.strip() == marker:
            return next_end if next_end >= 0 else len(text)
        position = next_end
    return len(text)
