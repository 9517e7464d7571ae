"""Random HCL text that reaches every rule of python-hcl2's grammar, for
comparing the two parse paths (tests/test_hcl_syntax_builder.py).

Seeded, so a failure names a text that can be made again. Many texts are
not valid HCL (newlines and comments where the grammar does not allow them,
mutations): those must fail the same way through both paths.
"""

from __future__ import annotations

import random

ATTRIBUTE_NAMES = ["a", "b", "x_1", "data-x", "in", "for", "if", "true", "null", "for_each", "else", "endif"]
BREAKS = ["\n", "\n  ", " # c\n", " // c\n", " /* c */ ", "/* a\nb */", "\n\n", "\r\n"]
NUMBERS = ["0", "1", "42", "-3", "1.5", "1e3", "2.5E-2", "007", "-0.5", "123456789012345678901234567890", "9" * 310]
ACCESS = [".attr", ".0", "[0]", ".*", ".*.id", "[*]", "[*].name", "[*][0]", ".true", ".null", ".in"]
OPERATORS = [" + ", " - ", "*", " / ", " % ", " == ", " != ", " < ", " >= ", " && ", " || "]
OBJECT_KEYS = ["a", '"k"', '"${x}"', "1", "2.5", "true", "null", "in", "for", "if", "-1", "var.x", "a.b"]


def text(r: random.Random) -> str:
    """A body: attributes and blocks, with comments and blank lines between."""
    return _body(r, 0)


def mutated(r: random.Random, source: str) -> str:
    """`source` with one to three random insertions, deletions or copies."""
    out = source
    for _ in range(r.randint(1, 3)):
        at = r.randrange(len(out) + 1)
        kind = r.random()
        if kind < 0.4:
            out = out[:at] + r.choice(BREAKS) + out[at:]
        elif kind < 0.6:
            out = out[:at] + out[at + 1 :]
        elif kind < 0.8:
            piece = r.choice(["(", ")", "{", "}", "[", "]", ",", "=", ":", "?", "...", ".", '"', "${", "%{", "~", "=>"])
            out = out[:at] + piece + out[at:]
        else:
            start = r.randrange(len(out) + 1)
            out = out[:at] + out[start : start + 5] + out[at:]
    return out


def _gap(r: random.Random, chance: float = 0.15) -> str:
    roll = r.random()
    if roll < chance:
        return r.choice(BREAKS)
    return " " if roll < chance + 0.3 else ""


def _name(r: random.Random) -> str:
    return r.choice(["a", "b", "var", "local", "each", "foo_bar", "x-y", "module"])


def _string(r: random.Random, depth: int) -> str:
    parts = []
    for _ in range(r.randint(0, 4)):
        roll = r.random()
        if roll < 0.4:
            parts.append(
                r.choice(["abc", "a b", "\\n", '\\"q\\"', "\\u00e9", "$", "%", "$${x}", "%%{y}", "{", "}", "\\\\"])
            )
        elif roll < 0.7 and depth < 4:
            parts.append("${" + r.choice(["", "~"]) + _expression(r, depth + 1, True) + r.choice(["", "~"]) + "}")
        elif roll < 0.8 and depth < 4:
            parts.append("%{ if " + _expression(r, depth + 1, True) + " }yes%{ else }no%{ endif }")
        elif roll < 0.9 and depth < 4:
            collection = _expression(r, depth + 1, True)
            parts.append("%{ for " + r.choice(["k, v", "v"]) + " in " + collection + " }[${v}]%{ endfor }")
        elif roll < 0.92:
            parts.append(r.choice(["%{ if x }", "%{ endif }", "%{ else }", "%{ endfor }", "${", "}"]))
    return '"' + "".join(parts) + '"'


def _heredoc(r: random.Random) -> str:
    marker = r.choice(["EOT", "EOF", "E"])
    lines = [
        r.choice(["  line", "    ${var.x}", "plain", "%{ if a }y%{ endif }", "", "  EOTX"])
        for _ in range(r.randint(0, 3))
    ]
    body = "".join(line + "\n" for line in lines)
    return f"<<{r.choice(['', '-'])}{marker}\n{body}{r.choice(['', '  '])}{marker}\n"


def _expression(r: random.Random, depth: int = 0, in_template: bool = False) -> str:
    if depth > 5:
        return r.choice([r.choice(NUMBERS), '"s"', _name(r)])
    roll = r.random()
    deeper = depth + 1
    if roll < 0.12:
        return r.choice(NUMBERS)
    if roll < 0.22:
        return _string(r, depth)
    if roll < 0.30:
        return r.choice(["true", "false", "null"])
    if roll < 0.40:
        out = _name(r)
        for _ in range(r.randint(0, 3)):
            out += r.choice([*ACCESS, "[" + _gap(r) + _expression(r, deeper) + _gap(r) + "]"])
        return out
    if roll < 0.48:
        items = ("," + _gap(r)).join(_expression(r, deeper) for _ in range(r.randint(0, 3)))
        return "[" + _gap(r) + items + r.choice(["", ","]) + _gap(r) + "]"
    if roll < 0.58:
        items = []
        for _ in range(r.randint(0, 3)):
            key = r.choice([*OBJECT_KEYS, "(" + _expression(r, deeper) + ")"])
            items.append(key + r.choice([" = ", ": ", "=", " :"]) + _expression(r, deeper))
        return "{" + _gap(r) + r.choice([",", "\n", ",\n", " ,", " # c\n"]).join(items) + _gap(r) + "}"
    if roll < 0.64:
        arguments = [_expression(r, deeper) for _ in range(r.randint(0, 3))]
        tail = r.choice(["", ",", "...", " ..."]) if arguments else ""
        function = r.choice(["f", "jsonencode", "provider::aws::arn_parse", "merge"])
        return function + "(" + _gap(r) + ("," + _gap(r)).join(arguments) + tail + _gap(r) + ")"
    if roll < 0.72 and not in_template:
        return _expression(r, deeper) + _gap(r, 0.05) + r.choice(OPERATORS) + _gap(r) + _expression(r, deeper)
    if roll < 0.76:
        condition, then, otherwise = (_expression(r, deeper) for _ in range(3))
        return condition + r.choice([" ? ", "\n? ", " ?\n"]) + then + r.choice([" : ", "\n: ", " :\n"]) + otherwise
    if roll < 0.80:
        return r.choice(["-", "!", "- "]) + _expression(r, deeper)
    if roll < 0.84:
        return "(" + _gap(r) + _expression(r, deeper) + _gap(r) + ")"
    if roll < 0.88:
        intro = f"for {_gap(r, 0.1)}{r.choice(['v', 'k, v', 'k,v'])}{_gap(r, 0.1)} in {_gap(r, 0.1)}"
        intro += _expression(r, deeper) + _gap(r, 0.1) + " :" + _gap(r, 0.1)
        condition = r.choice(["", " if " + _expression(r, deeper)])
        if r.random() < 0.5:
            return "[" + _gap(r) + intro + " " + _expression(r, deeper) + _gap(r, 0.1) + condition + _gap(r) + "]"
        pair = _expression(r, deeper) + " => " + _gap(r, 0.1) + _expression(r, deeper) + r.choice(["", "...", " ..."])
        return "{" + _gap(r) + intro + " " + pair + _gap(r, 0.1) + condition + _gap(r) + "}"
    if roll < 0.92:
        return _heredoc(r)
    if roll < 0.95:
        return '\\"quoted\\"'
    return _name(r)


def _body(r: random.Random, depth: int) -> str:
    statements: list[str] = []
    for _ in range(r.randint(0, 5)):
        if r.random() < 0.6 or depth > 2:
            name = r.choice(ATTRIBUTE_NAMES) + (str(len(statements)) if r.random() < 0.9 else "")
            statements.append(name + r.choice([" = ", "=", " =  "]) + _expression(r))
        else:
            labels = " ".join(r.choice(['"x"', "y", '"a b"', '""', "in", '"${z}"']) for _ in range(r.randint(0, 2)))
            opening = r.choice([" {", "\n{", " {\n"])
            kind = r.choice(["resource", "locals", "dynamic", "in", "module"])
            statements.append(f"{kind} {labels}{opening}\n{_body(r, depth + 1)}\n}}")
    separator = r.choice(["\n", "\n\n", "\n# comment\n", "\n  // c\n", "\r\n"])
    return r.choice(["", "\n", "# head\n"]) + separator.join(statements) + r.choice(["", "\n", "\n\n"])
