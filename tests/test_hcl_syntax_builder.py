"""The fast parse path (syntax_builder.py) against the reference (rule_tree.py).

Both drive python-hcl2's grammar; the fast one builds our nodes while lark
parses, the reference reads python-hcl2's rule tree. Wherever the reference
gives a tree, the fast path must give the same tree, lines and end lines
included; wherever the reference reports a problem, the fast path must not
build anything (parse.py then asks the reference, whose message is the one
shown). Checked on every piece of HCL in the repository, on texts written
to reach each grammar rule, and on seeded random texts."""

from __future__ import annotations

import random
from pathlib import Path

import hcl_text_generator
import pytest
from input_helpers import repository_hcl

from ecs_guard.inputs.terraform.hcl import parse, syntax_builder
from ecs_guard.inputs.terraform.hcl.parse import (
    HclSyntaxError,
    parse_expression,
    parse_hcl,
    parse_hcl_reference,
    parse_template_text,
)
from ecs_guard.inputs.terraform.hcl.syntax import to_json

ROOT = Path(__file__).resolve().parent.parent

# Each reaches rules or shapes the fixtures do not (or only rarely) hold.
SHAPES = [
    "x = 1 * 2\n",  # a binary operation ends with the newline after it: its end line is the next
    "x = a +\n  b\ny = 2",  # no newline at the end of the file
    "x = a\n  ? b\n  : c\n",
    "x = (a\n)\n",
    "x = -1\ny = -a\nz = !true\nw = - 2.5\n",
    "x = 1e3\ny = 2.5E-2\nz = 007\nbig = " + "9" * 310 + "\nhuge = 123456789012345678901234567890\n",
    "x = <<EOT\n  a ${var.b}\nEOT\ny = <<-EOT\n    c\n      d\n    EOT\n",
    'x = <<EOT\nbody\nEOT\n + "tail"\n',
    'x = "${a}-%{ if b }c%{ else }d%{ endif }-%{ for k, v in m }${k}=${v}%{ endfor }"\n',
    'x = "%{ if a }${\\"quoted\\"}%{ endif }"\n',
    'x = "$${not} %%{not} \\u00e9 \\n \\\\ \\" $ %"\n',
    'x = { a = 1, "b" = 2, 3 = 4, 4.5 = 5, true = 6, null = 7, in = 8, for = 9, (k) = 10, -1 = 11, a.b = 12 }\n',
    "x = {\n  a = 1\n  b : 2,\n  # c\n  c = 3 // d\n}\n",
    'x = [for k, v in m : v if k != "a"]\ny = {for v in l : v.id => v... if v.on}\n',
    "x = [\n  for v in l :\n  v\n]\n",
    'x = a.b[0].c[*].d.*.e[1]["k"].0\ny = a[*]\nz = a.*\nw = a.true.null.in\n',
    "x = f()\ny = f(a, b...)\nz = provider::aws::arn_parse(a,\n  b,\n)\n",
    'resource "a" "b" {\n  in {\n    for_each = 1\n  }\n  dynamic "x" {\n    content {}\n  }\n}\n',
    'block "" "a b" c {\n}\nempty {}\n',
    "x = 1\r\ny = [\r\n  2,\r\n]\r\n",
    "/* head */\n# c\n// c\nx = 1 /* inline */\n",
    "x = a == b && c != d || e < f && g >= h\ny = a % b / c\n",
    "x = a # comment\n  + b\n",
    # problems, each reported by the reference
    "x = 1\nx = 2\n",
    'resource "${a}" {\n}\n',
    'x = "%{ if a }never closed"\n',
    'x = "%{ for v in l }never closed"\n',
    'x = "%{ endif }"\n',
    'x = "%{ for v in l }x%{ endif }"\n',  # python-hcl2 refuses it, our template reader would not
    'x = "${"\n',
    "x = 1 +\n",
    "x = <<EOT\nno end\n",
]


def _reference(text: str):
    try:
        return to_json(parse_hcl_reference(text))
    except HclSyntaxError as error:
        return ("problem", error.message, error.line)


def _fast_only(text: str):
    """What the fast path alone builds (no fallback), or None when it builds nothing."""
    builder = parse._fast_builder()
    assert builder is not None
    prepared = parse.trim_heredoc_markers(text)
    try:
        return to_json(builder.parse_file(prepared))
    except Exception:
        return None


def _assert_same(name: str, text: str) -> bool:
    """True when the reference built a tree (so the fast path had to build it too)."""
    expected = _reference(text)
    built = _fast_only(text)
    if isinstance(expected, tuple):
        assert built is None, f"{name}: the reference reports {expected[1:]}, the fast path built a tree"
        return False
    assert built == expected, name
    return True


def test_the_fast_path_is_used_with_the_installed_python_hcl2():
    builder = parse._fast_builder()
    assert builder is not None, "the fast parse path is off"
    assert syntax_builder.rules_digest(builder.lark.rules) == syntax_builder.RULES_DIGEST, (
        "python-hcl2's grammar changed: check syntax_builder.py's callbacks against it, then update RULES_DIGEST"
    )


def test_every_piece_of_hcl_in_the_repository_parses_the_same_both_ways():
    corpus = repository_hcl()
    assert len(corpus) > 150
    trees = sum(_assert_same(name, text) for name, text in corpus)
    assert trees > 150


@pytest.mark.parametrize("text", SHAPES)
def test_each_grammar_shape_parses_the_same_both_ways(text):
    _assert_same(repr(text), text)


def test_seeded_random_texts_parse_the_same_both_ways():
    r = random.Random(11)
    trees = problems = 0
    for number in range(400):
        text = hcl_text_generator.text(r)
        if parse.too_deep_line(text) is None:
            built = _assert_same(f"text {number}: {text!r}", text)
            trees, problems = trees + built, problems + (not built)
        broken = hcl_text_generator.mutated(r, text)
        if broken and parse.too_deep_line(broken) is None:
            built = _assert_same(f"mutated {number}: {broken!r}", broken)
            trees, problems = trees + built, problems + (not built)
    assert trees > 100 and problems > 100  # both sides of the comparison were reached


def test_a_problem_is_reported_by_the_reference_whatever_the_fast_path_met(monkeypatch):
    with pytest.raises(HclSyntaxError) as twice:
        parse_hcl('x = 1\ny = "a"\nx = 2\n')
    assert (twice.value.message, twice.value.line) == ('attribute "x" is defined twice (first on line 1)', 3)
    with pytest.raises(HclSyntaxError) as label:
        parse_hcl('resource "${a}" "b" {\n}\n')
    assert (label.value.message, label.value.line) == ("a block label cannot contain interpolations", 1)
    with pytest.raises(HclSyntaxError) as syntax:
        parse_hcl("x = 1\ny = [1,\n")
    assert syntax.value.message.startswith("syntax error") and syntax.value.line == 3


def test_a_clean_file_never_reaches_the_reference(monkeypatch):
    def refuse(text):
        raise AssertionError("the reference was asked")

    monkeypatch.setattr(parse, "_reference_body", refuse)
    monkeypatch.setattr(parse, "_reference_expression", refuse)
    text = (ROOT / "fixtures" / "hcl" / "ecs_stack" / "ecs.tf").read_text(encoding="utf-8")
    assert parse_hcl(text).blocks


def test_with_a_grammar_the_builder_was_not_checked_against_every_parse_takes_the_reference(monkeypatch):
    text = (ROOT / "fixtures" / "hcl" / "ecs_stack" / "ecs.tf").read_text(encoding="utf-8")
    expected = to_json(parse_hcl(text))
    parse._fast_builder.cache_clear()
    monkeypatch.setattr(parse, "RULES_DIGEST", "another grammar")
    asked = []
    reference = parse._reference_body
    monkeypatch.setattr(parse, "_reference_body", lambda source: asked.append(1) or reference(source))
    try:
        assert parse._fast_builder() is None
        assert to_json(parse_hcl(text)) == expected
        assert asked == [1]
    finally:
        parse._fast_builder.cache_clear()


def test_template_expressions_and_files_parse_the_same_both_ways():
    for text, line in [("var.a", 1), ("a ? b : c", 7), ("[for v in l : v.id]", 3), ('f("${x}", 2)', 12)]:
        assert to_json(parse_expression(text, line)) == to_json(parse._reference_expression_of(text, line))
    template = (ROOT / "fixtures" / "hcl" / "ecs_stack" / "templates" / "batch.json.tpl").read_text(encoding="utf-8")
    fast = parse_template_text(template, use_cache=False)
    assert "${" in template and fast is not None
    reference = parse.parse_template(template, 1, False, parse._reference_expression_of)
    assert to_json(fast) == to_json(reference)
