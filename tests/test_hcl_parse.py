"""Parsing: our syntax tree and its lines, bad HCL, the parse cache (hits,
damaged entries, concurrent runs), and the python-hcl2 traps (grammar cache
location, lazy import, checkov's fork)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ecs_guard.inputs.terraform.hcl.cache import ContentCache
from ecs_guard.inputs.terraform.hcl.library import hcl2_version
from ecs_guard.inputs.terraform.hcl.parse import (
    CACHE_FORMAT,
    HclSyntaxError,
    parse_cache,
    parse_file,
    parse_hcl,
    trim_heredoc_markers,
)
from ecs_guard.inputs.terraform.hcl.syntax import Call, Literal, ObjectExpr, Template, TemplateFor, TupleExpr
from ecs_guard.inputs.terraform.source.root import load_root

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = textwrap.dedent("""\
    resource "aws_ecs_task_definition" "app" {
      family = "app"
      container_definitions = jsonencode([
        {
          name       = "web"
          privileged = true
        },
      ])
      description = <<-EOT
        first ${var.x}
        %{ for n in var.names }${n}%{ endfor }
      EOT
    }
""")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _run(code: str, cache: Path, extra_path: str | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache))
    if extra_path:
        environment["PYTHONPATH"] = extra_path
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_syntax_tree_lines_reach_every_element_and_key():
    block = parse_hcl(SAMPLE).blocks[0]
    assert (block.line, block.end_line, block.labels) == (1, 13, ("aws_ecs_task_definition", "app"))
    definitions = block.body.attribute("container_definitions")
    assert definitions.line == 3
    call = definitions.expr
    assert isinstance(call, Call) and call.name == "jsonencode"
    container = call.args[0]
    assert isinstance(container, TupleExpr)
    element = container.items[0]
    assert isinstance(element, ObjectExpr) and element.line == 4
    assert [(item.key.value, item.line) for item in element.items] == [("name", 5), ("privileged", 6)]


def test_heredoc_templates_are_parsed_with_their_lines():
    description = parse_hcl(SAMPLE).blocks[0].body.attribute("description").expr
    assert isinstance(description, Template) and description.line == 10
    interpolation = description.parts[1]
    assert (interpolation.obj.name, interpolation.name, interpolation.line) == ("var", "x", 10)
    loop = next(part for part in description.parts if isinstance(part, TemplateFor))
    assert (loop.value_var, loop.line) == ("n", 11)


def test_a_string_without_interpolation_is_a_literal_with_escapes_resolved():
    attribute = parse_hcl('a = "x\\"y\\n$${z}"\n').attributes[0]
    assert attribute.expr == Literal(1, 'x"y\n${z}')


def test_bad_hcl_raises_one_line_with_the_line():
    with pytest.raises(HclSyntaxError) as caught:
        parse_hcl('resource "a" "b" {\n  x = \n}\n')
    assert (caught.value.line, caught.value.message) == (3, "syntax error: unexpected '}'")  # where the '}' is
    with pytest.raises(HclSyntaxError) as caught:
        parse_hcl('locals {\n  a = "${unterminated"\n}\n')
    assert caught.value.line == 2


def test_a_template_error_names_the_line_inside_a_heredoc():
    with pytest.raises(HclSyntaxError) as caught:
        parse_hcl("a = <<EOT\nfine\n%{ if true }never closed\nEOT\n")
    assert caught.value.line == 3
    assert caught.value.message == "%{if} without %{endif}"


def test_the_parse_cache_is_hit_and_a_damaged_entry_is_parsed_again(tmp_path):
    path = tmp_path / "main.tf"
    first = parse_file(path, SAMPLE)
    second = parse_file(path, SAMPLE)
    assert (first.cached, second.cached) == (False, True)
    assert second.body == first.body
    assert first.seconds > 0 and second.seconds > 0
    cache = parse_cache()
    entries = [p for p in cache.directory.rglob("*") if p.is_file()]
    assert len(entries) == 1
    entries[0].write_bytes(entries[0].read_bytes()[:-10])  # cut short
    third = parse_file(path, SAMPLE)
    assert third.cached is False and third.body == first.body
    assert parse_file(path, SAMPLE).cached is True  # rewritten
    key = cache.key(CACHE_FORMAT, hcl2_version(), "hcl", SAMPLE)
    cache.put(key, {"@": "NotANode", "f": []})  # a valid entry, not a tree
    assert parse_file(path, SAMPLE).cached is False


def test_concurrent_writers_never_leave_a_partial_entry(tmp_path):
    cache = ContentCache("race", tmp_path)
    key = cache.key("same content")
    big = {"data": ["x" * 1000] * 200}
    seen: list = []

    def write() -> None:
        for _ in range(20):
            cache.put(key, big)

    def read() -> None:
        for _ in range(200):
            seen.append(cache.get(key))

    threads = [threading.Thread(target=write) for _ in range(4)] + [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(value in (None, big) for value in seen)
    assert cache.get(key) == big
    assert [p.name for p in (tmp_path / "race").rglob("*") if p.is_file()] == [key.name]  # no temp files left


def test_parallel_processes_share_a_cold_cache(tmp_path):
    code = """
        from ecs_guard.inputs.terraform.source.root import load_root
        root = load_root("fixtures/hcl/ecs_stack")
        assert not root.problems, root.problems
        print(len(root.resources))
    """
    environment = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "shared"))
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code)],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    assert len({out for out, _ in outputs}) == 1
    leftovers = list((tmp_path / "shared").rglob(".tmp-*"))
    assert leftovers == []


def test_a_warm_run_does_not_import_hcl2_and_the_grammar_cache_is_in_the_user_cache(tmp_path):
    cache = tmp_path / "user-cache"
    cold = _run(
        """
        import sys
        import hcl2.parser
        from ecs_guard.inputs.terraform.source.root import load_root
        root = load_root("fixtures/hcl/modules")
        print(hcl2.parser.PARSER_FILE)
        print(all(not cached for cached in root.parse_cached.values()))
    """,
        cache,
    )
    assert cold.returncode == 0, cold.stderr
    grammar, all_parsed = cold.stdout.split()
    assert Path(grammar).parent == cache / "ecs-guard"  # the fallback; shipped tables are used (parser_tables.py)
    assert all_parsed == "True"
    warm = _run(
        """
        import sys
        from ecs_guard.inputs.terraform.source.root import load_root
        root = load_root("fixtures/hcl/modules")
        print("hcl2" in sys.modules, "lark" in sys.modules, all(root.parse_cached.values()), len(root.resources))
    """,
        cache,
    )
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.split() == ["False", "False", "True", "19"]


def test_checkovs_hcl2_fork_is_refused_with_a_clear_message(tmp_path):
    fork = tmp_path / "fork" / "hcl2"
    fork.mkdir(parents=True)
    (fork / "__init__.py").write_text("def loads(text):\n    return {}\n")
    (fork / "parser.py").write_text("PARSER_FILE = None\n")
    result = _run(
        """
        from ecs_guard.inputs.terraform.source.root import load_root
        root = load_root("fixtures/hcl/bad_hcl")
        print(root.resources)
        for problem in root.problems:
            print(problem)
    """,
        tmp_path / "cold",
        extra_path=str(tmp_path / "fork"),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[]"
    assert "not python-hcl2 8.x (probably bc-python-hcl2, installed by checkov" in lines[1]
    assert "Traceback" not in result.stdout + result.stderr


def test_parse_time_is_reported_per_file():
    root = load_root(ROOT / "fixtures" / "hcl" / "ecs_stack")
    assert sorted(Path(p).name for p in root.parse_seconds) == ["ecs.tf", "iam.tf", "locals.tf", "variables.tf"]
    assert all(seconds > 0 for seconds in root.parse_seconds.values())


def test_cache_entries_are_private_to_the_user(tmp_path):
    parse_file(tmp_path / "main.tf", 'locals {\n  password = "in-a-cached-file"\n}\n')
    entries = [p for p in parse_cache().directory.rglob("*") if p.is_file()]
    assert entries and all(entry.stat().st_mode & 0o077 == 0 for entry in entries)
    assert all(folder.stat().st_mode & 0o077 == 0 for folder in parse_cache().directory.rglob("*") if folder.is_dir())


def test_a_heredoc_closed_by_its_marker_with_spaces_around_it_is_read_as_terraform_reads_it():
    body = parse_hcl('a = <<EOF\n  hello\n  EOF  \nb = <<-EOT\n    x\n   EOT\t\nc = "after"\n')
    assert [attribute.name for attribute in body.attributes] == ["a", "b", "c"]
    assert body.attribute("a").expr.value == "  hello\n"
    assert body.attribute("b").expr.value == "x\n"
    assert body.attribute("c").line == 7


def test_a_heredoc_marker_line_with_trailing_spaces_inside_another_heredoc_ends_it_as_in_terraform():
    assert trim_heredoc_markers("a = <<EOF\nx\nEOF \n") == "a = <<EOF\nx\nEOF\n"
    assert trim_heredoc_markers('a = "no heredoc"  \n') == 'a = "no heredoc"  \n'
    # only the first closing line of each heredoc is touched
    assert trim_heredoc_markers("a = <<EOF\nEOF \nEOF \n") == "a = <<EOF\nEOF\nEOF \n"
